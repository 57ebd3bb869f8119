// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// One probe (a solve at one capacity) over the preordering heuristics, in
// two schedules with the same answer:
//
// - RoundRobin, the reference's (SPEC 5.3): budget = buffers; repeat {
//   budget *= 2; each heuristic in order searches afresh with that budget
//   }; the first search that does not run out of budget decides. Every
//   round repeats the work of the one before.
//
// - Race (ours, `portfolio`): one search per heuristic, each run in time
//   slices, paused and resumed rather than restarted, on one thread or on
//   several workers. The round robin's winner is a function of each
//   search's node count alone: a search that finishes after N nodes would
//   have finished in round r(N), the first with buffers * 2^r >= N, and
//   the winner is the least (round, heuristic's place). So the race
//   computes the same winner, whatever the timing: once a search finishes,
//   the others run only until they can no longer beat it (up to
//   buffers * 2^r nodes if they come before it in the order,
//   buffers * 2^(r-1) after it), and no work is repeated.
//
//   heuristic   nodes to finish   round (buffers = 100)
//   WAT         1,500             4  (100 * 2^4 = 1,600 >= 1,500)
//   TAW         never             -
//   TWA         1,000             4  ->  WAT decides: same round, earlier
//
// A node budget for the whole probe (the anytime minimization's) caps
// every search; when none finishes within it, the probe is "unknown".
// With sound pruning, an "infeasible" that canonical order does not prove
// starts the probe again without canonical order. A search that hits the
// time limit or is stopped ends the probe, but a solution or a proof
// already found is never thrown away.

import type { Prepared, SearchJob, SearchResult, StopFlag } from "./_prepared.ts";

/** How a probe ended. */
export type ProbeOutcome =
  | { status: "solved"; offsets: Float64Array; nodes: number; backtracks: number }
  | {
    status: "infeasible" | "unknown" | "timeout" | "cancelled" | "too-large";
    nodes: number;
    backtracks: number;
    message?: string;
  };

/** A probe's searches: which runs to start, and what they decide. */
export interface ProbeSchedule {
  /**
   * Up to `count` runs that may start now (fewer, or none, while the
   * outcome waits on runs already out).
   */
  next(count: number): SearchJob[];
  /** Records a run's result. */
  report(job: SearchJob, result: SearchResult): void;
  /** How many runs are out. */
  readonly running: number;
  /** How the probe ended (once nothing runs and next() gives nothing). */
  outcome(): ProbeOutcome;
}

/** What a probe is asked for. */
export interface ProbeSettings {
  /** The capacity. */
  capacity: number;
  /** The preordering heuristics, in order. */
  heuristics: readonly string[];
  /** How many buffers (the first round's budget is twice this). */
  buffers: number;
  /** The largest budget of any one search (Infinity for none). */
  maxNodes: number;
}

/** A run's time slice in the race, in milliseconds. */
export const RACE_SLICE_MS = 20;

/** Counters, and the result that decides the probe so far. */
class Tally {
  nodes = 0;
  backtracks = 0;
  winner: SearchResult | undefined;
  stopped: SearchResult | undefined;

  add(result: SearchResult): void {
    this.nodes += result.nodes;
    this.backtracks += result.backtracks;
  }

  outcome(): ProbeOutcome {
    const counters = { nodes: this.nodes, backtracks: this.backtracks };
    // A solution or a proof found is never thrown away, even when another
    // search hit the time limit.
    const decided = this.winner ?? this.stopped;
    if (decided === undefined) return { status: "unknown", ...counters };
    switch (decided.status) {
      case "solved":
        return { status: "solved", offsets: decided.offsets!, ...counters };
      case "infeasible":
        return { status: "infeasible", ...counters };
      case "stopped":
        return { status: "cancelled", ...counters };
      case "too-large":
        return { status: "too-large", message: decided.message, ...counters };
      default:
        return { status: "timeout", ...counters };
    }
  }
}

/** Whether a result ends a search for good. */
function finished(result: SearchResult): boolean {
  return result.status === "solved" || result.status === "infeasible";
}

/** Whether a result ends the whole probe. */
function stops(result: SearchResult): boolean {
  return result.status === "timeout" || result.status === "stopped" ||
    result.status === "too-large";
}

/** The reference's round robin (SPEC 5.3): searches restarted with doubling budgets. */
export class RoundRobin implements ProbeSchedule {
  readonly #probe: ProbeSettings;
  readonly #last: number;
  readonly #tally = new Tally();
  #next = 0;
  #relaxed = false;
  #running = 0;

  /** @param probe What is probed. */
  constructor(probe: ProbeSettings) {
    this.#probe = probe;
    const k = probe.heuristics.length;
    const buffers = Math.max(1, probe.buffers);
    if (k === 1) {
      this.#last = 0;
    } else if (probe.maxNodes === Infinity) {
      this.#last = Infinity;
    } else {
      let round = 1;
      while (buffers * 2 ** round < probe.maxNodes) round++;
      this.#last = round * k - 1;
    }
  }

  /** How many runs are out. */
  get running(): number {
    return this.#running;
  }

  /** The next search in the order, one at a time. */
  next(count: number): SearchJob[] {
    const tally = this.#tally;
    if (count < 1 || this.#running > 0 || tally.winner || tally.stopped) return [];
    if (this.#next > this.#last) return [];
    const index = this.#next++;
    const { heuristics, maxNodes, capacity } = this.#probe;
    const k = heuristics.length;
    const budget = k === 1
      ? maxNodes
      : Math.min(Math.max(1, this.#probe.buffers) * 2 ** (Math.floor(index / k) + 1), maxNodes);
    this.#running++;
    return [{
      member: index % k,
      begin: { capacity, heuristic: heuristics[index % k], relaxed: this.#relaxed },
      budget,
      giveUp: true,
      sliceMs: Infinity,
    }];
  }

  /** Records a search's result. */
  report(_job: SearchJob, result: SearchResult): void {
    this.#running--;
    const tally = this.#tally;
    tally.add(result);
    if (finished(result)) {
      if (result.status === "infeasible" && !result.proof && !this.#relaxed) {
        // Canonical order proved nothing here: search again without it.
        this.#relaxed = true;
        this.#next = 0;
        return;
      }
      tally.winner = result;
    } else if (stops(result)) {
      tally.stopped = result;
    }
  }

  /** How the probe ended. */
  outcome(): ProbeOutcome {
    return this.#tally.outcome();
  }
}

interface Member {
  /** Nodes visited by its current search. */
  nodes: number;
  /** Whether its search has begun. */
  begun: boolean;
  /** Whether a run of it is out. */
  running: boolean;
  /** Whether it is done: finished, or past what could still win. */
  done: boolean;
}

/**
 * The race (ours): one search per heuristic, run in slices, resumed where
 * they paused; decides as the round robin would (see the module comment).
 */
export class Race implements ProbeSchedule {
  readonly #probe: ProbeSettings;
  readonly #sliceMs: number;
  readonly #tally = new Tally();
  #members: Member[] = [];
  // The winner so far: its round and its heuristic's place.
  #best: { round: number; place: number; result: SearchResult } | undefined;
  #relaxed = false;
  #turn = 0;
  #running = 0;

  /**
   * @param probe What is probed.
   * @param sliceMs How long a run goes before it pauses.
   */
  constructor(probe: ProbeSettings, sliceMs = RACE_SLICE_MS) {
    this.#probe = probe;
    this.#sliceMs = sliceMs;
    this.#reset();
  }

  #reset(): void {
    this.#members = this.#probe.heuristics.map(() => ({
      nodes: 0,
      begun: false,
      running: false,
      done: false,
    }));
    this.#best = undefined;
  }

  /** How many runs are out. */
  get running(): number {
    return this.#running;
  }

  /** The round in which a search of `nodes` nodes would finish. */
  #round(nodes: number): number {
    const buffers = Math.max(1, this.#probe.buffers);
    let round = 1;
    while (buffers * 2 ** round < nodes) round++;
    return round;
  }

  /** The most nodes with which the member at `place` could still decide. */
  #limit(place: number): number {
    const { heuristics, maxNodes } = this.#probe;
    if (heuristics.length === 1) return maxNodes;
    const best = this.#best;
    if (best === undefined) return maxNodes;
    const buffers = Math.max(1, this.#probe.buffers);
    const round = place < best.place ? best.round : best.round - 1;
    return Math.min(maxNodes, round < 1 ? 0 : buffers * 2 ** round);
  }

  /** Runs for idle members, in turn, up to `count`. */
  next(count: number): SearchJob[] {
    const jobs: SearchJob[] = [];
    if (this.#tally.stopped !== undefined) return jobs;
    const { heuristics, capacity } = this.#probe;
    const k = heuristics.length;
    for (let step = 0; step < k && jobs.length < count; step++) {
      const place = (this.#turn + step) % k;
      const member = this.#members[place];
      if (member.running || member.done) continue;
      const budget = this.#limit(place) - member.nodes;
      if (budget <= 0) {
        // It could no longer decide: leave it paused (a later begin gives it up).
        member.done = true;
        continue;
      }
      jobs.push({
        member: place,
        begin: member.begun
          ? undefined
          : { capacity, heuristic: heuristics[place], relaxed: this.#relaxed },
        budget,
        giveUp: false,
        sliceMs: this.#sliceMs,
      });
      member.begun = true;
      member.running = true;
      this.#running++;
    }
    if (jobs.length > 0) {
      this.#turn = (jobs[jobs.length - 1].member + 1) % k;
    } else if (count > 0 && this.#settle()) {
      return this.next(count);
    }
    return jobs;
  }

  /**
   * Once every member is done and nothing runs: the winner decides, or,
   * when it is an "infeasible" that canonical order does not prove, the
   * race starts again without canonical order (returns true).
   */
  #settle(): boolean {
    const tally = this.#tally;
    if (this.#running > 0 || tally.winner !== undefined) return false;
    if (this.#members.some((m) => !m.done)) return false;
    const winner = this.#best?.result;
    if (
      winner?.status === "infeasible" && !winner.proof && !this.#relaxed &&
      tally.stopped === undefined
    ) {
      this.#relaxed = true;
      this.#reset();
      return true;
    }
    tally.winner = winner;
    return false;
  }

  /** Records a run's result. */
  report(job: SearchJob, result: SearchResult): void {
    this.#running--;
    const tally = this.#tally;
    tally.add(result);
    const place = job.member;
    const member = this.#members[place];
    member.running = false;
    member.nodes += result.nodes;
    if (finished(result)) {
      member.done = true;
      const round = this.#round(member.nodes);
      const best = this.#best;
      if (
        member.nodes <= this.#probe.maxNodes &&
        (best === undefined || round < best.round || (round === best.round && place < best.place))
      ) {
        this.#best = { round, place, result };
      }
    } else if (stops(result)) {
      member.done = true;
      tally.stopped ??= result;
    }
  }

  /** How the probe ended. */
  outcome(): ProbeOutcome {
    const tally = this.#tally;
    // Stopped early: whatever finished still counts.
    tally.winner ??= this.#best?.result;
    return tally.outcome();
  }
}

/** The schedule of a probe: the race with `portfolio`, else the round robin. */
export function scheduleOf(probe: ProbeSettings, portfolio: boolean): ProbeSchedule {
  return portfolio ? new Race(probe) : new RoundRobin(probe);
}

/**
 * A probe on one thread (the calling one, or one worker): the schedule's
 * runs one after another.
 */
export function runProbe(
  prepared: Prepared,
  probe: ProbeSettings,
  portfolio: boolean,
  deadline: number,
  stop?: StopFlag,
): ProbeOutcome {
  const schedule = scheduleOf(probe, portfolio);
  for (let [job] = schedule.next(1); job !== undefined; [job] = schedule.next(1)) {
    schedule.report(job, prepared.advance(job, deadline, stop));
  }
  return schedule.outcome();
}
