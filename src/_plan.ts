// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// The solve plan, written once for every mode: a generator that yields
// requests (the problem's facts, a fast heuristic, a probe at a capacity,
// a large neighbourhood search from a solution)
// and receives their results. It never computes anything heavy itself, so
// the same plan runs on the calling thread (solve: each request answered
// at once) and on workers (solveAsync: each request answered by the pool).
// The time limit and the abort signal reach it as results ("timeout",
// "cancelled"); the plan then returns its best solution where the mode
// allows it, or throws a SolveError with the counters actually spent.
//
// Modes:
// - a heuristic alone (`heuristic`): run it, check it fits the capacity;
// - fixed capacity: on problems too large for the exact search to pay,
//   the heuristics first; then one probe;
// - the reference's minimization (SPEC 6): a bisection from 0 up;
// - the anytime minimization (ours): from the lower bound (the peak load,
//   pins' tops, alignment padding) and a heuristic's solution, the probe at
//   that bound, then a bisection with growing
//   node budgets, each probe followed by descents (short randomized
//   searches below the best height); where the exact search does not pay,
//   large neighbourhood search from the best heuristic's solution instead.

import { SolveError } from "./errors.ts";
import { gcd } from "./_gcd.ts";
import type { Problem, Solution } from "./problem.ts";
import type { MinimizeProgress } from "./options.ts";
import type { Settings } from "./_options.ts";
import { type Facts, type HeuristicResult, isValid, type StopFlag } from "./_prepared.ts";
import type { ProbeOutcome } from "./_probe.ts";
import type { LnsResult } from "./_lns.ts";
import { hasWindow } from "./_windows.ts";
import {
  ANYTIME_BUDGET_GROWTH,
  ANYTIME_BUDGET_PER_BUFFER,
  BOUND_PROBE_BUDGET,
  BOUND_PROBE_MS_PER_PAIR,
  BOUND_PROBE_UNLIMITED_MAX_MS,
  DESCENT_BATCH,
  DESCENT_BUDGET_PER_BUFFER,
  DESCENT_TRIES_PER_STEP,
  EXACT_SEARCH_MAX_PAIRS,
  EXACT_SEARCH_PAYS_MAX_PAIRS,
  HEURISTIC_ROUNDS_AFTER_PROBE_SHARE,
  HEURISTIC_ROUNDS_AT_ONCE,
  HEURISTIC_ROUNDS_MAX,
  HEURISTIC_ROUNDS_RESERVE_MS,
  HEURISTIC_ROUNDS_RESERVE_SHARE,
  HEURISTIC_TIME_SHARE,
  LOWER_BOUND_PROBE_BUDGET,
  LOWER_BOUND_PROBE_MAX_SHARE,
  LOWER_BOUND_PROBE_MIN_MS,
  LOWER_BOUND_PROBE_TIME_SHARE,
  WINDOW_DIVE_MS_PER_PAIR,
} from "./_limits.ts";

/** Asks for the problem's peak load and pairs count. */
export interface FactsRequest {
  /** The request's kind. */
  kind: "facts";
  /**
   * `performance.now()` past which measuring fails ("timeout"); the
   * solve's deadline when absent.
   */
  deadline?: number;
}

/** Asks for a fast heuristic's solution (without the capacity). */
export interface HeuristicRequest {
  /** The request's kind. */
  kind: "heuristic";
  /** One of heuristicNames. */
  name: string;
  /** `performance.now()` past which it stops improving. */
  deadline: number;
  /** Stop improving once the height is at most this. */
  target?: number;
  /** A later round of improvement, with its own seed; absent: the first. */
  round?: number;
  /**
   * How many rounds from `round` on (default 1), answered with the best:
   * workers run them at once, the calling thread one after another.
   */
  rounds?: number;
}

/** Asks for a probe: the round robin at one capacity. */
export interface ProbeRequest {
  /** The request's kind. */
  kind: "probe";
  /** The capacity. */
  capacity: number;
  /** The largest node budget of any one search (Infinity for none). */
  maxNodes: number;
  /** `performance.now()` past which it stops. */
  deadline: number;
  /** Descents instead of the heuristics' searches (see ProbeSettings.descents). */
  descents?: { first: number; count: number };
  /** The fast heuristics join late (see ProbeSettings.fit). */
  fit?: boolean;
}

/**
 * Asks for a large neighbourhood search from a solution: it answers once
 * the height dropped, or it is stuck, or at the deadline (see _lns.ts).
 */
export interface LnsRequest {
  /** The request's kind. */
  kind: "lns";
  /** The solution to improve. */
  offsets: Float64Array;
  /** A proved lower bound: it stops there. */
  lowerBound: number;
  /** `performance.now()` past which it stops. */
  deadline: number;
}

/** What the plan asks for. */
export type Request = FactsRequest | HeuristicRequest | ProbeRequest | LnsRequest;

/** What the plan receives for a request. */
export type Reply = Facts | HeuristicResult | ProbeOutcome | LnsResult;

/** The solve plan as a generator: yields requests, returns the solution. */
export type Plan = Generator<Request, Solution, Reply>;

/** What the plan is run with. */
export interface PlanContext {
  /** The problem (checked). */
  problem: Problem;
  /** The resolved options. */
  settings: Settings;
  /** `performance.now()` when the call started: the time limit counts from it. */
  start: number;
  /** The caller's abort signal, if any. */
  signal?: StopFlag;
  /** Called when a minimization's bounds improve. */
  onProgress?: (progress: MinimizeProgress) => void;
  /**
   * Checks an answer that comes unchecked (the capacity aside); on the
   * problem's buffers when absent. The pool checks on the columns it has
   * packed for its workers, with no copy of them.
   */
  isValid?: (offsets: Float64Array, height: number) => boolean;
  /**
   * How many heuristics can run at once (default 1): workers run a
   * minimization's later rounds side by side, the calling thread one
   * after another.
   */
  heuristicsAtOnce?: number;
}

/** Counters of the work actually spent. */
interface Counters {
  nodes: number;
  backtracks: number;
}

/**
 * The plan of a solve: which capacities to probe, with what budgets, when
 * to stop, and what to return.
 */
export function* plan(context: PlanContext): Plan {
  const { settings, signal } = context;
  if (signal?.aborted) throw new SolveError("cancelled", "The solve was cancelled");
  // A heuristic alone needs the facts only for its answer: the pool
  // computes them while the heuristic runs.
  if (settings.heuristic !== undefined) return yield* heuristicOnly(context);
  const facts = (yield { kind: "facts" }) as Facts;
  if (!settings.minimize) return yield* fixedCapacity(context, facts);
  if (!settings.anytime) return yield* referenceMinimize(context, facts);
  return yield* anytimeMinimize(context, facts);
}

/** A fast heuristic alone: its solution, if it fits the capacity. */
function* heuristicOnly(context: PlanContext): Plan {
  const { problem, settings } = context;
  const limit = problem.capacity ?? Infinity;
  const found = yield* heuristic(context, {
    kind: "heuristic",
    name: settings.heuristic!,
    deadline: deadlineOf(context),
    target: settings.minimize ? undefined : problem.capacity,
  });
  const counters = { nodes: 0, backtracks: 0 };
  if (found.status === "infeasible") throw new SolveError("infeasible", found.message, counters);
  if (found.status === "none") throw invalidHeuristic();
  if (found.status === "timeout") throw timeout(settings, counters);
  if (found.status === "cancelled") throw cancelled(counters);
  // Measured to the end: the answer found must not be lost to the clock.
  const facts = (yield { kind: "facts", deadline: Infinity }) as Facts;
  if (found.height > limit) throw noFit(context, facts, found.height, counters);
  const bound = lowerBoundOf(context, facts);
  return solutionOf(context, found.offsets, counters, {
    lowerBound: Math.min(bound, found.height),
    optimal: found.height <= bound,
  });
}

/** One solve at the problem's capacity (SPEC 5.3). */
function* fixedCapacity(context: PlanContext, facts: Facts): Plan {
  const { problem, settings } = context;
  const capacity = problem.capacity!;
  const deadline = deadlineOf(context);
  const counters = { nodes: 0, backtracks: 0 };
  // Too large for the exact search to pay: the heuristics first, stopped
  // as soon as they fit (ours). Where it cannot run at all, they get the
  // whole time.
  let tried = false;
  // How the heuristics were cut, if they were: where the exact search
  // cannot run, that (not "too-large") is why the solve failed.
  let cut: "timeout" | "cancelled" | undefined;
  // The lowest height they reached, above the capacity: said where the
  // exact search cannot run.
  let reached: number | undefined;
  const quick = function* (until: number) {
    tried = true;
    const found = yield* heuristic(context, {
      kind: "heuristic",
      name: "best",
      deadline: until,
      target: capacity,
    });
    if (found.status === "infeasible") throw new SolveError("infeasible", found.message, counters);
    if (found.status === "timeout" || found.status === "cancelled") cut = found.status;
    if (found.status === "solved" && found.height > capacity) reached = found.height;
    return found.status === "solved" && found.height <= capacity ? found : undefined;
  };
  const heuristicMayAnswer = settings.heuristicFirst && lowerBoundOf(context, facts) <= capacity;
  if (heuristicMayAnswer && facts.pairs > EXACT_SEARCH_PAYS_MAX_PAIRS) {
    const share = facts.pairs > EXACT_SEARCH_MAX_PAIRS ? 1 : HEURISTIC_TIME_SHARE;
    const found = yield* quick(shareOf(deadline, share));
    if (found) return solutionOf(context, found.offsets, counters);
  }
  const outcome = yield* counted<ProbeOutcome>(counters, {
    kind: "probe",
    capacity,
    maxNodes: Infinity,
    deadline,
    // Where they did not run first: they join where the searches' tail
    // begins (see HeuristicFit).
    fit: heuristicMayAnswer && !tried,
  });
  switch (outcome.status) {
    case "solved":
      return solutionOf(context, outcome.offsets, counters);
    case "infeasible":
      throw infeasible(capacity, counters, facts, context);
    case "too-large":
      // Too large for the exact search: a heuristic that fits still answers.
      if (heuristicMayAnswer && !tried) {
        const found = yield* quick(deadline);
        if (found) return solutionOf(context, found.offsets, counters);
      }
      if (cut === "cancelled") throw cancelled(counters);
      if (cut === "timeout") throw timeout(settings, counters);
      throw new SolveError(
        "too-large",
        (outcome.message ?? "The exact search is too large") +
          (reached === undefined
            ? ""
            : `; the fast heuristics reached ${reached}, above the capacity ${capacity}`),
        counters,
      );
    case "cancelled":
      throw cancelled(counters);
    default:
      throw timeout(settings, counters);
  }
}

/**
 * The reference's minimization (SPEC 6): a bisection from 0 to the
 * capacity. A probe stopped by the time limit counts as a failure, so the
 * bisection would only rise from there: it ends at once, with the best.
 */
function* referenceMinimize(context: PlanContext, facts: Facts): Plan {
  const { problem, settings } = context;
  const counters = { nodes: 0, backtracks: 0 };
  const bisection = new CapacityBisection(problem.capacity!);
  let stopped: ProbeOutcome | undefined;
  for (let capacity = bisection.next(); capacity !== undefined; capacity = bisection.next()) {
    const outcome = yield* counted<ProbeOutcome>(counters, {
      kind: "probe",
      capacity,
      maxNodes: Infinity,
      deadline: deadlineOf(context),
    });
    if (outcome.status === "solved") {
      bisection.report(outcome.offsets, heightOf(problem, outcome.offsets));
    } else {
      bisection.report(undefined, 0);
      if (outcome.status !== "infeasible") {
        stopped = outcome;
        break;
      }
    }
  }
  const best = bisection.best;
  if (best !== undefined) {
    // Proved optimal only where the lower bound meets it: the reference's
    // search can miss solutions (with windows, say), so its "infeasible"
    // below proves nothing. The bound is reported whatever the switches
    // (without `loadBound` the search does not use it).
    const height = heightOf(problem, best);
    const bound = facts.lowerBound;
    return solutionOf(context, best, counters, {
      lowerBound: Math.min(bound, height),
      optimal: height <= bound,
    });
  }
  if (stopped?.status === "too-large") {
    throw new SolveError("too-large", stopped.message ?? "The exact search is too large", counters);
  }
  if (stopped?.status === "cancelled") throw cancelled(counters);
  if (stopped !== undefined) throw timeout(settings, counters);
  throw infeasible(problem.capacity!, counters, facts, context);
}

/**
 * The heuristic that gives the anytime minimization its first solution where
 * the exact search follows: the skyline's, in milliseconds on the
 * challenging instances (the best heuristic's improvement comes after the
 * probe at the lower bound).
 */
const QUICK_HEURISTIC = "skyline";

/**
 * The anytime minimization (ours): the lower bound (the peak load, pins'
 * tops, alignment padding) is proved
 * and the best heuristic an upper one; exact probes under growing node
 * budgets close the gap. A probe out of budget is "unknown" and is retried
 * in a later round with a larger budget; a proof of infeasibility at a
 * capacity proves it for every smaller one, so the lower bound only rises.
 * Without a time limit it ends with a proved optimum.
 */
function* anytimeMinimize(context: PlanContext, facts: Facts): Plan {
  const { problem, onProgress, start } = context;
  const limit = problem.capacity ?? Infinity;
  const deadline = deadlineOf(context);
  const counters = { nodes: 0, backtracks: 0 };
  const exact = facts.pairs <= EXACT_SEARCH_PAYS_MAX_PAIRS;
  const grain = grainOf(problem);
  const bisection = new AnytimeBisection(
    lowerBoundOf(context, facts),
    limit,
    ANYTIME_BUDGET_PER_BUFFER * problem.buffers.length,
    grain,
  );
  // The lower bound alone rules out the capacity given: no heuristic needed.
  if (bisection.provedLower > limit) throw infeasible(limit, counters, facts, context);
  const progress = () =>
    onProgress?.({
      elapsedMs: performance.now() - start,
      lowerBound: bisection.provedLower,
      bestHeight: bisection.best?.height,
    });
  let stopped: ProbeOutcome | undefined;
  // A probe's outcome outside the bisection's own steps: its solution
  // offered, or its capacity proved infeasible; whether it was either.
  const settled = (outcome: ProbeOutcome, capacity: number): boolean => {
    if (outcome.status === "solved") {
      bisection.offer(outcome.offsets, heightOf(problem, outcome.offsets));
    } else if (outcome.status === "infeasible") {
      bisection.infeasibleAt(capacity);
    } else {
      return false;
    }
    progress();
    return true;
  };
  // Where the exact search pays, its probe at the lower bound comes before
  // the best heuristic's improvement: most real problems fit their peak
  // load, and a solution there ends the minimization with a proof before
  // that improvement would have ended (it took 0.3-0.6 s of the nine
  // challenging instances' 0.6-0.8 s). A quick heuristic's solution comes
  // first, so that a time limit or a cancel finds one in hand; where it
  // does not fit the capacity, the best heuristic runs before the probe,
  // as everywhere else.
  let found = yield* heuristic(context, {
    kind: "heuristic",
    name: exact ? QUICK_HEURISTIC : "best",
    deadline: exact ? shareOf(deadline, HEURISTIC_TIME_SHARE) : deadline,
  });
  if (found.status === "infeasible") throw new SolveError("infeasible", found.message, counters);
  if (found.status === "solved") bisection.offer(found.offsets, found.height);
  progress();
  // The best heuristic, after the quick one: whether it was asked for.
  function* better(until: number): Generator<Request, void, Reply> {
    const result = yield* heuristic(context, {
      kind: "heuristic",
      name: "best",
      deadline: until,
    });
    if (result.status === "infeasible") {
      throw new SolveError("infeasible", result.message, counters);
    }
    if (result.status === "solved" || found.status !== "solved") found = result;
    const before = bisection.best?.height;
    if (result.status === "solved") bisection.offer(result.offsets, result.height);
    if (bisection.best?.height !== before) progress();
  }
  const quickFits = bisection.best !== undefined;
  // Before the probe, a share of the time, so that the probe has some.
  if (exact && !quickFits) yield* better(shareOf(deadline, HEURISTIC_TIME_SHARE));
  const first = exact ? bisection.next() : undefined;
  if (first !== undefined) stopped = yield* probed(first);
  // After it, to the limit (it ends on its own, in 0.3-0.9 s on D and J):
  // cut by a short limit, it left D at 1 s above the best heuristic's own
  // answer, where the descents that would have had the rest rarely gain.
  if (quickFits && first !== undefined && !bisection.optimal && stopped === undefined) {
    yield* better(deadline);
  }
  // One probe of the bisection, its outcome reported; the outcome that
  // ends the minimization (the solve's time limit, cancelled), if any.
  function* probed(next: AnytimeProbe): Generator<Request, ProbeOutcome | undefined, Reply> {
    const own = next.share === undefined ? deadline : probeDeadline(deadline, next);
    const outcome = yield* counted<ProbeOutcome>(counters, {
      kind: "probe",
      capacity: next.capacity,
      maxNodes: next.maxNodes,
      deadline: own,
    });
    if (outcome.status === "solved") {
      bisection.report(outcome.offsets, heightOf(problem, outcome.offsets));
      progress();
    } else if (outcome.status === "infeasible") {
      bisection.report("infeasible");
      progress();
    } else if (outcome.status === "unknown") {
      bisection.report("unknown");
    } else if (outcome.status === "timeout" && own < deadline && performance.now() < deadline) {
      // The probe's own share of the time ran out, not the solve's.
      bisection.report("unknown");
    } else {
      return outcome;
    }
    return undefined;
  }
  // Lowers the best solution by neighbourhood search, again after every
  // improvement; whether it ended at the time limit or cancelled (rather
  // than with nothing more to gain).
  // From `start` where given (else the best solution), each search going
  // on from what the last one reached.
  function* lowered(
    until = deadline,
    start = bisection.best?.offsets,
  ): Generator<Request, boolean, Reply> {
    if (!context.settings.neighbourhoodSearch) return false;
    for (let from = start; from !== undefined && !bisection.optimal;) {
      const improved = yield* counted<LnsResult>(counters, {
        kind: "lns",
        offsets: from,
        lowerBound: bisection.provedLower,
        deadline: until,
      });
      bisection.offer(improved.offsets, improved.height);
      progress();
      if (improved.status !== "improved") {
        return improved.status === "timeout" || improved.status === "stopped";
      }
      from = improved.offsets;
    }
    return false;
  }
  // Where buffers have windowed gaps, the skyline counts each such gap as
  // wholly live (best fit, which does not, runs only up to three million
  // pairs) and the neighbourhood search never frees such a buffer: one
  // dive of the exact search, which places each window as it is, below
  // the best height first (20,000 buffers, 553 with windows:
  // 2.4 % above the peak load where every heuristic ended 4.7-5.1 % above,
  // and the neighbourhood search gained nothing in 9 s).
  // The neighbourhood search still starts from the heuristic's solution:
  // from a dive's a little lower one it ran to the limit for nothing on
  // 4,000 buffers, where from the heuristic's it stopped within 2 s and
  // the heuristic's rounds then found 0.9 % less (4.47 % above the peak
  // load against the dive's 5.41 %).
  const heuristicSolution = bisection.best?.offsets;
  if (
    !exact && context.settings.windowDive && facts.pairs <= EXACT_SEARCH_MAX_PAIRS &&
    bisection.best !== undefined && !bisection.optimal && !context.signal?.aborted &&
    problem.buffers.some((b) => hasWindow(b.gaps))
  ) {
    const expected = facts.pairs * WINDOW_DIVE_MS_PER_PAIR;
    const capacity = Math.floor((bisection.best.height - 1) / grain) * grain;
    if (
      capacity >= bisection.provedLower &&
      (Number.isFinite(deadline)
        ? performance.now() + expected < deadline
        : expected <= BOUND_PROBE_UNLIMITED_MAX_MS)
    ) {
      const outcome = yield* counted<ProbeOutcome>(counters, {
        kind: "probe",
        capacity,
        maxNodes: 2 * problem.buffers.length,
        deadline: Math.min(deadline, performance.now() + 2 * expected),
      });
      settled(outcome, capacity);
    }
  }
  let spent = !exact && (yield* lowered(deadline, heuristicSolution));
  // Nothing found fits the capacity given: the exact search at that
  // capacity for the time left, as a solve at that capacity does (the
  // minimization used to give up here with most of its time unused), then
  // lowered from what it finds.
  if (
    !exact && bisection.best === undefined && Number.isFinite(limit) &&
    facts.pairs <= EXACT_SEARCH_MAX_PAIRS && !context.signal?.aborted &&
    performance.now() < deadline
  ) {
    const outcome = yield* counted<ProbeOutcome>(counters, {
      kind: "probe",
      capacity: limit,
      maxNodes: Infinity,
      deadline,
    });
    if (!settled(outcome, limit)) stopped = outcome;
    else if (outcome.status === "solved") spent = yield* lowered();
  }
  // The heuristic's later rounds, with the time left (only with a time
  // limit: each round may take a minute), several at once where workers
  // run them; each lower answer lowered again by the neighbourhood search.
  // They end a little before the limit: they run to their end, where the
  // rest of a minimization ends when it has nothing more to gain, and the
  // answer is still to be written.
  const rounds = !exact && context.settings.heuristicRounds && Number.isFinite(deadline);
  const atOnce = Math.max(1, Math.min(HEURISTIC_ROUNDS_AT_ONCE, context.heuristicsAtOnce ?? 1));
  const end = deadline -
    Math.min(HEURISTIC_ROUNDS_RESERVE_MS, HEURISTIC_ROUNDS_RESERVE_SHARE * (deadline - start));
  let round = 1;
  function* moreRounds(requests: number): Generator<Request, void, Reply> {
    for (; requests > 0 && round <= HEURISTIC_ROUNDS_MAX; requests--, round += atOnce) {
      if (
        spent || context.signal?.aborted || bisection.best === undefined || bisection.optimal ||
        performance.now() >= end
      ) return;
      const again = yield* heuristic(context, {
        kind: "heuristic",
        name: "best",
        deadline: end,
        round,
        rounds: atOnce,
      });
      if (again.status !== "solved" && again.status !== "none") {
        round = Infinity;
        return;
      }
      if (again.status === "solved" && again.height < bisection.best.height) {
        bisection.offer(again.offsets, again.height);
        progress();
        spent = yield* lowered(end);
      }
    }
  }
  // The exact search at the lower bound below runs for up to its budget:
  // where that would leave the rounds less than a share of the time left,
  // the first rounds come before it (it can hold most of the time, and it
  // rarely ends where the rounds fail).
  const budget = facts.pairs * BOUND_PROBE_MS_PER_PAIR * BOUND_PROBE_BUDGET;
  const left = deadline - performance.now();
  if (rounds && left - budget < HEURISTIC_ROUNDS_AFTER_PROBE_SHARE * left) yield* moreRounds(1);
  if (
    !exact && context.settings.boundProbe && facts.pairs <= EXACT_SEARCH_MAX_PAIRS && !spent &&
    !context.signal?.aborted && bisection.best !== undefined && !bisection.optimal &&
    // Its whole budget: begun with less, it would hold the time to the
    // limit for nothing. Without a limit, only a budget of a few seconds
    // (pangu_2.6B's 6 s, which proves it; S_1's 22 s and 0.9 GiB find
    // nothing): a minimization without one found less than with one.
    performance.now() + budget < deadline &&
    (Number.isFinite(deadline) || budget <= BOUND_PROBE_UNLIMITED_MAX_MS)
  ) {
    // What the neighbourhood search could not gain, the exact search at the
    // lower bound may: its first descent, for a little more than it is
    // expected to need (past that it rarely ends, and the heuristic's
    // rounds may use the rest).
    const capacity = bisection.provedLower;
    const own = performance.now() + budget;
    const outcome = yield* counted<ProbeOutcome>(counters, {
      kind: "probe",
      capacity,
      maxNodes: Infinity,
      deadline: Math.min(deadline, own),
    });
    settled(outcome, capacity);
  }
  if (rounds) yield* moreRounds(Infinity);
  // The descents (ours): after each probe, as many nodes' worth of short
  // randomized searches below the best height (see DescentTargets).
  const targets = new DescentTargets(grain);
  const perBatch = DESCENT_BATCH * DESCENT_BUDGET_PER_BUFFER * Math.max(1, problem.buffers.length);
  function* descend(nodes: number): Generator<Request, ProbeOutcome | undefined, Reply> {
    for (let batches = Math.ceil(nodes / perBatch); batches > 0; batches--) {
      // They aim below a solution; without one, at the capacity given (a
      // descent may fit where the heuristics did not); without either, the
      // bisection alone.
      if (bisection.optimal) return undefined;
      const best = bisection.best;
      const capacity = best !== undefined
        ? targets.target(bisection.provedLower, best.height)
        : bisection.ceiling;
      if (capacity === undefined || capacity < bisection.provedLower) return undefined;
      const outcome = yield* counted<ProbeOutcome>(counters, {
        kind: "probe",
        capacity,
        maxNodes: Infinity,
        deadline,
        descents: { first: targets.begun, count: DESCENT_BATCH },
      });
      // Failures at the capacity given say nothing of how far below a
      // solution to aim.
      if (best !== undefined) targets.report(DESCENT_BATCH, outcome.status === "solved");
      else targets.begun += DESCENT_BATCH;
      if (!settled(outcome, capacity) && outcome.status !== "unknown") return outcome;
    }
    return undefined;
  }
  // The descents' share after a probe: as many nodes as its searches were allowed.
  const descents = (probe: AnytimeProbe) =>
    context.settings.descents && probe.maxNodes !== Infinity
      ? probe.maxNodes * context.settings.heuristics.length
      : 0;
  if (exact && stopped === undefined) {
    // The first probe's descents wait for the heuristic's solution: they
    // aim below the best height.
    if (first !== undefined) stopped = yield* descend(descents(first));
    for (let next = bisection.next(); next !== undefined && stopped === undefined;) {
      stopped = (yield* probed(next)) ?? (yield* descend(descents(next)));
      next = bisection.next();
    }
  }
  const best = bisection.best;
  if (best !== undefined) {
    return solutionOf(context, best.offsets, counters, {
      lowerBound: Math.min(bisection.provedLower, best.height),
      optimal: bisection.optimal,
    });
  }
  if (bisection.provedLower > limit) throw infeasible(limit, counters, facts, context);
  if (stopped?.status === "cancelled") throw cancelled(counters);
  if (stopped?.status === "too-large") {
    throw new SolveError("too-large", stopped.message ?? "The exact search is too large", counters);
  }
  if (stopped !== undefined) throw timeout(context.settings, counters);
  if (found.status === "timeout") throw timeout(context.settings, counters);
  if (found.status === "cancelled") throw cancelled(counters);
  // The exact search did not run, and the heuristics did not fit.
  throw noFit(context, facts, found.status === "solved" ? found.height : Infinity, counters);
}

/**
 * A request for several rounds as one request per round (a request
 * without a round, as itself).
 */
export function eachRound(request: HeuristicRequest): HeuristicRequest[] {
  const { round, rounds = 1 } = request;
  if (round === undefined) return [request];
  return Array.from({ length: rounds }, (_, k) => ({ ...request, round: round + k, rounds: 1 }));
}

/**
 * The best of several heuristics' results: the lowest solution (the first
 * of equals), else the first that found none, else the first.
 */
export function bestResult(results: readonly HeuristicResult[]): HeuristicResult {
  let best: HeuristicResult | undefined;
  for (const result of results) {
    if (result.status !== "solved") continue;
    if (best?.status !== "solved" || result.height < best.height) best = result;
  }
  return best ?? results.find((result) => result.status === "none") ?? results[0];
}

/** Yields a heuristic request, unless the caller already cancelled. */
function* heuristic(
  context: PlanContext,
  request: HeuristicRequest,
): Generator<Request, HeuristicResult, Reply> {
  if (context.signal?.aborted) throw cancelled({ nodes: 0, backtracks: 0 });
  // Past its deadline it would only be cut at once (after preparing the
  // problem, which takes a second at 10^6 buffers).
  if (performance.now() >= request.deadline) return { status: "timeout" };
  const found = (yield request) as HeuristicResult;
  // Left to this thread (a command line's), or found at the deadline, it
  // comes unchecked: checked here, not lost.
  if (found.status === "solved" && found.unchecked) {
    const valid = context.isValid ??
      ((offsets, height) => isValid(context.problem, offsets, height));
    return valid(found.offsets, found.height)
      ? { status: "solved", offsets: found.offsets, height: found.height }
      : { status: "none" };
  }
  return found;
}

/**
 * Yields a request whose answer carries search counters (a probe, a large
 * neighbourhood search) and adds them to the solve's.
 */
function* counted<T extends ProbeOutcome | LnsResult>(
  counters: Counters,
  request: ProbeRequest | LnsRequest,
): Generator<Request, T, Reply> {
  const result = (yield request) as T;
  counters.nodes += result.nodes;
  counters.backtracks += result.backtracks;
  return result;
}

/**
 * The capacity bisection of SPEC 6: probe {@linkcode CapacityBisection.next}
 * until it returns undefined, reporting each outcome.
 */
export class CapacityBisection {
  #lo = 0;
  #hi: number;
  #mid = 0;
  /** The best solution's offsets so far. */
  best: Float64Array | undefined;

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
   * @param offsets The probe's solution, if any.
   * @param height Its height.
   */
  report(offsets: Float64Array | undefined, height: number): void {
    if (offsets === undefined) {
      this.#lo = this.#mid + 1;
    } else {
      this.best = offsets;
      this.#hi = height - 1;
    }
  }
}

/** A probe of the anytime bisection. */
export interface AnytimeProbe {
  /** The capacity to try. */
  capacity: number;
  /** The largest node budget of any one search. */
  maxNodes: number;
  /** At most this share of the time left, if given: a timeout is then "unknown". */
  share?: number;
  /**
   * With `share`: at least this many milliseconds, or
   * {@linkcode LOWER_BOUND_PROBE_MAX_SHARE} of the time left where that is
   * less.
   */
  leastMs?: number;
}

/**
 * A probe's own deadline within the solve's: its share of the time left,
 * or its least time where that is more; the least time is itself at most
 * {@linkcode LOWER_BOUND_PROBE_MAX_SHARE} of the time left.
 */
export function probeDeadline(
  deadline: number,
  probe: AnytimeProbe,
  now: number = performance.now(),
): number {
  if (probe.share === undefined || deadline <= now) return deadline;
  const left = deadline - now;
  const least = Math.min(probe.leastMs ?? 0, left * LOWER_BOUND_PROBE_MAX_SHARE);
  return Math.min(deadline, now + Math.max(left * probe.share, least));
}

/**
 * The anytime bisection between the proved lower bound and the best
 * solution, on the problem's grain (see {@linkcode grainOf}): it probes
 * multiples of the grain only, and an infeasible one proves every capacity
 * below the next multiple infeasible.
 */
export class AnytimeBisection {
  /** Every capacity below this is proved infeasible. */
  provedLower: number;
  /** The best solution so far, within the capacity limit. */
  best: { offsets: Float64Array; height: number } | undefined;
  readonly #limit: number;
  readonly #grain: number;
  #budget: number;
  #lo: number;
  #hi: number;
  #mid = 0;
  #unknown = false;
  #lowFirst = true;

  /**
   * @param lowerBound A proved lower bound on the height.
   * @param limit The largest capacity allowed.
   * @param budget The first round's node budget per search.
   * @param grain The problem's grain (see grainOf): a capacity is feasible
   *   exactly when the largest multiple of it at or below is.
   */
  constructor(lowerBound: number, limit: number, budget: number, grain = 1) {
    this.#grain = grain;
    this.provedLower = this.#up(lowerBound);
    this.#limit = limit;
    this.#budget = Math.max(1, budget);
    this.#lo = this.provedLower;
    this.#hi = this.#down(limit);
  }

  /** The least multiple of the grain at or above `n`. */
  #up(n: number): number {
    const up = Math.ceil(n / this.#grain) * this.#grain;
    // A rounded quotient (n past 2^53) must not take it below n.
    return up < n ? up + this.#grain : up;
  }

  /** The greatest multiple of the grain at or below `n`. */
  #down(n: number): number {
    const down = Math.floor(n / this.#grain) * this.#grain;
    return down > n ? down - this.#grain : down;
  }

  /**
   * Offers a solution found elsewhere (a heuristic's); kept if it is within
   * the limit and better than the best.
   *
   * @param offsets Its offsets.
   * @param height Its height.
   */
  offer(offsets: Float64Array, height: number): void {
    if (height > this.#limit || (this.best !== undefined && height >= this.best.height)) return;
    this.best = { offsets, height };
    this.#hi = Math.min(this.#hi, this.#down(height - 1));
  }

  /**
   * The highest capacity worth a probe: a multiple of the grain below the
   * best height, else at or below the limit; undefined where neither is
   * finite.
   */
  get ceiling(): number | undefined {
    const ceiling = this.#ceiling();
    return Number.isFinite(ceiling) ? ceiling : undefined;
  }

  #ceiling(): number {
    return this.#down(this.best === undefined ? this.#limit : this.best.height - 1);
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
      this.#budget *= ANYTIME_BUDGET_GROWTH;
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
      return {
        capacity: this.#mid,
        maxNodes: this.#budget * LOWER_BOUND_PROBE_BUDGET,
        share: LOWER_BOUND_PROBE_TIME_SHARE,
        leastMs: LOWER_BOUND_PROBE_MIN_MS,
      };
    }
    this.#mid = this.#lo + this.#down((this.#hi - this.#lo) / 2);
    return { capacity: this.#mid, maxNodes: this.#budget };
  }

  /**
   * Records a capacity proved infeasible elsewhere: every one up to it is,
   * and so every one below the next multiple of the grain.
   *
   * @param capacity The capacity.
   */
  infeasibleAt(capacity: number): void {
    // Not a capacity: it proves nothing (and NaN would poison every bound).
    if (!Number.isFinite(capacity)) return;
    const above = this.#down(capacity) + this.#grain;
    this.#lo = Math.max(this.#lo, above);
    this.provedLower = Math.max(this.provedLower, above);
  }

  /**
   * Reports the last probe's outcome.
   *
   * @param outcome The solution's offsets, a proof of infeasibility, or unknown.
   * @param height The solution's height.
   */
  report(outcome: Float64Array | "infeasible" | "unknown", height = 0): void {
    if (outcome === "infeasible") {
      this.infeasibleAt(this.#mid);
    } else if (outcome === "unknown") {
      this.#lo = this.#mid + this.#grain;
      this.#unknown = true;
    } else {
      this.best = { offsets: outcome, height };
      this.#hi = this.#down(height - 1);
    }
  }
}

/**
 * Where the anytime minimization's descents aim (ours): a capacity below
 * the best height, on the grain, at a distance that starts at half the gap
 * to the proved lower bound, halves each time DESCENT_TRIES_PER_STEP
 * descents failed at it (down to one grain, and from there half the gap
 * again), and starts over from half the new gap after a success. Far
 * targets gain most when a descent succeeds and near ones succeed most
 * often; no one distance is best for long, as the best height falls.
 */
export class DescentTargets {
  /** How many descents were asked for so far (the next one's number). */
  begun = 0;
  readonly #grain: number;
  // The distance below the best height (0: half the gap, when next asked).
  #step = 0;
  #fails = 0;

  /** @param grain The problem's grain (see grainOf). */
  constructor(grain = 1) {
    this.#grain = grain;
  }

  /**
   * The next target: a multiple of the grain at or above `lower` and below
   * `best`, or undefined when there is none.
   *
   * @param lower The proved lower bound (a multiple of the grain).
   * @param best The best height so far (none where not finite).
   */
  target(lower: number, best: number): number | undefined {
    const g = this.#grain;
    const top = Math.floor((best - 1) / g) * g;
    if (!(top >= lower) || !Number.isFinite(top)) return undefined;
    if (this.#step === 0) this.#step = Math.max(g, Math.floor((best - lower) / 2 / g) * g);
    return Math.max(lower, Math.min(top, Math.floor((best - this.#step) / g) * g));
  }

  /**
   * Reports a batch of descents at the last target.
   *
   * @param count How many descents the batch had.
   * @param solved Whether one of them succeeded.
   */
  report(count: number, solved: boolean): void {
    this.begun += count;
    if (solved) {
      this.#step = 0;
      this.#fails = 0;
      return;
    }
    this.#fails += count;
    if (this.#fails < DESCENT_TRIES_PER_STEP) return;
    this.#fails = 0;
    const g = this.#grain;
    this.#step = this.#step > g ? Math.max(g, Math.floor(this.#step / 2 / g) * g) : 0;
  }
}

/**
 * The problem's grain g: the anytime bisection probes multiples of it only.
 * Rounding every offset of a valid solution down to a multiple of g keeps
 * it valid and no higher, so the optimum is a multiple of g, and a capacity
 * is feasible exactly when the largest multiple of g at or below it is.
 *
 * Why: each pair stacks as `q >= p + e`, where `e` is a window's upper bound
 * less a window's lower bound (a plain buffer's window is `[0, size)`);
 * when g divides every size and window bound it divides `e`, and then
 * `floor(q / g) >= floor(p / g) + e / g`. A pin is a multiple of g, so it
 * stays; an alignment must divide g or be a multiple of it, so an aligned
 * offset stays aligned. A buffer of size 0 takes no bytes: without a pin it
 * can sit at 0, so neither its alignment nor its windows count. Returns 1
 * where a value is not a whole number.
 */
export function grainOf(problem: Problem): number {
  let g = 0;
  const alignments = new Set<number>();
  const add = (n: number) => {
    if (!Number.isSafeInteger(n)) g = 1;
    else if (g !== 1) g = gcd(g, n);
  };
  for (const buffer of problem.buffers) {
    if (buffer.offset !== undefined) add(buffer.offset);
    if (buffer.size === 0) continue;
    add(buffer.size);
    for (const gap of buffer.gaps ?? []) {
      // Only a gap's part inside the lifespan has any effect (SPEC 2).
      if (gap.window !== undefined && gap.lower < buffer.upper && gap.upper > buffer.lower) {
        add(gap.window.lower);
        add(gap.window.upper);
      }
    }
    if ((buffer.alignment ?? 1) > 1) alignments.add(buffer.alignment!);
  }
  if (g === 0) return 1;
  // Shrinking g for one alignment can break another's divisibility: again
  // until none shrinks it.
  for (let changed = true; changed;) {
    changed = false;
    for (const a of alignments) {
      if (g % a !== 0 && a % g !== 0) {
        g = gcd(g, a);
        changed = true;
      }
    }
  }
  return g;
}

/** The solve's deadline, in `performance.now()` time. */
function deadlineOf(context: PlanContext): number {
  return context.start + context.settings.timeout;
}

/** A point `share` of the way from now to the deadline. */
function shareOf(deadline: number, share: number): number {
  const now = performance.now();
  return share >= 1 || deadline <= now ? deadline : now + (deadline - now) * share;
}

/** The largest offset + size. */
export function heightOf(problem: Problem, offsets: ArrayLike<number>): number {
  let height = 0;
  for (let b = 0; b < problem.buffers.length; b++) {
    const top = offsets[b] + problem.buffers[b].size;
    if (top > height) height = top;
  }
  return height;
}

function solutionOf(
  context: PlanContext,
  offsets: ArrayLike<number>,
  counters: Counters,
  bounds?: { lowerBound: number; optimal: boolean },
): Solution {
  // A loop into an array made once: Array.from grew it as it went, 0.1-0.2 s
  // at 10^6 buffers.
  const list: number[] = new Array(offsets.length);
  for (let i = 0; i < offsets.length; i++) list[i] = offsets[i];
  return {
    offsets: list,
    height: heightOf(context.problem, offsets),
    ...bounds,
    stats: { ...counters, elapsedMs: performance.now() - context.start, workers: 0 },
  };
}

/** "infeasible", with the lower bound's reason where it alone is the proof. */
function infeasible(
  capacity: number,
  counters: Counters,
  facts: Facts,
  context: PlanContext,
): SolveError {
  const why = boundAbove(context, facts, capacity);
  return new SolveError(
    "infeasible",
    `No solution exists within capacity ${capacity}${why ? `: ${why}` : ""}`,
    counters,
  );
}

function cancelled(counters: Counters): SolveError {
  return new SolveError("cancelled", "The solve was cancelled", counters);
}

function timeout(settings: Settings, counters: Counters): SolveError {
  return new SolveError(
    "timeout",
    `The time limit of ${settings.timeout} ms was hit before a solution was found`,
    counters,
  );
}

/**
 * The lower bound the plan starts from: the peak load, with the padding
 * alignments force and pinned buffers' tops where the load bound is on.
 */
function lowerBoundOf(context: PlanContext, facts: Facts): number {
  return context.settings.switches.loadBound ? facts.lowerBound : facts.peakLoad;
}

/** A heuristic height above the capacity: proved infeasible only by the lower bound. */
function noFit(context: PlanContext, facts: Facts, height: number, counters: Counters): SolveError {
  const capacity = context.problem.capacity ?? Infinity;
  if (boundAbove(context, facts, capacity) !== undefined) {
    return infeasible(capacity, counters, facts, context);
  }
  return new SolveError(
    "no-fit",
    `The heuristics' best height ${height} is above the capacity ${capacity}; this is not a proof that none fits`,
    counters,
  );
}

/**
 * Why the lower bound alone rules out `capacity`, in words, or undefined
 * when it does not.
 */
function boundAbove(context: PlanContext, facts: Facts, capacity: number): string | undefined {
  if (facts.peakLoad > capacity) return `the peak load is ${facts.peakLoad}`;
  // A buffer fixed where it reaches past the capacity.
  const above = context.problem.buffers.find((b) =>
    b.offset !== undefined && b.offset + b.size > capacity
  );
  if (above !== undefined) {
    return `buffer ${JSON.stringify(above.id)} is fixed at ${above.offset} and reaches ${
      above.offset! + above.size
    }`;
  }
  const bound = lowerBoundOf(context, facts);
  if (bound > capacity) {
    return `with the padding their alignments force, the buffers live at one moment need ${bound}`;
  }
  return undefined;
}

function invalidHeuristic(): Error {
  return new Error("Internal error: a heuristic returned an invalid solution");
}
