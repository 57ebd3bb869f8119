// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// The anytime capacity minimization (ours; SPEC 6 describes the
// reference's plain bisection). It starts from a proved lower bound (the
// peak load) and a heuristic solution, then bisects between them with
// exact searches under growing node budgets: a probe that runs out of
// budget is "unknown", and a later round retries with four times the
// budget. Proved infeasibility at a capacity proves it for every smaller
// one, so the lower bound only rises. Without a time limit it ends with a
// proved optimum; with one it returns the best solution found so far.

import { SolveError } from "./errors.ts";
import type { Problem, Solution } from "./problem.ts";
import type { SolverOptions } from "./solve.ts";
import {
  CapacityBisection,
  OutrunError,
  overlappingPairs,
  solveOnce,
  timeoutError,
} from "./_solve_core.ts";
import { solveHeuristic } from "./heuristics.ts";
import { peakLoad } from "./problem.ts";
import { validate } from "./validate.ts";

/** What one exact probe found. */
export type ProbeOutcome = Solution | "infeasible" | "unknown";

// Above this many overlapping pairs the sweep's overlap lists and section
// sets take too much time and memory for the exact search to pay within a
// typical time limit; the heuristics carry such problems alone.
const EXACT_PAIR_LIMIT = 4_000_000;

// A generous bound on the heuristics' first pass, in milliseconds a buffer.
const PASS_MS_PER_BUFFER = 0.02;

// How many times the round's budget the probe at the lower bound gets,
// and at most which share of the time left (nodes cost more near it).
const LOW_BUDGET = 16;
const LOW_SHARE = 0.25;

/** A probe of the anytime bisection. */
export interface AnytimeProbe {
  /** The capacity to try. */
  capacity: number;
  /** Its node budget. */
  maxNodes: number;
  /** At most this share of the time left, if given: a timeout is then "unknown". */
  share?: number;
}

/** The bisection state between the proved lower bound and the best solution. */
export class AnytimeBisection {
  /** Every capacity below this is proved infeasible. */
  provedLower: number;
  /** The best solution so far, within the capacity limit. */
  best: Solution | undefined;
  readonly #limit: number;
  #budget: number;
  #lo: number;
  #hi: number;
  #mid = 0;
  #unknown = false;
  #lowFirst = true;

  /**
   * @param lowerBound A proved lower bound on the height.
   * @param limit The largest capacity allowed.
   * @param best A starting solution, if any (ignored above the limit).
   * @param budget The first round's node budget per probe.
   */
  constructor(lowerBound: number, limit: number, best: Solution | undefined, budget: number) {
    this.provedLower = lowerBound;
    this.#limit = limit;
    this.best = best !== undefined && best.height <= limit ? best : undefined;
    this.#budget = budget;
    this.#lo = lowerBound;
    this.#hi = this.#ceiling();
  }

  #ceiling(): number {
    return this.best === undefined ? this.#limit : this.best.height - 1;
  }

  /** Whether the best height is proved optimal. */
  get optimal(): boolean {
    return this.best !== undefined && this.best.height <= this.provedLower;
  }

  /** The next probe (capacity and node budget), or undefined when done. */
  next(): AnytimeProbe | undefined {
    if (this.optimal) return undefined;
    if (this.#lo > this.#hi) {
      if (!this.#unknown) return undefined;
      this.#unknown = false;
      this.#budget *= 4;
      this.#lo = this.provedLower;
      this.#hi = this.#ceiling();
      if (this.#lo > this.#hi) return undefined;
    }
    if (this.#lowFirst) {
      // The first probe is at the lower bound itself, with a larger budget:
      // real problems often fit their peak load exactly, and a solution
      // there ends the minimization with a proof.
      this.#lowFirst = false;
      this.#mid = this.#lo;
      return { capacity: this.#mid, maxNodes: this.#budget * LOW_BUDGET, share: LOW_SHARE };
    }
    this.#mid = Math.floor((this.#lo + this.#hi) / 2);
    return { capacity: this.#mid, maxNodes: this.#budget };
  }

  /**
   * Reports the last probe's outcome.
   *
   * @param outcome A solution, a proof of infeasibility, or unknown.
   */
  report(outcome: ProbeOutcome): void {
    if (outcome === "infeasible") {
      this.#lo = this.#mid + 1;
      this.provedLower = Math.max(this.provedLower, this.#mid + 1);
    } else if (outcome === "unknown") {
      this.#lo = this.#mid + 1;
      this.#unknown = true;
    } else {
      this.best = outcome;
      this.#hi = outcome.height - 1;
    }
  }
}

/**
 * Before an exact search at a fixed capacity on a problem too large for
 * it to pay (ours, {@linkcode SolverOptions.heuristicFirst}): the
 * heuristics, stopped as soon as they fit the capacity. Returns a valid
 * solution within the capacity, "missed" when the heuristics ran but did
 * not fit, or undefined when they did not run. `always` skips the size
 * test (after the exact search gave up).
 */
export function heuristicFirst(
  problem: Problem,
  options: SolverOptions,
  start: number,
  deadline: number,
  always = false,
): Solution | "missed" | undefined {
  if (options.heuristicFirst === false || problem.capacity === undefined) return undefined;
  if (!always && overlappingPairs(problem) <= EXACT_PAIR_LIMIT) return undefined;
  const remaining = deadline - performance.now();
  // The heuristics' first pass always completes: skip them when it could
  // overrun the time limit (a pass takes a few microseconds a buffer).
  if (remaining < problem.buffers.length * PASS_MS_PER_BUFFER) return undefined;
  const solution = solveHeuristic(problem, {
    timeLimit: Math.max(0, Math.min(remaining * 0.5, 10_000)),
    signal: options.signal,
    target: problem.capacity,
  });
  if (solution.height > problem.capacity || validate(problem, solution) !== "good") {
    return "missed";
  }
  return {
    ...solution,
    stats: { nodes: 0, backtracks: 0, elapsedMs: performance.now() - start },
  };
}

/** The starting point: lower bound, heuristic solution and whether to search. */
export interface MinimizeStart {
  /** The peak load. */
  lowerBound: number;
  /** The heuristic's solution, when it has a valid one. */
  heuristic: Solution | undefined;
  /** Whether exact probes are worth running. */
  exact: boolean;
}

/** Computes the lower bound and the heuristic solution. */
export function minimizeStart(
  problem: Problem,
  options: SolverOptions,
  start: number,
  deadline: number,
): MinimizeStart {
  const exact = overlappingPairs(problem) <= EXACT_PAIR_LIMIT;
  const remaining = deadline - performance.now();
  // The heuristics get most of the time when they work alone.
  const timeLimit = exact ? Math.min(remaining * 0.25, 1000) : Math.min(remaining * 0.8, 10_000);
  let heuristic: Solution | undefined = solveHeuristic(problem, {
    timeLimit: Math.max(0, timeLimit),
    signal: options.signal,
  });
  void start;
  // The heuristics computed the peak load already.
  const lowerBound = heuristic.lowerBound ?? peakLoad(problem);
  // A heuristic answer is only a starting point once it is checked: the
  // exact probes must not inherit a bug from it.
  const { capacity: _, ...uncapped } = problem;
  if (validate(uncapped, heuristic) !== "good") heuristic = undefined;
  return { lowerBound, heuristic, exact };
}

/**
 * The reference's minimization (SPEC 6): a bisection from 0 to the
 * capacity; a probe stopped by the shared deadline counts as a failure.
 */
export function minimizeReference(
  problem: Problem,
  options: SolverOptions,
  start: number,
  deadline: number,
): Solution {
  const counters: MinimizeCounters = { nodes: 0, backtracks: 0, timedOut: false };
  const bisection = new CapacityBisection(problem.capacity!);
  for (let capacity = bisection.next(); capacity !== undefined; capacity = bisection.next()) {
    let result: unknown;
    try {
      result = solveOnce({ ...problem, capacity }, options, { start, deadline });
    } catch (error) {
      result = error;
    }
    const outcome = classifyProbe(result, counters);
    bisection.report(typeof outcome === "object" ? outcome : undefined);
  }
  return finishMinimize(bisection, problem, options, start, counters);
}

/** The result of a minimization, with its proof status. */
export function finishMinimize(
  bisection: { best: Solution | undefined; provedLower?: number; optimal?: boolean },
  problem: Problem,
  options: SolverOptions,
  start: number,
  counters: MinimizeCounters,
): Solution {
  const best = bisection.best;
  if (best === undefined) {
    if (counters.failure !== undefined) throw counters.failure;
    if (counters.timedOut) throw timeoutError(options, counters);
    throw new SolveError(
      "infeasible",
      `No solution exists within capacity ${problem.capacity}`,
      counters,
    );
  }
  return {
    offsets: best.offsets,
    height: best.height,
    ...(bisection.provedLower === undefined ? {} : {
      lowerBound: Math.min(bisection.provedLower, best.height),
      optimal: bisection.optimal,
    }),
    stats: {
      nodes: counters.nodes,
      backtracks: counters.backtracks,
      elapsedMs: performance.now() - start,
    },
  };
}

/** The anytime minimization with probes on this thread. */
export function minimizeAnytime(
  problem: Problem,
  options: SolverOptions,
  start: number,
  deadline: number,
): Solution {
  const limit = problem.capacity ?? Infinity;
  const first = minimizeStart(problem, options, start, deadline);
  const bisection = new AnytimeBisection(
    first.lowerBound,
    limit,
    first.heuristic,
    16 * problem.buffers.length,
  );
  const counters: MinimizeCounters = { nodes: 0, backtracks: 0, timedOut: false };
  options.onProgress?.(progressOf(bisection, start));
  if (first.exact) {
    for (let probe = bisection.next(); probe !== undefined; probe = bisection.next()) {
      let result: unknown;
      const now = performance.now();
      const own = probe.share === undefined ? deadline : now + (deadline - now) * probe.share;
      try {
        result = solveOnce({ ...problem, capacity: probe.capacity }, options, {
          start,
          deadline: own,
          maxNodes: probe.maxNodes,
        });
      } catch (error) {
        result = error;
      }
      const outcome = classifyProbe(result, counters, own < deadline);
      if (outcome === undefined) break;
      bisection.report(outcome);
      if (outcome !== "unknown") options.onProgress?.(progressOf(bisection, start));
    }
  }
  return finishMinimize(bisection, problem, options, start, counters);
}

/** Counters of a minimization. */
export interface MinimizeCounters {
  /** Nodes over all probes. */
  nodes: number;
  /** Backtracks over all probes. */
  backtracks: number;
  /** Whether the time limit stopped it. */
  timedOut: boolean;
  /** A failure that stopped it otherwise ("too-large"). */
  failure?: SolveError;
}

/**
 * Turns a probe's result (a solution or what it threw) into an outcome,
 * adding up its counters; undefined means the time limit hit and the
 * minimization stops (unless the probe had a shorter limit of its own).
 * Other errors are rethrown.
 */
export function classifyProbe(
  result: unknown,
  counters: MinimizeCounters,
  ownTimeLimit = false,
): ProbeOutcome | undefined {
  if (result instanceof OutrunError) {
    counters.nodes += result.nodes;
    return "unknown";
  }
  if (result instanceof SolveError) {
    counters.nodes += result.nodes;
    counters.backtracks += result.backtracks;
    if (result.code === "infeasible") return "infeasible";
    if (result.code === "too-large") {
      counters.failure = result;
      return undefined;
    }
    if (result.code === "timeout") {
      // A probe's own share of the time ran out, not the minimization's.
      if (ownTimeLimit) return "unknown";
      counters.timedOut = true;
      return undefined;
    }
    throw result;
  }
  if (result instanceof Error) throw result;
  const solution = result as Solution;
  counters.nodes += solution.stats?.nodes ?? 0;
  counters.backtracks += solution.stats?.backtracks ?? 0;
  return solution;
}

/** A progress report for {@linkcode SolverOptions.onProgress}. */
export function progressOf(
  bisection: AnytimeBisection,
  start: number,
): { elapsedMs: number; lowerBound: number; bestHeight: number | undefined } {
  return {
    elapsedMs: performance.now() - start,
    lowerBound: bisection.provedLower,
    bestHeight: bisection.best?.height,
  };
}
