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
import { CapacityBisection, heuristicsOf, timeoutError } from "./_solve_core.ts";
import {
  AnytimeBisection,
  classifyProbe,
  finishMinimize,
  heuristicFirst,
  type MinimizeCounters,
  progressOf,
} from "./_minimize.ts";
import { failureOf, plainOptions, WorkerPool, workersAvailable } from "./_portfolio.ts";

// Below this many buffers a solve takes milliseconds: starting workers
// would cost more than it saves, and the search's own clock checks keep
// the time limit.
const WORKERS_MIN_BUFFERS = 64;
const WORKERS_MIN_TIMEOUT = 500;
// Workers stop at the time limit by themselves (returning the best found
// so far, when minimizing); past this grace they are terminated.
const GRACE_MS = 20;

/**
 * Solves like {@linkcode solve}, returning a promise, with the work on Web
 * Workers where they are available: with `portfolio` on (the default), the
 * preordering heuristics race on one worker each, and the answer is the
 * same as {@linkcode solve}'s, since the race is decided by node counts
 * rather than by the clock. The time limit and the abort signal stop the
 * workers promptly, wherever they are (even in preprocessing). Small
 * problems, and runtimes without workers or shared memory, solve on the
 * calling thread.
 *
 * @example Usage
 * ```ts
 * import { solveAsync } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const solution = await solveAsync({
 *   capacity: 8,
 *   buffers: [
 *     { id: "a", lower: 0, upper: 2, size: 4 },
 *     { id: "b", lower: 1, upper: 3, size: 4 },
 *   ],
 * });
 * deepEqual(solution.height, 8);
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
  const anytime = options.minimizeCapacity === true && options.anytimeMinimize !== false;
  checkProblem(problem, anytime);
  const heuristics = heuristicsOf(options);
  // Small problems, short time limits (starting workers takes about a
  // tenth of a second) and runtimes without workers solve on this thread;
  // solve() computes the same answer.
  const short = options.timeout !== undefined && options.timeout < WORKERS_MIN_TIMEOUT;
  if (problem.buffers.length < WORKERS_MIN_BUFFERS || short || !workersAvailable()) {
    await Promise.resolve();
    return solve(problem, options);
  }
  if (options.signal?.aborted) throw new SolveError("cancelled", "The solve was cancelled");
  const start = performance.now();
  let quick: ReturnType<typeof heuristicFirst>;
  if (!options.minimizeCapacity) {
    const deadline = start + (options.timeout ?? Infinity);
    quick = heuristicFirst(problem, options, start, deadline);
    if (typeof quick === "object") return quick;
  }
  const race = (options.portfolio ?? true) && heuristics.length > 1;
  // The clock starts before the workers: starting them takes a while.
  let pool: WorkerPool | undefined = undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    if (options.timeout !== undefined && Number.isFinite(options.timeout)) {
      timer = setTimeout(() => {
        pool?.close();
        reject(timeoutError(options, { nodes: 0, backtracks: 0 }));
      }, Math.max(0, options.timeout - (performance.now() - start)) + GRACE_MS);
    }
    onAbort = () => {
      pool?.close();
      reject(new SolveError("cancelled", "The solve was cancelled"));
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
  });
  pool = new WorkerPool(race ? heuristics.length : 1);
  try {
    return await Promise.race([stop, drive(problem, options, pool, race, heuristics, start)]);
  } catch (error) {
    // Too large for the exact search: a heuristic that fits still answers.
    if (options.minimizeCapacity || !(error instanceof SolveError) || error.code !== "too-large") {
      throw error;
    }
    if (quick === "missed") throw error;
    const deadline = start + (options.timeout ?? Infinity);
    const fallback = heuristicFirst(problem, options, start, deadline, true);
    if (typeof fallback !== "object") throw error;
    return fallback;
  } finally {
    pool.close();
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener("abort", onAbort);
  }
}

/** Runs the solve on the pool; `stop` settles first on a time limit or abort. */
async function drive(
  problem: Problem,
  options: SolverOptions,
  pool: WorkerPool,
  race: boolean,
  heuristics: string[],
  start: number,
): Promise<Solution> {
  const plain = plainOptions(options);
  // Each thread has its own clock: time limits travel as time remaining.
  const remaining = () =>
    options.timeout === undefined
      ? undefined
      : Math.max(0, options.timeout - (performance.now() - start));
  if (!race) {
    const reply = await pool.call(0, {
      kind: "solve",
      problem,
      options: { ...plain, timeout: remaining() },
    });
    if (reply.kind !== "ok") throw failureOf(reply);
    return reply.solution;
  }
  if (!options.minimizeCapacity) {
    return await pool.race(problem, { ...options, timeout: remaining() }, heuristics, start);
  }

  const counters: MinimizeCounters = { nodes: 0, backtracks: 0, timedOut: false };
  const probe = async (capacity: number, maxNodes?: number, share = 1): Promise<unknown> => {
    try {
      return await pool.race(
        { ...problem, capacity },
        { ...options, timeout: shareOf(remaining(), share) },
        heuristics,
        start,
        maxNodes,
      );
    } catch (error) {
      return error;
    }
  };
  if (options.anytimeMinimize === false) {
    const bisection = new CapacityBisection(problem.capacity!);
    for (let capacity = bisection.next(); capacity !== undefined; capacity = bisection.next()) {
      const outcome = classifyProbe(await probe(capacity), counters);
      bisection.report(typeof outcome === "object" ? outcome : undefined);
    }
    return finishMinimize(bisection, problem, options, start, counters);
  }

  const first = await pool.call(0, {
    kind: "start",
    problem,
    options: { ...plain, timeout: remaining() },
  });
  if (first.kind !== "start") throw failureOf(first);
  const bisection = new AnytimeBisection(
    first.lowerBound,
    problem.capacity ?? Infinity,
    first.heuristic,
    16 * problem.buffers.length,
  );
  options.onProgress?.(progressOf(bisection, start));
  if (first.exact) {
    for (let next = bisection.next(); next !== undefined; next = bisection.next()) {
      const result = await probe(next.capacity, next.maxNodes, next.share);
      const own = next.share !== undefined && (remaining() ?? 0) > 0;
      const outcome = classifyProbe(result, counters, own);
      if (outcome === undefined) break;
      bisection.report(outcome);
      if (outcome !== "unknown") options.onProgress?.(progressOf(bisection, start));
    }
  }
  return finishMinimize(bisection, problem, options, start, counters);
}

/** A share of the time left, or no limit. */
function shareOf(remaining: number | undefined, share: number): number | undefined {
  return remaining === undefined ? undefined : remaining * share;
}
