// Copyright the @x/minimalloc authors. Apache-2.0 license.

// A pinned buffer's top bounds every solution's height. The minimization
// started from the peak load alone, so where a pin reaches higher it
// probed capacities below that pin, which a search can neither fill nor,
// with a pin that has a gap (the holes between pins leave those out),
// prove infeasible: a 60-buffer problem with 30 % pinned ended at 385920
// after 20 s where the optimum 383680 is the top of a pin, and a solve
// below a pin's top searched to its time limit. Small problems run on
// the calling thread, larger ones on workers: both sizes are checked.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Buffer, Problem } from "../src/problem.ts";
import { solve } from "../src/solve.ts";
import { solveAsync } from "../src/solve_async.ts";
import { SolveError } from "../src/errors.ts";
import { validate } from "../src/validate.ts";
import { workersAvailable } from "../src/_pool.ts";
import { mulberry32 } from "../src/_random.ts";
import { WORKERS_MIN_BUFFERS } from "../src/_limits.ts";
import { generateProblem } from "../benchmarks/_generate.ts";
import { stringifyCsv } from "../src/csv_stringify.ts";
import { inProcess } from "./_in_process.ts";

/**
 * A generated problem with its greedy witness's highest buffer pinned
 * where the witness has it, with a gap, and about 30 % of the others
 * pinned too: the witness's height is then the optimum, above the peak
 * load. Also the pinned buffer.
 */
function pinnedAtTop(buffers: number, seed: number): { problem: Problem; top: Buffer } {
  const generated = generateProblem({ buffers, seed, gaps: 0.2 });
  const witness = generated.witness!;
  const copies: Buffer[] = generated.problem.buffers.map((b) => ({ ...b }));
  let highest = 0;
  copies.forEach((b, i) => {
    if (witness.offsets[i] + b.size > witness.offsets[highest] + copies[highest].size) highest = i;
  });
  const random = mulberry32(seed);
  copies.forEach((b, i) => {
    if (i === highest || random() < 0.3) b.offset = witness.offsets[i];
  });
  const top = copies[highest];
  if (!top.gaps?.length) top.gaps = [{ lower: top.lower + 1, upper: top.lower + 2 }];
  assert.ok(top.upper - top.lower >= 3, "the gap lies inside the lifespan");
  assert.ok(
    generated.peakLoad < top.offset! + top.size,
    "the pin reaches above the peak load",
  );
  return { problem: { buffers: copies }, top };
}

const CASES = [
  { buffers: 50, seed: 4, solver: "solve" },
  { buffers: 50, seed: 4, solver: "solveAsync" },
  { buffers: 120, seed: 2, solver: "solveAsync" },
  { buffers: 120, seed: 3, solver: "solveAsync" },
] as const;

async function run(
  solver: "solve" | "solveAsync",
  problem: Problem,
  options: { minimizeCapacity?: boolean },
) {
  const all = { ...options, timeout: 10_000 };
  return solver === "solve" ? solve(problem, all) : await solveAsync(problem, all);
}

describe("a pinned buffer's top as the lower bound", () => {
  for (const { buffers, seed, solver } of CASES) {
    const where = `${buffers} buffers, seed ${seed}, ${solver}`;
    it(`a minimization proves the pin's top optimal (${where})`, async () => {
      const { problem, top } = pinnedAtTop(buffers, seed);
      const height = top.offset! + top.size;
      const solution = await run(solver, problem, { minimizeCapacity: true });
      assert.equal(validate({ ...problem, capacity: solution.height }, solution), "good");
      assert.equal(solution.height, height);
      assert.equal(solution.lowerBound, height);
      assert.equal(solution.optimal, true);
      if (buffers >= WORKERS_MIN_BUFFERS && workersAvailable()) {
        assert.ok((solution.stats?.workers ?? 0) > 0, "the workers answered");
      }
    });

    it(`a capacity below the pin's top is infeasible at once, and says why (${where})`, async () => {
      const { problem, top } = pinnedAtTop(buffers, seed);
      const capacity = top.offset! + top.size - 1;
      await assert.rejects(
        async () => await run(solver, { ...problem, capacity }, {}),
        (error: unknown) => {
          assert.ok(error instanceof SolveError);
          assert.equal(error.code, "infeasible");
          assert.equal(
            error.message,
            `No solution exists within capacity ${capacity}: buffer ${
              JSON.stringify(top.id)
            } is fixed at ${top.offset} and reaches ${capacity + 1}`,
          );
          assert.equal(error.nodes, 0);
          return true;
        },
      );
    });
  }

  it("the command line, with a capacity below the pin's top", async () => {
    const { problem, top } = pinnedAtTop(120, 2);
    const capacity = top.offset! + top.size - 1;
    const csv = stringifyCsv(problem);
    const flags = [`--capacity=${capacity}`, "--timeout=10s", "--input=-", "--quiet"];
    const run = await inProcess(flags, csv);
    assert.equal(run.code, 1);
    assert.deepEqual(run.lines, [
      `minimalloc: infeasible: the fixed offsets alone fail: bad offset: buffer ${
        JSON.stringify(top.id)
      } at ${top.offset} reaches ${capacity + 1}, above the capacity ${capacity}`,
    ]);
  });
});
