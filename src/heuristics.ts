// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * Fast heuristics: upper bounds on the smallest height, found in about
 * O(n log n) per pass, for problems too big for the exact search or as its
 * starting point.
 *
 * @module
 */

import { SolveError } from "./errors.ts";
import { peakLoad, type Problem, type Solution } from "./problem.ts";
import { validate } from "./validate.ts";
import { mulberry32 } from "./_random.ts";
import { BEST_FIT_MAX_PAIRS, SKYLINE_WORK } from "./_limits.ts";
import {
  BestFit,
  orderBy,
  PREPARE_STOPPED,
  Prepared,
  type Rule,
  Skyline,
  type Stop,
} from "./_heuristics_core.ts";
import { checkProblem, checkTimeout } from "./_check.ts";
import { checkedOf } from "./_checked.ts";

/**
 * The heuristics {@linkcode solveHeuristic} knows: `"best"` runs all of
 * them and keeps the lowest.
 *
 * @example Usage
 * ```ts
 * import { heuristicNames } from "@x/minimalloc";
 * import { ok } from "node:assert/strict";
 *
 * ok(heuristicNames.includes("best"));
 * ok(heuristicNames.includes("size"));
 * ```
 */
export const heuristicNames: readonly string[] = ["best", "size", "lifespan", "area", "skyline"];

/** Options for {@linkcode solveHeuristic}. */
export interface HeuristicOptions {
  /**
   * Which heuristic, one of {@linkcode heuristicNames}.
   * @default {"best"}
   */
  heuristic?: string;
  /**
   * A safety stop in milliseconds (a number >= 0, or Infinity), checked as
   * `SolverOptions.timeout` is. The work done is fixed by the problem, so
   * results do not depend on the machine's speed; this only cuts an
   * improvement phase short on a slow machine.
   * @default {Infinity}
   */
  timeout?: number;
  /**
   * The old name of {@linkcode HeuristicOptions.timeout}, with the same
   * meaning; `timeout` wins when both are given.
   * @deprecated Use {@linkcode HeuristicOptions.timeout}.
   */
  timeLimit?: number;
  /**
   * Stops the improvement phase early; the best solution so far is
   * returned.
   */
  signal?: AbortSignal;
  /**
   * Stops improving once the height is at most this (for example the
   * capacity the caller needs); the peak load always stops it.
   */
  target?: number;
}

/**
 * Finds a valid placement fast, ignoring the capacity: the caller compares
 * the height with it. Pinned buffers keep their offsets; the others get
 * aligned offsets.
 *
 * - `"size"`: best fit in order of size, largest first (the TFLite and
 *   XLA greedy); ties go to the longer lifespan.
 * - `"lifespan"`: best fit in order of lifespan, longest first.
 * - `"area"`: best fit in order of size times lifespan, largest first.
 * - `"skyline"`: the canonical order: fill the lowest point of the
 *   skyline with the best buffer that fits there.
 * - `"best"` (the default): all of the above and an improvement phase;
 *   the lowest wins.
 *
 * Deterministic: the same problem gives the same solution (the work done is
 * fixed by the problem, never by the clock). A time limit or an aborted
 * signal cuts any heuristic short, within about a thousand buffers' work:
 * it returns the best complete placement found so far, and fails when it
 * completed none. Each pass costs about n log n for the skyline and one
 * step per pair of buffers live at once for best fit; `"skyline"` and
 * `"best"` run fewer skyline passes on very large problems.
 *
 * @example Usage
 * ```ts
 * import { peakLoad, solveHeuristic, validate } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const problem = {
 *   buffers: [
 *     { id: "a", lower: 0, upper: 2, size: 3 },
 *     { id: "b", lower: 1, upper: 3, size: 2 },
 *     { id: "c", lower: 2, upper: 4, size: 3, alignment: 2 },
 *   ],
 * };
 * const solution = solveHeuristic(problem);
 * deepEqual(validate(problem, solution), "good");
 * deepEqual(solution.height, 5);
 * deepEqual(solution.lowerBound, peakLoad(problem));
 * ```
 *
 * @param problem The problem; its capacity is not used.
 * @param options Which heuristic, and safety stops.
 * @returns A valid solution, with the peak load as `lowerBound`.
 * @throws {SolveError} With code `"infeasible"` when two pinned buffers
 * overlap; `"timeout"` or `"cancelled"` when the time limit or the signal
 * cut it before any placement completed.
 * @throws {RangeError} For an unknown heuristic name, a timeout that is NaN
 * or negative, or a malformed problem (a repeated id, lower >= upper, a
 * negative size, a gap outside its lifespan, heights that could pass
 * 2^53 - 1, ...).
 * @throws {TypeError} For a problem with values of the wrong type, or a
 * timeout that is not a number.
 */
export function solveHeuristic(problem: Problem, options: HeuristicOptions = {}): Solution {
  const name = options.heuristic ?? "best";
  if (!heuristicNames.includes(name)) {
    throw new RangeError(
      `Unknown heuristic "${name}": expected one of ${heuristicNames.join(", ")}`,
    );
  }
  const started = performance.now();
  // The capacity is not used, so it may be missing; the rest is checked
  // as solve() checks it, since a negative size or a repeated id would
  // otherwise give an answer that overlaps.
  const known = checkedOf(problem);
  if (known === undefined) checkProblem(problem, true);
  checkPins(problem);
  const limit = options.timeout !== undefined
    ? checkTimeout(options.timeout, "Cannot run the heuristic")
    : checkTimeout(options.timeLimit, "Cannot run the heuristic", "timeLimit");
  const signal = options.signal;
  // The time limit and the signal cut a heuristic short: it then returns
  // the best complete placement so far, or fails when it has none.
  const cut: Stop = () => signal?.aborted === true || performance.now() - started >= limit;
  const unplaced = (): SolveError =>
    signal?.aborted === true
      ? new SolveError(
        "cancelled",
        `The heuristic "${name}" was cancelled before it placed every buffer`,
      )
      : new SolveError(
        "timeout",
        `The time limit of ${limit} ms was hit before the heuristic "${name}" placed every buffer`,
      );
  let p: Prepared;
  try {
    p = new Prepared(problem, cut);
  } catch (error) {
    throw error === PREPARE_STOPPED ? unplaced() : error;
  }
  // The lower bound, measured once a placement is complete (only then
  // can it stop anything): improving stops once the height meets it
  // (nothing can beat it) or the target, and when the caller's time to
  // improve ends.
  let lowerBound: number | undefined;
  const bound = (): number =>
    lowerBound ??= known !== undefined ? known.peakLoad() : peakLoad(problem);
  const target = options.target ?? -Infinity;
  const improveUntil = known?.improveUntil ?? Infinity;
  const stop: Stop = () =>
    cut() ||
    (bestHeight !== Infinity &&
      (bestHeight <= target || performance.now() >= improveUntil || bestHeight <= bound()));
  // Called alone, measured now, within the time limit as it always was;
  // for the solver, whose worker may not know it yet, only when needed.
  if (known === undefined) bound();
  const best = new Float64Array(p.n);
  const offsets = new Float64Array(p.n);
  let bestHeight = Infinity;
  const keep = (height: number): void => {
    if (height < bestHeight) {
      bestHeight = height;
      best.set(offsets);
    }
  };
  const deadline = started + limit;
  if (name === "size" || name === "lifespan" || name === "area") {
    const order = cut() ? undefined : orderBy(p, name, cut, deadline);
    if (order !== undefined) keep(new BestFit(p).run(order, offsets, stop));
  } else if (!cut()) {
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
    }
    if (name === "best" && bestHeight !== Infinity) {
      // Best fit too, where a pass is cheap enough.
      const fit = p.pairs <= BEST_FIT_MAX_PAIRS ? new BestFit(p) : undefined;
      if (fit !== undefined) {
        for (const rule of BEST_FIT_RULES) {
          const order = stop() ? undefined : orderBy(p, rule, cut, deadline);
          if (order === undefined) break;
          keep(fit.run(order, offsets, stop));
        }
      }
      // (The stop test measures the lower bound: not for an empty phase.)
      if (start !== undefined && improvePasses(p.free.length) > 0 && !stop()) {
        improve(p, start, offsets, stop, keep);
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
  if (bestHeight === Infinity) throw unplaced();
  // The solver's worker reports no lower bound: it is not measured for it
  // here where nothing needed it (a fifth of a second at 10^6).
  if (known !== undefined && lowerBound === undefined) {
    return { offsets: Array.from(best), height: bestHeight };
  }
  return { offsets: Array.from(best), height: bestHeight, lowerBound: bound() };
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

/**
 * Improves the skyline's preferences by a seeded (1+1) search: perturb the
 * best preferences, rerun, keep the result unless it is higher. The number
 * of passes depends only on the problem's size, so the result does not
 * depend on the machine; `stop` only cuts it short.
 */
function improve(
  p: Prepared,
  start: Start,
  offsets: Float64Array,
  stop: Stop,
  keep: (height: number) => void,
): void {
  const cnt = p.free.length;
  const passes = improvePasses(cnt);
  const random = mulberry32(0x6d696e69 ^ cnt);
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
    trial.set(pref);
    for (let k = 0; k < cnt; k++) {
      if (random() < share) {
        const i = p.free[k];
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
  }
}

/** The improvement phase's passes for `cnt` free buffers (none for fewer than 2). */
function improvePasses(cnt: number): number {
  return cnt < 2 ? 0 : Math.min(IMPROVE_MAX_PASSES, Math.floor(IMPROVE_WORK / cnt));
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
function checkPins(problem: Problem): void {
  const pinned = problem.buffers.filter((b) => b.offset !== undefined);
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
