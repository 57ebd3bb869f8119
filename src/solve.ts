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
import { checkProblem } from "./_check.ts";
import { solveOnce } from "./_solve_core.ts";
import { heuristicFirst, minimizeAnytime, minimizeReference } from "./_minimize.ts";

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
  /**
   * Race the preordering heuristics instead of the reference's round
   * robin: the heuristic that finishes in the fewest search nodes decides
   * (ties to the earlier one), so the answer never depends on timing.
   * {@linkcode solveAsync} runs the race on Web Workers, one per heuristic;
   * {@linkcode solve} runs the same race in one thread with growing
   * budgets, and both give the same answer.
   * @default {true}
   */
  portfolio?: boolean;
  /**
   * Minimize the capacity from both ends (with `minimizeCapacity`): start
   * from the peak load, a proved lower bound, and from a fast heuristic
   * solution, and close the gap with exact searches under growing node
   * budgets. When the time limit hits, return the best solution found,
   * with its proved `lowerBound` and whether it is `optimal`. Off, the
   * reference's plain bisection from 0 to the capacity runs instead.
   * @default {true}
   */
  anytimeMinimize?: boolean;
  /**
   * Keep every pruning rule a proof, so that "infeasible" is always true
   * (ours): where windows make effective sizes zero or negative, relax
   * the canonical tie rule or canonical order; apply hatless pruning only
   * with dynamic ordering; cut gaps without a window off the ends of
   * lifespans, which the reference's sweep counts twice. Off, the search
   * is the reference's, which can call such problems infeasible.
   * @default {true}
   */
  soundPruning?: boolean;
  /**
   * On problems too large for the exact search to pay (more than four
   * million pairs of buffers live at once), try the fast heuristics first
   * and answer with theirs when it fits the capacity (ours).
   * @default {true}
   */
  heuristicFirst?: boolean;
  /** Called when a minimization's bounds improve. */
  onProgress?: (progress: MinimizeProgress) => void;
}

/** Where a capacity minimization stands (see {@linkcode SolverOptions.onProgress}). */
export interface MinimizeProgress {
  /** Milliseconds since the solve started. */
  elapsedMs: number;
  /** Every smaller height is proved impossible. */
  lowerBound: number;
  /** The best height found so far, if any. */
  bestHeight: number | undefined;
}

/**
 * The settings that reproduce the reference MiniMalloc's search exactly:
 * every technique it lacks switched off. Spread user choices over it.
 *
 * @example Usage
 * ```ts
 * import { REFERENCE_OPTIONS, solve } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const problem = {
 *   capacity: 4,
 *   buffers: [{ id: "a", lower: 0, upper: 1, size: 4 }],
 * };
 * deepEqual(solve(problem, { ...REFERENCE_OPTIONS }).offsets, [0]);
 * ```
 */
export const REFERENCE_OPTIONS: Readonly<SolverOptions> = Object.freeze({
  portfolio: false,
  anytimeMinimize: false,
  soundPruning: false,
  heuristicFirst: false,
});

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
 * import { deepEqual } from "node:assert/strict";
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
 * deepEqual(solution.height, 12);
 * deepEqual(solution.offsets.length, 5);
 * ```
 *
 * @param problem The buffers and the capacity.
 * @param options Search switches, time limit and cancellation.
 * @returns One offset per buffer and the height reached.
 * @throws {SolveError} With code `"infeasible"`, `"timeout"` or `"cancelled"`.
 * @throws {RangeError} If the problem or the options are malformed.
 */
export function solve(problem: Problem, options: SolverOptions = {}): Solution {
  checkProblem(problem, options.minimizeCapacity && options.anytimeMinimize !== false);
  const start = performance.now();
  const deadline = start + (options.timeout ?? Infinity);
  if (options.signal?.aborted) throw new SolveError("cancelled", "The solve was cancelled");
  if (options.minimizeCapacity) {
    return options.anytimeMinimize === false
      ? minimizeReference(problem, options, start, deadline)
      : minimizeAnytime(problem, options, start, deadline);
  }
  const quick = heuristicFirst(problem, options, start, deadline);
  if (typeof quick === "object") return quick;
  try {
    return solveOnce(problem, options, { start, deadline });
  } catch (error) {
    // Too large for the exact search: a heuristic that fits still answers.
    if (!(error instanceof SolveError) || error.code !== "too-large") throw error;
    if (quick === "missed") throw error;
    const fallback = heuristicFirst(problem, options, start, deadline, true);
    if (typeof fallback !== "object") throw error;
    return fallback;
  }
}

/**
 * Finds an irreducible infeasible subset of an infeasible problem: buffers
 * that cannot all fit, while dropping any one of them makes the rest fit
 * (SPEC 7). Returns the indices of the kept buffers.
 *
 * @example Usage
 * ```ts
 * import { irreducibleInfeasibleSubset } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const subset = irreducibleInfeasibleSubset({
 *   capacity: 4,
 *   buffers: [
 *     { id: "a", lower: 0, upper: 2, size: 2 },
 *     { id: "b", lower: 5, upper: 6, size: 4 },
 *     { id: "c", lower: 1, upper: 3, size: 3 },
 *   ],
 * });
 * deepEqual(subset, [0, 2]);
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
        { start, deadline },
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
