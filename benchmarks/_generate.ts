// Copyright the @x/minimalloc authors. Apache-2.0 license.
// A seeded generator of synthetic MiniMalloc problems for the benchmarks:
// ML-like schedules (many short-lived activations, some skip connections,
// a few long-lived weights) with a capacity that is feasible by
// construction (a witness solution comes with it) and tight; and
// `firstFit`, a fast valid solution for any instance, for benchmarking the
// validator. Not run on its own: `solve_bench.ts` imports it. To look at one:
// `deno eval 'import { generateProblem as g } from "./benchmarks/_generate.ts"; console.log(g({ buffers: 20 }))'`

import { type Buffer, type Gap, peakLoad, type Problem, type Solution } from "../src/problem.ts";
import { mulberry32 } from "../src/_random.ts";

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
   * gets hard fast (a few hundred buffers at slack 1.01).
   * @default {"greedy"}
   */
  construction?: "greedy" | "planted";
  /**
   * Time steps of the schedule (`"greedy"` only; a planted schedule runs
   * as long as it takes to cut out all the buffers).
   * @default {buffers}
   */
  horizon?: number;
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
  /** A valid solution of height at most the capacity (when the slack is at least 1). */
  witness: Solution;
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
  const { buffers, offsets } = planted
    ? plantedSchedule(n, options.memory ?? 4 * maxSize, minSize, options, draw)
    : { buffers: freeSchedule(n, Math.max(2, options.horizon ?? n), options, draw), offsets: [] };

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

  const witness = planted
    ? { offsets, height: buffers.reduce((h, b, i) => Math.max(h, offsets[i] + b.size), 0) }
    : bestGreedy(buffers);
  const capacity = Math.ceil(witness.height * (options.slack ?? 1));
  return { problem: { buffers, capacity }, capacity, witness, peakLoad: peakLoad({ buffers }) };
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
        ? draw.int(4, Math.max(4, Math.floor(horizon / 4)))
        : draw.activation();
      lower = draw.int(0, Math.max(0, horizon - length));
      upper = Math.min(horizon, lower + length);
    }
    if (upper <= lower) upper = lower + 1;
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

/** A stretch of time a buffer occupies; windows count as the whole buffer. */
interface Piece {
  lower: number;
  upper: number;
}

/**
 * The times a buffer occupies bytes. A windowed gap counts as fully
 * occupied, which is conservative: a placement valid without the windows
 * stays valid with them.
 */
function piecesOf(b: Buffer): Piece[] {
  const pieces: Piece[] = [];
  let t = b.lower;
  for (const gap of b.gaps ?? []) {
    if (gap.window) continue;
    if (gap.lower > t) pieces.push({ lower: t, upper: gap.lower });
    t = gap.upper;
  }
  if (b.upper > t) pieces.push({ lower: t, upper: b.upper });
  return pieces;
}

function sharesTime(p: Piece[], q: Piece[]): boolean {
  for (const a of p) {
    for (const b of q) if (a.lower < b.upper && b.lower < a.upper) return true;
  }
  return false;
}

/** The lowest of a few greedy placements (three orders, first or best fit). */
function bestGreedy(buffers: Buffer[]): Solution {
  const pieces = buffers.map(piecesOf);
  const index = buffers.map((_, i) => i);
  const length = (i: number) => buffers[i].upper - buffers[i].lower;
  const size = (i: number) => buffers[i].size;
  const orders = [
    index.slice().sort((a, b) => size(b) - size(a) || a - b),
    index.slice().sort((a, b) => size(b) * length(b) - size(a) * length(a) || a - b),
    index.slice().sort((a, b) => length(b) - length(a) || size(b) - size(a) || a - b),
  ];
  let best: Solution = { offsets: new Array(buffers.length).fill(0), height: 0 };
  let first = true;
  for (const order of orders) {
    for (const bestFit of [false, true]) {
      const solution = greedy(buffers, pieces, order, bestFit);
      if (first || solution.height < best.height) best = solution;
      first = false;
    }
  }
  return best;
}

/**
 * Places buffers in the given order, each at the lowest aligned offset
 * where it fits or, with `bestFit`, in the smallest hole it fits in.
 */
function greedy(buffers: Buffer[], pieces: Piece[][], order: number[], bestFit: boolean): Solution {
  const offsets = new Array<number>(buffers.length).fill(0);
  const placed: number[] = [];
  let height = 0;
  for (const i of order) {
    const b = buffers[i];
    const alignment = b.alignment ?? 1;
    const busy: [number, number][] = [];
    for (const j of placed) {
      const c = buffers[j];
      if (c.size === 0 || c.lower >= b.upper || b.lower >= c.upper) continue;
      if (sharesTime(pieces[i], pieces[j])) busy.push([offsets[j], offsets[j] + c.size]);
    }
    busy.sort((x, y) => x[0] - y[0]);
    let offset = -1;
    let hole = Infinity;
    let at = 0;
    for (const [lo, hi] of busy) {
      const aligned = Math.ceil(at / alignment) * alignment;
      if (aligned + b.size <= lo && lo - aligned < hole) {
        offset = aligned;
        hole = lo - aligned;
        if (!bestFit) break;
      }
      at = Math.max(at, hi);
    }
    if (offset < 0) offset = Math.ceil(at / alignment) * alignment;
    offsets[i] = offset;
    placed.push(i);
    height = Math.max(height, offset + b.size);
  }
  return { offsets, height };
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
