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
// already found is never thrown away. A fixed-capacity probe may also run
// the fast heuristics once no search can finish within round 7, ranked
// first in round 8 (HeuristicFit), in either schedule.

import type { Prepared, SearchJob, SearchResult, StopFlag } from "./_prepared.ts";
import {
  DESCENT_BUDGET_PER_BUFFER,
  DESCENT_FAMILIES,
  DESCENT_MEMBERS,
  RACE_MAX_PAIRS,
  RESTART_BASE,
  RESTART_FAMILIES,
  RESTART_ROUND,
} from "./_limits.ts";
import { luby } from "./_random.ts";
import { finish } from "./_steps.ts";

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
   * outcome waits on runs already out). `ready`, where given, says whether
   * a paused search can resume now (its executor is free): one that
   * cannot is passed over, so an idle executor is not handed a run that
   * must wait for a busy one. It is asked only about a run about to be
   * handed out, so a yes may promise the executor to that run.
   */
  next(count: number, ready?: (member: number) => boolean): SearchJob[];
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
  /** Whether randomized restarts join after RESTART_ROUND (ours). */
  restarts: boolean;
  /**
   * Descents instead of the heuristics' searches (the anytime
   * minimization's, ours): `count` short searches with seeded random
   * preorders, numbered from `first` (see Descents).
   */
  descents?: { first: number; count: number };
  /**
   * Whether the fast heuristics try the capacity once no search can
   * finish within RESTART_ROUND any more (a fixed-capacity solve's, ours:
   * `heuristic_first`): a fit decides before any later search (see
   * HeuristicFit). Only with several heuristics and no `maxNodes` (one
   * heuristic searches without rounds).
   */
  fit?: boolean;
}

/**
 * What a probe request asks for, with the solve's preordering heuristics
 * and restarts (the calling thread's and the pool's probes alike).
 */
export function probeSettingsOf(
  request: {
    capacity: number;
    maxNodes: number;
    descents?: ProbeSettings["descents"];
    fit?: boolean;
  },
  settings: { heuristics: readonly string[]; restarts: boolean },
  buffers: number,
): ProbeSettings {
  return {
    capacity: request.capacity,
    heuristics: settings.heuristics,
    buffers,
    maxNodes: request.maxNodes,
    restarts: settings.restarts,
    descents: request.descents,
    fit: request.fit,
  };
}

/** The nodes round `round` allows a search: the round robin's budget, buffers * 2^round. */
function roundEnd(round: number, buffers: number): number {
  return Math.max(1, buffers) * 2 ** round;
}

/** The smallest round r >= 1 with buffers * 2^r >= nodes. */
function roundOf(nodes: number, buffers: number): number {
  let round = 1;
  while (roundEnd(round, buffers) < nodes) round++;
  return round;
}

/** The preorder heuristic of restart member `j`'s restart `i` (seeded). */
export function restartHeuristic(j: number, i: number, relaxed: boolean): string {
  const seed =
    (Math.imul(j + 1, 0x9e3779b1) ^ Math.imul(i, 0x85ebca6b) ^ (relaxed ? 0x5bd1e995 : 0)) >>> 0;
  return `R${RESTART_FAMILIES[j]}:${seed}`;
}

/** Whether a probe with these settings has restart members. */
function restartCount(probe: ProbeSettings): number {
  return probe.restarts && probe.heuristics.length > 1 ? RESTART_FAMILIES.length : 0;
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

/**
 * The reference's round robin (SPEC 5.3): searches restarted with doubling
 * budgets, one after another; with `restarts`, from round 8 on each round
 * first runs every restart member's restarts (from its first, within the
 * round's budget in all), then the heuristics. With `sliceMs`, a run
 * pauses after that long and resumes next (a thread that must stay
 * responsive runs it so); the searches and their nodes are the same.
 */
export class RoundRobin implements ProbeSchedule {
  readonly #probe: ProbeSettings;
  readonly #sliceMs: number;
  // A run its time slice paused, resumed next with the budget it has left.
  #paused: SearchJob | undefined;
  readonly #last: number;
  readonly #tally = new Tally();
  readonly #restarts: number;
  #round = 1;
  // Within the round: the step (restart members first, then heuristics).
  #step = 0;
  // Within a restart member's turn: its restart, and the nodes it spent.
  #restart = 0;
  #spent = 0;
  #relaxed = false;
  #running = 0;

  /**
   * @param probe What is probed.
   * @param options `sliceMs`: how long a run goes before it pauses
   *   (default: until its budget is spent).
   */
  constructor(probe: ProbeSettings, options: { sliceMs?: number } = {}) {
    this.#probe = probe;
    this.#sliceMs = options.sliceMs ?? Infinity;
    this.#restarts = restartCount(probe);
    const k = probe.heuristics.length;
    if (k === 1) {
      this.#last = 1;
    } else if (probe.maxNodes === Infinity) {
      this.#last = Infinity;
    } else {
      this.#last = roundOf(probe.maxNodes, probe.buffers);
    }
  }

  /** How many runs are out. */
  get running(): number {
    return this.#running;
  }

  /** Whether every search of RESTART_ROUND has ended, and none finished. */
  get pastRestartRound(): boolean {
    const tally = this.#tally;
    if (this.#running > 0 || this.#paused !== undefined || tally.winner || tally.stopped) {
      return false;
    }
    // Within RESTART_ROUND a round's steps are the heuristics alone.
    return this.#round > RESTART_ROUND ||
      (this.#round === RESTART_ROUND && this.#step >= this.#probe.heuristics.length);
  }

  /** The next search in the order, one at a time. */
  next(count: number): SearchJob[] {
    const tally = this.#tally;
    if (count < 1 || this.#running > 0 || tally.winner || tally.stopped) return [];
    if (this.#paused !== undefined) {
      const job = this.#paused;
      this.#paused = undefined;
      this.#running++;
      return [job];
    }
    const { heuristics, maxNodes, capacity, buffers } = this.#probe;
    const k = heuristics.length;
    for (;;) {
      if (this.#round > this.#last) return [];
      const budget = k === 1 ? maxNodes : Math.min(roundEnd(this.#round, buffers), maxNodes);
      const restarts = this.#round > RESTART_ROUND ? this.#restarts : 0;
      if (this.#step < restarts) {
        // A restart member's turn: its restarts from the first, within the
        // round's budget in all.
        const left = budget - this.#spent;
        if (left <= 0) {
          this.#step++;
          this.#restart = 0;
          this.#spent = 0;
          continue;
        }
        this.#restart++;
        this.#running++;
        return [{
          member: k + this.#step,
          begin: {
            capacity,
            heuristic: restartHeuristic(this.#step, this.#restart, this.#relaxed),
            relaxed: this.#relaxed,
          },
          budget: Math.min(left, RESTART_BASE * Math.max(1, buffers) * luby(this.#restart)),
          giveUp: true,
          sliceMs: this.#sliceMs,
        }];
      }
      const h = this.#step - restarts;
      if (h >= k) {
        this.#round++;
        this.#step = 0;
        this.#restart = 0;
        this.#spent = 0;
        continue;
      }
      this.#step++;
      this.#running++;
      return [{
        member: h,
        begin: { capacity, heuristic: heuristics[h], relaxed: this.#relaxed },
        budget,
        giveUp: true,
        sliceMs: this.#sliceMs,
      }];
    }
  }

  /** Records a search's result. */
  report(job: SearchJob, result: SearchResult): void {
    this.#running--;
    const tally = this.#tally;
    tally.add(result);
    if (result.status === "budget" || result.status === "paused") {
      // A restart member's restarts share the round's budget.
      if (job.member >= this.#probe.heuristics.length) this.#spent += result.nodes;
      if (result.status === "paused") {
        this.#paused = { ...job, begin: undefined, budget: job.budget - result.nodes };
      }
    } else if (finished(result)) {
      if (result.status === "infeasible" && !result.proof && !this.#relaxed) {
        // Canonical order proved nothing here: search again without it.
        this.#relaxed = true;
        this.#round = 1;
        this.#step = 0;
        this.#restart = 0;
        this.#spent = 0;
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
  /** A restart member (randomized preorders), or a heuristic. */
  restart: boolean;
  /** Its rank in the rounds after RESTART_ROUND: restart members first. */
  rank: number;
  /** Nodes visited, over all its restarts. */
  nodes: number;
  /** Whether its search has begun. */
  begun: boolean;
  /** Whether a run of it is out. */
  running: boolean;
  /** Whether it is done: finished, or past what could still win. */
  done: boolean;
  /** A restart member's current restart, and the nodes spent in it. */
  restarts: number;
  restartNodes: number;
}

/**
 * The race (ours): one search per heuristic (and, after RESTART_ROUND, per
 * restart member), run in slices, resumed where they paused; decides as
 * the round robin would (see the module comment).
 */
export class Race implements ProbeSchedule {
  readonly #probe: ProbeSettings;
  readonly #sliceMs: number;
  readonly #lockstep: boolean;
  readonly #tally = new Tally();
  #members: Member[] = [];
  // The winner so far: its round and rank.
  #best: { round: number; rank: number; result: SearchResult } | undefined;
  #relaxed = false;
  #turn = 0;
  #running = 0;

  /**
   * @param probe What is probed.
   * @param options `lockstep`: whether runs go round by round (see
   *   #frontier; the default, where every schedule runs; off, by time
   *   slices alone, for the tests' comparison); `sliceMs`: how long a run
   *   goes before it pauses.
   */
  constructor(probe: ProbeSettings, options: { lockstep?: boolean; sliceMs?: number } = {}) {
    this.#probe = probe;
    this.#lockstep = options.lockstep ?? true;
    this.#sliceMs = options.sliceMs ?? RACE_SLICE_MS;
    this.#reset();
  }

  #reset(): void {
    const r = restartCount(this.#probe);
    const member = (restart: boolean, rank: number): Member => ({
      restart,
      rank,
      nodes: 0,
      begun: false,
      running: false,
      done: false,
      restarts: 0,
      restartNodes: 0,
    });
    this.#members = [
      ...this.#probe.heuristics.map((_, h) => member(false, r + h)),
      ...Array.from({ length: r }, (_, j) => member(true, j)),
    ];
    this.#best = undefined;
  }

  /** How many runs are out. */
  get running(): number {
    return this.#running;
  }

  /**
   * Whether no search can finish within RESTART_ROUND any more, and none
   * did (node counts alone say so, whatever the timing).
   */
  get pastRestartRound(): boolean {
    const best = this.#best;
    return this.#tally.stopped === undefined && this.#restartsOpen() &&
      (best === undefined || best.round > RESTART_ROUND);
  }

  /** The round in which a member with these nodes would finish. */
  #roundOf(member: Member, nodes: number): number {
    const round = roundOf(nodes, this.#probe.buffers);
    return member.restart ? Math.max(RESTART_ROUND + 1, round) : round;
  }

  /** The most nodes with which a member could still decide. */
  #limit(member: Member): number {
    const { heuristics, maxNodes, buffers } = this.#probe;
    if (heuristics.length === 1) return maxNodes;
    // The last round the probe's budget allows, and the last in which this
    // member could still come before the winner so far.
    let round = maxNodes === Infinity ? Infinity : roundOf(maxNodes, buffers);
    const best = this.#best;
    if (best !== undefined) {
      round = Math.min(round, member.rank < best.rank ? best.round : best.round - 1);
    }
    if (round < (member.restart ? RESTART_ROUND + 1 : 1)) return 0;
    return round === Infinity ? maxNodes : Math.min(maxNodes, roundEnd(round, buffers));
  }

  /**
   * Whether the restart members may run: once no heuristic can finish
   * within RESTART_ROUND any more (each has passed its budget, or is done).
   */
  #restartsOpen(): boolean {
    const end = roundEnd(RESTART_ROUND, this.#probe.buffers);
    return this.#members.every((m) => m.restart || m.done || m.nodes >= end);
  }

  /**
   * The end of the earliest round that a member still in the race is in:
   * no member need run past it before every member has reached it, since
   * one finishing there decides before any later round (the race then
   * visits about the nodes the round robin would, not a slice's worth more
   * per member).
   */
  #frontier(open: boolean): number {
    let frontier = Infinity;
    for (const member of this.#members) {
      if (member.done || (member.restart && !open)) continue;
      const end = roundEnd(this.#roundOf(member, member.nodes + 1), this.#probe.buffers);
      if (end < frontier) frontier = end;
    }
    return frontier;
  }

  /** The length of a restart member's current restart, on Luby's sequence. */
  #restartLength(member: Member): number {
    return RESTART_BASE * Math.max(1, this.#probe.buffers) * luby(member.restarts);
  }

  /**
   * Whether a member's next run resumes its paused search (and so must run
   * where that search is); else it begins one, anywhere.
   */
  #resumes(member: Member): boolean {
    // A restart member begins a new restart once the last is spent.
    return member.restart
      ? member.restarts > 0 && member.restartNodes < this.#restartLength(member)
      : member.begun;
  }

  /** A run of member `place` for at most `budget` nodes, marked running. */
  #job(place: number, budget: number): SearchJob {
    const { heuristics, capacity } = this.#probe;
    const member = this.#members[place];
    let begin: SearchJob["begin"];
    if (!this.#resumes(member)) {
      let heuristic = heuristics[place];
      if (member.restart) {
        member.restarts++;
        member.restartNodes = 0;
        heuristic = restartHeuristic(place - heuristics.length, member.restarts, this.#relaxed);
      }
      begin = { capacity, heuristic, relaxed: this.#relaxed };
    }
    if (member.restart) {
      budget = Math.min(budget, this.#restartLength(member) - member.restartNodes);
    }
    member.begun = true;
    member.running = true;
    this.#running++;
    return { member: place, begin, budget, giveUp: false, sliceMs: this.#sliceMs };
  }

  /**
   * Runs for idle members, in turn, up to `count`: those behind the
   * frontier first, and up to it; a paused search only where `ready` says
   * its executor is free.
   */
  next(count: number, ready?: (member: number) => boolean): SearchJob[] {
    const jobs: SearchJob[] = [];
    if (this.#tally.stopped !== undefined) return jobs;
    const members = this.#members;
    const total = members.length;
    const open = this.#restartsOpen();
    const frontier = this.#lockstep ? this.#frontier(open) : Infinity;
    // Two passes: first the members behind the frontier, each only up to
    // it; then, where executors would otherwise idle, the others.
    for (let pass = 0; pass < (frontier === Infinity ? 1 : 2); pass++) {
      for (let step = 0; step < total && jobs.length < count; step++) {
        const place = (this.#turn + step) % total;
        const member = members[place];
        if (member.running || member.done) continue;
        const budget = this.#limit(member) - member.nodes;
        if (budget <= 0) {
          // It could no longer decide: leave it paused (a later begin gives it up).
          member.done = true;
          continue;
        }
        if (member.restart && !open) continue;
        if (pass === 0 ? member.nodes >= frontier : member.nodes < frontier) continue;
        // Asked last: a yes promises the executor to this run.
        if (ready !== undefined && this.#resumes(member) && !ready(place)) continue;
        jobs.push(
          this.#job(place, Math.min(budget, pass === 0 ? frontier - member.nodes : Infinity)),
        );
      }
    }
    if (jobs.length > 0) {
      this.#turn = (jobs[jobs.length - 1].member + 1) % total;
    } else if (count > 0 && this.#settle()) {
      return this.next(count, ready);
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
    const member = this.#members[job.member];
    member.running = false;
    member.nodes += result.nodes;
    member.restartNodes += result.nodes;
    if (finished(result)) {
      member.done = true;
      const round = this.#roundOf(member, member.nodes);
      const best = this.#best;
      if (
        member.nodes <= this.#probe.maxNodes &&
        (best === undefined || round < best.round ||
          (round === best.round && member.rank < best.rank))
      ) {
        this.#best = { round, rank: member.rank, result };
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

/** The preorder heuristic of descent `i` (seeded): the families in turn. */
export function descentHeuristic(i: number): string {
  const seed = (Math.imul(i + 1, 0x9e3779b1) ^ 0x27d4eb2f) >>> 0;
  return `R${DESCENT_FAMILIES[i % DESCENT_FAMILIES.length]}:${seed}`;
}

/**
 * Descents (ours): short searches at the probe's capacity with seeded
 * random preorders, each for at most DESCENT_BUDGET_PER_BUFFER nodes per
 * buffer, up to DESCENT_MEMBERS at once. The lowest-numbered one that
 * finishes decides (a solution, or a proof of infeasibility): descents are
 * begun in number order and none is begun past one that finished, so the
 * answer does not depend on timing. None finishing, the probe is
 * "unknown".
 */
export class Descents implements ProbeSchedule {
  readonly #probe: ProbeSettings;
  readonly #first: number;
  readonly #count: number;
  readonly #budget: number;
  readonly #sliceMs: number;
  readonly #tally = new Tally();
  // Per member: the descent it runs (-1: none), its nodes, whether out.
  readonly #descent: Int32Array;
  readonly #nodes: Float64Array;
  readonly #out: Uint8Array;
  #begun = 0;
  #running = 0;
  // The lowest-numbered descent that finished, and its result.
  #winner = Infinity;
  #result: SearchResult | undefined;

  /**
   * @param probe What is probed, with `descents`.
   * @param sliceMs How long a run goes before it pauses.
   */
  constructor(probe: ProbeSettings, sliceMs = Infinity) {
    this.#probe = probe;
    this.#first = probe.descents?.first ?? 0;
    this.#count = probe.descents?.count ?? 0;
    this.#budget = Math.min(
      probe.maxNodes,
      DESCENT_BUDGET_PER_BUFFER * Math.max(1, probe.buffers),
    );
    this.#sliceMs = sliceMs;
    const members = Math.max(1, Math.min(DESCENT_MEMBERS, this.#count));
    this.#descent = new Int32Array(members).fill(-1);
    this.#nodes = new Float64Array(members);
    this.#out = new Uint8Array(members);
  }

  /** How many runs are out. */
  get running(): number {
    return this.#running;
  }

  /** Resumes paused descents where `ready` allows, then begins new ones. */
  next(count: number, ready?: (member: number) => boolean): SearchJob[] {
    const jobs: SearchJob[] = [];
    if (this.#tally.stopped !== undefined) return jobs;
    const members = this.#descent.length;
    for (let m = 0; m < members && jobs.length < count; m++) {
      if (this.#out[m] || this.#descent[m] < 0) continue;
      // Numbered past a finished one, it could not decide: give it up.
      if (this.#descent[m] > this.#winner) {
        this.#descent[m] = -1;
        continue;
      }
      // Asked last: a yes promises the executor to this run.
      if (ready !== undefined && !ready(m)) continue;
      jobs.push(this.#job(m, undefined));
    }
    for (let m = 0; m < members && jobs.length < count; m++) {
      if (this.#out[m] || this.#descent[m] >= 0) continue;
      if (this.#begun >= this.#count || this.#begun > this.#winner) break;
      const i = this.#begun++;
      this.#descent[m] = i;
      this.#nodes[m] = 0;
      const begin = {
        capacity: this.#probe.capacity,
        heuristic: descentHeuristic(this.#first + i),
        relaxed: false,
      };
      jobs.push(this.#job(m, begin));
    }
    return jobs;
  }

  #job(member: number, begin: SearchJob["begin"]): SearchJob {
    this.#out[member] = 1;
    this.#running++;
    const budget = this.#budget - this.#nodes[member];
    return { member, begin, budget, giveUp: false, sliceMs: this.#sliceMs };
  }

  /** Records a run's result. */
  report(job: SearchJob, result: SearchResult): void {
    const m = job.member;
    this.#running--;
    this.#out[m] = 0;
    this.#tally.add(result);
    this.#nodes[m] += result.nodes;
    const i = this.#descent[m];
    // An "infeasible" that canonical order does not prove is no answer.
    const decides = result.status === "solved" || (result.status === "infeasible" && result.proof);
    if (finished(result) || this.#nodes[m] >= this.#budget || stops(result)) {
      this.#descent[m] = -1;
    }
    if (decides && i < this.#winner) {
      this.#winner = i;
      this.#result = result;
    } else if (stops(result)) {
      this.#tally.stopped ??= result;
    }
  }

  /** How the probe ended. */
  outcome(): ProbeOutcome {
    this.#tally.winner = this.#result;
    return this.#tally.outcome();
  }
}

/**
 * A fixed-capacity probe with the fast heuristics (ours, `fit`): its
 * schedule runs as it is until no search can finish within RESTART_ROUND
 * any more; then the heuristics run once at the capacity, and where one
 * fits it decides, ranked before every search of the later rounds (the
 * fixed orders are in their heavy tail by then, and the heuristics answer
 * in a fraction of a second). Until then the answer is the schedule's own (the
 * reference's), and either way it depends on node counts alone. Beside the
 * heuristics' run (on a pool) and after it fails, the schedule runs on.
 */
export class HeuristicFit implements ProbeSchedule {
  readonly #inner: RoundRobin | Race;
  readonly #capacity: number;
  #state: "waiting" | "out" | "failed" | "fits" = "waiting";
  #offsets: Float64Array | undefined;

  /**
   * @param inner The probe's schedule.
   * @param capacity The capacity probed.
   */
  constructor(inner: RoundRobin | Race, capacity: number) {
    this.#inner = inner;
    this.#capacity = capacity;
  }

  /** How many runs are out. */
  get running(): number {
    return this.#inner.running + (this.#state === "out" ? 1 : 0);
  }

  /** The heuristics' run once it is due, then the schedule's runs. */
  next(count: number, ready?: (member: number) => boolean): SearchJob[] {
    if (this.#state === "fits") return [];
    const jobs: SearchJob[] = [];
    if (this.#state === "waiting" && count > 0 && this.#inner.pastRestartRound) {
      this.#state = "out";
      jobs.push({
        member: -1,
        begin: { capacity: this.#capacity, heuristic: "best", relaxed: false },
        budget: 0,
        giveUp: true,
        sliceMs: Infinity,
        fit: true,
      });
    }
    return jobs.concat(this.#inner.next(count - jobs.length, ready));
  }

  /** Records a run's result. */
  report(job: SearchJob, result: SearchResult): void {
    if (!job.fit) return this.#inner.report(job, result);
    // Cut by the time limit or stopped, the schedule's own runs end too.
    this.#state = result.status === "solved" ? "fits" : "failed";
    this.#offsets = result.offsets;
  }

  /** How the probe ended. */
  outcome(): ProbeOutcome {
    const outcome = this.#inner.outcome();
    if (this.#state !== "fits") return outcome;
    const { nodes, backtracks } = outcome;
    return { status: "solved", offsets: this.#offsets!, nodes, backtracks };
  }
}

/**
 * Whether a probe races its searches: with the portfolio, where a model and
 * a search per member fit in memory (see RACE_MAX_PAIRS); otherwise the
 * round robin, with the same answer. `pairs` is 0 where unknown.
 */
export function races(portfolio: boolean, pairs: number): boolean {
  return portfolio && pairs <= RACE_MAX_PAIRS;
}

/**
 * The schedule of a probe: the race (round by round) with `portfolio`,
 * else the round robin, whose runs pause after a time slice too when
 * `sliced` (the race's always do).
 */
export function scheduleOf(
  probe: ProbeSettings,
  portfolio: boolean,
  sliced = false,
): ProbeSchedule {
  if (probe.descents !== undefined) return new Descents(probe, sliced ? RACE_SLICE_MS : Infinity);
  const schedule = portfolio
    ? new Race(probe)
    : new RoundRobin(probe, { sliceMs: sliced ? RACE_SLICE_MS : Infinity });
  // Only where there are rounds: several heuristics and no node budget.
  const rounds = probe.heuristics.length > 1 && probe.maxNodes === Infinity;
  return probe.fit && rounds ? new HeuristicFit(schedule, probe.capacity) : schedule;
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
  onNodes?: (nodes: number) => void,
): ProbeOutcome {
  return finish(probeSteps(prepared, probe, portfolio, { deadline, stop, onNodes }));
}

/**
 * {@linkcode runProbe} in steps, one run of a search each (see
 * _steps.ts); with `sliced`, a run pauses after a time slice (the round
 * robin's too; the outcome is the same).
 */
export function* probeSteps(
  prepared: Prepared,
  probe: ProbeSettings,
  portfolio: boolean,
  options: {
    deadline: number;
    stop?: StopFlag;
    onNodes?: (nodes: number) => void;
    sliced?: boolean;
  },
): Generator<void, ProbeOutcome> {
  const { deadline, stop, onNodes } = options;
  const schedule = scheduleOf(probe, portfolio, options.sliced);
  let nodes = 0;
  for (let [job] = schedule.next(1); job !== undefined; [job] = schedule.next(1)) {
    const result = prepared.advance(job, deadline, stop);
    schedule.report(job, result);
    nodes += result.nodes;
    onNodes?.(nodes);
    yield;
  }
  return schedule.outcome();
}
