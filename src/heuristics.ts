// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * Fast heuristics: upper bounds on the smallest height, found in about
 * O(n log n) per pass, for problems too big for the exact search or as its
 * starting point.
 *
 * @module
 */

import { SolveError } from "./errors.ts";
import type { Problem, Solution } from "./problem.ts";
import { lowerBoundBefore, peakLoadBefore } from "./_peak_load.ts";
import { checkProblem, checkTimeout } from "./_check.ts";
import { checkPins, runHeuristic } from "./_heuristics_run.ts";

/**
 * The heuristics {@linkcode solveHeuristic} knows: `"best"` runs all of
 * them and keeps the lowest.
 *
 * @example Usage
 * ```ts
 * import { heuristicNames } from "@x/minimalloc";
 * import { ok } from "node:assert/strict";
 *
 * ok(heuristicNames.includes("best"));
 * ok(heuristicNames.includes("size"));
 * ```
 */
export const heuristicNames: readonly string[] = ["best", "size", "lifespan", "area", "skyline"];

/** Options for {@linkcode solveHeuristic}. */
export interface HeuristicOptions {
  /**
   * Which heuristic, one of {@linkcode heuristicNames}.
   * @default {"best"}
   */
  heuristic?: string;
  /**
   * A safety stop in milliseconds (a number >= 0, or Infinity), checked as
   * `SolverOptions.timeout` is. The work done is fixed by the problem, so
   * results do not depend on the machine's speed; this only cuts an
   * improvement phase short on a slow machine.
   * @default {Infinity}
   */
  timeout?: number;
  /**
   * The old name of {@linkcode HeuristicOptions.timeout}, with the same
   * meaning; `timeout` wins when both are given.
   * @deprecated Use {@linkcode HeuristicOptions.timeout}.
   */
  timeLimit?: number;
  /**
   * Stops the improvement phase early; the best solution so far is
   * returned.
   */
  signal?: AbortSignal;
  /**
   * Stops improving once the height is at most this (for example the
   * capacity the caller needs); the peak load always stops it.
   */
  target?: number;
}

/**
 * Finds a valid placement fast, ignoring the capacity: the caller compares
 * the height with it. Pinned buffers keep their offsets; the others get
 * aligned offsets.
 *
 * - `"size"`: best fit in order of size, largest first (the TFLite and
 *   XLA greedy); ties go to the longer lifespan.
 * - `"lifespan"`: best fit in order of lifespan, longest first.
 * - `"area"`: best fit in order of size times lifespan, largest first.
 * - `"skyline"`: the canonical order: fill the lowest point of the
 *   skyline with the best buffer that fits there.
 * - `"best"` (the default): all of the above and an improvement phase;
 *   the lowest wins.
 *
 * Deterministic: the same problem gives the same solution (the work done is
 * fixed by the problem, never by the clock). A time limit or an aborted
 * signal cuts any heuristic short, within about a thousand buffers' work:
 * it returns the best complete placement found so far, and fails when it
 * completed none. Each pass costs about n log n for the skyline and one
 * step per pair of buffers live at once for best fit; `"skyline"` and
 * `"best"` run fewer skyline passes on very large problems.
 *
 * @example Usage
 * ```ts
 * import { peakLoad, solveHeuristic, validate } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const problem = {
 *   buffers: [
 *     { id: "a", lower: 0, upper: 2, size: 3 },
 *     { id: "b", lower: 1, upper: 3, size: 2 },
 *     { id: "c", lower: 2, upper: 4, size: 3, alignment: 2 },
 *   ],
 * };
 * const solution = solveHeuristic(problem);
 * deepEqual(validate(problem, solution), "good");
 * deepEqual(solution.height, 5);
 * deepEqual(solution.lowerBound, peakLoad(problem));
 * ```
 *
 * @param problem The problem; its capacity is not used.
 * @param options Which heuristic, and safety stops.
 * @returns A valid solution, with a proved lower bound as `lowerBound`:
 * the peak load, raised by the padding that even alignments force where
 * they do, or the highest top of a pinned buffer where that is higher.
 * @throws {SolveError} With code `"infeasible"` when two pinned buffers
 * overlap; `"timeout"` or `"cancelled"` when the time limit or the signal
 * cut it before any placement completed.
 * @throws {RangeError} For an unknown heuristic name, a timeout that is NaN
 * or negative, or a malformed problem (a repeated id, lower >= upper, a
 * negative size, a gap outside its lifespan, heights that could pass
 * 2^53 - 1, ...).
 * @throws {TypeError} For a problem with values of the wrong type, or a
 * timeout that is not a number.
 */
export function solveHeuristic(problem: Problem, options: HeuristicOptions = {}): Solution {
  const name = options.heuristic ?? "best";
  if (!heuristicNames.includes(name)) {
    throw new RangeError(
      `Unknown heuristic "${name}": expected one of ${heuristicNames.join(", ")}`,
    );
  }
  const started = performance.now();
  // The capacity is not used, so it may be missing; the rest is checked
  // as solve() checks it, since a negative size or a repeated id would
  // otherwise give an answer that overlaps.
  checkProblem(problem, true);
  checkPins(problem);
  const limit = options.timeout !== undefined
    ? checkTimeout(options.timeout, "Cannot run the heuristic")
    : checkTimeout(options.timeLimit, "Cannot run the heuristic", "timeLimit");
  const signal = options.signal;
  const unplaced = (): SolveError =>
    signal?.aborted === true
      ? new SolveError(
        "cancelled",
        `The heuristic "${name}" was cancelled before it placed every buffer`,
      )
      : new SolveError(
        "timeout",
        `The time limit of ${limit} ms was hit before the heuristic "${name}" placed every buffer`,
      );
  // Measured first, within the time limit as it always was.
  const lowerBound = lowerBoundBefore(problem, Infinity, peakLoadBefore(problem, Infinity));
  // The time limit and the signal cut a heuristic short: it then returns
  // the best complete placement so far, or fails when it has none.
  const found = runHeuristic(problem, {
    name,
    deadline: started + limit,
    signal,
    target: options.target,
    lowerBound: () => lowerBound,
  });
  if (found === undefined) throw unplaced();
  // A loop into an array made once (see solutionOf in _plan.ts).
  const offsets: number[] = new Array(found.offsets.length);
  for (let i = 0; i < offsets.length; i++) offsets[i] = found.offsets[i];
  return { offsets, height: found.height, lowerBound };
}
