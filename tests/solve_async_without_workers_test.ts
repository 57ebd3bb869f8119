// Copyright the @x/minimalloc authors. Apache-2.0 license.

// solveAsync where the runtime has no Web Workers (Node 20, workerd, a
// page that forbids them) solves on the calling thread, in turns: the
// same answers as solve(), and an abort signal that stops it, with the
// caller's timers running meanwhile. Before, it ran solve() there, which
// held the thread to the end: aborted at 300 ms, a hard solve without a
// time limit never came back; and then, while probes went in turns, a
// large minimization's fast heuristics and neighbourhood search still held
// it (2,000 buffers aborted at 1.5 s came back after 16 s). Run in a
// process of its own, since the library reads whether workers exist when
// it loads.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execPath } from "node:process";
import { run } from "./_process.ts";

const IS_DENO = "Deno" in globalThis;

/** Runs tests/_without_workers.ts in `mode`; its JSON line. */
async function withoutWorkers(mode: string) {
  const script = "tests/_without_workers.ts";
  const command = IS_DENO ? [execPath, "run", "-A", script, mode] : [execPath, script, mode];
  const result = await run(command, { limitMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

describe("solveAsync without Web Workers", () => {
  it("gives solve()'s answer, and an abort stops a hard solve at once", async () => {
    const { same, code, ms, ticks } = await withoutWorkers("hard");
    assert.equal(same, true, "solveAsync's offsets are solve()'s");
    assert.equal(code, "cancelled");
    // Aborted after 300 ms: it ends within a search run or two of that.
    assert.ok(ms < 2_000, `ended after ${ms.toFixed(0)} ms`);
    assert.ok(ticks >= 3, `${ticks} timer ticks while it ran`);
  });

  it("an abort stops a large minimization's heuristics and neighbourhood search", async () => {
    const { code, ms, held } = await withoutWorkers("large");
    // Aborted, a minimization returns the best solution it has (none, on
    // a machine slow enough that its heuristics had not finished).
    assert.ok(code === "solved" || code === "cancelled", code);
    // Aborted after 1.5 s; the steps between two turns take about 20 ms
    // (a heuristic's pass up to about 0.1 s here).
    assert.ok(ms < 3_500, `ended after ${ms.toFixed(0)} ms`);
    assert.ok(held < 1_000, `the thread was held for ${held.toFixed(0)} ms at once`);
  });
});
