// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * The solver's entry points: {@linkcode solve}, capacity minimization and
 * the irreducible infeasible subset.
 *
 * @module
 */

import { SolveError } from "./errors.ts";
import type { Problem, Solution } from "./problem.ts";
import { BUDGET, INFEASIBLE, OK, Search, type SearchSwitches, TIMEOUT } from "./search.ts";
import { sweep } from "./sweep.ts";
import { checkProblem } from "./_check.ts";

/** Options for {@linkcode solve}. Every search switch defaults to on. */
export interface SolverOptions {
  /**
   * Only place buffers in canonical order.
   * @default {true}
   */
  canonicalOnly?: boolean;
  /**
   * Prune when a section's floor plus its unplaced total exceeds the capacity.
   * @default {true}
   */
  sectionInference?: boolean;
  /**
   * Try candidates by their current minimum offset.
   * @default {true}
   */
  dynamicOrdering?: boolean;
  /**
   * Skip candidates that would leave an avoidable gap.
   * @default {true}
   */
  checkDominance?: boolean;
  /**
   * Raise section floors to the lowest unplaced minimum offset.
   * @default {true}
   */
  unallocatedFloor?: boolean;
  /**
   * Sort each partition's buffers by a heuristic first.
   * @default {true}
   */
  staticPreordering?: boolean;
  /**
   * Split into independent parts when cuts reach zero.
   * @default {true}
   */
  dynamicDecomposition?: boolean;
  /**
   * The floor never drops below the current offset.
   * @default {true}
   */
  monotonicFloor?: boolean;
  /**
   * Stop trying alternatives after a buffer with nothing above it.
   * @default {true}
   */
  hatlessPruning?: boolean;
  /**
   * Find the smallest feasible capacity up to the problem's.
   * @default {false}
   */
  minimizeCapacity?: boolean;
  /**
   * Preordering heuristics, tried round robin with growing node budgets.
   * Letters: `A` area, `C` sections, `L` lower, `O` overlaps, `T` total,
   * `U` upper, `W` width, `Z` size.
   * @default {["WAT", "TAW", "TWA"]}
   */
  preorderingHeuristics?: string[];
  /**
   * Time limit for the whole solve, in milliseconds.
   * @default {Infinity}
   */
  timeout?: number;
  /** Cancels the solve when aborted (checked every few hundred nodes). */
  signal?: AbortSignal;
}

/**
 * The settings that reproduce the reference MiniMalloc's search exactly:
 * every technique it lacks switched off. Spread user choices over it.
 *
 * @example Usage
 * ```ts
 * import { REFERENCE_OPTIONS, solve } from "@x/minimalloc";
 * import { assertEquals } from "node:assert/strict";
 *
 * const problem = {
 *   capacity: 4,
 *   buffers: [{ id: "a", lower: 0, upper: 1, size: 4 }],
 * };
 * assertEquals(solve(problem, { ...REFERENCE_OPTIONS }).offsets, [0]);
 * ```
 */
export const REFERENCE_OPTIONS: Readonly<SolverOptions> = Object.freeze({});

const DEFAULT_HEURISTICS = ["WAT", "TAW", "TWA"];
const HEURISTIC_LETTERS = /^[ACLOTUWZ]+$/;

function switchesOf(options: SolverOptions): SearchSwitches {
  return {
    canonicalOnly: options.canonicalOnly ?? true,
    sectionInference: options.sectionInference ?? true,
    dynamicOrdering: options.dynamicOrdering ?? true,
    checkDominance: options.checkDominance ?? true,
    unallocatedFloor: options.unallocatedFloor ?? true,
    staticPreordering: options.staticPreordering ?? true,
    dynamicDecomposition: options.dynamicDecomposition ?? true,
    monotonicFloor: options.monotonicFloor ?? true,
    hatlessPruning: options.hatlessPruning ?? true,
  };
}

function heuristicsOf(options: SolverOptions): string[] {
  const heuristics = options.preorderingHeuristics ?? DEFAULT_HEURISTICS;
  if (heuristics.length === 0) {
    throw new RangeError("Cannot solve: preorderingHeuristics is empty");
  }
  for (const h of heuristics) {
    if (!HEURISTIC_LETTERS.test(h)) {
      throw new RangeError(
        `Cannot solve: preordering heuristic "${h}" must use only the letters A, C, L, O, T, U, W, Z`,
      );
    }
  }
  return heuristics;
}

/**
 * Places every buffer so that buffers live at the same time never share a
 * byte, within the problem's capacity. Exact: it either finds a solution
 * or proves there is none (unless the time limit stops it first).
 *
 * With `minimizeCapacity`, it finds the smallest capacity up to
 * `problem.capacity` at which the problem is feasible, and returns the
 * solution found there.
 *
 * @example Usage
 * ```ts
 * import { solve } from "@x/minimalloc";
 * import { assertEquals } from "node:assert/strict";
 *
 * const solution = solve({
 *   capacity: 12,
 *   buffers: [
 *     { id: "b1", lower: 0, upper: 3, size: 4 },
 *     { id: "b2", lower: 3, upper: 9, size: 4 },
 *     { id: "b3", lower: 0, upper: 9, size: 4 },
 *     { id: "b4", lower: 9, upper: 21, size: 4 },
 *     { id: "b5", lower: 0, upper: 21, size: 4 },
 *   ],
 * });
 * assertEquals(solution.height, 12);
 * assertEquals(solution.offsets.length, 5);
 * ```
 *
 * @param problem The buffers and the capacity.
 * @param options Search switches, time limit and cancellation.
 * @returns One offset per buffer and the height reached.
 * @throws {SolveError} With code `"infeasible"`, `"timeout"` or `"cancelled"`.
 * @throws {RangeError} If the problem or the options are malformed.
 */
export function solve(problem: Problem, options: SolverOptions = {}): Solution {
  checkProblem(problem);
  const start = performance.now();
  const deadline = start + (options.timeout ?? Infinity);
  if (options.minimizeCapacity) return minimize(problem, options, start, deadline);
  return solveOnce(problem, options, start, deadline);
}

function solveOnce(
  problem: Problem,
  options: SolverOptions,
  start: number,
  deadline: number,
): Solution {
  const switches = switchesOf(options);
  const heuristics = heuristicsOf(options);
  const buffers = problem.buffers;
  const offsets = buffers.map((b) => b.size === 0 ? (b.offset ?? 0) : 0);
  const stats = { nodes: 0, backtracks: 0, elapsedMs: 0 };
  const finish = (): Solution => {
    let height = 0;
    for (let b = 0; b < buffers.length; b++) {
      height = Math.max(height, offsets[b] + buffers[b].size);
    }
    stats.elapsedMs = performance.now() - start;
    return { offsets, height, stats };
  };
  const fail = (status: number, search?: Search): never => {
    const counters = { nodes: search?.nodes ?? 0, backtracks: search?.backtracks ?? 0 };
    if (status === TIMEOUT) {
      if (options.signal?.aborted) {
        throw new SolveError("cancelled", "The solve was cancelled", counters);
      }
      throw new SolveError(
        "timeout",
        `The time limit of ${options.timeout} ms was hit before a solution was found`,
        counters,
      );
    }
    throw new SolveError(
      "infeasible",
      `No solution exists within capacity ${problem.capacity}`,
      counters,
    );
  };
  if (options.signal?.aborted) fail(TIMEOUT);
  if (buffers.every((b) => b.size === 0)) {
    for (let b = 0; b < buffers.length; b++) {
      if (offsets[b] + buffers[b].size > problem.capacity) fail(INFEASIBLE);
    }
    return finish();
  }

  const swept = sweep(problem);
  const search = new Search(problem, swept, switches);
  // A section whose buffers cannot fit side by side dooms every partition
  // search; say so before spending any.
  if (search.maxSectionTotal() > problem.capacity) fail(INFEASIBLE, search);
  for (let b = 0; b < buffers.length; b++) {
    if (buffers[b].size === 0 && offsets[b] > problem.capacity) fail(INFEASIBLE, search);
  }

  let status: number;
  if (heuristics.length === 1) {
    search.setLimits(Infinity, deadline, options.signal);
    status = search.solveAll(swept.partitions, heuristics[0]);
  } else {
    let limit = buffers.length;
    status = BUDGET;
    while (status === BUDGET) {
      limit *= 2;
      for (const heuristic of heuristics) {
        search.setLimits(limit, deadline, options.signal);
        status = search.solveAll(swept.partitions, heuristic);
        if (status !== BUDGET) break;
      }
    }
  }
  stats.nodes = search.nodes;
  stats.backtracks = search.backtracks;
  if (status !== OK) fail(status, search);
  for (let b = 0; b < buffers.length; b++) {
    if (buffers[b].size !== 0) offsets[b] = search.solution[b];
  }
  return finish();
}

/** Binary search over the capacity (SPEC 6), sharing one deadline. */
function minimize(
  problem: Problem,
  options: SolverOptions,
  start: number,
  deadline: number,
): Solution {
  let lo = 0;
  let hi = problem.capacity;
  let best: Solution | undefined;
  let timedOut = false;
  let nodes = 0;
  let backtracks = 0;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    try {
      const solution = solveOnce({ ...problem, capacity: mid }, options, start, deadline);
      nodes += solution.stats!.nodes;
      backtracks += solution.stats!.backtracks;
      best = solution;
      hi = solution.height - 1;
    } catch (error) {
      if (!(error instanceof SolveError)) throw error;
      nodes += error.nodes;
      backtracks += error.backtracks;
      if (error.code === "cancelled") throw error;
      if (error.code === "timeout") timedOut = true;
      lo = mid + 1;
    }
  }
  if (best === undefined) {
    const counters = { nodes, backtracks };
    if (timedOut) {
      throw new SolveError(
        "timeout",
        `The time limit of ${options.timeout} ms was hit before any capacity was found feasible`,
        counters,
      );
    }
    throw new SolveError(
      "infeasible",
      `No solution exists within capacity ${problem.capacity}`,
      counters,
    );
  }
  return {
    offsets: best.offsets,
    height: best.height,
    stats: { nodes, backtracks, elapsedMs: performance.now() - start },
  };
}

/**
 * Finds an irreducible infeasible subset of an infeasible problem: buffers
 * that cannot all fit, while dropping any one of them makes the rest fit
 * (SPEC 7). Returns the indices of the kept buffers.
 *
 * @example Usage
 * ```ts
 * import { irreducibleInfeasibleSubset } from "@x/minimalloc";
 * import { assertEquals } from "node:assert/strict";
 *
 * const subset = irreducibleInfeasibleSubset({
 *   capacity: 4,
 *   buffers: [
 *     { id: "a", lower: 0, upper: 2, size: 2 },
 *     { id: "b", lower: 5, upper: 6, size: 4 },
 *     { id: "c", lower: 1, upper: 3, size: 3 },
 *   ],
 * });
 * assertEquals(subset, [0, 2]);
 * ```
 *
 * @param problem An infeasible problem.
 * @param options Search switches and limits, as for {@linkcode solve}.
 * @returns Indices into `problem.buffers` of an irreducible infeasible subset.
 * @throws {RangeError} If the problem is feasible.
 * @throws {SolveError} With code `"timeout"` or `"cancelled"`.
 */
export function irreducibleInfeasibleSubset(
  problem: Problem,
  options: SolverOptions = {},
): number[] {
  checkProblem(problem);
  const start = performance.now();
  const deadline = start + (options.timeout ?? Infinity);
  const single = { ...options, minimizeCapacity: false };
  const feasible = (kept: number[]): boolean => {
    try {
      solveOnce(
        { capacity: problem.capacity, buffers: kept.map((b) => problem.buffers[b]) },
        single,
        start,
        deadline,
      );
      return true;
    } catch (error) {
      if (error instanceof SolveError && error.code === "infeasible") return false;
      throw error;
    }
  };
  let kept = problem.buffers.map((_, b) => b);
  if (feasible(kept)) {
    throw new RangeError("Cannot find an infeasible subset: the problem is feasible");
  }
  for (let i = 0; i < problem.buffers.length; i++) {
    const without = kept.filter((b) => b !== i);
    if (!feasible(without)) kept = without;
  }
  return kept;
}
