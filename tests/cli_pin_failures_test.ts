// Copyright the @x/minimalloc authors. Apache-2.0 license.

// A solve that fails on its fixed offsets alone says which buffers and
// which rule, with or without a capacity (it said "capacity undefined").

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inProcess } from "./_in_process.ts";

const OVERLAP = "id,lower,upper,size,offset\na,0,5,4,0\nb,0,5,4,2\n";
const OVERLAP_LINE =
  'minimalloc: infeasible: the fixed offsets alone fail: bad overlap: buffer "a" ' +
  'at 0 and buffer "b" at 2 overlap while both are live';

describe("failures the pins cause", () => {
  for (const flags of [["--heuristic=best"], ["--minimize_capacity"], ["--capacity=100"]]) {
    it(`two pins that overlap (${flags[0]})`, async () => {
      const run = await inProcess([...flags, "--input=-", "--quiet"], OVERLAP);
      assert.equal(run.code, 1);
      assert.deepEqual(run.lines, [OVERLAP_LINE]);
    });
  }

  it("a pin above the capacity", async () => {
    const csv = "id,lower,upper,size,offset\na,0,5,4,10\nb,0,5,4,\n";
    const run = await inProcess(["--capacity=12", "--input=-", "--quiet"], csv);
    assert.equal(run.code, 1);
    assert.deepEqual(run.lines, [
      'minimalloc: infeasible: the fixed offsets alone fail: bad offset: buffer "a" at 10 ' +
      "reaches 14, above the capacity 12",
    ]);
  });

  it("200,000 pins, one above the capacity (it overflowed the stack)", async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `b${i},${i},${i + 1},4,0`);
    const csv = `id,lower,upper,size,offset\n${rows.join("\n")}\nz,0,1,4,100\n`;
    const run = await inProcess(["--capacity=50", "--input=-", "--quiet"], csv);
    assert.equal(run.code, 1);
    assert.deepEqual(run.lines, [
      'minimalloc: infeasible: the fixed offsets alone fail: bad offset: buffer "z" at 100 ' +
      "reaches 104, above the capacity 50",
    ]);
  });

  it("pins that fit say nothing of them", async () => {
    const csv = "id,lower,upper,size,offset\na,0,5,4,0\nb,0,5,4,\nc,0,5,4,\n";
    const run = await inProcess(["--capacity=11", "--input=-", "--quiet"], csv);
    assert.equal(run.code, 1);
    assert.deepEqual(run.lines, [
      "minimalloc: infeasible: no solution fits within capacity 11: the peak load is 12",
    ]);
  });
});

describe("what a failure or a result says of the lower bound", () => {
  // Three buffers of 3 bytes aligned to 2, live together: 0, 4, 8, so 11
  // at least, where the peak load is 9.
  const PADDED = "id,lower,upper,size,alignment\na,0,2,3,2\nb,0,2,3,2\nc,0,2,3,2\n";
  // A pin reaching 58 over a peak load of 4.
  const PIN_TOP = "id,lower,upper,size,offset\na,0,2,4,\nb,3,4,8,50\n";

  it("the solver's reason for infeasible, fixed and minimized (the command line dropped it)", async () => {
    const fixed = await inProcess(["--capacity=9", "--input=-", "--quiet"], PADDED);
    assert.equal(fixed.code, 1);
    assert.deepEqual(fixed.lines, [
      "minimalloc: infeasible: no solution fits within capacity 9: with the padding their " +
      "alignments force, the buffers live at one moment need 11",
    ]);
    const minimized = await inProcess(
      ["--capacity=9", "--minimize_capacity", "--input=-", "--quiet"],
      PADDED,
    );
    assert.equal(minimized.code, 1);
    assert.deepEqual(minimized.lines, [
      "minimalloc: no valid capacity: infeasible within 9: with the padding their alignments " +
      "force, the buffers live at one moment need 11",
    ]);
  });

  it("--json gives the solver's bound without a minimization (it gave the peak load)", async () => {
    for (const [csv, capacity, bound] of [[PADDED, 11, 11], [PIN_TOP, 58, 58], [PIN_TOP, 57, 58]]) {
      const run = await inProcess(
        [`--capacity=${capacity}`, "--json", "--input=-", "--quiet"],
        csv as string,
      );
      const report = JSON.parse(run.stdout);
      assert.equal(report.lowerBound, bound, `${capacity}: ${run.stdout}`);
    }
  });

  it("--reference minimizes to a pin's top and says it is proved (it said 1350 % above 4)", async () => {
    const run = await inProcess(
      ["--minimize_capacity", "--reference", "--capacity=100", "--input=-", "--output=-"],
      PIN_TOP,
    );
    assert.equal(run.code, 0);
    assert.ok(run.lines.includes("Minimized height 58, proved optimal"), run.lines.join("\n"));
  });
});
