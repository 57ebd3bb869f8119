// Copyright the @x/minimalloc authors. Apache-2.0 license.

// solveAsync where the runtime has no Web Workers (Node 20, workerd, a
// page that forbids them) solves on the calling thread, in turns: the
// same answers as solve(), and an abort signal that stops it, with the
// caller's timers running meanwhile. Before, it ran solve() there, which
// held the thread to the end: aborted at 300 ms, a hard solve without a
// time limit never came back. Run in a process of its own, since the
// library reads whether workers exist when it loads.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execPath } from "node:process";
import { run } from "./_process.ts";

const IS_DENO = "Deno" in globalThis;

describe("solveAsync without Web Workers", () => {
  it("gives solve()'s answer, and an abort stops a hard solve at once", async () => {
    const script = "tests/_without_workers.ts";
    const command = IS_DENO ? [execPath, "run", "-A", script] : [execPath, script];
    const result = await run(command, { limitMs: 30_000 });
    assert.equal(result.code, 0, result.stderr);
    const { same, code, ms, ticks } = JSON.parse(result.stdout);
    assert.equal(same, true, "solveAsync's offsets are solve()'s");
    assert.equal(code, "cancelled");
    // Aborted after 300 ms: it ends within a search run or two of that.
    assert.ok(ms < 2_000, `ended after ${ms.toFixed(0)} ms`);
    assert.ok(ticks >= 3, `${ticks} timer ticks while it ran`);
  });
});
