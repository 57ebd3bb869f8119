// Copyright the @x/minimalloc authors. Apache-2.0 license.
// What a library bundle (for browsers, for workerd) may hold of Deno.

import assert from "node:assert/strict";

/**
 * Asserts that a bundle of mod.ts uses Deno's API only in the command
 * line's Deno host (src/_host.ts's `denoHost`), which the bundle carries
 * along for `deno run jsr:@x/minimalloc` and which returns at once where
 * `Deno` is not defined; and nowhere else.
 */
export function assertDenoOnlyInHost(source: string): void {
  const start = source.indexOf("\nfunction denoHost(");
  let rest = source;
  if (start >= 0) {
    const end = source.indexOf("\n}\n", start);
    assert.ok(end > start, "the end of denoHost in the bundle");
    const body = source.slice(start, end);
    // Its first statement: where Deno is not, nothing of it runs.
    assert.match(
      body.split("\n").slice(0, 3).join("\n"),
      /if \(typeof Deno !== "object"[^\n]*\) return/,
      "denoHost begins by returning where Deno is not",
    );
    rest = source.slice(0, start) + source.slice(end);
  }
  assert.deepEqual(rest.match(/\bDeno\./g), null, "a Deno API outside the command line's host");
}
