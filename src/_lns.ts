// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// Large neighbourhood search (LNS): the exact search brought to problems
// too large for it whole. Given a valid solution, it aims at a height T
// below the current one and lowers, one region at a time, every buffer
// that reaches above T: it frees the buffers around the highest point (a
// window of time and a band of bytes under T), keeps every other buffer
// where it is, and asks the exact search to fit the freed ones under T.
// The neighbourhood grows (wider window, deeper band, more nodes) while
// the search fails; once every buffer is under T the height has dropped,
// and the next target is further down (or nearer, after a failure).
//
// A neighbourhood, worked (time across, bytes up; T the target):
//
// ```text
//  bytes                window W
//    T  ------------[=========]------------------
//       [p1=====]      [f2]     [p3====]            f1, f2, f3: freed (they
//       [p2========[f1======]=====]                 meet W, sit above y0)
//    y0 ----------[f3=====]----------------------   p1, p2, p3: kept, they
//        [ below y0: kept, and out of the way ]     become obstacles
//  time   0    1    2    3    4    5    6
// ```
//
// The sub-problem has the freed buffers as they are, with offsets counted
// from y0, and the kept buffers as pinned obstacles clipped to [y0, T).
// Between two consecutive lifespan ends of the freed buffers the same
// freed buffers are live, so there the obstacles can be merged into the
// union of their bytes, and holes narrower than the smallest freed buffer
// live there filled in: the freed buffers see exactly the same room, and
// the exact search sees a few obstacles instead of thousands of kept
// buffers. Buffers with gaps are never freed, and as obstacles they count
// as occupying their whole size over their whole lifespan (conservative,
// so every answer stays valid); pinned buffers stay where they are.
//
// Everything is counted in nodes and steps, not time: with no time limit,
// the same problem and solution always give the same result.

import type { Problem } from "./problem.ts";
import { lcm } from "./_gcd.ts";
import type { SearchSwitches } from "./search.ts";
import { Prepared, type StopFlag } from "./_prepared.ts";
import { probeSteps } from "./_probe.ts";
import { validate } from "./validate.ts";
import { factsTimeout, sortedOrder } from "./_sort.ts";
import { SolveError } from "./errors.ts";
import { LNS_LEVELS, LNS_MAX_NODES, LNS_NODES_PER_BUFFER } from "./_limits.ts";
import { finish } from "./_steps.ts";

/** What the LNS starts from. */
export interface LnsJob {
  /** A valid solution's offsets. */
  offsets: Float64Array;
  /** A proved lower bound: it stops there. */
  lowerBound: number;
}

/**
 * How an LNS run ended: `"improved"` (the height dropped; the caller may
 * run it again from there), `"stuck"` (no region could be lowered),
 * `"timeout"` or `"stopped"` (its offsets may still be lower than given).
 */
export interface LnsResult {
  /** How it ended. */
  status: "improved" | "stuck" | "timeout" | "stopped";
  /** The best offsets (lower, or the same as given). */
  offsets: Float64Array;
  /** Their height. */
  height: number;
  /** Search nodes spent. */
  nodes: number;
  /** Search backtracks spent. */
  backtracks: number;
}

/** The search settings the sub-problems are solved with. */
export interface LnsSettings {
  /** The search switches. */
  switches: SearchSwitches;
  /** The preordering heuristics, in round-robin order. */
  heuristics: readonly string[];
}

// The window around the highest buffer, per level, in its own lifespans
// on each side; and the most buffers freed, per level.
const WIDEN = [0, 0.5, 1, 2, 4, 8, 16, 32];
const FREED = [24, 48, 96, 192, 384, 768, 1536, 3072];

/**
 * Lowers the solution's height by large neighbourhood search until it
 * improves once, is stuck, or the deadline or the stop flag ends it.
 *
 * @param problem The problem (its capacity is not used).
 * @param settings How sub-problems are searched.
 * @param job The solution to improve, and the lower bound.
 * @param deadline `performance.now()` past which it stops.
 * @param stop Stops it when raised.
 * @param owner What the problem's columns are kept with between runs (a
 * solve's prepared problem); without one they are built for this run.
 * @param onNodes Hears the nodes spent so far after each sub-problem.
 */
export function improveByLns(
  problem: Problem,
  settings: LnsSettings,
  job: LnsJob,
  deadline: number,
  stop?: StopFlag,
  owner?: object,
  onNodes?: (nodes: number) => void,
): LnsResult {
  return finish(lnsSteps(problem, settings, job, deadline, stop, owner, onNodes));
}

/**
 * {@linkcode improveByLns} in steps, one sub-problem each (see _steps.ts).
 */
export function* lnsSteps(
  problem: Problem,
  settings: LnsSettings,
  job: LnsJob,
  deadline: number,
  stop?: StopFlag,
  owner?: object,
  onNodes?: (nodes: number) => void,
): Generator<void, LnsResult> {
  // Nothing to build for: the columns and the lifespan index take a
  // second at 10^6, and stop at the deadline.
  const unchanged = (): LnsResult => {
    let height = 0;
    problem.buffers.forEach((b, i) => height = Math.max(height, job.offsets[i] + b.size));
    const status = stop?.aborted ? "stopped" : "timeout";
    return { status, offsets: Float64Array.from(job.offsets), height, nodes: 0, backtracks: 0 };
  };
  if (stop?.aborted || performance.now() > deadline) return unchanged();
  let columns = owner === undefined ? undefined : columnsOf.get(owner);
  if (columns === undefined) {
    try {
      columns = new Columns(problem, deadline);
    } catch (error) {
      if (error instanceof SolveError && error.code === "timeout") return unchanged();
      throw error;
    }
    if (owner !== undefined) columnsOf.set(owner, columns);
  }
  const lns = new Lns(problem, settings, columns, job.offsets, onNodes);
  return yield* lns.run(job.lowerBound, deadline, stop);
}

// A problem's columns and lifespan index, built once per owner (a solve's
// prepared problem): the plan runs the LNS again after every improvement,
// on the same problem (at 10^6 buffers building them again each time cost
// a second and 70 MB of garbage). Not keyed by the problem object itself,
// which a caller may change between two solves.
const columnsOf = new WeakMap<object, Columns>();

/** What the LNS reads of a problem, per buffer, in typed arrays. */
class Columns {
  readonly n: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly size: Float64Array;
  readonly align: Float64Array;
  // 1 where a buffer may be freed: no gaps, not pinned, some size.
  readonly movable: Uint8Array;
  readonly index: LifespanIndex;

  /** A SolveError "timeout" once `performance.now()` passes `deadline`. */
  constructor(problem: Problem, deadline: number) {
    const n = problem.buffers.length;
    this.n = n;
    this.lower = new Float64Array(n);
    this.upper = new Float64Array(n);
    this.size = new Float64Array(n);
    this.align = new Float64Array(n);
    this.movable = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if ((i & 65535) === 65535 && performance.now() > deadline) throw factsTimeout();
      const b = problem.buffers[i];
      this.lower[i] = b.lower;
      this.upper[i] = b.upper;
      this.size[i] = b.size;
      this.align[i] = b.alignment ?? 1;
      const gapless = b.gaps === undefined || b.gaps.length === 0;
      this.movable[i] = gapless && b.offset === undefined && b.size > 0 ? 1 : 0;
    }
    this.index = new LifespanIndex(problem, deadline);
  }
}

/** The state of one LNS run. */
class Lns {
  readonly #problem: Problem;
  readonly #settings: LnsSettings;
  readonly #n: number;
  readonly #lower: Float64Array;
  readonly #upper: Float64Array;
  readonly #size: Float64Array;
  readonly #align: Float64Array;
  // 1 where a buffer may be freed: no gaps, not pinned, some size.
  readonly #movable: Uint8Array;
  readonly #offsets: Float64Array;
  readonly #index: LifespanIndex;
  #nodes = 0;
  #backtracks = 0;
  readonly #onNodes: ((nodes: number) => void) | undefined;

  constructor(
    problem: Problem,
    settings: LnsSettings,
    columns: Columns,
    offsets: Float64Array,
    onNodes?: (nodes: number) => void,
  ) {
    this.#onNodes = onNodes;
    this.#problem = problem;
    this.#settings = settings;
    this.#n = columns.n;
    this.#lower = columns.lower;
    this.#upper = columns.upper;
    this.#size = columns.size;
    this.#align = columns.align;
    this.#movable = columns.movable;
    this.#offsets = Float64Array.from(offsets);
    this.#index = columns.index;
  }

  *run(lowerBound: number, deadline: number, stop?: StopFlag): Generator<void, LnsResult> {
    const start = this.#height();
    if (start <= lowerBound) return this.#result("stuck");
    if (stop?.aborted) return this.#result("stopped");
    // The easiest target first, one byte lower. Where even that fails, the
    // highest buffer cannot move: a lower target frees the same buffers with
    // less room, so the run ends here instead of trying every step (seconds
    // on instances whose top is a long-lived buffer).
    yield* this.#lowerAll(start - 1, deadline, stop);
    const height = this.#height();
    if (height === start) return this.#ended(deadline, stop);
    // Then how far below the height to aim: a sixteenth of the gap to the
    // lower bound first, halved after each failure down to one byte.
    let step = Math.max(1, Math.floor((height - lowerBound) / 16));
    for (;;) {
      if (stop?.aborted) return this.#result("stopped");
      if (performance.now() > deadline) return this.#result("timeout");
      if (height <= lowerBound) return this.#result("improved");
      yield* this.#lowerAll(Math.max(lowerBound, height - step), deadline, stop);
      // Every buffer under the target, or only some regions lowered: either
      // way a lower height is an improvement.
      if (this.#height() < height) return this.#result("improved");
      if (step === 1) return this.#result("improved");
      step = Math.max(1, Math.floor(step / 2));
    }
  }

  /** How a run that gained nothing ended: stopped, out of time, or stuck. */
  #ended(deadline: number, stop?: StopFlag): LnsResult {
    if (stop?.aborted) return this.#result("stopped");
    if (performance.now() > deadline) return this.#result("timeout");
    return this.#result("stuck");
  }

  #result(status: LnsResult["status"]): LnsResult {
    return {
      status,
      offsets: this.#offsets,
      height: this.#height(),
      nodes: this.#nodes,
      backtracks: this.#backtracks,
    };
  }

  #height(): number {
    let height = 0;
    for (let i = 0; i < this.#n; i++) {
      const top = this.#offsets[i] + this.#size[i];
      if (top > height) height = top;
    }
    return height;
  }

  /**
   * Brings every buffer under `target`, highest first, region by region;
   * stops at the first that cannot be (its neighbourhood grown to the
   * last level).
   */
  *#lowerAll(target: number, deadline: number, stop?: StopFlag): Generator<void, void> {
    const offsets = this.#offsets;
    const size = this.#size;
    const above: number[] = [];
    for (let i = 0; i < this.#n; i++) if (offsets[i] + size[i] > target) above.push(i);
    above.sort((x, y) => offsets[y] + size[y] - offsets[x] - size[x] || x - y);
    for (const b of above) {
      // An earlier region may have brought it down already.
      if (offsets[b] + size[b] <= target) continue;
      if (!this.#movable[b]) return;
      let lowered = false;
      for (let level = 0; level < 2 * LNS_LEVELS && !lowered; level++) {
        if (stop?.aborted || performance.now() > deadline) return;
        lowered = yield* this.#repack(
          b,
          level % LNS_LEVELS,
          level >= LNS_LEVELS,
          target,
          deadline,
          stop,
        );
      }
      if (!lowered) return;
    }
  }

  /**
   * Frees the neighbourhood of buffer b at a level and asks the exact
   * search to fit it under the target; applies the answer if it does.
   */
  *#repack(
    b: number,
    level: number,
    inside: boolean,
    target: number,
    deadline: number,
    stop?: StopFlag,
  ): Generator<void, boolean> {
    const offsets = this.#offsets;
    const span = this.#upper[b] - this.#lower[b];
    const widen = WIDEN[Math.min(level, WIDEN.length - 1)] * span;
    const from = this.#lower[b] - widen;
    const to = this.#upper[b] + widen;
    // The candidates: movable buffers in the window, highest first.
    const near = this.#index.meeting(from, to);
    // The first ladder frees buffers that meet the window; the second only
    // those wholly inside it, as one that reaches out brings along the
    // obstacles of times the window leaves out, which can make every
    // neighbourhood of the first ladder infeasible.
    const candidates = near.filter((i) =>
      this.#movable[i] === 1 && (!inside || (this.#lower[i] >= from && this.#upper[i] <= to))
    );
    candidates.sort((x, y) => offsets[y] - offsets[x] || x - y);
    const most = FREED[Math.min(level, FREED.length - 1)];
    const freed = candidates.slice(0, most);
    if (!freed.includes(b)) freed.push(b);
    // The band's floor, aligned for every freed buffer.
    let floor = Infinity;
    let alignment = 1;
    for (const i of freed) {
      if (offsets[i] < floor) floor = offsets[i];
      alignment = lcm(alignment, this.#align[i]);
    }
    if (!Number.isSafeInteger(alignment)) return false;
    floor = Math.floor(floor / alignment) * alignment;
    if (floor >= target) return false;
    const sub = this.#subProblem(freed, floor, target);
    const prepared = new Prepared(sub, this.#settings.switches);
    // Its runs pause after a time slice, so that a caller in turns gets
    // a turn between two (on 5,000 buffers one sub-problem's search held
    // the thread for 0.73 s); the outcome is the same.
    const outcome = yield* probeSteps(
      prepared,
      {
        capacity: target - floor,
        heuristics: this.#settings.heuristics,
        buffers: sub.buffers.length,
        maxNodes: Math.min(LNS_MAX_NODES, LNS_NODES_PER_BUFFER * freed.length),
        // Small budgets end long before restarts would join.
        restarts: false,
      },
      false,
      { deadline, stop, sliced: true },
    );
    this.#nodes += outcome.nodes;
    this.#backtracks += outcome.backtracks;
    this.#onNodes?.(this.#nodes);
    if (outcome.status !== "solved") return false;
    const before = freed.map((i) => offsets[i]);
    for (let k = 0; k < freed.length; k++) offsets[freed[k]] = outcome.offsets[k] + floor;
    if (!this.#stillValid(freed)) {
      // Never seen: the obstacles are conservative. But every answer must
      // be valid, so a repack that is not is undone, not returned.
      for (let k = 0; k < freed.length; k++) offsets[freed[k]] = before[k];
      return false;
    }
    return true;
  }

  /**
   * Whether the moved buffers conflict with none of the buffers live while
   * they are (only those can meet a moved one), by the validator's own
   * rules, gaps and windows included.
   */
  #stillValid(moved: number[]): boolean {
    let lower = Infinity;
    let upper = -Infinity;
    for (const i of moved) {
      if (this.#lower[i] < lower) lower = this.#lower[i];
      if (this.#upper[i] > upper) upper = this.#upper[i];
    }
    const near = this.#index.meeting(lower, upper);
    const buffers = near.map((i) => this.#problem.buffers[i]);
    const offsets = near.map((i) => this.#offsets[i]);
    let height = 0;
    near.forEach((i, k) => height = Math.max(height, offsets[k] + this.#size[i]));
    return validate({ buffers }, { offsets, height }) === "good";
  }

  /**
   * The freed buffers (first, in order, offsets from `floor`) and the
   * obstacles the kept buffers make between `floor` and `target`.
   */
  #subProblem(freed: number[], floor: number, target: number): Problem {
    const buffers = this.#problem.buffers;
    const offsets = this.#offsets;
    const isFreed = new Set(freed);
    // The freed buffers' lifespan ends cut time into stretches during
    // which the same freed buffers are live.
    const ends = new Set<number>();
    let hullLower = Infinity;
    let hullUpper = -Infinity;
    for (const i of freed) {
      ends.add(this.#lower[i]).add(this.#upper[i]);
      if (this.#lower[i] < hullLower) hullLower = this.#lower[i];
      if (this.#upper[i] > hullUpper) hullUpper = this.#upper[i];
    }
    const times = Float64Array.from(ends).sort();
    const stretches = times.length - 1;
    const stretchOf = (t: number): number => {
      let a = 0;
      let z = times.length;
      while (a < z) {
        const mid = (a + z) >> 1;
        if (times[mid] < t) a = mid + 1;
        else z = mid;
      }
      return a;
    };
    // The smallest freed buffer live in each stretch: narrower holes are
    // of no use (no freed buffer is live there: no obstacle is needed).
    const smallest = new Float64Array(stretches).fill(Infinity);
    for (const i of freed) {
      for (let s = stretchOf(this.#lower[i]); s < stretches && times[s] < this.#upper[i]; s++) {
        if (this.#size[i] < smallest[s]) smallest[s] = this.#size[i];
      }
    }
    // Each kept buffer's bytes within [floor, target), by stretch.
    const lows: number[][] = Array.from({ length: stretches }, () => []);
    const highs: number[][] = Array.from({ length: stretches }, () => []);
    for (const j of this.#index.meeting(hullLower, hullUpper)) {
      if (isFreed.has(j) || this.#size[j] === 0) continue;
      const lo = Math.max(offsets[j], floor);
      const hi = Math.min(offsets[j] + this.#size[j], target);
      if (lo >= hi) continue;
      const first = Math.max(0, stretchOf(this.#lower[j]) - 1);
      for (let s = first; s < stretches && times[s] < this.#upper[j]; s++) {
        if (times[s + 1] <= this.#lower[j] || smallest[s] === Infinity) continue;
        lows[s].push(lo - floor);
        highs[s].push(hi - floor);
      }
    }
    // Per stretch, the union of the obstacles' bytes (holes too narrow for
    // every freed buffer live there filled in); an interval that goes on
    // into the next stretch becomes one obstacle over both.
    const result = freed.map((i) => ({
      id: buffers[i].id,
      lower: this.#lower[i],
      upper: this.#upper[i],
      size: this.#size[i],
      alignment: this.#align[i] > 1 ? this.#align[i] : undefined,
    }));
    const obstacles: Problem["buffers"] = [];
    let open = new Map<string, { lower: number; offset: number; size: number }>();
    const close = (keep: Set<string>, at: number) => {
      const still = new Map<string, { lower: number; offset: number; size: number }>();
      for (const [key, o] of open) {
        if (keep.has(key)) still.set(key, o);
        else {
          obstacles.push({
            id: `\u0000obstacle ${obstacles.length}`,
            lower: o.lower,
            upper: at,
            size: o.size,
            offset: o.offset,
          });
        }
      }
      open = still;
    };
    for (let s = 0; s < stretches; s++) {
      const merged = mergeIntervals(lows[s], highs[s], smallest[s]);
      const keys = new Set<string>();
      for (let k = 0; k < merged.length; k += 2) {
        const key = `${merged[k]}:${merged[k + 1]}`;
        keys.add(key);
        if (!open.has(key)) {
          open.set(key, { lower: times[s], offset: merged[k], size: merged[k + 1] - merged[k] });
        }
      }
      close(keys, times[s]);
    }
    close(new Set(), times[stretches]);
    return { buffers: [...result, ...obstacles] };
  }
}

/**
 * Merges intervals [lows[k], highs[k]) into a sorted flat list of disjoint
 * ones, closing gaps narrower than `narrow`.
 */
function mergeIntervals(lows: number[], highs: number[], narrow: number): number[] {
  const order = lows.map((_, k) => k).sort((x, y) => lows[x] - lows[y] || highs[x] - highs[y]);
  const merged: number[] = [];
  for (const k of order) {
    const last = merged.length - 1;
    if (last >= 0 && lows[k] - merged[last] < narrow) {
      if (highs[k] > merged[last]) merged[last] = highs[k];
    } else {
      merged.push(lows[k], highs[k]);
    }
  }
  return merged;
}

/**
 * The buffers sorted by start under a max-tree of their ends: those live
 * during [from, to) are the ones left of the first start >= to whose end
 * is > from, found without looking at the others.
 */
class LifespanIndex {
  readonly #byLower: Int32Array;
  readonly #starts: Float64Array;
  readonly #leaves: number;
  readonly #maxEnd: Float64Array;

  constructor(problem: Problem, deadline: number) {
    const buffers = problem.buffers;
    const n = buffers.length;
    this.#byLower = sortedOrder(n, (i) => buffers[i].lower, deadline);
    this.#starts = new Float64Array(n);
    let leaves = 1;
    while (leaves < n) leaves *= 2;
    this.#leaves = leaves;
    this.#maxEnd = new Float64Array(2 * leaves).fill(-Infinity);
    for (let k = 0; k < n; k++) {
      if ((k & 65535) === 65535 && performance.now() > deadline) throw factsTimeout();
      const b = buffers[this.#byLower[k]];
      this.#starts[k] = b.lower;
      this.#maxEnd[leaves + k] = b.upper;
    }
    for (let node = leaves - 1; node > 0; node--) {
      this.#maxEnd[node] = Math.max(this.#maxEnd[2 * node], this.#maxEnd[2 * node + 1]);
    }
  }

  /** The buffers live at some moment of [from, to), in start order. */
  meeting(from: number, to: number): number[] {
    let a = 0;
    let z = this.#starts.length;
    while (a < z) {
      const mid = (a + z) >> 1;
      if (this.#starts[mid] < to) a = mid + 1;
      else z = mid;
    }
    const found: number[] = [];
    const stack = [1, 0, this.#leaves];
    while (stack.length > 0) {
      const hi = stack.pop()!;
      const lo = stack.pop()!;
      const node = stack.pop()!;
      if (lo >= a || this.#maxEnd[node] <= from) continue;
      if (node >= this.#leaves) {
        found.push(this.#byLower[lo]);
        continue;
      }
      const mid = (lo + hi) >> 1;
      stack.push(2 * node + 1, mid, hi, 2 * node, lo, mid);
    }
    return found;
  }
}
