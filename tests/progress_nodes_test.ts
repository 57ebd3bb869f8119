// Copyright the @x/minimalloc authors. Apache-2.0 license.

// solveAsync's onProgress counts the searches' nodes as their runs end, in
// a fixed-capacity solve too (it used to report only a minimization's
// bounds), at most about ten times a second; the CLI's progress line shows
// them.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { MinimizeProgress } from "../src/options.ts";
import { SolveError } from "../src/errors.ts";
import { solveAsync } from "../src/solve_async.ts";
import { PROGRESS_INTERVAL_MS } from "../src/_limits.ts";
import { hardProblem } from "./_problems.ts";
import { inProcess } from "./_in_process.ts";
import { stringifyCsv } from "../src/csv_stringify.ts";

describe("progress with nodes", () => {
  it("a fixed-capacity solve on workers reports growing node counts, spaced out", async () => {
    // Not settled for seconds: it runs to its time limit.
    const { problem } = hardProblem();
    const seen: MinimizeProgress[] = [];
    let nodes = 0;
    try {
      await solveAsync(problem, { timeout: 1500, onProgress: (p) => void seen.push(p) });
      assert.fail("solved");
    } catch (error) {
      if (!(error instanceof SolveError) || error.code !== "timeout") throw error;
      nodes = error.nodes;
    }
    assert.ok(seen.length >= 3, `${seen.length} reports`);
    for (let k = 1; k < seen.length; k++) {
      assert.ok(seen[k].nodes! >= seen[k - 1].nodes!, "nodes never fall");
      assert.ok(seen[k].elapsedMs - seen[k - 1].elapsedMs >= PROGRESS_INTERVAL_MS - 1);
    }
    assert.ok(seen[0].nodes! > 0);
    assert.ok(seen.at(-1)!.nodes! <= nodes, `${seen.at(-1)!.nodes} <= ${nodes}`);
    for (const p of seen) {
      assert.equal(p.lowerBound, problem.capacity, "the peak load, which it fills exactly");
      assert.equal(p.bestHeight, undefined);
    }
  });

  it("the CLI's progress line shows them", async () => {
    const { problem } = hardProblem();
    const run = await inProcess(
      [`--capacity=${problem.capacity}`, "--input=-", "--timeout=2.5s", "--progress"],
      stringifyCsv(problem),
    );
    assert.equal(run.code, 1);
    assert.match(run.lines[0], /^\[minimalloc\] \d+\.\ds, \d+ nodes, lower bound \d+$/);
  });
});
