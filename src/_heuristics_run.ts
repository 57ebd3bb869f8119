// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// A named heuristic's passes (private: solveHeuristic in heuristics.ts
// checks the call and the problem first). The solver's worker runs them
// on the columns it receives, with no object per buffer, and hands the
// typed offsets on as they are.

import { SolveError } from "./errors.ts";
import type { BufferSpec } from "./problem.ts";
import { validate } from "./validate.ts";
import { luby, mulberry32 } from "./_random.ts";
import { finish } from "./_steps.ts";
import { BEST_FIT_MAX_PAIRS, SKYLINE_WORK } from "./_limits.ts";
import {
  BestFit,
  type HeuristicColumns,
  type HeuristicGap,
  type HeuristicProblem,
  orderBy,
  PREPARE_STOPPED,
  Prepared,
  type Rule,
  Skyline,
  type Stop,
} from "./_heuristics_core.ts";

/** How to run a heuristic. */
export interface HeuristicRun {
  /** One of heuristicNames. */
  name: string;
  /** The `performance.now()` at which the time limit cuts it. */
  deadline: number;
  /** Cuts it once aborted. */
  signal?: { readonly aborted: boolean };
  /** Stops improving once the height is at most this. */
  target?: number;
  /**
   * The `performance.now()` after which it stops improving a complete
   * placement (its first placement may run to the deadline).
   */
  improveUntil?: number;
  /**
   * A lower bound on the height (the peak load): improving stops once the
   * height meets it. Asked once at most, and only once a placement is
   * complete and there is more to try, so a caller may measure it then.
   */
  lowerBound: () => number;
  /**
   * A later round (1, 2, ...): the improvement phase runs again with its
   * own seed, for luby(round) times ROUND_UNIT_WORK, half its perturbations on the
   * buffers nearest the peak-load time. Absent: the first, fixed phase.
   */
  round?: number;
}

/** A heuristic's best complete placement. */
export interface Placement {
  /** One offset per buffer. */
  offsets: Float64Array;
  /** Their height. */
  height: number;
}

/**
 * Runs a heuristic; returns its best complete placement, or undefined when
 * the deadline or the signal cut it before one completed.
 */
export function runHeuristic(
  problem: HeuristicProblem | HeuristicColumns,
  run: HeuristicRun,
): Placement | undefined {
  return finish(heuristicSteps(problem, run));
}

/**
 * A heuristic run in steps, one pass of a placement each: between two,
 * a caller on a thread it must not hold (solveAsync without workers) gives
 * the event loop a turn. The steps are the same however they are driven.
 */
export function* heuristicSteps(
  problem: HeuristicProblem | HeuristicColumns,
  run: HeuristicRun,
): Generator<void, Placement | undefined> {
  const { name, deadline, signal } = run;
  const cut: Stop = () => signal?.aborted === true || performance.now() >= deadline;
  let p: Prepared;
  try {
    p = new Prepared(problem, cut);
  } catch (error) {
    if (error === PREPARE_STOPPED) return undefined;
    throw error;
  }
  const target = run.target ?? -Infinity;
  const improveUntil = run.improveUntil ?? Infinity;
  let bound: number | undefined;
  const stop: Stop = () =>
    cut() ||
    (bestHeight !== Infinity &&
      (bestHeight <= target || performance.now() >= improveUntil ||
        bestHeight <= (bound ??= run.lowerBound())));
  const best = new Float64Array(p.n);
  const offsets = new Float64Array(p.n);
  let bestHeight = Infinity;
  const keep = (height: number): void => {
    if (height < bestHeight) {
      bestHeight = height;
      best.set(offsets);
    }
  };
  if (name === "size" || name === "lifespan" || name === "area") {
    const order = cut() ? undefined : orderBy(p, name, cut, deadline);
    if (order !== undefined) keep(new BestFit(p).run(order, offsets, stop));
  } else if (!cut()) {
    yield;
    // The skyline fills time left to right; the mirrored problem (time
    // reversed) has the same solutions but fills differently. Its passes
    // without the left preference repeat the unmirrored ones' heights on
    // every instance measured (the rule looks the same both ways), so only
    // its left-preferring passes run.
    // Each built when a pass first needs it: large problems run no
    // mirrored pass.
    const skies: (Skyline | undefined)[] = [undefined, undefined];
    const skyOf = (mirrored: boolean): Skyline =>
      skies[mirrored ? 1 : 0] ??= new Skyline(mirrored ? p.mirrored() : p);
    const prefs = new Map<Rule, Float64Array>();
    let start: Start | undefined;
    for (const pass of skylinePasses(p.free.length)) {
      if (stop()) break;
      const sky = skyOf(pass.mirrored);
      let pref = prefs.get(pass.rule);
      if (pref === undefined) {
        pref = preference(p, pass.rule, cut, deadline);
        if (pref === undefined) break;
        prefs.set(pass.rule, pref);
      }
      // Each of those takes a few tenths of a second at 10^6.
      if (stop()) break;
      const h = sky.run(pref, offsets, stop, pass.left);
      if (Number.isNaN(h)) break;
      if (h < bestHeight) start = { sky, pref, left: pass.left, height: h };
      keep(h);
      yield;
    }
    if (name === "best" && bestHeight !== Infinity) {
      // Best fit too, where a pass is cheap enough.
      const fit = p.pairs <= BEST_FIT_MAX_PAIRS ? new BestFit(p) : undefined;
      if (fit !== undefined) {
        for (const rule of BEST_FIT_RULES) {
          const order = stop() ? undefined : orderBy(p, rule, cut, deadline);
          if (order === undefined) break;
          keep(fit.run(order, offsets, stop));
          yield;
        }
      }
      // (The stop test measures the lower bound: not for an empty phase.)
      const round = run.round ?? 0;
      if (start !== undefined && improvePasses(p.free.length, round) > 0 && !stop()) {
        yield* improve(p, start, offsets, stop, keep, round);
      }
      // Dropping every buffer as low as it goes, in offset order, never
      // raises one, and sometimes lowers the top.
      if (fit !== undefined && !stop()) {
        const order = Int32Array.from(p.free).sort((a, b) => best[a] - best[b] || a - b);
        offsets.set(best);
        keep(fit.run(order, offsets, stop, true));
      }
    }
  }
  // No placement completed, and one pass always completes unless cut.
  return bestHeight === Infinity ? undefined : { offsets: best, height: bestHeight };
}

/** One pass of the skyline: a preference rule, a direction of time, and the left preference. */
interface SkylinePass {
  rule: Rule;
  mirrored: boolean;
  left: boolean;
}

/**
 * The skyline's passes, in the order they run: each rule without and with
 * the left preference, then the mirrored problem's left-preferring passes.
 * Their number is fixed by the problem's size (a pass costs about
 * n log n): above SKYLINE_WORK / n passes, only the first of
 * SKYLINE_PRIORITY run, so results never depend on the machine.
 */
function skylinePasses(free: number): SkylinePass[] {
  const all: SkylinePass[] = [];
  for (const mirrored of [false, true]) {
    for (const rule of SKYLINE_RULES) {
      for (const left of mirrored ? [true] : [false, true]) all.push({ rule, mirrored, left });
    }
  }
  const count = Math.max(1, Math.floor(SKYLINE_WORK / Math.max(1, free)));
  if (count >= all.length) return all;
  const chosen = SKYLINE_PRIORITY.slice(0, count);
  return all.filter((pass) =>
    chosen.some((c) => c.rule === pass.rule && c.mirrored === pass.mirrored && c.left === pass.left)
  );
}

const SKYLINE_RULES: readonly Rule[] = ["size", "area", "lifespan"];
// Which skyline passes run first when not all of them can: the ones that
// won most often on the large instances and generated problems (area and
// lifespan without the left preference), then the rest.
const SKYLINE_PRIORITY: readonly SkylinePass[] = [
  { rule: "area", mirrored: false, left: false },
  { rule: "lifespan", mirrored: false, left: false },
  { rule: "size", mirrored: false, left: false },
  { rule: "area", mirrored: true, left: true },
  { rule: "area", mirrored: false, left: true },
  { rule: "lifespan", mirrored: true, left: true },
  { rule: "lifespan", mirrored: false, left: true },
  { rule: "size", mirrored: true, left: true },
  { rule: "size", mirrored: false, left: true },
];
const BEST_FIT_RULES: readonly Rule[] = ["size", "lifespan", "area"];
// The improvement phase's fixed work: skyline passes times buffers.
const IMPROVE_WORK = 600_000;
const IMPROVE_MAX_PASSES = 1_500;
// A later round's: Luby's sequence (1, 1, 2, 1, 1, 2, 4, ...) times this
// unit, so that short rounds, which restart often, come first, and longer
// ones still come. On S_1 (28,526 buffers), chains of 50, 100 and 300
// passes, 16, 16 and 6 seeds, reached 1.001 x the peak load or below 1, 4
// and 2 times: about a hundred passes is where chains begin to succeed.
const ROUND_UNIT_WORK = 3_000_000;
const ROUND_MAX_PASSES = 2_000;
// A later round's focus: this share of the free buffers, those whose
// lifespans come nearest the peak-load time.
const FOCUS_SHARE = 0.15;

/**
 * Improves the skyline's preferences by a seeded (1+1) search: perturb the
 * best preferences, rerun, keep the result unless it is higher. The number
 * of passes depends only on the problem's size and the round, so the
 * result does not depend on the machine; `stop` only cuts it short.
 *
 * Later rounds perturb, every other pass, only the buffers nearest the
 * peak-load time: there the height is at least the peak load, so what
 * decides it is the waste left at that time, and perturbing elsewhere
 * mostly changes nothing. On S_1 (28,526 buffers, 1.00159 x the peak load
 * after the first phase), chains of 100 passes with 16 seeds reached 1.001
 * x or below 4 times with this focus, once without.
 */
function* improve(
  p: Prepared,
  start: Start,
  offsets: Float64Array,
  stop: Stop,
  keep: (height: number) => void,
  round: number,
): Generator<void, void> {
  const cnt = p.free.length;
  const passes = improvePasses(cnt, round);
  const random = mulberry32(0x6d696e69 ^ cnt ^ Math.imul(round, 0x9e3779b1));
  const focus = round > 0 ? nearPeak(p) : undefined;
  const sky = start.sky;
  const pref = Float64Array.from(start.pref);
  let left = start.left;
  let height = start.height;
  const trial = new Float64Array(p.n);
  for (let pass = 0; pass < passes; pass++) {
    if (stop()) return;
    // Perturb a random share of the buffers by a random amount.
    const share = [0.02, 0.1, 0.5][Math.floor(random() * 3)];
    const amount = cnt * [0.005, 0.05, 0.3][Math.floor(random() * 3)];
    const among = focus !== undefined && (pass & 1) === 1 ? focus : p.free;
    trial.set(pref);
    for (let k = 0; k < among.length; k++) {
      if (random() < share) {
        const i = among[k];
        trial[i] += amount * (random() - 0.5);
      }
    }
    const trialLeft = random() < 0.2 ? !left : left;
    const h = sky.run(trial, offsets, stop, trialLeft);
    if (Number.isNaN(h)) return;
    keep(h);
    // Equal heights are accepted too: that lets the search drift across
    // plateaus.
    if (h <= height) {
      height = h;
      left = trialLeft;
      pref.set(trial);
    }
    yield;
  }
}

/** The improvement phase's passes for `cnt` free buffers (none for fewer than 2). */
function improvePasses(cnt: number, round: number): number {
  if (cnt < 2) return 0;
  return round === 0
    ? Math.min(IMPROVE_MAX_PASSES, Math.floor(IMPROVE_WORK / cnt))
    : Math.min(ROUND_MAX_PASSES, Math.max(1, Math.floor(luby(round) * ROUND_UNIT_WORK / cnt)));
}

/**
 * The FOCUS_SHARE of the free buffers whose lifespans come nearest the
 * first moment of their peak load (live then: distance 0), in compressed
 * time. The load counts the free buffers over their whole lifespans (gaps
 * and pinned buffers aside): a focus, not a bound.
 */
export function nearPeak(p: Prepared): Int32Array {
  const free = p.free;
  const cnt = free.length;
  // The load per elementary interval, from its changes.
  const change = new Float64Array(p.m + 1);
  for (let k = 0; k < cnt; k++) {
    const i = free[k];
    change[p.bL[i]] += p.size[i];
    change[p.bU[i]] -= p.size[i];
  }
  let load = 0;
  let peak = -Infinity;
  let at = 0;
  for (let t = 0; t < p.m; t++) {
    load += change[t];
    if (load > peak) {
      peak = load;
      at = t;
    }
  }
  const distance = new Float64Array(p.n);
  for (let k = 0; k < cnt; k++) {
    const i = free[k];
    distance[i] = p.bU[i] <= at ? at + 1 - p.bU[i] : p.bL[i] > at ? p.bL[i] - at : 0;
  }
  const order = Int32Array.from(free).sort((x, y) => distance[x] - distance[y] || x - y);
  return order.subarray(0, Math.max(1, Math.ceil(cnt * FOCUS_SHARE)));
}

/** A skyline pass to improve on. */
interface Start {
  sky: Skyline;
  pref: Float64Array;
  left: boolean;
  height: number;
}

/** Distinct preference values per buffer for a rule (higher = preferred); undefined if cut. */
function preference(
  p: Prepared,
  rule: Rule,
  cut: Stop,
  deadline: number,
): Float64Array | undefined {
  const order = orderBy(p, rule, cut, deadline);
  if (order === undefined) return undefined;
  const pref = new Float64Array(p.n);
  for (let r = 0; r < order.length; r++) pref[order[r]] = order.length - r;
  return pref;
}

/** Throws when two pinned buffers overlap: then no solution exists. */
export function checkPins(problem: HeuristicProblem | HeuristicColumns): void {
  // The pinned buffers alone, as objects (few, where any).
  const pinned: BufferSpec[] = [];
  const add = (
    b: { lower: number; upper: number; size: number; alignment?: number; offset?: number },
    gaps: readonly HeuristicGap[] | null | undefined,
  ): void => {
    const { lower, upper, size, alignment, offset } = b;
    const spec: BufferSpec = { id: "", lower, upper, size, offset };
    if (alignment !== undefined) spec.alignment = alignment;
    if (gaps) spec.gaps = gaps.map((gap) => ({ ...gap }));
    pinned.push(spec);
  };
  if ("buffers" in problem) {
    for (const b of problem.buffers) if (b.offset !== undefined) add(b, b.gaps);
  } else if (problem.offset !== undefined) {
    const { lower, upper, size, alignment, offset, gaps } = problem;
    for (let i = 0; i < offset.length; i++) {
      if (Number.isNaN(offset[i])) continue;
      const b = { lower: lower[i], upper: upper[i], size: size[i], offset: offset[i] };
      add(alignment === undefined ? b : { ...b, alignment: alignment[i] }, gaps?.[i]);
    }
  }
  if (pinned.length === 0) return;
  let height = 0;
  for (const b of pinned) height = Math.max(height, b.offset! + b.size);
  const result = validate({ buffers: pinned }, {
    offsets: pinned.map((b) => b.offset!),
    height,
  });
  if (result !== "good") {
    throw new SolveError(
      "infeasible",
      result === "bad overlap"
        ? "Two pinned buffers overlap"
        : `A pinned buffer's offset is invalid (${result})`,
    );
  }
}
