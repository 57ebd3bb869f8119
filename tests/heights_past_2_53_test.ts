// Copyright the @x/minimalloc authors. Apache-2.0 license.

// Heights past 2^53 - 1 are not exact in a JavaScript number: the solvers
// refuse a problem whose heights could get there (checkProblem's bound:
// the sum of size + alignment - 1 over the buffers plus the largest fixed
// offset), with a RangeError naming the bound, rather than answer with
// rounded offsets that overlap. Up to the bound, answers are exact.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Buffer, Problem } from "../src/problem.ts";
import { REFERENCE_OPTIONS } from "../src/options.ts";
import { solve } from "../src/solve.ts";
import { solveAsync } from "../src/solve_async.ts";
import { solveHeuristic } from "../src/heuristics.ts";
import { validate } from "../src/validate.ts";
import { inProcess } from "./_in_process.ts";

const MAX = Number.MAX_SAFE_INTEGER;

/** Buffers of the given sizes, all live at once. */
function overlapping(...sizes: number[]): Buffer[] {
  return sizes.map((size, i) => ({ id: `b${i}`, lower: 0, upper: 10, size }));
}

/** Asserts a RangeError whose one-line message names the bound. */
function refusal(bound: bigint): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof RangeError, String(error));
    assert.match(error.message, new RegExp(`^Cannot solve: heights could reach ${bound} \\(`));
    assert.match(error.message, /past 2\^53 - 1 = 9007199254740991/);
    assert.ok(!error.message.includes("\n"));
    return true;
  };
}

describe("heights that could pass 2^53 - 1 are refused", () => {
  const four: Problem = { buffers: overlapping(MAX, MAX, MAX, MAX) };
  const bound = 4n * BigInt(MAX);

  it("four overlapping buffers of 2^53 - 1: minimize refuses, in both modes", () => {
    assert.throws(() => solve(four, { minimizeCapacity: true }), refusal(bound));
    assert.throws(
      () => solve({ ...four, capacity: MAX }, { ...REFERENCE_OPTIONS, minimizeCapacity: true }),
      refusal(bound),
    );
  });

  it("solveAsync and solveHeuristic refuse too", async () => {
    await assert.rejects(solveAsync(four, { minimizeCapacity: true }), refusal(bound));
    assert.throws(() => solveHeuristic(four), refusal(bound));
  });

  it("a plain solve refuses as well, whatever the capacity", () => {
    // Conservative: the heuristics the solve starts from ignore the capacity.
    assert.throws(() => solve({ ...four, capacity: 100 }), refusal(bound));
  });

  it("alignment slack and the largest fixed offset count", () => {
    const aligned = [{ id: "a", lower: 0, upper: 2, size: MAX - 1, alignment: 2 }, {
      id: "b",
      lower: 0,
      upper: 2,
      size: 1,
    }];
    assert.throws(() => solveHeuristic({ buffers: aligned }), refusal(BigInt(MAX) + 1n));
    const pinned = [
      { id: "a", lower: 0, upper: 2, size: 5, offset: MAX - 10 },
      { id: "b", lower: 0, upper: 2, size: 6 },
    ];
    assert.throws(() => solveHeuristic({ buffers: pinned }), refusal(BigInt(MAX) + 1n));
  });
});

describe("heights up to 2^53 - 1 are exact", () => {
  it("two overlapping buffers that reach exactly 2^53 - 1: minimize finds it", () => {
    const problem = { buffers: overlapping(2 ** 52, 2 ** 52 - 1) };
    for (const options of [{}, REFERENCE_OPTIONS]) {
      const solution = solve({ ...problem, capacity: MAX }, { ...options, minimizeCapacity: true });
      assert.equal(solution.height, MAX);
      // One buffer sits on the other, which starts at 0.
      const [a, b] = solution.offsets;
      assert.ok(a === 0 ? b === 2 ** 52 : a === 2 ** 52 - 1 && b === 0, `offsets ${a}, ${b}`);
      assert.equal(validate({ ...problem, capacity: MAX }, solution), "good");
    }
    const heuristic = solveHeuristic(problem);
    assert.equal(heuristic.height, MAX);
    assert.equal(validate(problem, heuristic), "good");
  });
});

describe("validate flags tops past 2^53 - 1", () => {
  it("a top that would round is a bad offset, even without a capacity", () => {
    // The top is 2^53 + 1, which a number rounds to 2^53.
    const problem = { buffers: overlapping(MAX) };
    assert.equal(validate(problem, { offsets: [2], height: 2 ** 53 }), "bad offset");
    assert.equal(validate(problem, { offsets: [0], height: MAX }), "good");
  });
});

describe("the command line's refusal", () => {
  it("names the input: one line, exit 2", async () => {
    const csv = "id,lower,upper,size\nb1,0,3,4503599627370496\nb2,0,3,4503599627370496\n";
    const run = await inProcess(["--minimize_capacity", "--input=-"], csv);
    assert.equal(run.code, 2);
    assert.equal(run.lines.length, 1, run.stderr);
    assert.match(run.lines[0], /^minimalloc: <stdin>: heights could reach 9007199254740992 \(/);
  });
});
