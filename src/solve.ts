// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * The solver on the calling thread: {@linkcode solve} (a fixed capacity, a
 * capacity minimization or a heuristic alone) and
 * {@linkcode irreducibleInfeasibleSubset}.
 *
 * @module
 */

import { SolveError } from "./errors.ts";
import type { Problem, Solution } from "./problem.ts";
import type { SolverOptions } from "./options.ts";
import { checkInput } from "./_options.ts";
import { Prepared } from "./_prepared.ts";
import { plan } from "./_plan.ts";
import { answerHere, probeHere } from "./_here.ts";

/**
 * Places every buffer so that buffers live at the same time never share a
 * byte, within the problem's capacity. Exact: it either finds a solution
 * or proves there is none (unless the time limit stops it first).
 *
 * With `minimizeCapacity`, it finds the smallest capacity up to
 * `problem.capacity` at which the problem is feasible, and returns the
 * solution found there (with the anytime minimization, the default, the
 * capacity may be left out). {@linkcode solveAsync} computes the same
 * answer off the calling thread.
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
 * @throws {SolveError} With code `"infeasible"`, `"timeout"`, `"cancelled"`,
 * `"too-large"` or (with a heuristic alone) `"no-fit"`, and the counters spent.
 * @throws {TypeError} If the problem or the options have the wrong types, or an
 * option is unknown (a misspelt name would otherwise be ignored).
 * @throws {RangeError} If the problem or the options are out of range.
 */
export function solve(problem: Problem, options: SolverOptions = {}): Solution {
  const start = performance.now();
  const settings = checkInput(problem, options, start);
  const prepared = new Prepared(problem, settings.switches);
  const signal = options.signal;
  const steps = plan({ problem, settings, start, signal, onProgress: options.onProgress });
  const here = { prepared, settings, start, signal };
  for (let step = steps.next();; step = steps.next(answerHere(here, step.value))) {
    if (step.done) return step.value;
  }
}

/**
 * Finds an irreducible infeasible subset of an infeasible problem: buffers
 * that cannot all fit, while dropping any one of them makes the rest fit.
 * Returns the indices of the kept buffers.
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
 * @throws {SolveError} With code `"timeout"`, `"cancelled"` or `"too-large"`.
 */
export function irreducibleInfeasibleSubset(
  problem: Problem,
  options: SolverOptions = {},
): number[] {
  const start = performance.now();
  const settings = checkInput(problem, {
    ...options,
    minimizeCapacity: false,
    heuristic: undefined,
  }, start);
  const deadline = start + settings.timeout;
  const counters = { nodes: 0, backtracks: 0 };
  const feasible = (kept: number[]): boolean => {
    const subset = { capacity: problem.capacity, buffers: kept.map((b) => problem.buffers[b]) };
    const prepared = new Prepared(subset, settings.switches);
    const outcome = probeHere(
      prepared,
      settings,
      { capacity: problem.capacity!, maxNodes: Infinity, deadline },
      options.signal,
    );
    counters.nodes += outcome.nodes;
    counters.backtracks += outcome.backtracks;
    if (outcome.status === "solved") return true;
    if (outcome.status === "infeasible") return false;
    if (outcome.status === "unknown" || outcome.status === "timeout") {
      throw new SolveError(
        "timeout",
        `The time limit of ${settings.timeout} ms was hit before the subset was found`,
        counters,
      );
    }
    if (outcome.status === "cancelled") {
      throw new SolveError("cancelled", "The search for the subset was cancelled", counters);
    }
    throw new SolveError("too-large", outcome.message ?? "The exact search is too large", counters);
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
