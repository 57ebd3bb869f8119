// Copyright the @x/minimalloc authors. Apache-2.0 license.

// A gap that reaches outside its buffer's lifespan: the reference reads
// such rows (its own converter tests feed `5,15,0,10,1,9-11 12-14@2:13`),
// so parseCsv accepts them and keeps only the part inside the lifespan; a
// gap wholly outside is dropped. Problems built in code still must keep
// their gaps inside the lifespan (solve_test.ts checks that).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inProcess } from "./_in_process.ts";
import { parseCsv } from "../src/csv_parse.ts";
import { solve } from "../src/solve.ts";
import { solveHeuristic } from "../src/heuristics.ts";
import { validate } from "../src/validate.ts";

const REFERENCE_ROW = "5,15,0,10,1,9-11 12-14@2:13\n";

describe("parseCsv cuts gaps to the lifespan", () => {
  it("reads the reference's row: 9-11 becomes 9-10, 12-14 is dropped", () => {
    const problem = parseCsv(`start,size,buffer,upper,alignment,gaps\n${REFERENCE_ROW}`);
    assert.deepEqual(problem.buffers, [
      { id: "0", lower: 5, upper: 10, size: 15, alignment: 1, gaps: [{ lower: 9, upper: 10 }] },
    ]);
  });

  it("reads it in the old format too, where uppers are inclusive", () => {
    // [5, 11) with gaps [9, 12) and [12, 15): the first is cut to [9, 11).
    const problem = parseCsv(`start,size,buffer,end,hint,gaps\n${REFERENCE_ROW}`);
    assert.deepEqual(problem.buffers, [
      { id: "0", lower: 5, upper: 11, size: 15, hint: 1, gaps: [{ lower: 9, upper: 11 }] },
    ]);
  });

  it("cuts at both ends, keeps windows, and drops the gaps wholly outside", () => {
    const problem = parseCsv(
      "id,lower,upper,size,gaps\n" +
        "a,5,10,4,0-2 3-7@1:2 8-9 9-20\n" +
        "b,5,10,4,0-5 10-12\n" +
        "c,5,10,4,0-20@0:1\n",
    );
    assert.deepEqual(problem.buffers.map((b) => b.gaps), [
      [
        { lower: 5, upper: 7, window: { lower: 1, upper: 2 } },
        { lower: 8, upper: 9 },
        { lower: 9, upper: 10 },
      ],
      undefined,
      [{ lower: 5, upper: 10, window: { lower: 0, upper: 1 } }],
    ]);
  });

  it("still checks what it cuts: order, L < U and windows", () => {
    const row = (gaps: string) => `id,lower,upper,size,gaps\na,5,10,4,${gaps}\n`;
    assert.throws(() => parseCsv(row("1-3 2-4")), /expected gaps in time order without overlap/);
    assert.throws(() => parseCsv(row("12-11")), /expected a gap L-U with L < U, got 12-11/);
    assert.throws(
      () => parseCsv(row("11-12@0:5")),
      /expected a window A:B with 0 <= A < B <= size/,
    );
  });

  it("gives a problem the solvers accept, with the same answers as the cut gaps", () => {
    const csv = "id,lower,upper,size,gaps\na,0,10,4,8-12\nb,0,10,4,\nc,8,12,4,\n";
    const problem = parseCsv(csv, { capacity: 8 });
    const cut = parseCsv(csv.replace("8-12", "8-10"), { capacity: 8 });
    assert.deepEqual(problem, cut);
    const solution = solve(problem);
    assert.equal(validate(problem, solution), "good");
    assert.equal(solution.height, 8);
    assert.equal(validate(problem, solveHeuristic(problem)), "good");
  });
});

describe("the command line solves a file with gaps outside the lifespan", () => {
  it("exits 0 and writes the cut gaps", async () => {
    const dir = mkdtempSync(join(tmpdir(), "minimalloc-gaps-"));
    try {
      const input = join(dir, "in.csv");
      const output = join(dir, "out.csv");
      writeFileSync(input, `start,size,buffer,upper,alignment,gaps\n${REFERENCE_ROW}`);
      const { code, stderr } = await inProcess([
        "--capacity=15",
        `--input=${input}`,
        `--output=${output}`,
        "--validate",
      ]);
      assert.equal(code, 0, stderr);
      assert.match(stderr, /Validation PASS, height 15/);
      assert.equal(
        readFileSync(output, "utf8"),
        "id,lower,upper,size,gaps,offset\n0,5,10,15,9-10,0\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
