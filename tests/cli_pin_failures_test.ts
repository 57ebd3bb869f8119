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
    assert.deepEqual(run.lines, ["minimalloc: infeasible: no solution fits within capacity 11"]);
  });
});
