// Copyright the @x/minimalloc authors. Apache-2.0 license.
// A seeded generator of synthetic MiniMalloc problems for the benchmarks:
// ML-like schedules (many short-lived activations, some skip connections,
// a few long-lived weights), or random lifespans (uniform over the
// horizon, or of bounded length) for problems of 10^5 to 10^6 buffers,
// with a capacity that is feasible by construction (a witness solution
// comes with it) and tight; and `firstFit`, a fast valid solution for any
// instance, for benchmarking the validator. Not run on its own:
// `solve_bench.ts`, `scale.ts` and `generate.ts` import it. To look at one:
// `deno eval 'import { generateProblem as g } from "./benchmarks/_generate.ts"; console.log(g({ buffers: 20 }))'`

import { type Buffer, type Gap, peakLoad, type Problem, type Solution } from "../src/problem.ts";
import { mulberry32 } from "../src/_random.ts";
import { sortPairs } from "../src/_heuristics_core.ts";

/** Options for {@linkcode generateProblem}. The same options give the same problem. */
export interface GenerateOptions {
  /**
   * Seed of the pseudo-random generator (mulberry32).
   * @default {1}
   */
  seed?: number;
  /**
   * How many buffers.
   * @default {100}
   */
  buffers?: number;
  /**
   * How the capacity is made feasible. `"greedy"`: the lowest height of a
   * few greedy placements of freely drawn lifespans (what a simple
   * allocator reaches; the search usually matches or beats it without
   * backtracking, so this measures the cost of a node). `"planted"`:
   * buffers are cut out of a memory of `memory` bytes as it frees up, so a
   * solution of that height exists and the peak load equals it; at slack 1
   * that packing is perfect and the search has to rediscover it, which
   * gets hard fast (a few hundred buffers at slack 1.01). `"none"`: no
   * witness; the capacity is the peak load times the slack (a target, not
   * a promise), for problems so large that even the greedy placements
   * would take long: they cost about one step per pair of buffers live at
   * once, and uniform lifespans make that n^2 / 6.
   * @default {"greedy"}
   */
  construction?: "greedy" | "planted" | "none";
  /**
   * Time steps of the schedule (not for `"planted"`, which runs as long as
   * it takes to cut out all the buffers).
   * @default {buffers}
   */
  horizon?: number;
  /**
   * How lifespans are drawn (not for `"planted"`). `"ml"`: weights, skip
   * connections and activations (see {@linkcode GenerateOptions.weights}
   * and {@linkcode GenerateOptions.skips}). `"uniform"`: both ends uniform
   * over the horizon, so about a third of the buffers are live at any
   * moment (the hardest case for anything that looks at the buffers live
   * at once). `"bounded"`: a length uniform in `[1, maxLifespan]`, placed
   * uniformly in the horizon.
   * @default {"ml"}
   */
  lifespans?: "ml" | "uniform" | "bounded";
  /**
   * Longest lifespan for `lifespans: "bounded"`.
   * @default {2000}
   */
  maxLifespan?: number;
  /**
   * Longest skip connection for `lifespans: "ml"` (a quarter of the
   * horizon by default: at 10^6 buffers that keeps 10^4 of them live at
   * once, so large ML-like problems want a bound).
   * @default {horizon / 4}
   */
  maxSkip?: number;
  /**
   * Width of the planted packing in bytes (`"planted"` only).
   * @default {4 * maxSize}
   */
  memory?: number;
  /**
   * Share of long-lived buffers (weights), live through (nearly) the
   * whole schedule.
   * @default {0.05}
   */
  weights?: number;
  /**
   * Share of medium-lived buffers (skip connections, saved activations):
   * live 4 steps to a quarter of the horizon (`"greedy"`) or 4 to 32
   * steps (`"planted"`). The rest are activations that live 1 to 8 steps,
   * mostly 1 or 2.
   * @default {0.15}
   */
  skips?: number;
  /**
   * Size distribution: `"ml"` log-uniform in `[minSize, maxSize]` rounded
   * up to a multiple of 64 (tensor-like), `"pow2"` powers of two in that
   * range, `"uniform"` integers uniform in it. Planted buffers are cut to
   * fit their hole.
   * @default {"ml"}
   */
  sizes?: "ml" | "pow2" | "uniform";
  /**
   * Smallest buffer size.
   * @default {64}
   */
  minSize?: number;
  /**
   * Largest buffer size.
   * @default {65536}
   */
  maxSize?: number;
  /**
   * Share of buffers living at least four steps that get one gap.
   * @default {0}
   */
  gaps?: number;
  /**
   * Share of those gaps that keep a window (a partial occupation) rather
   * than freeing the whole buffer.
   * @default {0.5}
   */
  windows?: number;
  /**
   * Share of buffers with an alignment other than 1 (64, 128, 256 or 512;
   * planted buffers keep the largest of these that divides their planted
   * offset, or none).
   * @default {0}
   */
  aligned?: number;
  /**
   * The capacity as a multiple of the witness height, rounded up. At 1 or
   * more the problem is feasible; below 1 it may not be.
   * @default {1}
   */
  slack?: number;
}

/** A generated problem, a solution that proves it feasible, and its bounds. */
export interface GeneratedProblem {
  /** The problem; its `capacity` is set. */
  problem: Problem;
  /** The capacity: the witness height times the slack, rounded up. */
  capacity: number;
  /**
   * A valid solution of height at most the capacity (when the slack is at
   * least 1); none for `construction: "none"`.
   */
  witness?: Solution;
  /** The peak load (see {@linkcode peakLoad}): no solution is lower. */
  peakLoad: number;
}

/**
 * Generates a synthetic problem, deterministic in its options.
 *
 * The schedule imitates a compiled ML graph: most buffers are activations
 * that live one to a few steps, some are skip connections or saved
 * activations that live longer, and a few are weights that live through
 * the whole schedule. See {@linkcode GenerateOptions.construction} for how
 * the capacity is chosen.
 *
 * @param options Shape, size distribution, gaps, alignment and seed.
 * @returns The problem with its capacity, a witness solution, and the peak load.
 */
export function generateProblem(options: GenerateOptions = {}): GeneratedProblem {
  const n = options.buffers ?? 100;
  const minSize = options.minSize ?? 64;
  const maxSize = options.maxSize ?? 65536;
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`buffers: expected >= 0, got ${n}`);
  if (!(Number.isInteger(minSize) && minSize >= 1 && maxSize >= minSize)) {
    throw new RangeError(`sizes: expected 1 <= minSize <= maxSize, got ${minSize}, ${maxSize}`);
  }
  const random = mulberry32(options.seed ?? 1);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const draw: Draw = {
    random,
    int,
    size: () => {
      switch (options.sizes ?? "ml") {
        case "uniform":
          return int(minSize, maxSize);
        case "pow2": {
          const lo = Math.ceil(Math.log2(minSize));
          return 2 ** int(lo, Math.max(lo, Math.floor(Math.log2(maxSize))));
        }
        default: {
          const raw = Math.exp(Math.log(minSize) + random() * Math.log(maxSize / minSize));
          return Math.min(maxSize, Math.max(minSize, Math.ceil(raw / 64) * 64));
        }
      }
    },
    // Activations: 1 step, then each further step with probability 0.45.
    activation: () => {
      let length = 1;
      while (length < 8 && random() < 0.45) length++;
      return length;
    },
  };
  const planted = options.construction === "planted";
  const horizon = Math.max(2, options.horizon ?? n);
  const lifespans = options.lifespans ?? "ml";
  const { buffers, offsets } = planted
    ? plantedSchedule(n, options.memory ?? 4 * maxSize, minSize, options, draw)
    : {
      buffers: lifespans === "ml"
        ? freeSchedule(n, horizon, options, draw)
        : randomSchedule(n, horizon, lifespans, options.maxLifespan ?? 2000, draw),
      offsets: [],
    };

  // Gaps only ever free bytes, so they keep a planted packing valid.
  const gapShare = options.gaps ?? 0;
  const windowShare = options.windows ?? 0.5;
  const alignedShare = options.aligned ?? 0;
  buffers.forEach((buffer, i) => {
    const { lower, upper } = buffer;
    if (gapShare > 0 && upper - lower >= 4 && random() < gapShare) {
      const gapLower = int(lower + 1, upper - 2);
      const gap: Gap = { lower: gapLower, upper: int(gapLower + 1, upper - 1) };
      if (buffer.size >= 2 && random() < windowShare) {
        const a = int(0, buffer.size - 1);
        gap.window = { lower: a, upper: int(a + 1, buffer.size) };
      }
      buffer.gaps = [gap];
    }
    if (alignedShare > 0 && random() < alignedShare) {
      let alignment = 64 << int(0, 3);
      if (planted) { while (alignment >= 64 && offsets[i] % alignment !== 0) alignment /= 2; }
      if (alignment >= 64) buffer.alignment = alignment;
    }
  });

  const peak = peakLoad({ buffers });
  const witness = planted
    ? { offsets, height: buffers.reduce((h, b, i) => Math.max(h, offsets[i] + b.size), 0) }
    : options.construction === "none"
    ? undefined
    : bestGreedy(buffers);
  const capacity = Math.ceil((witness?.height ?? peak) * (options.slack ?? 1));
  return { problem: { buffers, capacity }, capacity, witness, peakLoad: peak };
}

/** The random draws the schedules share. */
interface Draw {
  random: () => number;
  int: (lo: number, hi: number) => number;
  size: () => number;
  activation: () => number;
}

/** Lifespans drawn independently over `[0, horizon)`; offsets come later. */
function freeSchedule(
  n: number,
  horizon: number,
  options: GenerateOptions,
  draw: Draw,
): Buffer[] {
  const weights = options.weights ?? 0.05;
  const skips = options.skips ?? 0.15;
  const buffers: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const kind = draw.random();
    let lower: number;
    let upper: number;
    if (kind < weights) {
      // A weight: loaded near the start, kept to near the end.
      lower = draw.int(0, Math.floor(horizon / 20));
      upper = horizon - draw.int(0, Math.floor(horizon / 20));
    } else {
      const length = kind < weights + skips
        ? draw.int(4, Math.max(4, options.maxSkip ?? Math.floor(horizon / 4)))
        : draw.activation();
      lower = draw.int(0, Math.max(0, horizon - length));
      upper = Math.min(horizon, lower + length);
    }
    if (upper <= lower) upper = lower + 1;
    buffers.push({ id: `b${i}`, lower, upper, size: draw.size() });
  }
  return buffers;
}

/** Random lifespans: both ends uniform, or a bounded length placed uniformly. */
function randomSchedule(
  n: number,
  horizon: number,
  kind: "uniform" | "bounded",
  maxLifespan: number,
  draw: Draw,
): Buffer[] {
  const buffers: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    let lower: number;
    let upper: number;
    if (kind === "uniform") {
      const a = draw.int(0, horizon - 1);
      const b = draw.int(0, horizon - 1);
      lower = Math.min(a, b);
      upper = Math.max(a, b) + 1;
    } else {
      const length = draw.int(1, Math.max(1, Math.min(maxLifespan, horizon)));
      lower = draw.int(0, horizon - length);
      upper = lower + length;
    }
    buffers.push({ id: `b${i}`, lower, upper, size: draw.size() });
  }
  return buffers;
}

/**
 * A schedule cut out of a memory of `memory` bytes: weights first, then at
 * every step each hole left by buffers that died is refilled with new
 * buffers, the last one cut to the hole's end. The cut offsets are a
 * solution whose height is the peak load.
 */
function plantedSchedule(
  n: number,
  memory: number,
  minSize: number,
  options: GenerateOptions,
  draw: Draw,
): { buffers: Buffer[]; offsets: number[] } {
  const buffers: Buffer[] = [];
  const offsets: number[] = [];
  const forever = Number.MAX_SAFE_INTEGER;
  const add = (lower: number, upper: number, size: number, offset: number): void => {
    buffers.push({ id: `b${buffers.length}`, lower, upper, size });
    offsets.push(offset);
  };
  // Weights: live from the start to the end, in up to half the memory.
  let top = 0;
  const weightCount = Math.round((options.weights ?? 0.05) * n);
  for (let i = 0; i < weightCount; i++) {
    const size = draw.size();
    if (top + size > memory / 2) break;
    add(0, forever, size, top);
    top += size;
  }
  const skips = options.skips ?? 0.15;
  let live = buffers.map((_, i) => i);
  for (let t = 0; buffers.length < n; t++) {
    live = live.filter((i) => buffers[i].upper > t);
    const busy = live.map((i) => [offsets[i], offsets[i] + buffers[i].size]);
    busy.sort((x, y) => x[0] - y[0]);
    const holes: [number, number][] = [];
    let at = 0;
    for (const [lo, hi] of busy) {
      if (lo > at) holes.push([at, lo]);
      at = Math.max(at, hi);
    }
    if (at < memory) holes.push([at, memory]);
    for (const [lo, hi] of holes) {
      for (let o = lo; o < hi && buffers.length < n;) {
        let size = Math.min(draw.size(), hi - o);
        if (hi - o - size < minSize) size = hi - o;
        const length = draw.random() < skips ? draw.int(4, 32) : draw.activation();
        add(t, t + length, size, o);
        live.push(buffers.length - 1);
        o += size;
      }
    }
  }
  // The schedule ends when the last non-weight buffer dies.
  let horizon = 1;
  for (const b of buffers) if (b.upper !== forever) horizon = Math.max(horizon, b.upper);
  for (const b of buffers) b.upper = Math.min(b.upper, horizon);
  return { buffers, offsets };
}

/**
 * The stretches of time a buffer occupies, as [lower, upper) pairs. A
 * windowed gap counts as fully occupied, which is conservative: a
 * placement valid without the windows stays valid with them.
 */
function piecesOf(b: Buffer): number[] {
  const pieces: number[] = [];
  let t = b.lower;
  for (const gap of b.gaps ?? []) {
    if (gap.window) continue;
    if (gap.lower > t) pieces.push(t, gap.lower);
    t = gap.upper;
  }
  if (b.upper > t) pieces.push(t, b.upper);
  return pieces;
}

/** The lowest of a few greedy placements (three orders, first or best fit). */
function bestGreedy(buffers: Buffer[]): Solution {
  const index = new TimeIndex(buffers);
  const order = buffers.map((_, i) => i);
  const length = (i: number) => buffers[i].upper - buffers[i].lower;
  const size = (i: number) => buffers[i].size;
  const orders = [
    order.slice().sort((a, b) => size(b) - size(a) || a - b),
    order.slice().sort((a, b) => size(b) * length(b) - size(a) * length(a) || a - b),
    order.slice().sort((a, b) => length(b) - length(a) || size(b) - size(a) || a - b),
  ];
  let best: Solution = { offsets: new Array(buffers.length).fill(0), height: 0 };
  let first = true;
  for (const order of orders) {
    for (const bestFit of [false, true]) {
      const solution = greedy(buffers, index, order, bestFit);
      if (first || solution.height < best.height) best = solution;
      first = false;
    }
  }
  return best;
}

/**
 * Places buffers in the given order, each at the lowest aligned offset
 * where it fits or, with `bestFit`, in the smallest hole it fits in, among
 * the placed buffers that share a moment with it. The time index finds
 * those without looking at the others, so a placement costs about the
 * pairs of buffers live at once rather than n^2 (the result is the plain
 * quadratic loop's: same holes, same choices).
 */
function greedy(buffers: Buffer[], index: TimeIndex, order: number[], bestFit: boolean): Solution {
  const offsets = new Float64Array(buffers.length);
  let lows = new Float64Array(1024);
  let highs = new Float64Array(1024);
  index.clear();
  let height = 0;
  for (const i of order) {
    const b = buffers[i];
    const alignment = b.alignment ?? 1;
    const count = index.meeting(i);
    if (count > lows.length) {
      lows = new Float64Array(2 * count);
      highs = new Float64Array(2 * count);
    }
    for (let k = 0; k < count; k++) {
      const j = index.found[k];
      lows[k] = offsets[j];
      highs[k] = offsets[j] + buffers[j].size;
    }
    // The order among equal lower ends does not matter: after the first,
    // the running top is above that end, so no hole ends there.
    sortPairs(lows, highs, 0, count - 1);
    let offset = -1;
    let hole = Infinity;
    let at = 0;
    for (let k = 0; k < count; k++) {
      const lo = lows[k];
      const aligned = Math.ceil(at / alignment) * alignment;
      if (aligned + b.size <= lo && lo - aligned < hole) {
        offset = aligned;
        hole = lo - aligned;
        if (!bestFit) break;
      }
      at = Math.max(at, highs[k]);
    }
    if (offset < 0) offset = Math.ceil(at / alignment) * alignment;
    offsets[i] = offset;
    index.add(i);
    height = Math.max(height, offset + b.size);
  }
  return { offsets: Array.from(offsets), height };
}

/**
 * The pieces of the buffers added so far (those that take bytes), sorted
 * by start, under a max-tree of their ends: the pieces live during [l, u)
 * are the leaves left of the first start >= u whose end is > l.
 */
class TimeIndex {
  readonly #pieces: number[][];
  readonly #starts: Float64Array;
  readonly #ends: Float64Array;
  readonly #owner: Int32Array;
  // Each buffer's leaves.
  readonly #leavesOf: number[][];
  readonly #leaves: number;
  readonly #maxEnd: Float64Array;
  readonly #seen: Int32Array;
  #stamp = 0;

  constructor(buffers: Buffer[]) {
    this.#pieces = buffers.map(piecesOf);
    const all: [number, number, number][] = [];
    this.#pieces.forEach((p, i) => {
      if (buffers[i].size === 0) return;
      for (let k = 0; k < p.length; k += 2) all.push([p[k], p[k + 1], i]);
    });
    all.sort((x, y) => x[0] - y[0]);
    this.#starts = Float64Array.from(all, (x) => x[0]);
    this.#ends = Float64Array.from(all, (x) => x[1]);
    this.#owner = Int32Array.from(all, (x) => x[2]);
    this.#leavesOf = buffers.map(() => []);
    all.forEach((x, k) => this.#leavesOf[x[2]].push(k));
    let leaves = 1;
    while (leaves < all.length) leaves *= 2;
    this.#leaves = leaves;
    this.#maxEnd = new Float64Array(2 * leaves).fill(-Infinity);
    this.#seen = new Int32Array(buffers.length);
  }

  /** Empties the index. */
  clear(): void {
    this.#maxEnd.fill(-Infinity);
  }

  /** Adds buffer i's pieces. */
  add(i: number): void {
    for (const k of this.#leavesOf[i]) {
      const end = this.#ends[k];
      for (let node = this.#leaves + k; node > 0 && this.#maxEnd[node] < end; node >>= 1) {
        this.#maxEnd[node] = end;
      }
    }
  }

  /** Scratch: the buffers the last {@linkcode TimeIndex.meeting} found. */
  found: Int32Array = new Int32Array(1024);
  #count = 0;

  /** Finds the added buffers that share a moment with buffer i (each once), returns how many. */
  meeting(i: number): number {
    this.#count = 0;
    const stamp = ++this.#stamp;
    const pieces = this.#pieces[i];
    for (let k = 0; k < pieces.length; k += 2) {
      let a = 0;
      let z = this.#starts.length;
      while (a < z) {
        const mid = (a + z) >> 1;
        if (this.#starts[mid] < pieces[k + 1]) a = mid + 1;
        else z = mid;
      }
      this.#collect(1, 0, this.#leaves, a, pieces[k], stamp);
    }
    return this.#count;
  }

  #collect(
    node: number,
    lo: number,
    hi: number,
    end: number,
    l: number,
    stamp: number,
  ): void {
    if (lo >= end || this.#maxEnd[node] <= l) return;
    if (node >= this.#leaves) {
      const j = this.#owner[lo];
      if (this.#seen[j] !== stamp) {
        this.#seen[j] = stamp;
        if (this.#count === this.found.length) {
          const bigger = new Int32Array(2 * this.found.length);
          bigger.set(this.found);
          this.found = bigger;
        }
        this.found[this.#count++] = j;
      }
      return;
    }
    const mid = (lo + hi) >> 1;
    this.#collect(2 * node, lo, mid, end, l, stamp);
    this.#collect(2 * node + 1, mid, hi, end, l, stamp);
  }
}

/**
 * A solution for any problem without fixed offsets, fast enough for the
 * largest instances: an online first-fit allocator. Buffers arrive in
 * order of their lower time and take the lowest aligned offset free over
 * their whole lifespan (gaps ignored, which is conservative). Used to give
 * the validator a realistic, densely packed solution to check.
 *
 * @param problem The problem (its capacity is ignored).
 * @returns A valid solution.
 */
export function firstFit(problem: Problem): Solution {
  const buffers = problem.buffers;
  const order = buffers.map((_, i) => i).sort((a, b) => buffers[a].lower - buffers[b].lower);
  const offsets = new Array<number>(buffers.length).fill(0);
  // Live buffers, sorted by offset.
  let live: number[] = [];
  let height = 0;
  let time = -Infinity;
  for (const i of order) {
    const b = buffers[i];
    if (b.lower !== time) {
      time = b.lower;
      live = live.filter((j) => buffers[j].upper > time);
    }
    const alignment = b.alignment ?? 1;
    let offset = 0;
    let at = 0;
    for (; at < live.length; at++) {
      const j = live[at];
      if (offset + b.size <= offsets[j]) break;
      offset = Math.max(offset, Math.ceil((offsets[j] + buffers[j].size) / alignment) * alignment);
    }
    offsets[i] = offset;
    if (b.size > 0) live.splice(at, 0, i);
    height = Math.max(height, offset + b.size);
  }
  return { offsets, height };
}
