// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * {@linkcode solveAsync}: the solver off the calling thread, racing the
 * preordering heuristics on Web Workers.
 *
 * @module
 */

import { SolveError } from "./errors.ts";
import type { Problem, Solution } from "./problem.ts";
import { solve, type SolverOptions } from "./solve.ts";
import { checkProblem } from "./_check.ts";
import { CapacityBisection, heuristicsOf, MinimizeTally, timeoutError } from "./_solve_core.ts";
import { Portfolio, portfolioAvailable } from "./_portfolio.ts";

// Below this many buffers a solve takes milliseconds and starting workers
// would cost more than it saves.
const PORTFOLIO_MIN_BUFFERS = 64;

/**
 * Solves like {@linkcode solve}, returning a promise. With `portfolio` on
 * (the default) and Web Workers available, the preordering heuristics race
 * on one worker each; the answer is the same as {@linkcode solve}'s, since
 * the race is decided by node counts rather than by the clock. The time
 * limit and the abort signal stop the workers at once, wherever they are.
 * Where workers are unavailable (or for small problems) it solves on the
 * calling thread.
 *
 * @example Usage
 * ```ts
 * import { solveAsync } from "@x/minimalloc";
 * import { assertEquals } from "node:assert/strict";
 *
 * const solution = await solveAsync({
 *   capacity: 8,
 *   buffers: [
 *     { id: "a", lower: 0, upper: 2, size: 4 },
 *     { id: "b", lower: 1, upper: 3, size: 4 },
 *   ],
 * });
 * assertEquals(solution.height, 8);
 * ```
 *
 * @param problem The buffers and the capacity.
 * @param options Search switches, time limit and cancellation.
 * @returns One offset per buffer and the height reached.
 * @throws {SolveError} With code `"infeasible"`, `"timeout"` or `"cancelled"`.
 * @throws {RangeError} If the problem or the options are malformed.
 */
export async function solveAsync(
  problem: Problem,
  options: SolverOptions = {},
): Promise<Solution> {
  checkProblem(problem);
  const heuristics = heuristicsOf(options);
  const usePortfolio = (options.portfolio ?? true) && heuristics.length > 1 &&
    problem.buffers.length >= PORTFOLIO_MIN_BUFFERS && portfolioAvailable();
  if (!usePortfolio) {
    await Promise.resolve();
    return solve(problem, options);
  }
  const start = performance.now();
  if (options.signal?.aborted) throw new SolveError("cancelled", "The solve was cancelled");
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const abort = new Promise<never>((_, reject) => {
    if (options.timeout !== undefined && Number.isFinite(options.timeout)) {
      timer = setTimeout(
        () => reject(timeoutError(options, { nodes: 0, backtracks: 0 })),
        Math.max(0, options.timeout),
      );
    }
    onAbort = () => reject(new SolveError("cancelled", "The solve was cancelled"));
    options.signal?.addEventListener("abort", onAbort, { once: true });
  });
  const portfolio = new Portfolio(heuristics);
  try {
    if (!options.minimizeCapacity) return await portfolio.solve(problem, options, abort, start);
    const tally = new MinimizeTally();
    const bisection = new CapacityBisection(problem.capacity);
    for (let capacity = bisection.next(); capacity !== undefined; capacity = bisection.next()) {
      let outcome: unknown;
      try {
        outcome = await portfolio.solve({ ...problem, capacity }, options, abort, start);
      } catch (error) {
        // Past the shared deadline every later probe fails too (SPEC 6).
        if (error instanceof SolveError && error.code === "timeout") {
          tally.timedOut = true;
          break;
        }
        outcome = error;
      }
      bisection.report(tally.record(outcome));
    }
    return tally.finish(bisection.best, problem, options, start);
  } finally {
    portfolio.close();
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener("abort", onAbort);
  }
}
