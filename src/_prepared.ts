// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// A problem prepared once for many probes: the edge gaps trimmed, the peak
// load and the pairs of buffers live at once counted, and (when the first
// search needs them) the sweep and the search's typed arrays built. A probe
// at another capacity reuses all of it; only the capacity changes. The same
// class serves the calling thread (solve) and each worker (solveAsync).
//
// Results are plain values that can cross to another thread: a search
// ends "solved", "infeasible", out of "budget", at the "timeout", "stopped"
// by its stop flag, or "too-large" for the exact search.

import { SolveError } from "./errors.ts";
import type { Problem } from "./problem.ts";
import { lowerBoundBefore, peakLoadBefore } from "./_peak_load.ts";
import { sortNumbers } from "./_sort.ts";
import {
  INFEASIBLE,
  OK,
  PAUSED,
  type ResumableSearch,
  Search,
  SearchModel,
  type SearchSwitches,
} from "./search.ts";
import { PairSearch } from "./_pair_search.ts";
import { type SweepArrays, sweepArrays } from "./_sweep_arrays.ts";
import { isValidColumns, validateColumnsOf } from "./_validate_columns.ts";
import {
  CHECK_MS_PER_BUFFER,
  CHECK_MS_PER_WINDOWED_PAIR,
  CHECK_WINDOWED_BUN_FACTOR,
  EXACT_SEARCH_MAX_PAIRS,
} from "./_limits.ts";
import { type PinHoles, pinHolesFail, pinHolesOf } from "./_pin_holes.ts";
import { checkPins, heuristicSteps } from "./_heuristics_run.ts";
import { finish } from "./_steps.ts";
import type { HeuristicColumns, HeuristicProblem } from "./_heuristics_core.ts";
import { hasWindow } from "./_windows.ts";

// The members key of the search state that runs given up at their budget share.
const ONE_AT_A_TIME = -1;

/** Something that says when to stop: an AbortSignal or a shared flag. */
export interface StopFlag {
  /** Whether to stop now. */
  readonly aborted: boolean;
}

/** What the plan needs to know about a problem before it probes. */
export interface Facts {
  /** The peak load: no solution is lower. */
  peakLoad: number;
  /**
   * The peak load with the padding alignments force, or the highest pinned
   * buffer's top where that is higher (see lowerBoundBefore): no solution
   * is lower either; the peak load itself without even alignments or pins.
   */
  lowerBound: number;
  /** Pairs of buffers live at once: what the exact search's memory follows. */
  pairs: number;
}

/**
 * A run of one search of a probe: one preordering heuristic's search,
 * begun afresh or resumed where it paused, for at most `budget` nodes.
 */
export interface SearchJob {
  /** Which search state: one per preordering heuristic of the probe. */
  member: number;
  /** Begin a new search with these settings (else resume the paused one). */
  begin?: {
    /** The capacity to search at. */
    capacity: number;
    /** The preordering heuristic. */
    heuristic: string;
    /** Search without canonical order (see Search.begin). */
    relaxed: boolean;
  };
  /** Nodes allowed in this run (Infinity for no limit). */
  budget: number;
  /** Out of budget, give the search up ("budget"), else pause it ("paused"). */
  giveUp: boolean;
  /** Pause after this many milliseconds (a time slice; Infinity for none). */
  sliceMs: number;
  /**
   * Not a search: the fast heuristics at `begin.capacity` (see
   * ProbeSettings.fit); "solved" where one fits, else "budget".
   */
  fit?: true;
}

/** How a run of a search ended. */
export type SearchStatus =
  | "solved"
  | "infeasible"
  | "paused"
  | "budget"
  | "timeout"
  | "stopped"
  | "too-large";

/** What one run of a search found, and what it cost. */
export interface SearchResult {
  /** How it ended. */
  status: SearchStatus;
  /** Nodes it visited in this run. */
  nodes: number;
  /** Times it backtracked in this run. */
  backtracks: number;
  /** The offsets, when solved. */
  offsets?: Float64Array;
  /** Whether "infeasible" is a proof (canonical order can hide solutions). */
  proof: boolean;
  /** Why, for "too-large". */
  message?: string;
}

/** A fast heuristic to run, and when to stop improving. */
export interface HeuristicJob {
  /** One of heuristicNames. */
  name: string;
  /** Stop improving once the height is at most this. */
  target?: number;
  /** A later round of improvement (see runHeuristic); absent: the first. */
  round?: number;
}

/** What a heuristic found ("timeout" and "cancelled": cut before any placement completed). */
export type HeuristicResult =
  | {
    status: "solved";
    offsets: Float64Array;
    height: number;
    /**
     * Not yet checked: left to the caller, or found too close to the
     * deadline to check here.
     */
    unchecked?: true;
  }
  | { status: "infeasible"; message: string }
  | { status: "timeout" }
  | { status: "cancelled" }
  | { status: "none" };

/** A problem prepared once, probed at any capacity. */
export class Prepared {
  /** The problem as given. */
  readonly problem: Problem;
  readonly #switches: SearchSwitches;
  // The problem the search sees: with sound pruning, the edge gaps cut off.
  readonly #searched: Problem;
  // Buffers that take no bytes (size 0, or never live once trimmed).
  readonly #idle: Uint8Array;
  readonly #anySearched: boolean;
  #facts: Facts | undefined;
  #peakLoad: number | undefined;
  #sweep: SweepArrays | undefined;
  // Moments with pinned buffers (null: none to check), found once.
  #pinHoles: PinHoles | null | undefined;
  #model: SearchModel | undefined;
  // The search states, one per member of a probe, reused across probes,
  // and the search each member runs now.
  readonly #searches = new Map<number, Search>();
  readonly #pairSearches = new Map<number, PairSearch>();
  readonly #members = new Map<number, ResumableSearch>();

  /**
   * @param problem The problem (its capacity is only the default).
   * @param switches The search switches.
   */
  constructor(problem: Problem, switches: SearchSwitches) {
    this.problem = problem;
    this.#switches = switches;
    this.#searched = switches.soundPruning ? trimEdgeGaps(problem) : problem;
    const n = problem.buffers.length;
    this.#idle = new Uint8Array(n);
    let any = false;
    for (let b = 0; b < n; b++) {
      if (this.#searched.buffers[b].size === 0) this.#idle[b] = 1;
      else any = true;
    }
    this.#anySearched = any;
  }

  /**
   * The peak load and the pairs count, computed once; a SolveError
   * "timeout" when `deadline` passes first (a second at 10^6 buffers).
   */
  facts(deadline = Infinity): Facts {
    if (this.#facts === undefined) {
      const peakLoad = this.#peakLoad ?? peakLoadBefore(this.problem, deadline);
      this.#facts = {
        peakLoad,
        lowerBound: lowerBoundBefore(this.problem, deadline, peakLoad),
        pairs: this.#anySearched ? overlappingPairs(this.#searched, deadline) : 0,
      };
    }
    return this.#facts;
  }

  /** The facts, if they were computed (or given). */
  get knownFacts(): Facts | undefined {
    return this.#facts;
  }

  /**
   * Takes facts computed elsewhere (the calling thread computes them
   * while the workers start).
   *
   * @param facts The problem's facts.
   */
  setFacts(facts: Facts): void {
    this.#facts = facts;
  }

  /**
   * The peak load, from the facts if known (without the pairs, which take
   * longer); 0, a lower bound, when `deadline` passes before it is measured.
   */
  peakLoadBy(deadline: number): number {
    if (this.#facts !== undefined) return this.#facts.peakLoad;
    if (this.#peakLoad !== undefined) return this.#peakLoad;
    try {
      return this.#peakLoad = peakLoadBefore(this.problem, deadline);
    } catch (error) {
      if (error instanceof SolveError && error.code === "timeout") return 0;
      throw error;
    }
  }

  /**
   * Runs one search of a probe: begins it (SPEC 5.3 for one heuristic) or
   * resumes it, for at most the job's budget and time slice; or, for a job
   * with `fit`, the fast heuristics.
   *
   * @param job What to run.
   * @param deadline `performance.now()` past which it stops ("timeout").
   * @param stop Stops it when raised ("stopped").
   */
  advance(job: SearchJob, deadline: number, stop?: StopFlag): SearchResult {
    const result = (status: SearchStatus, nodes = 0, backtracks = 0): SearchResult => ({
      status,
      nodes,
      backtracks,
      proof: true,
    });
    if (stop?.aborted) return result("stopped");
    if (job.fit && job.begin !== undefined) {
      const capacity = job.begin.capacity;
      return fitResult(
        this.heuristic({ name: "best", target: capacity }, deadline, stop),
        capacity,
        (offsets, height) => isValid(this.problem, offsets, height),
      );
    }
    let search: ResumableSearch;
    if (job.begin !== undefined) {
      const early = this.#before(job.begin.capacity, deadline, stop);
      if (early !== undefined) return early;
      if (this.#model === undefined) {
        // Its passes over every pair stop at the deadline and the signal
        // too (0.3 s at 10,000 buffers with windowed gaps, 0.8 s at 20,000).
        try {
          const clock = clockOf(deadline, stop);
          this.#model = new SearchModel(this.#searched, this.#sweep!, this.#switches, clock);
        } catch (error) {
          if (!(error instanceof SolveError) || error.code !== "cancelled") throw error;
          return result(stop?.aborted ? "stopped" : "timeout");
        }
      }
      // A run that gives up at its budget (the round robin's) never
      // resumes: one search state serves them all, so each member's trails
      // do not stay allocated beside the others'.
      const member = job.giveUp ? ONE_AT_A_TIME : job.member;
      this.#members.get(member)?.abandon();
      if (job.begin.relaxed && this.#model.pairsProve) {
        // Only the search by pairs proves "infeasible" here.
        const pairs = this.#pairSearches.get(member) ?? new PairSearch(this.#model);
        this.#pairSearches.set(member, pairs);
        pairs.begin(job.begin.capacity, stringSeed(job.begin.heuristic));
        search = pairs;
      } else {
        const canonical = this.#searches.get(member) ?? new Search(this.#model);
        this.#searches.set(member, canonical);
        canonical.begin(job.begin.capacity, job.begin.heuristic, job.begin.relaxed);
        search = canonical;
      }
      this.#members.set(member, search);
    } else {
      // A round robin's run cut by its time slice resumes (the one state).
      const paused = this.#members.get(job.giveUp ? ONE_AT_A_TIME : job.member);
      if (paused === undefined || !paused.paused) {
        throw new Error(`Internal error: search ${job.member} is not paused`);
      }
      search = paused;
    }
    const nodes = search.nodes;
    const backtracks = search.backtracks;
    const pauseAt = job.sliceMs === Infinity ? Infinity : performance.now() + job.sliceMs;
    const status = search.run(job.budget, deadline, stop, pauseAt);
    const spent = { nodes: search.nodes - nodes, backtracks: search.backtracks - backtracks };
    if (status === OK) {
      const offsets = this.#idleOffsets();
      const buffers = this.problem.buffers;
      for (let b = 0; b < buffers.length; b++) {
        if (!this.#idle[b]) offsets[b] = search.solution[b];
      }
      return { status: "solved", ...spent, offsets, proof: true };
    }
    if (status === INFEASIBLE) {
      return { status: "infeasible", ...spent, proof: search.provesInfeasible };
    }
    if (status === PAUSED) {
      // Out of budget (or of its time slice, which never means give up).
      const sliced = search.nodes - nodes < job.budget;
      if (!job.giveUp || sliced) return { status: "paused", ...spent, proof: true };
      search.abandon();
      return { status: "budget", ...spent, proof: true };
    }
    return { status: stop?.aborted ? "stopped" : "timeout", ...spent, proof: true };
  }

  /**
   * What settles a search at this capacity before it starts, if anything;
   * otherwise makes sure the sweep is there (undefined).
   */
  #before(capacity: number, deadline: number, stop?: StopFlag): SearchResult | undefined {
    const buffers = this.problem.buffers;
    const result = (status: SearchStatus): SearchResult => ({
      status,
      nodes: 0,
      backtracks: 0,
      proof: true,
    });
    // Buffers that take no bytes keep offset 0 or their fixed offset,
    // outside the search; they must still fit.
    for (let b = 0; b < buffers.length; b++) {
      if (this.#idle[b] && (buffers[b].offset ?? 0) + buffers[b].size > capacity) {
        return result("infeasible");
      }
    }
    if (!this.#anySearched) return { ...result("solved"), offsets: this.#idleOffsets() };
    // More bytes live at one moment than the capacity dooms every
    // partition search: say so before spending any (ours).
    const facts = this.facts();
    if (this.#switches.loadBound) {
      if (facts.lowerBound > capacity) return result("infeasible");
      // The holes pinned buffers leave (part of the load bound).
      if (this.#pinHoles === undefined) {
        // Cut by the deadline it proves nothing, once for all.
        this.#pinHoles = pinHolesOf(this.problem.buffers, clockOf(deadline, stop)) ?? null;
      }
      if (this.#pinHoles !== null && pinHolesFail(this.#pinHoles, capacity)) {
        return result("infeasible");
      }
    }
    if (facts.pairs > EXACT_SEARCH_MAX_PAIRS) {
      return {
        ...result("too-large"),
        message:
          `The exact search needs too much memory: ${facts.pairs} pairs of buffers are live at once (at most ${EXACT_SEARCH_MAX_PAIRS})`,
      };
    }
    if (performance.now() > deadline) return result("timeout");
    if (this.#sweep === undefined) {
      // The sweep stops at the deadline too: on 10^5 buffers it alone can
      // take longer than the limit.
      try {
        this.#sweep = sweepArrays(this.#searched, clockOf(deadline, stop));
      } catch (error) {
        if (!(error instanceof SolveError) || error.code !== "cancelled") throw error;
        return result(stop?.aborted ? "stopped" : "timeout");
      }
    }
    return undefined;
  }

  /** Offsets with the idle buffers' filled in. */
  #idleOffsets(): Float64Array {
    const buffers = this.problem.buffers;
    const offsets = new Float64Array(buffers.length);
    for (let b = 0; b < buffers.length; b++) {
      if (this.#idle[b]) offsets[b] = buffers[b].offset ?? 0;
    }
    return offsets;
  }

  /**
   * Runs a fast heuristic on the problem, without its capacity; the
   * solution is checked before it is returned ("none" if it fails, which
   * would be a bug).
   *
   * @param job Which heuristic, and its target.
   * @param deadline `performance.now()` past which it stops improving.
   * @param stop Stops it improving when raised.
   */
  heuristic(
    job: HeuristicJob,
    deadline: number,
    stop?: StopFlag,
    check = true,
  ): HeuristicResult {
    return finish(this.heuristicSteps(job, deadline, stop, check));
  }

  /** {@linkcode Prepared.heuristic} in steps (see _steps.ts). */
  heuristicSteps(
    job: HeuristicJob,
    deadline: number,
    stop?: StopFlag,
    check = true,
  ): Generator<void, HeuristicResult> {
    return solverHeuristicSteps(this.problem, {
      job,
      deadline,
      stop,
      pairs: this.#facts?.pairs,
      // The solver's own bound where it has it (pins' tops, padding), as
      // a worker's heuristic has: improving stops there.
      lowerBound: () => this.#facts?.lowerBound ?? this.peakLoadBy(deadline),
      check: check ? (offsets, height) => isValid(this.problem, offsets, height) : undefined,
    });
  }
}

/**
 * A probe's run of the fast heuristics (a {@linkcode SearchJob} with
 * `fit`) as a search's result: "solved" where an answer that fits the
 * capacity was checked (by `check` where the heuristic left it
 * unchecked, its deadline near); cut by the deadline or the stop flag, as
 * a search would be; else "budget" (the searches decide).
 */
export function fitResult(
  found: HeuristicResult,
  capacity: number,
  check?: (offsets: Float64Array, height: number) => boolean,
): SearchResult {
  const counters = { nodes: 0, backtracks: 0, proof: true };
  if (
    found.status === "solved" && found.height <= capacity &&
    (found.unchecked === undefined || check?.(found.offsets, found.height) === true)
  ) {
    return { status: "solved", offsets: found.offsets, ...counters };
  }
  if (found.status === "timeout") return { status: "timeout", ...counters };
  if (found.status === "cancelled") return { status: "stopped", ...counters };
  return { status: "budget", ...counters };
}

/** A flag raised by the stop flag, or once `performance.now()` passes the deadline. */
function clockOf(deadline: number, stop?: StopFlag): StopFlag {
  return {
    get aborted(): boolean {
      return stop?.aborted === true || performance.now() > deadline;
    },
  };
}

/** How the solver runs a fast heuristic (see {@linkcode solverHeuristic}). */
export interface SolverHeuristic {
  /** Which heuristic, and its target. */
  job: HeuristicJob;
  /** `performance.now()` past which it stops. */
  deadline: number;
  /** Stops it when raised. */
  stop?: StopFlag;
  /** Pairs of buffers live at once, where known: checking takes longer with more. */
  pairs?: number;
  /**
   * A lower bound on the height (the peak load at least): asked once a
   * placement is complete and more may run.
   */
  lowerBound: () => number;
  /** Checks the answer; absent where the caller checks it. */
  check?: (offsets: Float64Array, height: number) => boolean;
}

/**
 * Runs a fast heuristic for the solver, on a problem it has checked
 * already: the buffers as objects, or as the columns a worker receives.
 * Improving stops in time to check the answer before the deadline; an
 * answer found past it, or with no `check`, comes back unchecked.
 */
export function solverHeuristic(
  problem: HeuristicProblem | HeuristicColumns,
  run: SolverHeuristic,
): HeuristicResult {
  return finish(solverHeuristicSteps(problem, run));
}

/** {@linkcode solverHeuristic} in steps (see _steps.ts). */
function* solverHeuristicSteps(
  problem: HeuristicProblem | HeuristicColumns,
  run: SolverHeuristic,
): Generator<void, HeuristicResult> {
  const { job, deadline, stop } = run;
  const n = "buffers" in problem ? problem.buffers.length : problem.size.length;
  let windowed = 0;
  if ("buffers" in problem) {
    for (const b of problem.buffers) {
      windowed += hasWindow(b.gaps) ? 1 : 0;
    }
  } else for (const gaps of problem.gaps ?? []) windowed += hasWindow(gaps) ? 1 : 0;
  // The time to check the answer, wherever it is checked: here, or by the
  // plan as soon as it comes (a worker that answered past its deadline by
  // more than the pool's grace, checking 50,000 buffers with gaps, was
  // ended with the answer, and with it the minimization's). The pairs it
  // compares one by one are those with a windowed buffer.
  const compared = (run.pairs ?? 0) * Math.min(1, 2 * windowed / Math.max(1, n));
  const factor = "Bun" in globalThis ? CHECK_WINDOWED_BUN_FACTOR : 1;
  const reserve = n * CHECK_MS_PER_BUFFER + compared * CHECK_MS_PER_WINDOWED_PAIR * factor;
  let found;
  try {
    checkPins(problem);
    found = yield* heuristicSteps(problem, {
      name: job.name,
      deadline,
      signal: stop,
      target: job.target,
      round: job.round,
      // Improving leaves the time to check the answer before the deadline.
      improveUntil: deadline - reserve,
      lowerBound: run.lowerBound,
    });
  } catch (error) {
    if (error instanceof SolveError && error.code === "infeasible") {
      return { status: "infeasible", message: error.message };
    }
    throw error;
  }
  if (found === undefined) return { status: stop?.aborted === true ? "cancelled" : "timeout" };
  const { offsets, height } = found;
  // Without the time to check it (half a second at 10^6 buffers), it goes
  // unchecked, and the plan checks it.
  const valid = run.check === undefined || performance.now() + reserve > deadline
    ? undefined
    : run.check(offsets, height);
  if (valid === undefined) return { status: "solved", offsets, height, unchecked: true };
  return valid ? { status: "solved", offsets, height } : { status: "none" };
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

/**
 * How many pairs of buffers are live at once, counted in O(n log n); a
 * SolveError "timeout" past `deadline`.
 */
export function overlappingPairs(problem: Problem, deadline = Infinity): number {
  const n = problem.buffers.length;
  const lowers = new Float64Array(n);
  const uppers = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lowers[i] = problem.buffers[i].lower;
    uppers[i] = problem.buffers[i].upper;
  }
  sortNumbers(lowers, deadline);
  sortNumbers(uppers, deadline);
  // A pair meets when one starts while the other is live: count, for each
  // start, the buffers started before it and not yet ended.
  let pairs = 0;
  let ended = 0;
  for (let i = 0; i < n; i++) {
    while (ended < n && uppers[ended] <= lowers[i]) ended++;
    pairs += i - ended;
  }
  return pairs;
}

/** Whether offsets place a problem's buffers validly (its capacity aside). */
export function isValid(problem: Problem, offsets: Float64Array, height: number): boolean {
  return isValidColumns(validateColumnsOf(problem.buffers), offsets, height);
}

/** A whole number from a string (FNV-1a): a member's seed from its heuristic. */
function stringSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
