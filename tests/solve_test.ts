// Copyright the @x/minimalloc authors. Apache-2.0 license.

// solve(), minimizeCapacity and irreducibleInfeasibleSubset: basics, errors,
// agreement with a brute-force search on tiny problems, and each search
// switch of SPEC 5.1 changing the search it should.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseCsv } from "../src/csv_parse.ts";
import { SolveError } from "../src/errors.ts";
import { type Buffer, effectiveSize, type Problem, type Solution } from "../src/problem.ts";
import { REFERENCE_OPTIONS, type SolverOptions } from "../src/options.ts";
import { irreducibleInfeasibleSubset, solve } from "../src/solve.ts";
import { validate } from "../src/validate.ts";
import { generateProblem } from "../benchmarks/_generate.ts";
import { mulberry32 } from "../src/_random.ts";
import { EXACT_SEARCH_MAX_PAIRS } from "../src/_limits.ts";

/** The MiniMalloc README example (examples/input.12.csv). */
const README: Buffer[] = [
  { id: "b1", lower: 0, upper: 3, size: 4 },
  { id: "b2", lower: 3, upper: 9, size: 4 },
  { id: "b3", lower: 0, upper: 9, size: 4 },
  { id: "b4", lower: 9, upper: 21, size: 4 },
  { id: "b5", lower: 0, upper: 21, size: 4 },
];

// Two instances found by a seeded random search, on which switching off
// each technique changes the search (see "search switches" below). F is
// feasible at 18; I has windowless gaps and is infeasible at 18 (feasible
// at 19), proved by search: its peak load is only 17.
const F: Problem = {
  capacity: 18,
  buffers: [
    { id: "b0", lower: 6, upper: 7, size: 8 },
    { id: "b1", lower: 0, upper: 4, size: 3 },
    { id: "b2", lower: 9, upper: 10, size: 2 },
    { id: "b3", lower: 0, upper: 5, size: 6 },
    { id: "b4", lower: 7, upper: 12, size: 7 },
    { id: "b5", lower: 8, upper: 11, size: 1 },
    { id: "b6", lower: 5, upper: 9, size: 1 },
    { id: "b7", lower: 6, upper: 12, size: 2 },
    { id: "b8", lower: 2, upper: 6, size: 5 },
    { id: "b9", lower: 5, upper: 7, size: 3 },
    { id: "b10", lower: 4, upper: 9, size: 3 },
    { id: "b11", lower: 10, upper: 16, size: 8 },
  ],
};
const I: Problem = {
  capacity: 18,
  buffers: [
    { id: "b0", lower: 1, upper: 5, size: 6 },
    { id: "b1", lower: 5, upper: 7, size: 4 },
    { id: "b2", lower: 0, upper: 3, size: 5 },
    { id: "b3", lower: 9, upper: 15, size: 1, gaps: [{ lower: 10, upper: 14 }] },
    { id: "b4", lower: 1, upper: 2, size: 5 },
    { id: "b5", lower: 2, upper: 6, size: 6, gaps: [{ lower: 4, upper: 5 }] },
    { id: "b6", lower: 8, upper: 12, size: 6, gaps: [{ lower: 9, upper: 11 }] },
    { id: "b7", lower: 4, upper: 9, size: 7, gaps: [{ lower: 6, upper: 8 }] },
    { id: "b8", lower: 10, upper: 16, size: 5 },
  ],
};

const ALL_OFF: SolverOptions = {
  canonicalOnly: false,
  sectionInference: false,
  dynamicOrdering: false,
  checkDominance: false,
  unallocatedFloor: false,
  staticPreordering: false,
  dynamicDecomposition: false,
  monotonicFloor: false,
  hatlessPruning: false,
};

/** Runs solve and returns the SolveError it throws (failing otherwise). */
function solveError(problem: Problem, options: SolverOptions = {}): SolveError {
  try {
    solve(problem, options);
  } catch (error) {
    assert.ok(error instanceof SolveError, `expected a SolveError, got ${error}`);
    return error;
  }
  assert.fail("expected solve to throw a SolveError");
}

function assertValid(problem: Problem, solution: Solution): void {
  assert.equal(validate(problem, solution), "good", JSON.stringify(solution.offsets));
}

/**
 * The largest total size live at one moment, by brute force over every
 * start time: an oracle independent of src/problem.ts. No height can be lower.
 */
function bruteForceLoad(buffers: Buffer[]): number {
  let peak = 0;
  for (const b of buffers) {
    for (const t of [b.lower, ...(b.gaps ?? []).map((g) => g.upper)]) {
      let load = 0;
      for (const c of buffers) {
        const live = c.lower <= t && t < c.upper &&
          !(c.gaps ?? []).some((g) => g.lower <= t && t < g.upper);
        if (live) load += c.size;
      }
      peak = Math.max(peak, load);
    }
  }
  return peak;
}

describe("solve", () => {
  for (const [name, options] of [["default", {}], ["reference", REFERENCE_OPTIONS]] as const) {
    it(`gives height 0 for no buffers (${name})`, () => {
      const solution = solve({ buffers: [], capacity: 0 }, { ...options });
      assert.deepEqual(solution.offsets, []);
      assert.equal(solution.height, 0);
    });
  }

  it("has the README example as in examples/input.12.csv", () => {
    const text = readFileSync(new URL("../examples/input.12.csv", import.meta.url), "utf8");
    const parsed = parseCsv(text, { capacity: 12 });
    assert.equal(parsed.capacity, 12);
    assert.deepEqual(
      parsed.buffers.map(({ id, lower, upper, size }) => ({ id, lower, upper, size })),
      README,
    );
  });

  it("solves the README example at capacity 12 as the reference does", () => {
    // SPEC 5.3: round robin starts with WAT under a budget of 2 × 5 nodes.
    // WAT sorts by width (b5 21, b4 12, b3 9, b2 6, b1 3), so the preorder is
    // b5, b4, b3, b2, b1. All start at offset 0; with dynamic ordering ties
    // go by preorder: b5 at 0 raises everyone to 4; b4 (first at 4) goes at
    // 4, meeting only b5; b3 at 4 raises b1 and b2 (both meet it) to 8; b2
    // and b1 never meet, both go at 8. Height 12, no backtrack — so the
    // offsets are b1..b5 = 8, 8, 4, 4, 0, the README's output.
    const problem = { buffers: README, capacity: 12 };
    const solution = solve(problem, { ...REFERENCE_OPTIONS });
    assert.deepEqual(solution.offsets, [8, 8, 4, 4, 0]);
    assert.equal(solution.height, 12);
    assertValid(problem, solution);
    const ours = solve(problem);
    assert.equal(ours.height, 12);
    assertValid(problem, ours);
  });

  it("reports stats", () => {
    const solution = solve(F, { ...REFERENCE_OPTIONS });
    assertValid(F, solution);
    assert.ok(solution.stats !== undefined);
    // At least one node per buffer placed, plus the leaf.
    assert.ok(solution.stats.nodes > F.buffers.length, `nodes ${solution.stats.nodes}`);
    assert.ok(Number.isInteger(solution.stats.backtracks) && solution.stats.backtracks >= 0);
    assert.ok(solution.stats.elapsedMs >= 0);
  });

  it("keeps fixed offsets and alignments", () => {
    // At time 3 all four are live: b holds [5,7) and d [8,12), so a
    // (alignment 4) must take [0,3) and c (alignment 2) [12,15): 15 is the
    // least capacity (the brute force agrees).
    const problem: Problem = {
      capacity: 15,
      buffers: [
        { id: "a", lower: 0, upper: 4, size: 3, alignment: 4 },
        { id: "b", lower: 1, upper: 5, size: 2, offset: 5 },
        { id: "c", lower: 2, upper: 6, size: 3, alignment: 2 },
        { id: "d", lower: 3, upper: 7, size: 4, alignment: 8, offset: 8 },
      ],
    };
    assert.equal(bruteMinHeight(problem.buffers), 15);
    for (const options of [{}, REFERENCE_OPTIONS]) {
      const solution = solve(problem, { ...options });
      assertValid(problem, solution);
      assert.deepEqual(solution.offsets, [0, 5, 12, 8]);
      assert.equal(solution.height, 15);
      assert.equal(solveError({ ...problem, capacity: 14 }, { ...options }).code, "infeasible");
    }
  });

  it("says infeasible when fixed offsets collide", () => {
    const problem: Problem = {
      capacity: 10,
      buffers: [
        { id: "a", lower: 0, upper: 4, size: 3, offset: 0 },
        { id: "b", lower: 2, upper: 6, size: 3, offset: 2 },
      ],
    };
    assert.equal(solveError(problem).code, "infeasible");
    assert.equal(solveError(problem, { ...REFERENCE_OPTIONS }).code, "infeasible");
  });
});

describe("solve with zero-size buffers (SPEC 5.3, ours)", () => {
  const z1: Buffer = { id: "z1", lower: 0, upper: 5, size: 0 };
  const z2: Buffer = { id: "z2", lower: 2, upper: 4, size: 0, offset: 7 };

  it("gives them offset 0 or their fixed offset and solves the rest as without them", () => {
    const problem = { buffers: [z1, ...README.slice(0, 2), z2, ...README.slice(2)], capacity: 12 };
    for (const options of [{}, REFERENCE_OPTIONS]) {
      const without = solve({ buffers: README, capacity: 12 }, { ...options });
      const solution = solve(problem, { ...options });
      assertValid(problem, solution);
      assert.equal(solution.offsets[0], 0);
      assert.equal(solution.offsets[3], 7);
      assert.deepEqual(
        [...solution.offsets.slice(1, 3), ...solution.offsets.slice(4)],
        without.offsets,
      );
      assert.equal(solution.height, 12);
    }
  });

  it("solves a problem of zero-size buffers only", () => {
    const solution = solve({ buffers: [z1, z2], capacity: 7 });
    assert.deepEqual(solution.offsets, [0, 7]);
    assert.equal(solution.height, 7);
    assert.equal(solveError({ buffers: [z1, z2], capacity: 6 }).code, "infeasible");
  });

  it("accepts a fixed offset up to the capacity, not above", () => {
    const at = (offset: number): Problem => ({
      capacity: 12,
      buffers: [...README, { id: "z", lower: 1, upper: 2, size: 0, offset }],
    });
    const solution = solve(at(12));
    assertValid(at(12), solution);
    assert.equal(solution.offsets[5], 12);
    assert.equal(solveError(at(13)).code, "infeasible");
  });
});

describe("the reference's counters (REFERENCE_OPTIONS)", () => {
  it("search an overfull problem rather than say infeasible at once, as the reference does", () => {
    // The reference's own unit tests: one buffer of size 3 over [0, 2) at
    // capacity 2 backtracks; two of size 2 at capacity 3 with every
    // technique off and preordering TWA backtrack exactly 3 times.
    const one = { capacity: 2, buffers: [{ id: "a", lower: 0, upper: 2, size: 3 }] };
    const reference = solveError(one, { ...REFERENCE_OPTIONS });
    assert.equal(reference.code, "infeasible");
    assert.ok(reference.backtracks > 0);
    const two = {
      capacity: 3,
      buffers: [{ id: "a", lower: 0, upper: 2, size: 2 }, { id: "b", lower: 0, upper: 2, size: 2 }],
    };
    const error = solveError(two, {
      ...REFERENCE_OPTIONS,
      ...ALL_OFF,
      preorderingHeuristics: ["TWA"],
    });
    assert.equal(error.backtracks, 3);
  });

  it("loadBound (ours) says infeasible without a node when the peak load is above the capacity", () => {
    const one = { capacity: 2, buffers: [{ id: "a", lower: 0, upper: 2, size: 3 }] };
    const error = solveError(one, {});
    assert.equal(error.code, "infeasible");
    assert.equal(error.nodes, 0);
    assert.equal(REFERENCE_OPTIONS.loadBound, false);
    assert.ok(solveError(one, { loadBound: false }).nodes > 0);
  });
});

describe("solve failures", () => {
  it("says infeasible, with counters, when a section overflows", () => {
    // b1, b3 and b5 are live together on [0,3): 12 bytes > 11.
    const error = solveError({ buffers: README, capacity: 11 }, { ...REFERENCE_OPTIONS });
    assert.equal(error.code, "infeasible");
    assert.equal(typeof error.nodes, "number");
    assert.equal(typeof error.backtracks, "number");
  });

  it("says infeasible after a search, with its backtracks", () => {
    // I's peak load is 17 but no placement fits in 18.
    assert.equal(bruteForceLoad(I.buffers), 17);
    for (const options of [REFERENCE_OPTIONS, {}]) {
      const error = solveError(I, { ...options });
      assert.equal(error.code, "infeasible");
      assert.ok(error.nodes > 0 && error.backtracks > 0, `${error.nodes}, ${error.backtracks}`);
    }
    assertValid({ ...I, capacity: 19 }, solve({ ...I, capacity: 19 }));
  });

  it("says timeout when the time limit is 0 on a hard search, before searching", () => {
    for (const options of [REFERENCE_OPTIONS, {}]) {
      const error = solveError(I, { ...options, ...ALL_OFF, timeout: 0 });
      assert.equal(error.code, "timeout");
      assert.equal(error.nodes, 0);
    }
  });

  it("says timeout during a hard search, with its nodes", () => {
    // A perfect packing of 400 buffers: the search does not find it for
    // many seconds; the clock is read every few dozen nodes.
    const hard = generateProblem({ seed: 1, buffers: 400, construction: "planted", slack: 1 });
    for (const options of [REFERENCE_OPTIONS, {}]) {
      const error = solveError(hard.problem, { ...options, timeout: 50 });
      assert.equal(error.code, "timeout");
      assert.ok(error.nodes > 0);
    }
  });

  it("says cancelled for an already aborted signal", () => {
    const signal = AbortSignal.abort();
    for (const options of [REFERENCE_OPTIONS, {}]) {
      assert.equal(solveError(F, { ...options, signal }).code, "cancelled");
      assert.equal(solveError(I, { ...options, signal }).code, "cancelled");
    }
  });

  it("says cancelled for an aborted signal when minimizing", () => {
    const signal = AbortSignal.abort();
    for (const options of [REFERENCE_OPTIONS, {}]) {
      const error = solveError(F, { ...options, minimizeCapacity: true, signal });
      assert.equal(error.code, "cancelled");
    }
  });
});

describe("solve rejects malformed problems", () => {
  const ok: Buffer = { id: "ok", lower: 0, upper: 2, size: 1 };
  const rejects = (buffers: unknown[], error: typeof RangeError | typeof TypeError) => {
    assert.throws(() => solve({ buffers: buffers as Buffer[], capacity: 10 }), error);
  };

  it("rejects integers that are not safe", () => {
    rejects([ok, { id: "x", lower: 0, upper: 2, size: 2 ** 53 }], RangeError);
    rejects([ok, { id: "x", lower: -(2 ** 53), upper: 2, size: 1 }], RangeError);
    rejects([ok, { id: "x", lower: 0.5, upper: 2, size: 1 }], RangeError);
    rejects([ok, { id: "x", lower: 0, upper: Infinity, size: 1 }], RangeError);
    rejects([ok, { id: "x", lower: 0, upper: 2, size: NaN }], RangeError);
    assert.throws(() => solve({ buffers: [ok], capacity: 2 ** 53 }), RangeError);
    assert.throws(() => solve({ buffers: [ok], capacity: -1 }), RangeError);
  });

  it("rejects lower >= upper, a negative size, alignment 0", () => {
    rejects([{ id: "x", lower: 2, upper: 2, size: 1 }], RangeError);
    rejects([{ id: "x", lower: 3, upper: 2, size: 1 }], RangeError);
    rejects([{ id: "x", lower: 0, upper: 2, size: -1 }], RangeError);
    rejects([{ id: "x", lower: 0, upper: 2, size: 1, alignment: 0 }], RangeError);
    rejects([{ id: "x", lower: 0, upper: 2, size: 1, alignment: -4 }], RangeError);
  });

  it("rejects a negative or misaligned fixed offset", () => {
    rejects([{ id: "x", lower: 0, upper: 2, size: 1, offset: -1 }], RangeError);
    rejects([{ id: "x", lower: 0, upper: 2, size: 1, alignment: 4, offset: 6 }], RangeError);
  });

  it("rejects bad gaps and windows", () => {
    const gaps = (list: unknown) => [{ id: "x", lower: 0, upper: 10, size: 4, gaps: list }];
    rejects(gaps([{ lower: 3, upper: 3 }]), RangeError);
    rejects(gaps([{ lower: -1, upper: 3 }]), RangeError);
    rejects(gaps([{ lower: 8, upper: 11 }]), RangeError);
    rejects(gaps([{ lower: 4, upper: 6 }, { lower: 5, upper: 7 }]), RangeError);
    rejects(gaps([{ lower: 4, upper: 6 }, { lower: 1, upper: 2 }]), RangeError);
    rejects(gaps([{ lower: 4, upper: 6, window: { lower: 2, upper: 2 } }]), RangeError);
    rejects(gaps([{ lower: 4, upper: 6, window: { lower: 0, upper: 5 } }]), RangeError);
    rejects(gaps([{ lower: 4, upper: 6, window: { lower: -1, upper: 2 } }]), RangeError);
    // Touching gaps and gaps reaching the lifespan ends are allowed. (The
    // capacity is 8, not 4: a windowless gap ending at the lifespan end
    // makes the search count the buffer twice; reported separately.)
    const fine = gaps([{ lower: 0, upper: 3 }, { lower: 3, upper: 5 }, { lower: 9, upper: 10 }]);
    const problem = { buffers: fine as Buffer[], capacity: 8 };
    assertValid(problem, solve(problem));
  });

  it("rejects duplicate ids and non-objects", () => {
    rejects([ok, { id: "y", lower: 0, upper: 1, size: 1 }, { ...ok }], RangeError);
    rejects([ok, null], TypeError);
    rejects([{ lower: 0, upper: 1, size: 1 }], TypeError);
    assert.throws(() => solve({ capacity: 4 } as unknown as Problem), TypeError);
  });

  it("rejects bad preordering heuristics", () => {
    const problem = { buffers: [ok], capacity: 4 };
    for (const options of [REFERENCE_OPTIONS, {}]) {
      for (const heuristics of [["WAX"], ["wat"], [""], [], ["WAT", "T-A"]]) {
        assert.throws(
          () => solve(problem, { ...options, preorderingHeuristics: heuristics }),
          RangeError,
          JSON.stringify(heuristics),
        );
      }
    }
  });
});

/**
 * Tiny exact search: offsets in index order, every multiple of the
 * alignment (or the fixed offset), checked pairwise by SPEC 8.
 */
function bruteMinHeight(buffers: Buffer[]): number {
  const conflict = (p: Buffer, po: number, q: Buffer, qo: number): boolean => {
    const pq = effectiveSize(p, q);
    const qp = effectiveSize(q, p);
    if (pq === undefined || qp === undefined) return false;
    return !(po + pq <= qo) && !(qo + qp <= po);
  };
  const offsets: number[] = [];
  const fits = (i: number, height: number): boolean => {
    if (i === buffers.length) return true;
    const { alignment = 1, offset: fixed } = buffers[i];
    for (let o = fixed ?? 0; o + buffers[i].size <= height; o += alignment) {
      if (fixed !== undefined && o !== fixed) break;
      if (buffers.slice(0, i).some((b, j) => conflict(b, offsets[j], buffers[i], o))) continue;
      offsets[i] = o;
      if (fits(i + 1, height)) return true;
    }
    return false;
  };
  for (let height = 0;; height++) if (fits(0, height)) return height;
}

describe("minimizeCapacity", () => {
  it("finds the README example's height 12, its peak load", () => {
    assert.equal(bruteForceLoad(README), 12);
    for (const options of [REFERENCE_OPTIONS, {}]) {
      const problem = { buffers: README, capacity: 100 };
      const solution = solve(problem, { ...options, minimizeCapacity: true });
      assert.equal(solution.height, 12);
      assertValid(problem, solution);
    }
  });

  it("finds I's height 19, above its peak load", () => {
    for (const options of [REFERENCE_OPTIONS, {}]) {
      const problem = { ...I, capacity: 40 };
      const solution = solve(problem, { ...options, minimizeCapacity: true });
      assert.equal(solution.height, 19);
      assertValid(problem, solution);
    }
  });

  it("says infeasible when nothing fits within the capacity", () => {
    for (const options of [REFERENCE_OPTIONS, {}]) {
      const error = solveError({ ...I, capacity: 18 }, { ...options, minimizeCapacity: true });
      assert.equal(error.code, "infeasible");
    }
  });

  it("agrees with a brute-force search on 200 tiny problems", () => {
    // Plain buffers and windowless gaps inside the lifespans. (Windows, and
    // gaps touching a lifespan end, can make the reference's search miss
    // solutions; those are reported separately.)
    const random = mulberry32(42);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    let aboveLoad = 0;
    for (let round = 0; round < 200; round++) {
      const buffers: Buffer[] = [];
      for (let i = int(1, 6); i > 0; i--) {
        const lower = int(0, 6);
        const upper = lower + int(1, 5);
        const buffer: Buffer = { id: `b${i}`, lower, upper, size: int(1, 4) };
        if (upper - lower >= 3 && random() < 0.4) {
          const gl = int(lower + 1, upper - 2);
          buffer.gaps = [{ lower: gl, upper: int(gl + 1, upper - 1) }];
        }
        buffers.push(buffer);
      }
      const expected = bruteMinHeight(buffers);
      if (expected > bruteForceLoad(buffers)) aboveLoad++;
      const problem = { buffers, capacity: 30 };
      for (const options of [REFERENCE_OPTIONS, {}]) {
        const solution = solve(problem, { ...options, minimizeCapacity: true });
        const where = JSON.stringify(buffers);
        // A lower bound, if reported, must be one.
        if (solution.lowerBound !== undefined) assert.ok(solution.lowerBound <= expected, where);
        assert.equal(solution.height, expected, where);
        assertValid({ buffers, capacity: expected }, solution);
      }
    }
    // Some of them must need more than the peak load, or the search is idle.
    assert.ok(aboveLoad >= 4, `only ${aboveLoad} problems above their peak load`);
  });
});

describe("irreducibleInfeasibleSubset", () => {
  const feasible = (problem: Problem, subset: number[]): boolean => {
    try {
      solve({ capacity: problem.capacity, buffers: subset.map((b) => problem.buffers[b]) });
      return true;
    } catch (error) {
      if (error instanceof SolveError && error.code === "infeasible") return false;
      throw error;
    }
  };
  const assertIrreducible = (problem: Problem, subset: number[]) => {
    assert.ok(!feasible(problem, subset), `${subset} is feasible`);
    for (const drop of subset) {
      const rest = subset.filter((b) => b !== drop);
      assert.ok(feasible(problem, rest), `${subset} without ${drop} is infeasible`);
    }
  };

  it("finds b2, b3, b5 for the README example at capacity 11", () => {
    // SPEC 7: without b1, b2 + b3 + b5 still need 12 on [3,9): drop b1.
    // Without b2, the rest needs 8: keep b2; likewise keep b3. Without b4,
    // b2 + b3 + b5 still need 12: drop b4. Without b5, 8: keep b5.
    const problem = { buffers: README, capacity: 11 };
    for (const options of [REFERENCE_OPTIONS, {}]) {
      const subset = irreducibleInfeasibleSubset(problem, { ...options });
      assert.deepEqual(subset, [1, 2, 4]);
      assertIrreducible(problem, subset);
    }
  });

  it("finds an irreducible subset of a problem proved infeasible by search", () => {
    const subset = irreducibleInfeasibleSubset(I);
    assert.ok(subset.length < I.buffers.length);
    assertIrreducible(I, subset);
  });

  it("throws a RangeError on a feasible problem", () => {
    assert.throws(() => irreducibleInfeasibleSubset({ buffers: README, capacity: 12 }), RangeError);
    assert.throws(() => irreducibleInfeasibleSubset({ buffers: [], capacity: 0 }), RangeError);
  });
});

describe("search switches (SPEC 5.1), each off in reference mode", () => {
  const switches = [
    "canonicalOnly",
    "sectionInference",
    "dynamicOrdering",
    "checkDominance",
    "unallocatedFloor",
    "staticPreordering",
    "dynamicDecomposition",
    "monotonicFloor",
    "hatlessPruning",
  ] as const;

  /** Nodes visited, and whether a (valid) solution was found. */
  const outcome = (problem: Problem, options: SolverOptions): [number, boolean] => {
    try {
      const solution = solve(problem, options);
      assertValid(problem, solution);
      return [solution.stats!.nodes, true];
    } catch (error) {
      if (!(error instanceof SolveError) || error.code !== "infeasible") throw error;
      return [error.nodes, false];
    }
  };

  for (const name of switches) {
    it(`${name}: off changes the node count, not the answer`, () => {
      let changed = 0;
      for (const problem of [F, I]) {
        const [onNodes, onFeasible] = outcome(problem, { ...REFERENCE_OPTIONS });
        const [offNodes, offFeasible] = outcome(problem, { ...REFERENCE_OPTIONS, [name]: false });
        assert.equal(offFeasible, onFeasible);
        if (offNodes !== onNodes) changed++;
      }
      assert.ok(changed > 0, `${name} made no difference on F or I`);
    });
  }

  it("every switch off at once still gives the same answers", () => {
    assert.equal(outcome(F, { ...REFERENCE_OPTIONS, ...ALL_OFF })[1], true);
    assert.equal(outcome({ ...I, capacity: 19 }, { ...REFERENCE_OPTIONS, ...ALL_OFF })[1], true);
  });

  it("one preordering heuristic instead of three changes the node count", () => {
    let changed = 0;
    for (const problem of [F, I]) {
      const [three, feasibleThree] = outcome(problem, { ...REFERENCE_OPTIONS });
      for (const heuristic of ["WAT", "TAW", "TWA"]) {
        const [one, feasibleOne] = outcome(problem, {
          ...REFERENCE_OPTIONS,
          preorderingHeuristics: [heuristic],
        });
        assert.equal(feasibleOne, feasibleThree);
        if (one !== three) changed++;
      }
    }
    assert.ok(changed > 0);
  });
});

describe("heuristicFirst", () => {
  // 3,000 buffers live at once make 4.5 million pairs, past the point
  // where the exact search pays.
  const wide: Problem = {
    buffers: Array.from({ length: 3000 }, (_, i) => ({
      id: `b${i}`,
      lower: i % 3,
      upper: 10 + (i % 5),
      size: 1 + (i % 4),
    })),
  };
  const total = wide.buffers.reduce((sum, b) => sum + b.size, 0);

  it("answers a very large problem with a heuristic that fits, without a search", () => {
    const problem = { ...wide, capacity: total };
    const solution = solve(problem);
    assertValid(problem, solution);
    assert.equal(solution.stats?.nodes, 0);
  });

  it("stays off in REFERENCE_OPTIONS and for problems the exact search handles", () => {
    assert.equal(REFERENCE_OPTIONS.heuristicFirst, false);
    const small = { ...F, capacity: F.capacity };
    assert.ok((solve(small).stats?.nodes ?? 0) > 0);
  });
});

describe("too large for the exact search", () => {
  // Just past the memory limit: every buffer live at once, so n buffers
  // make n(n - 1)/2 pairs.
  let count = 2;
  while ((count * (count - 1)) / 2 <= EXACT_SEARCH_MAX_PAIRS) count++;
  const pairs = (count * (count - 1)) / 2;
  const huge: Problem = {
    buffers: Array.from({ length: count }, (_, i) => ({
      id: `b${i}`,
      lower: 0,
      upper: 10,
      size: 1 + (i % 3),
    })),
  };
  huge.capacity = huge.buffers.reduce((sum, b) => sum + b.size, 0);

  it("says too-large, before taking the memory, when no heuristic may answer", () => {
    const error = solveError(huge, { ...REFERENCE_OPTIONS });
    assert.equal(error.code, "too-large");
    assert.match(error.message, new RegExp(`${pairs} pairs`));
  });

  it("answers with a heuristic that fits when heuristicFirst is on", () => {
    assertValid(huge, solve(huge));
  });
});
