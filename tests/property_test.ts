// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The property tests (tests/_properties.ts) need fast-check, a test-only
// npm package: `deno task test` gets it through tests/import_map.json, Bun
// after `bun install`. Without it they are skipped with the reason printed,
// so that `bun test` in a fresh clone runs every other test instead of
// failing to load this file.

import { describe, it } from "node:test";

let missing: string | undefined;
try {
  await import("fast-check");
} catch (error) {
  missing =
    `fast-check cannot be loaded (deno task test maps it to npm; or bun install, npm install): ${
      String(error).split("\n")[0]
    }`;
}

if (missing === undefined) {
  // Not inside the try: an error in the tests themselves must fail the run.
  await import("./_properties.ts");
} else {
  console.warn(`property_test: skipped: ${missing}`);
  describe("property tests", () => {
    it("need fast-check", { skip: missing }, () => {});
  });
}
