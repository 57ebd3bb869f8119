// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// The solve driver shared by solve(), solveAsync() and the portfolio
// workers: option defaults, the round robin over heuristics (SPEC 5.3) and
// the capacity bisection (SPEC 6).

import { SolveError } from "./errors.ts";
import { peakLoad, type Problem, type Solution } from "./problem.ts";
import { BUDGET, INFEASIBLE, OK, Search, type SearchSwitches, TIMEOUT } from "./search.ts";
import type { SolverOptions } from "./solve.ts";
import { type Partition, sweep, type SweepResult } from "./sweep.ts";

const DEFAULT_HEURISTICS = ["WAT", "TAW", "TWA"];
const HEURISTIC_LETTERS = /^[ACLOTUWZ]+$/;

/** The search switches with their defaults filled in. */
export function switchesOf(options: SolverOptions): SearchSwitches {
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
    soundPruning: options.soundPruning ?? true,
  };
}

/** The preordering heuristics, checked. */
export function heuristicsOf(options: SolverOptions): string[] {
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

/** Time limits and, for a portfolio member, its one heuristic. */
export interface SolveLimits {
  /** `performance.now()` when the whole solve started. */
  start: number;
  /** `performance.now()` past which the search stops. */
  deadline: number;
  /** Run only this heuristic, without a node budget. */
  heuristic?: string;
  /** A node cap another thread may lower (see Search.setLimits). */
  nodeCap?: Float64Array;
  /** Give up (with {@linkcode OutrunError}) past this many nodes in all. */
  maxNodes?: number;
}

/** Thrown by a portfolio member whose node cap ran out. */
export class OutrunError extends Error {
  /** Nodes visited before the cap stopped it. */
  readonly nodes: number;
  /** @param nodes Nodes visited. */
  constructor(nodes: number) {
    super("Another heuristic finished first");
    this.nodes = nodes;
  }
}

// Past this many pairs of buffers live at once the exact search's data
// would take gigabytes (about 50 bytes a pair).
const MAX_EXACT_PAIRS = 16_000_000;

/** One solve at the problem's capacity (SPEC 5.3). */
export function solveOnce(
  problem: Problem,
  options: SolverOptions,
  limits: SolveLimits,
): Solution {
  const switches = switchesOf(options);
  const heuristics = limits.heuristic === undefined ? heuristicsOf(options) : [limits.heuristic];
  const buffers = problem.buffers;
  const capacity = problem.capacity ?? Infinity;
  // Buffers of size 0 (and, with sound pruning, buffers never live) take
  // no bytes: they keep offset 0 or their fixed offset, outside the search.
  const searched = switches.soundPruning ? trimEdgeGaps(problem) : problem;
  const idle = (b: number) => searched.buffers[b].size === 0;
  const offsets = buffers.map((b, i) => idle(i) ? (b.offset ?? 0) : 0);
  let search: Search | undefined;
  const fail = (status: number): never => {
    const counters = { nodes: search?.nodes ?? 0, backtracks: search?.backtracks ?? 0 };
    if (status === BUDGET) throw new OutrunError(counters.nodes);
    if (status === TIMEOUT) {
      if (options.signal?.aborted) {
        throw new SolveError("cancelled", "The solve was cancelled", counters);
      }
      throw timeoutError(options, counters);
    }
    throw new SolveError(
      "infeasible",
      `No solution exists within capacity ${problem.capacity}`,
      counters,
    );
  };
  if (options.signal?.aborted) fail(TIMEOUT);
  for (let b = 0; b < buffers.length; b++) {
    if (idle(b) && offsets[b] + buffers[b].size > capacity) fail(INFEASIBLE);
  }
  if (searched.buffers.some((b) => b.size !== 0)) {
    // More bytes live at one moment than the capacity dooms every
    // partition search: say so before spending any (ours).
    if (performance.now() > limits.deadline) fail(TIMEOUT);
    if (peakLoad(problem) > capacity) fail(INFEASIBLE);
    // The overlap lists and sections grow with the pairs of buffers live at
    // once: past this many, they would take gigabytes before the search
    // starts (the reference overruns a minute there).
    const pairs = overlappingPairs(searched);
    if (pairs > MAX_EXACT_PAIRS) {
      throw new SolveError(
        "too-large",
        `The exact search needs too much memory: ${pairs} pairs of buffers are live at once (at most ${MAX_EXACT_PAIRS})`,
      );
    }
    // The sweep stops at the time limit too: on 10^5 buffers it alone can
    // take longer than the limit.
    const stop = {
      get aborted(): boolean {
        return options.signal?.aborted === true || performance.now() > limits.deadline;
      },
    } as AbortSignal;
    let swept: SweepResult;
    try {
      swept = sweep(searched, { signal: stop });
    } catch (error) {
      if (error instanceof SolveError && error.code === "cancelled") fail(TIMEOUT);
      throw error;
    }
    const engine = new Search(searched, swept, switches);
    search = engine;
    const cap = limits.nodeCap ??
      (limits.maxNodes === undefined ? undefined : Float64Array.of(limits.maxNodes));
    const capped = () => cap !== undefined && search!.nodes > cap[0];
    const run = (): number => {
      let status: number;
      if (heuristics.length === 1) {
        engine.setLimits(Infinity, limits.deadline, options.signal, cap);
        status = engine.solveAll(swept.partitions, heuristics[0]);
      } else if (options.portfolio === false) {
        // The reference's round robin: the first heuristic to finish within
        // the budget of a round decides.
        let limit = buffers.length;
        status = BUDGET;
        while (status === BUDGET && !capped()) {
          limit *= 2;
          for (const heuristic of heuristics) {
            engine.setLimits(limit, limits.deadline, options.signal, cap);
            status = engine.solveAll(swept.partitions, heuristic);
            if (status !== BUDGET || capped()) break;
          }
        }
      } else {
        status = fewestNodes(
          engine,
          swept.partitions,
          heuristics,
          buffers.length,
          limits,
          options,
          cap,
        );
      }
      return status;
    };
    // The search recurses about once per buffer placed in a row: tens of
    // thousands in one partition overflow the stack. Say so plainly.
    const guarded = (): number => {
      try {
        return run();
      } catch (error) {
        if (!(error instanceof RangeError) || !/call stack/i.test(error.message)) throw error;
        throw new SolveError(
          "too-large",
          `The exact search needs more stack than this runtime has (${buffers.length} buffers)`,
          { nodes: engine.nodes, backtracks: engine.backtracks, cause: error },
        );
      }
    };
    let status = guarded();
    if (status === INFEASIBLE && !search.provesInfeasible) {
      // Canonical order is fast but, with negative effective sizes, no
      // proof: a solution it finds is valid, "infeasible" needs the full
      // search.
      search.relaxCanonical();
      status = guarded();
    }
    if (status !== OK) fail(status);
    for (let b = 0; b < buffers.length; b++) {
      if (!idle(b)) offsets[b] = search.solution[b];
    }
  }
  let height = 0;
  for (let b = 0; b < buffers.length; b++) {
    height = Math.max(height, offsets[b] + buffers[b].size);
  }
  return {
    offsets,
    height,
    stats: {
      nodes: search?.nodes ?? 0,
      backtracks: search?.backtracks ?? 0,
      elapsedMs: performance.now() - limits.start,
    },
  };
}

/** The error for a solve stopped by its time limit. */
export function timeoutError(
  options: SolverOptions,
  counters: { nodes: number; backtracks: number },
): SolveError {
  return new SolveError(
    "timeout",
    `The time limit of ${options.timeout} ms was hit before a solution was found`,
    counters,
  );
}

/**
 * The capacity bisection of SPEC 6, driven from outside so synchronous and
 * asynchronous probes share it: probe {@linkcode CapacityBisection.next}
 * until it returns undefined, reporting each outcome.
 */
export class CapacityBisection {
  #lo = 0;
  #hi: number;
  #mid = 0;
  /** The best solution so far. */
  best: Solution | undefined;

  /** @param capacity The largest capacity to consider. */
  constructor(capacity: number) {
    this.#hi = capacity;
  }

  /** The next capacity to probe, or undefined when done. */
  next(): number | undefined {
    if (this.#lo > this.#hi) return undefined;
    this.#mid = Math.floor((this.#lo + this.#hi) / 2);
    return this.#mid;
  }

  /**
   * Reports the last probe's solution, or undefined if it failed.
   *
   * @param solution The probe's solution, if any.
   */
  report(solution: Solution | undefined): void {
    if (solution === undefined) {
      this.#lo = this.#mid + 1;
    } else {
      this.best = solution;
      this.#hi = solution.height - 1;
    }
  }
}

/**
 * The portfolio's answer, found in one thread: the heuristic that finishes
 * (solved or proved infeasible) in the fewest nodes, ties to the earlier.
 * Budgets double each round as in the round robin; in the first round
 * where any heuristic finishes, every heuristic has run with that budget,
 * so the one with the fewest nodes among them has the fewest overall.
 * Leaves the winner's offsets in `search.solution`.
 */
function fewestNodes(
  search: Search,
  partitions: readonly Partition[],
  heuristics: string[],
  bufferCount: number,
  limits: SolveLimits,
  options: SolverOptions,
  cap: Float64Array | undefined,
): number {
  let limit = bufferCount;
  for (;;) {
    if (cap !== undefined && search.nodes > cap[0]) return BUDGET;
    limit *= 2;
    let bestStatus = BUDGET;
    let bestNodes = Infinity;
    let bestSolution: Float64Array | undefined;
    for (const heuristic of heuristics) {
      const budget = Math.min(limit, bestNodes);
      const before = search.nodes;
      search.setLimits(budget, limits.deadline, options.signal, cap);
      const status = search.solveAll(partitions, heuristic);
      const used = search.nodes - before;
      if (status === TIMEOUT) return TIMEOUT;
      if (status === BUDGET || used >= bestNodes) continue;
      bestStatus = status;
      bestNodes = used;
      bestSolution = status === OK ? search.solution.slice() : undefined;
    }
    if (bestStatus !== BUDGET) {
      if (bestSolution) search.solution.set(bestSolution);
      return bestStatus;
    }
  }
}

/**
 * The same problem with every gap without a window that starts or ends a
 * lifespan cut off the lifespan: the sweep's points (SPEC 4.1) count such
 * a buffer twice in the sections of its gap, which can prune a feasible
 * problem. Returns the problem itself when nothing changes.
 */
export function trimEdgeGaps(problem: Problem): Problem {
  let changed = false;
  const buffers = problem.buffers.map((b) => {
    const gaps = b.gaps ?? [];
    let first = 0;
    let last = gaps.length;
    let lower = b.lower;
    let upper = b.upper;
    while (first < last && !gaps[first].window && gaps[first].lower === lower) {
      lower = gaps[first++].upper;
    }
    while (last > first && !gaps[last - 1].window && gaps[last - 1].upper === upper) {
      upper = gaps[--last].lower;
    }
    if (first === 0 && last === gaps.length) return b;
    changed = true;
    // A buffer that is all gap is never live: it takes no bytes.
    if (lower >= upper) return { ...b, size: 0, gaps: [] };
    return { ...b, lower, upper, gaps: gaps.slice(first, last) };
  });
  return changed ? { ...problem, buffers } : problem;
}

/** How many pairs of buffers are live at once, counted in O(n log n). */
export function overlappingPairs(problem: Problem): number {
  const lowers = problem.buffers.map((b) => b.lower).sort((a, b) => a - b);
  const uppers = problem.buffers.map((b) => b.upper).sort((a, b) => a - b);
  // A pair meets when one starts while the other is live: count, for each
  // start, the buffers started before it and not yet ended.
  let pairs = 0;
  let ended = 0;
  for (let i = 0; i < lowers.length; i++) {
    while (ended < uppers.length && uppers[ended] <= lowers[i]) ended++;
    pairs += i - ended;
  }
  return pairs;
}
