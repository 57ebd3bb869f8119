// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// The fast heuristics' engines, on typed arrays (private: see
// heuristics.ts for the public entry point).
//
// Occupancy model. A buffer occupies [offset, offset + size) over its whole
// lifespan, except that a gap without a window frees it (the buffer is then
// split into live pieces) and a windowed gap is counted as fully live (best
// fit, where windows are, places by the effective sizes instead). The
// low end of every piece is the buffer's offset, so two buffers that never
// share a byte in this model are ordered the same way at every shared
// moment, which is what validate() asks; the model only ever claims more
// bytes than the real buffer holds, so it is safe.
//
// Two engines place buffers:
//
// - bestFit(): the XLA/TFLite family. Buffers go one at a time in a given
//   order; each takes the smallest hole (or the top) among the already
//   placed buffers that overlap it in time. The overlapping buffers come
//   from a max-tree over the pieces sorted by start time, so a pass costs
//   about the number of overlapping pairs, times a log.
// - skyline(): the canonical order of MiniMalloc/TelaMalloc. It keeps the
//   skyline (the top of the placed buffers over time) and repeatedly takes
//   its lowest segment; among the unplaced buffers whose lifespan fits in
//   that segment it places the preferred one on it, and when none fits it
//   raises the segment to its lower neighbour. A max-tree over the buffers
//   sorted by start time finds the preferred fitting buffer, so a pass is
//   about O(n log n).

import { compactSpan, sortedOrder, wholeOrder } from "./_sort.ts";
import { SolveError } from "./errors.ts";
import { COMPARATOR_SORT_MS, PIN_CEILINGS_MAX_ENTRIES } from "./_limits.ts";
import { EffectiveSizes, type Spans } from "./_windows.ts";

/** What {@linkcode Prepared} throws when its stop test says to stop. */
export const PREPARE_STOPPED: Error = new Error("Internal: the heuristics' set-up was stopped");

/** The problem on typed arrays, shared by all passes. */
export class Prepared {
  /** Number of buffers. */
  readonly n: number;
  /** Size per buffer. */
  readonly size: Float64Array;
  /**
   * Bytes a buffer is taken to occupy while placing: its size, plus one
   * when a windowed gap has an empty window at its very top, since
   * validate() then rejects a buffer that starts right there.
   */
  readonly occ: Float64Array;
  /** Alignment per buffer (at least 1); undefined when every one is 1. */
  readonly align: Float64Array | undefined;
  /** Lifespan start and end per buffer, in real time. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** 1 for a pinned buffer. */
  readonly pinned: Uint8Array;
  /**
   * The pin per pinned buffer, read only where `pinned` is 1 (empty when
   * none is; from columns, their offset column, NaN where unpinned).
   */
  readonly pin: Float64Array;
  /** Buffers to place (unpinned, some size, some live time). */
  readonly free: Int32Array;
  /** Pinned buffers that occupy something. */
  readonly fixed: Int32Array;
  /** Number of compressed time points; elementary intervals are 0..m-1. */
  readonly m: number;
  /** Pieces: live stretches of buffers, in compressed time [pL, pU). */
  readonly pieceCount: number;
  readonly pBuf: Int32Array;
  readonly pL: Int32Array;
  readonly pU: Int32Array;
  /** First and one-past-last piece per buffer. */
  readonly pieceFirst: Int32Array;
  // Built on first use: only best fit reads them.
  #piecesByLower: Int32Array | undefined;
  #pieceStartPos: Int32Array | undefined;
  /** How many pairs of pieces are live at once: a best-fit pass costs about this. */
  readonly pairs: number;
  /** Whole lifespan per buffer in compressed time. */
  readonly bL: Int32Array;
  readonly bU: Int32Array;
  /**
   * Where some buffer has a gap with a window, 1 for each such buffer:
   * best fit places those by the effective sizes of pairs (SPEC 3; the
   * skyline counts a windowed gap as wholly live). Undefined elsewhere.
   */
  readonly windowed: Uint8Array | undefined;
  #effective: EffectiveSizes | undefined;
  // Buffer i's times, size and gaps, for the effective sizes (built when
  // first asked for: the skyline never reads them).
  readonly #spansOf: ((i: number) => Spans) | undefined;

  /**
   * @param problem The buffers (a capacity is not used). Columns are read
   *   in place, not copied: they must not change while this is in use.
   * @param stop Throws {@linkcode PREPARE_STOPPED} when it says to stop
   *   (10^6 buffers take most of a second).
   * @param mirrorOf Internal: build the time-reversed twin of this one.
   */
  constructor(problem: HeuristicProblem | HeuristicColumns, stop?: Stop, mirrorOf?: Prepared) {
    if (mirrorOf !== undefined) {
      // The same buffers with time reversed: it has exactly the same
      // solutions, but the skyline fills it differently. Only the times
      // change; piece k of a buffer becomes its last but k.
      const q = mirrorOf;
      this.n = q.n;
      this.size = q.size;
      this.occ = q.occ;
      this.align = q.align;
      this.pinned = q.pinned;
      this.pin = q.pin;
      this.free = q.free;
      this.fixed = q.fixed;
      this.m = q.m;
      this.pieceCount = q.pieceCount;
      this.pBuf = q.pBuf;
      this.pieceFirst = q.pieceFirst;
      this.pairs = q.pairs;
      // Effective sizes do not change when time is reversed.
      this.windowed = q.windowed;
      this.#spansOf = q.#spansOf;
      this.lower = new Float64Array(q.n);
      this.upper = new Float64Array(q.n);
      this.bL = new Int32Array(q.n);
      this.bU = new Int32Array(q.n);
      this.pL = new Int32Array(q.pieceCount);
      this.pU = new Int32Array(q.pieceCount);
      const last = q.m - 1;
      for (let i = 0; i < q.n; i++) {
        this.lower[i] = -q.upper[i];
        this.upper[i] = -q.lower[i];
        const f = q.pieceFirst[i];
        const e = q.pieceFirst[i + 1];
        for (let k = f; k < e; k++) {
          const from = f + e - 1 - k;
          this.pL[k] = last - q.pU[from];
          this.pU[k] = last - q.pL[from];
        }
        if (f < e) {
          this.bL[i] = last - q.bU[i];
          this.bU[i] = last - q.bL[i];
        }
      }
      return;
    }
    // Objects, or the columns a worker receives (no object per buffer).
    const buffers = "buffers" in problem ? problem.buffers : undefined;
    const columns = "buffers" in problem ? undefined : problem;
    const n = buffers !== undefined ? buffers.length : columns!.size.length;
    this.n = n;
    // Columns are read as they are: every fresh megabyte costs time (page
    // faults), and at 10^6 buffers copies of them took a fifth of the
    // set-up. Objects are copied into new columns.
    const copied = columns === undefined;
    this.size = columns?.size ?? new Float64Array(n);
    this.lower = columns?.lower ?? new Float64Array(n);
    this.upper = columns?.upper ?? new Float64Array(n);
    // The sizes, until a buffer occupies more (then a copy).
    this.occ = this.size;
    let align = columns?.alignment;
    this.pinned = new Uint8Array(n);
    let pin = columns?.offset ?? new Float64Array(0);
    this.pieceFirst = new Int32Array(n + 1);
    // Live pieces in real time first, in growing typed arrays, made only
    // once a piece is not simply buffer i over its whole lifespan: until
    // then the pieces are the buffers themselves (without gaps, all of
    // them when every buffer takes bytes).
    let rawL = this.lower;
    let rawU = this.upper;
    let rawB: Int32Array | undefined;
    let pc = 0;
    const push = (lower: number, upper: number, i: number): void => {
      if (rawB === undefined) {
        if (i === pc && lower === this.lower[i] && upper === this.upper[i]) {
          pc++;
          return;
        }
        rawB = new Int32Array(n + 16);
        for (let k = 0; k < pc; k++) rawB[k] = k;
        rawL = new Float64Array(n + 16);
        rawU = new Float64Array(n + 16);
        rawL.set(this.lower.subarray(0, pc));
        rawU.set(this.upper.subarray(0, pc));
      }
      if (pc === rawB.length) {
        const l = new Float64Array(2 * pc);
        const u = new Float64Array(2 * pc);
        const b = new Int32Array(2 * pc);
        l.set(rawL);
        u.set(rawU);
        b.set(rawB);
        rawL = l;
        rawU = u;
        rawB = b;
      }
      rawL[pc] = lower;
      rawU[pc] = upper;
      rawB[pc++] = i;
    };
    const kind = new Uint8Array(n); // 1 free, 2 fixed
    let windowed: Uint8Array | undefined;
    let freeCount = 0;
    let fixedCount = 0;
    for (let i = 0; i < n; i++) {
      if ((i & 65535) === 65535 && stop?.()) throw PREPARE_STOPPED;
      let size: number, lower: number, upper: number, alignment: number | undefined;
      let offset: number | undefined;
      let gaps: readonly HeuristicGap[] | null | undefined;
      if (buffers !== undefined) {
        const b = buffers[i];
        ({ size, lower, upper, alignment, offset, gaps } = b);
      } else {
        const c = columns!;
        size = c.size[i];
        lower = c.lower[i];
        upper = c.upper[i];
        alignment = c.alignment?.[i];
        offset = c.offset?.[i];
        if (Number.isNaN(offset)) offset = undefined;
        gaps = c.gaps?.[i];
      }
      if (copied) {
        this.size[i] = size;
        if (this.occ !== this.size) this.occ[i] = size;
        this.lower[i] = lower;
        this.upper[i] = upper;
        if (alignment !== undefined && alignment > 1) {
          align ??= new Float64Array(n).fill(1);
          align[i] = alignment;
        }
      }
      this.pieceFirst[i] = pc;
      if (offset !== undefined) {
        this.pinned[i] = 1;
        if (copied) {
          if (pin.length === 0) pin = new Float64Array(n);
          pin[i] = offset;
        }
      }
      if (size <= 0 || !(lower < upper)) continue;
      let t = lower;
      if (gaps) {
        for (let g = 0; g < gaps.length; g++) {
          const gap = gaps[g];
          // A windowed gap stays live (see the occupancy model above).
          if (gap.window !== undefined) {
            (windowed ??= new Uint8Array(n))[i] = 1;
            const w = gap.window;
            if (w.lower === w.upper && w.lower >= size) {
              if (this.occ === this.size) this.occ = this.size.slice();
              this.occ[i] = size + 1;
            }
            continue;
          }
          if (gap.lower > t) push(t, Math.min(gap.lower, upper), i);
          if (gap.upper > t) t = gap.upper;
        }
      }
      if (upper > t) push(t, upper, i);
      if (this.pieceFirst[i] === pc) continue;
      if (offset !== undefined) {
        kind[i] = 2;
        fixedCount++;
      } else {
        kind[i] = 1;
        freeCount++;
      }
    }
    this.pieceFirst[n] = pc;
    this.windowed = windowed;
    this.#spansOf = windowed === undefined ? undefined : (i) => {
      const b = buffers?.[i];
      return b !== undefined
        ? { lower: b.lower, upper: b.upper, size: b.size, gaps: b.gaps ?? undefined }
        : {
          lower: columns!.lower[i],
          upper: columns!.upper[i],
          size: columns!.size[i],
          gaps: columns!.gaps?.[i] ?? undefined,
        };
    };
    this.align = align;
    this.pin = pin;
    this.free = new Int32Array(freeCount);
    this.fixed = new Int32Array(fixedCount);
    for (let i = 0, f = 0, x = 0; i < n; i++) {
      if (kind[i] === 1) this.free[f++] = i;
      else if (kind[i] === 2) this.fixed[x++] = i;
    }
    // Compress time to the distinct piece ends.
    this.pieceCount = pc;
    if (rawB === undefined) {
      rawB = new Int32Array(pc);
      for (let k = 0; k < pc; k++) rawB[k] = k;
    }
    this.pBuf = rawB.length === pc ? rawB : rawB.slice(0, pc);
    this.pL = new Int32Array(pc);
    this.pU = new Int32Array(pc);
    if (stop?.()) throw PREPARE_STOPPED;
    this.m = compressTimes(rawL, rawU, pc, this.pL, this.pU);
    if (stop?.()) throw PREPARE_STOPPED;
    this.bL = new Int32Array(n);
    this.bU = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const f = this.pieceFirst[i];
      const e = this.pieceFirst[i + 1];
      if (f < e) {
        this.bL[i] = this.pL[f];
        this.bU[i] = this.pU[e - 1];
      }
    }
    // Pairs of pieces live at once: a piece meets those started before it
    // and not yet ended, so the pairs are all pairs less, for each piece,
    // the pieces ended by its start.
    const endedBy = new Int32Array(this.m + 1);
    const pL = this.pL;
    const pU = this.pU;
    for (let k = 0; k < pc; k++) endedBy[pU[k]]++;
    for (let t = 1; t <= this.m; t++) endedBy[t] += endedBy[t - 1];
    let pairs = pc * (pc - 1) / 2;
    for (let k = 0; k < pc; k++) pairs -= endedBy[pL[k]];
    this.pairs = pairs;
  }

  /** The effective sizes where some buffer has a windowed gap (see `windowed`). */
  get effective(): EffectiveSizes | undefined {
    if (this.#spansOf === undefined) return undefined;
    return this.#effective ??= new EffectiveSizes(this.n, this.#spansOf);
  }

  /** Pieces sorted by pL (stable). */
  get piecesByLower(): Int32Array {
    return this.#piecesByLower ??= countingOrder(this.pL, Math.max(this.m, 1));
  }

  /** For each t in [0, m], the first position in piecesByLower with pL >= t. */
  get pieceStartPos(): Int32Array {
    return this.#pieceStartPos ??= startPositions(this.pL, this.piecesByLower, this.m);
  }

  /** The same problem with time reversed, sharing what does not change. */
  mirrored(): Prepared {
    return new Prepared({ buffers: [] }, undefined, this);
  }
}

/** A gap, as the heuristics read it. */
export interface HeuristicGap {
  lower: number;
  upper: number;
  window?: { lower: number; upper: number };
}

/** What the heuristics read of a problem. */
export interface HeuristicProblem {
  /** The buffers. */
  buffers: readonly {
    lower: number;
    upper: number;
    size: number;
    alignment?: number;
    offset?: number;
    gaps?: readonly HeuristicGap[];
  }[];
}

/** The same, one typed array per field (as a worker receives a problem). */
export interface HeuristicColumns {
  lower: Float64Array;
  upper: Float64Array;
  size: Float64Array;
  /** Absent when every alignment is 1. */
  alignment?: Float64Array;
  /** NaN for a buffer that is not pinned; absent when none is. */
  offset?: Float64Array;
  /** Absent when no buffer has gaps. */
  gaps?: readonly (readonly HeuristicGap[] | null)[];
}

/**
 * Numbers the distinct times among the pieces' ends 0, 1, ... in order,
 * writing each piece's ends' numbers; returns how many there are. Each end
 * and its index are packed into one double and sorted once (times are
 * integers, so that is exact while range * 2 * pieces stays below 2^53);
 * ranking each end by a binary search instead misses the cache at nearly
 * every step on 10^6 buffers, which took most of the preparation's time.
 */
function compressTimes(
  rawL: Float64Array,
  rawU: Float64Array,
  pc: number,
  pL: Int32Array,
  pU: Int32Array,
): number {
  const count = 2 * pc;
  const span = compactSpan(rawL, pc, rawU);
  if (span !== undefined) {
    // Whole times within a few times the pieces of each other: each time's
    // rank is the count of distinct times below it, found without sorting
    // (a fifth of the sort's time at 10^6 buffers).
    const rank = new Int32Array(span[1] - span[0] + 2);
    const min = span[0];
    for (let k = 0; k < pc; k++) {
      rank[rawL[k] - min + 1] = 1;
      rank[rawU[k] - min + 1] = 1;
    }
    for (let t = 1; t < rank.length; t++) rank[t] += rank[t - 1];
    for (let k = 0; k < pc; k++) {
      pL[k] = rank[rawL[k] - min + 1] - 1;
      pU[k] = rank[rawU[k] - min + 1] - 1;
    }
    return rank[rank.length - 1];
  }
  // Piece k's start is time k, its end time pc + k; equal times share a rank.
  const valueOf = (j: number): number => j < pc ? rawL[j] : rawU[j - pc];
  const order = sortedOrder(count, valueOf);
  let m = 0;
  for (let x = 0; x < count; x++) {
    const j = order[x];
    if (x === 0 || valueOf(j) !== valueOf(order[x - 1])) m++;
    if (j < pc) pL[j] = m - 1;
    else pU[j - pc] = m - 1;
  }
  return m;
}

/** Indices 0..keys.length-1 sorted by key (stable), keys in [0, m). */
function countingOrder(keys: Int32Array, m: number): Int32Array {
  const count = new Int32Array(m + 1);
  for (let k = 0; k < keys.length; k++) count[keys[k] + 1]++;
  for (let t = 0; t < m; t++) count[t + 1] += count[t];
  const order = new Int32Array(keys.length);
  for (let k = 0; k < keys.length; k++) order[count[keys[k]]++] = k;
  return order;
}

/** For each t in [0, m], the first position in `order` whose key is >= t. */
function startPositions(keys: Int32Array, order: Int32Array, m: number): Int32Array {
  const pos = new Int32Array(m + 1);
  let p = 0;
  for (let t = 0; t <= m; t++) {
    while (p < order.length && keys[order[p]] < t) p++;
    pos[t] = p;
  }
  return pos;
}

/** Rounds `x` up to a multiple of `a`. */
function alignUp(x: number, a: number): number {
  if (a <= 1) return x;
  const r = x % a;
  return r === 0 ? x : x + (a - r);
}

/** A safety stop: returns true once the caller's time is up. */
export type Stop = () => boolean;

/** What the greedy orders go by, larger first. */
export type Rule = "size" | "lifespan" | "area";

/** Size times lifespan, per buffer. */
function areas(size: Float64Array, life: Float64Array): Float64Array {
  const area = new Float64Array(size.length);
  for (let i = 0; i < size.length; i++) area[i] = size[i] * life[i];
  return area;
}

/** How orderBy sorts (the order is the same): for the tests. */
export type OrderSort = "auto" | "keys" | "comparator" | "pieces";

/**
 * The free buffers in a rule's order, preferred first; undefined when
 * `cut` says to stop first. Whole keys are sorted by two stable numeric
 * sorts that look at the clock (0.15 s at 10^6, where one comparator sort
 * takes 0.6 s); other keys by one comparator sort, or with little time
 * left, in pieces that look at the clock.
 */
export function orderBy(
  p: Prepared,
  rule: Rule,
  cut: Stop,
  deadline: number,
  how: OrderSort = "auto",
): Int32Array | undefined {
  const size = p.size;
  const life = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) life[i] = p.upper[i] - p.lower[i];
  // Larger first by the rule's key, then by the second key, then by index.
  const first = rule === "size" ? size : rule === "lifespan" ? life : areas(size, life);
  const second = rule === "size" ? life : size;
  const free = p.free;
  const n = free.length;
  try {
    if (how === "auto" || how === "keys") {
      // By the second key, then stably by the first: free is by index, so
      // ties end by index, as the comparator orders them.
      const secondKeys = new Float64Array(n);
      for (let k = 0; k < n; k++) secondKeys[k] = -second[free[k]];
      const bySecond = wholeOrder(secondKeys, deadline);
      if (bySecond !== undefined && !cut()) {
        const firstKeys = secondKeys;
        for (let j = 0; j < n; j++) firstKeys[j] = -first[free[bySecond[j]]];
        const byFirst = wholeOrder(firstKeys, deadline);
        if (byFirst !== undefined) {
          for (let j = 0; j < n; j++) byFirst[j] = free[bySecond[byFirst[j]]];
          return cut() ? undefined : byFirst;
        }
      }
      if (cut()) return undefined;
    }
  } catch (error) {
    if (error instanceof SolveError && error.code === "timeout") return undefined;
    throw error;
  }
  const compare = (a: number, b: number) => first[b] - first[a] || second[b] - second[a] || a - b;
  if (
    how === "comparator" ||
    (how !== "pieces" && deadline - performance.now() > n * COMPARATOR_SORT_MS)
  ) {
    // Time enough for one comparator sort, faster than pieces.
    return Int32Array.from(free).sort(compare);
  }
  // By the first key alone with the sweeps' sort (it stops at the
  // deadline), then each run of equal first keys by the whole comparator:
  // the comparator's order.
  let byFirst: Int32Array;
  try {
    byFirst = sortedOrder(n, (k) => -first[free[k]], deadline);
  } catch (error) {
    if (error instanceof SolveError && error.code === "timeout") return undefined;
    throw error;
  }
  const order = Int32Array.from(byFirst, (k) => free[k]);
  for (let a = 0, looked = 0; a < order.length;) {
    let z = a + 1;
    while (z < order.length && first[order[z]] === first[order[a]]) z++;
    if (z - a > 1) {
      order.subarray(a, z).sort(compare);
      looked += z - a;
      if (looked > 65536) {
        if (cut()) return undefined;
        looked = 0;
      }
    }
    a = z;
  }
  return cut() ? undefined : order;
}

// ---------------------------------------------------------------------------
// Best fit

/** Reusable scratch for bestFit(). */
export class BestFit {
  readonly #p: Prepared;
  // Max-tree over pieces by start time: the largest end among placed pieces.
  readonly #leaves: number;
  readonly #maxU: Int32Array;
  readonly #pos: Int32Array;
  readonly #byLower: Int32Array;
  readonly #startPos: Int32Array;
  // Scratch for the overlapping ranges of one query.
  #lo: Float64Array;
  #hi: Float64Array;
  #stack: Int32Array;
  readonly #seen: Int32Array;
  // Effective sizes of one pair, both ways.
  readonly #pair = new Float64Array(2);
  #stamp = 0;
  #firstFit = false;

  constructor(p: Prepared) {
    this.#p = p;
    let leaves = 1;
    while (leaves < p.pieceCount) leaves *= 2;
    this.#leaves = leaves;
    this.#maxU = new Int32Array(2 * leaves);
    this.#pos = new Int32Array(p.pieceCount);
    this.#byLower = p.piecesByLower;
    this.#startPos = p.pieceStartPos;
    for (let k = 0; k < p.pieceCount; k++) this.#pos[this.#byLower[k]] = k;
    this.#lo = new Float64Array(1024);
    this.#hi = new Float64Array(1024);
    this.#stack = new Int32Array(128);
    this.#seen = new Int32Array(p.n);
  }

  /**
   * Places the buffers in `order` (pinned ones first, at their pins) into
   * `offsets`; returns the height, or NaN when `stop` said to stop.
   */
  run(order: Int32Array, offsets: Float64Array, stop: Stop, firstFit = false): number {
    const p = this.#p;
    this.#firstFit = firstFit;
    this.#maxU.fill(-1);
    for (let i = 0; i < p.n; i++) offsets[i] = p.pinned[i] ? p.pin[i] : 0;
    for (let k = 0; k < p.fixed.length; k++) this.#insert(p.fixed[k]);
    for (let k = 0; k < order.length; k++) {
      // Often enough that a dense problem's fits (a quarter of a
      // millisecond each on Y_1) do not carry a pass far past its limit.
      if ((k & 63) === 63 && stop()) return NaN;
      const i = order[k];
      offsets[i] = this.#fit(i, offsets);
      this.#insert(i);
    }
    return heightOf(p, offsets);
  }

  #insert(i: number): void {
    const p = this.#p;
    const maxU = this.#maxU;
    for (let k = p.pieceFirst[i]; k < p.pieceFirst[i + 1]; k++) {
      let node = this.#leaves + this.#pos[k];
      const u = p.pU[k];
      maxU[node] = u;
      node >>= 1;
      while (node > 0 && maxU[node] < u) {
        maxU[node] = u;
        node >>= 1;
      }
    }
  }

  /** The best-fit offset for buffer i among the placed buffers. */
  #fit(i: number, offsets: Float64Array): number {
    const p = this.#p;
    const stamp = ++this.#stamp;
    const seen = this.#seen;
    const windowed = p.windowed;
    const effective = p.effective;
    const pair = this.#pair;
    let count = 0;
    for (let k = p.pieceFirst[i]; k < p.pieceFirst[i + 1]; k++) {
      const ql = p.pL[k];
      const end = this.#startPos[p.pU[k]]; // pieces starting before qu
      if (end === 0) continue;
      // Depth-first over the max-tree: leaves [0, end) with maxU > ql.
      const maxU = this.#maxU;
      const leaves = this.#leaves;
      let stack = this.#stack;
      let sp = 0;
      stack[sp++] = 1;
      stack[sp++] = 0;
      stack[sp++] = leaves;
      while (sp > 0) {
        const hi = stack[--sp];
        const lo = stack[--sp];
        const node = stack[--sp];
        if (lo >= end || maxU[node] <= ql) continue;
        if (node >= leaves) {
          const j = p.pBuf[this.#byLower[lo]];
          if (seen[j] === stamp) continue;
          seen[j] = stamp;
          if (count === this.#lo.length) this.#grow();
          if (windowed !== undefined && (windowed[i] === 1 || windowed[j] === 1)) {
            // Where a window is, i may start anywhere but strictly between
            // o_j - e(i, j) and o_j + e(j, i), as validate() has it: the
            // entry below is that range's low end plus i's size.
            effective!.both(j, i, pair);
            const above = pair[0];
            const below = pair[1];
            // NaN (never live together) fails the test too.
            if (!(above + below > 0)) continue;
            this.#lo[count] = offsets[j] - below + p.occ[i];
            this.#hi[count] = offsets[j] + above;
          } else {
            this.#lo[count] = offsets[j];
            this.#hi[count] = offsets[j] + p.occ[j];
          }
          count++;
          continue;
        }
        if (sp + 6 > stack.length) {
          const bigger = new Int32Array(stack.length * 2);
          bigger.set(stack);
          this.#stack = stack = bigger;
        }
        const mid = (lo + hi) >> 1;
        stack[sp++] = 2 * node + 1;
        stack[sp++] = mid;
        stack[sp++] = hi;
        stack[sp++] = 2 * node;
        stack[sp++] = lo;
        stack[sp++] = mid;
      }
    }
    sortPairs(this.#lo, this.#hi, 0, count - 1);
    // Sweep the holes bottom up; keep the smallest that fits.
    const size = p.occ[i];
    const a = p.align === undefined ? 1 : p.align[i];
    let top = 0;
    let best = -1;
    let bestGap = Infinity;
    for (let k = 0; k < count; k++) {
      const lo = this.#lo[k];
      if (lo > top) {
        const at = alignUp(top, a);
        if (at + size <= lo && lo - top < bestGap) {
          bestGap = lo - top;
          best = at;
          // First fit takes the lowest hole that fits.
          if (this.#firstFit) break;
        }
      }
      if (this.#hi[k] > top) top = this.#hi[k];
    }
    return best >= 0 ? best : alignUp(top, a);
  }

  #grow(): void {
    const lo = new Float64Array(this.#lo.length * 2);
    const hi = new Float64Array(this.#hi.length * 2);
    lo.set(this.#lo);
    hi.set(this.#hi);
    this.#lo = lo;
    this.#hi = hi;
  }
}

/**
 * Sorts parallel arrays by `keys` on [a, z]: a quicksort with insertion
 * sort below 16 items (faster here than the built-in typed-array sort).
 */
export function sortPairs(keys: Float64Array, vals: Float64Array, a: number, z: number): void {
  while (z - a > 16) {
    const mid = (a + z) >> 1;
    // Median of three as the pivot.
    let x = keys[a];
    let y = keys[mid];
    const w = keys[z];
    if (x > y) [x, y] = [y, x];
    if (y > w) y = w < x ? x : w;
    const pivot = y;
    let i = a;
    let j = z;
    while (i <= j) {
      while (keys[i] < pivot) i++;
      while (keys[j] > pivot) j--;
      if (i <= j) {
        const tk = keys[i];
        keys[i] = keys[j];
        keys[j] = tk;
        const tv = vals[i];
        vals[i] = vals[j];
        vals[j] = tv;
        i++;
        j--;
      }
    }
    // Recurse into the smaller side, loop on the larger.
    if (j - a < z - i) {
      sortPairs(keys, vals, a, j);
      a = i;
    } else {
      sortPairs(keys, vals, i, z);
      z = j;
    }
  }
  for (let i = a + 1; i <= z; i++) {
    const k = keys[i];
    const v = vals[i];
    let j = i - 1;
    while (j >= a && keys[j] > k) {
      keys[j + 1] = keys[j];
      vals[j + 1] = vals[j];
      j--;
    }
    keys[j + 1] = k;
    vals[j + 1] = v;
  }
}

/** The height of a placement: the largest offset + size. */
export function heightOf(p: Prepared, offsets: Float64Array): number {
  let h = 0;
  for (let i = 0; i < p.n; i++) {
    const top = offsets[i] + p.size[i];
    if (top > h) h = top;
  }
  return h;
}

// ---------------------------------------------------------------------------
// Skyline

/**
 * The floor the pinned buffers make, per elementary interval: the highest
 * pinned top live there. Pieces go highest first, each filling only the
 * intervals still empty (found by skipping filled runs, with path
 * halving), so the cost is about the pieces plus the intervals rather
 * than their product.
 */
function pinFloor(p: Prepared): Float64Array | undefined {
  // Without pins the floor is 0 everywhere.
  if (p.fixed.length === 0) return undefined;
  const m = p.m;
  const floor = new Float64Array(m);
  const pieces = pinnedPieces(p);
  const top = (e: number): number => p.pin[p.pBuf[e]] + p.occ[p.pBuf[e]];
  pieces.sort((x, y) => top(y) - top(x) || x - y);
  // next[t]: the first interval at or after t that may still be empty.
  const next = new Int32Array(m + 1);
  for (let t = 0; t <= m; t++) next[t] = t;
  const find = (t: number): number => {
    while (next[t] !== t) {
      next[t] = next[next[t]];
      t = next[t];
    }
    return t;
  };
  for (const e of pieces) {
    const height = top(e);
    for (let t = find(p.pL[e]); t < p.pU[e]; t = find(t + 1)) {
      floor[t] = height;
      next[t] = t + 1;
    }
  }
  return floor;
}

/** The pieces of the pinned buffers that occupy something. */
function pinnedPieces(p: Prepared): number[] {
  const pieces: number[] = [];
  for (let k = 0; k < p.fixed.length; k++) {
    const i = p.fixed[k];
    for (let e = p.pieceFirst[i]; e < p.pieceFirst[i + 1]; e++) pieces.push(e);
  }
  return pieces;
}

// Positions per leaf block of the skyline's tree: 32 took 5-10 % less time
// per pass than 16 at 10^6 buffers, once blocks were kept in key order.
const BLOCK = 32;

/** Reusable scratch for skyline(). */
export class Skyline {
  readonly #p: Prepared;
  // Free buffers sorted by compressed start, in blocks of BLOCK positions
  // (in key order within a block: see #scan); first position per start.
  readonly #byLower: Int32Array;
  readonly #startPos: Int32Array;
  // Per position (the buffers in #byLower order, so that a placement reads
  // neighbouring memory): start, end, bytes occupied, alignment. A run
  // reorders them within each block.
  readonly #posL: Int32Array;
  readonly #posU: Int32Array;
  readonly #posOcc: Float64Array;
  readonly #posAlign: Float64Array | undefined;
  // Preference key per position, -Infinity once placed.
  readonly #key: Float64Array;
  // Max-tree over blocks of BLOCK positions, each node holding the largest
  // key and the smallest end among the unplaced buffers below, side by
  // side. A block is scanned rather than split further: the last levels
  // of a tree cost a cache miss each, a block's scan reads one run of
  // memory (a third less time per pass at 10^6 buffers). Both the blocks'
  // positions and #startPos follow the start order, so a position range
  // of starts covers whole blocks exactly, and its end blocks in part.
  readonly #leaves: number;
  readonly #tree: Float64Array;
  readonly #stack: Int32Array;
  // Segments, by start: [end, previous start, stamp] side by side; heights.
  readonly #seg: Int32Array;
  readonly #segH: Float64Array;
  // Min-heap of (height, start, stamp); grows as needed.
  #heapH: Float64Array;
  #heapS: Int32Array;
  #heapT: Int32Array;
  #heapSize = 0;
  // Whether the top entry is the one being processed, to be replaced by
  // the next push.
  #held = false;
  // Stamps only grow, so a stale heap entry never matches a revived segment.
  #stamp = 0;
  // Base skyline from the pins, per elementary interval: the highest
  // pinned top, where the pins are too many for their ceilings.
  readonly #base: Float64Array | undefined;
  // The pins as ceilings (see PinCeilings), where there are pins.
  readonly #pins: PinCeilings | undefined;
  // The current segment's height and the lowest pin bottom above it
  // (Infinity: none), read by the scans' fit test.
  #h = 0;
  #ceil = Infinity;

  /**
   * @param p The problem.
   * @param maxPinEntries Above this many (moment, pinned buffer) pairs the
   *   pins make a floor instead of ceilings (a test's hook).
   */
  constructor(p: Prepared, maxPinEntries: number = PIN_CEILINGS_MAX_ENTRIES) {
    this.#p = p;
    const free = p.free;
    const cnt = free.length;
    const keys = new Int32Array(cnt);
    for (let k = 0; k < cnt; k++) keys[k] = p.bL[free[k]];
    const order = countingOrder(keys, Math.max(p.m, 1));
    this.#byLower = new Int32Array(cnt);
    this.#posL = new Int32Array(cnt);
    this.#posU = new Int32Array(cnt);
    this.#posOcc = new Float64Array(cnt);
    const align = p.align;
    const posAlign = align === undefined ? undefined : new Float64Array(cnt);
    this.#posAlign = posAlign;
    for (let k = 0; k < cnt; k++) {
      const i = free[order[k]];
      this.#byLower[k] = i;
      this.#posL[k] = p.bL[i];
      this.#posU[k] = p.bU[i];
      this.#posOcc[k] = p.occ[i];
      if (posAlign !== undefined) posAlign[k] = align![i];
    }
    this.#startPos = new Int32Array(p.m + 1);
    let q = 0;
    for (let t = 0; t <= p.m; t++) {
      while (q < cnt && this.#posL[q] < t) q++;
      this.#startPos[t] = q;
    }
    let leaves = 1;
    while (leaves * BLOCK < cnt) leaves *= 2;
    this.#leaves = leaves;
    this.#key = new Float64Array(cnt);
    this.#tree = new Float64Array(4 * leaves);
    this.#stack = new Int32Array(256);
    const m = p.m;
    this.#seg = new Int32Array(3 * (m + 1));
    this.#segH = new Float64Array(m + 1);
    this.#heapH = new Float64Array(1024);
    this.#heapS = new Int32Array(1024);
    this.#heapT = new Int32Array(1024);
    const pins = p.fixed.length === 0 ? undefined : PinCeilings.of(p, maxPinEntries);
    this.#pins = pins;
    this.#base = pins === undefined ? pinFloor(p) : pins.base;
  }

  /**
   * Places the free buffers by the skyline rule, preferring the higher
   * `pref[i]` among those that fit (distinct values, none NaN: the blocks
   * are kept in key order); returns the height,
   * or NaN when `stop` said to stop.
   */
  run(pref: Float64Array, offsets: Float64Array, stop: Stop, leftFirst = false): number {
    const p = this.#p;
    const m = p.m;
    for (let i = 0; i < p.n; i++) offsets[i] = p.pinned[i] ? p.pin[i] : 0;
    const cnt = this.#byLower.length;
    if (cnt === 0) return heightOf(p, offsets);
    // The tree of unplaced buffers.
    const leaves = this.#leaves;
    const tree = this.#tree;
    const key = this.#key;
    for (let k = 0; k < cnt; k++) key[k] = pref[this.#byLower[k]];
    for (let block = 0; block * BLOCK < cnt; block++) this.#sortBlock(block);
    for (let block = 0; block < leaves; block++) this.#block(block);
    for (let node = leaves - 1; node > 0; node--) {
      const l = 4 * node;
      tree[2 * node] = tree[l] > tree[l + 2] ? tree[l] : tree[l + 2];
      tree[2 * node + 1] = tree[l + 1] < tree[l + 3] ? tree[l + 1] : tree[l + 3];
    }
    // Segments from the base skyline.
    const pins = this.#pins;
    pins?.reset();
    this.#ceil = Infinity;
    const seg = this.#seg;
    const segH = this.#segH;
    seg.fill(0);
    this.#heapSize = 0;
    this.#held = false;
    this.#stamp = 0;
    let prev = -1;
    for (let t = 0; t < m;) {
      let e = t + 1;
      const base = this.#base;
      if (base !== undefined) { while (e < m && base[e] === base[t]) e++; }
      else e = m;
      seg[3 * t] = e;
      segH[t] = base === undefined ? 0 : base[t];
      seg[3 * t + 1] = prev;
      this.#mark(t);
      prev = t;
      t = e;
    }
    const startPos = this.#startPos;
    let left = cnt;
    let steps = 0;
    while (left > 0 && this.#heapSize > 0) {
      if ((++steps & 1023) === 0 && stop()) return NaN;
      const h = this.#heapH[0];
      const s = this.#heapS[0];
      const stamp = this.#heapT[0];
      if (seg[3 * s + 2] !== stamp) {
        this.#pop();
        continue;
      }
      // The entry stays until the first segment queued below takes its
      // place (one sift instead of a pop and a push: the heap was a third
      // of a pass), or is popped after.
      this.#held = true;
      const e = seg[3 * s];
      // Under pins, a buffer fits only below the lowest pin over the
      // segment (conservative: some of it may hang over none of the buffer).
      if (pins !== undefined) {
        this.#h = h;
        this.#ceil = pins.lowest(s, e);
      }
      let k = leftFirst ? this.#query(startPos[s], startPos[s + 1], s, s + 1, e) : -1;
      if (k < 0) k = this.#query(startPos[s], startPos[e], s, e, e);
      if (k < 0) {
        // Nothing fits: raise the segment to its lower neighbour.
        const ps = seg[3 * s + 1];
        const hl = ps >= 0 ? segH[ps] : Infinity;
        const hr = e < m ? segH[e] : Infinity;
        let nh = hl < hr ? hl : hr;
        if (this.#ceil < nh) nh = this.#ceil;
        if (nh === Infinity) break; // cannot happen while buffers are left
        segH[s] = nh;
        // Raised to a pin's bottom: where it hangs, it is the floor now.
        if (nh === this.#ceil) this.#lift(s, e, nh);
        else this.#settle(s);
        if (this.#held) this.#pop();
        continue;
      }
      // Place the buffer at position k at the segment's height.
      left--;
      const o = this.#posAlign === undefined ? h : alignUp(h, this.#posAlign[k]);
      offsets[this.#byLower[k]] = o;
      const top = o + this.#posOcc[k];
      const bl = this.#posL[k];
      const bu = this.#posU[k];
      this.#remove(k);
      let mid = s;
      if (bl > s) {
        // The left part stays at h.
        seg[3 * s] = bl;
        this.#mark(s);
        mid = bl;
        seg[3 * mid + 1] = s;
      }
      seg[3 * mid] = bu;
      segH[mid] = top;
      if (bu < e) {
        seg[3 * bu] = e;
        segH[bu] = h;
        seg[3 * bu + 1] = mid;
        this.#mark(bu);
        if (e < m) seg[3 * e + 1] = bu;
      } else if (e < m) seg[3 * e + 1] = mid;
      // (Placed right under a pin, it leaves no room there: the segment
      // rises by nothing, to that pin's bottom, and is lifted then.)
      this.#settle(mid);
      if (this.#held) this.#pop();
    }
    return heightOf(p, offsets);
  }

  /** Merges segment s with equal neighbours and queues it. */
  #settle(s: number): void {
    const seg = this.#seg;
    const segH = this.#segH;
    const m = this.#p.m;
    const ps = seg[3 * s + 1];
    if (ps >= 0 && segH[ps] === segH[s]) {
      seg[3 * ps] = seg[3 * s];
      seg[3 * s + 2] = 0;
      s = ps;
      if (seg[3 * s] < m) seg[3 * seg[3 * s] + 1] = s;
    }
    const e = seg[3 * s];
    if (e < m && segH[e] === segH[s]) {
      seg[3 * s] = seg[3 * e];
      seg[3 * e + 2] = 0;
      if (seg[3 * s] < m) seg[3 * seg[3 * s] + 1] = s;
    }
    this.#mark(s);
  }

  /** Gives segment s a fresh stamp and queues it. */
  #mark(s: number): void {
    const stamp = ++this.#stamp;
    this.#seg[3 * s + 2] = stamp;
    this.#push(this.#segH[s], s, stamp);
  }

  /**
   * The position of the preferred unplaced buffer starting in [s, to) and
   * ending by e; its positions in start order are [a, z).
   */
  #query(a: number, z: number, s: number, to: number, e: number): number {
    if (a >= z) return -1;
    const ba = Math.floor(a / BLOCK);
    const bz = Math.floor((z - 1) / BLOCK);
    const tree = this.#tree;
    const leaves = this.#leaves;
    // The partial blocks at the ends, whose buffers are tested for their
    // start too (skipped where nothing in the whole block ends by e: most
    // queries find nothing), then the whole ones between.
    let best = -1;
    if (tree[2 * (leaves + ba) + 1] <= e) best = this.#scanPart(ba, s, to, e, -1);
    if (ba === bz) return best;
    if (tree[2 * (leaves + bz) + 1] <= e) best = this.#scanPart(bz, s, to, e, best);
    if (ba + 1 === bz) return best;
    const stack = this.#stack;
    // Bottom up: the few nodes that cover the blocks exactly go on the
    // stack, then each is searched within.
    let sp = 0;
    for (let l = ba + 1 + leaves, r = bz + leaves; l < r; l >>= 1, r >>= 1) {
      if (l & 1) {
        if (tree[2 * l + 1] <= e) stack[sp++] = l;
        l++;
      }
      if (r & 1) {
        r--;
        if (tree[2 * r + 1] <= e) stack[sp++] = r;
      }
    }
    let bestKey = best < 0 ? -Infinity : this.#key[best];
    while (sp > 0) {
      const node = stack[--sp];
      if (tree[2 * node] <= bestKey || tree[2 * node + 1] > e) continue;
      if (node >= leaves) {
        best = this.#scan(node - leaves, e, best);
        bestKey = this.#key[best];
        continue;
      }
      // Visit the child with the larger key first: it prunes more.
      const l = 2 * node;
      if (tree[2 * l] >= tree[2 * l + 2]) {
        stack[sp++] = l + 1;
        stack[sp++] = l;
      } else {
        stack[sp++] = l;
        stack[sp++] = l + 1;
      }
    }
    return best;
  }

  // Each block keeps its unplaced buffers first, by key from the largest
  // (keys are distinct), and its placed ones after them: a scan stops at
  // the first buffer that fits, or at the first key no better than the
  // best so far. Unsorted, a block was read whole: long buffers with large
  // keys sit in most blocks and rarely fit (a quarter less time per pass
  // at 10^6 buffers, in process: 4.2-4.5 s before, 3.1-3.3 s after with
  // blocks of 16).

  /** The block's preferred buffer ending by e, if better than best (-1: none). */
  #scan(block: number, e: number, best: number): number {
    const key = this.#key;
    const posU = this.#posU;
    const z = Math.min(key.length, (block + 1) * BLOCK);
    const bestKey = best < 0 ? -Infinity : key[best];
    const ceil = this.#ceil;
    for (let k = block * BLOCK; k < z && key[k] > bestKey; k++) {
      if (posU[k] <= e && (ceil === Infinity || this.#under(k, ceil))) return k;
    }
    return best;
  }

  /** The same, among the block's buffers that start in [s, to). */
  #scanPart(block: number, s: number, to: number, e: number, best: number): number {
    const key = this.#key;
    const posL = this.#posL;
    const posU = this.#posU;
    const z = Math.min(key.length, (block + 1) * BLOCK);
    const bestKey = best < 0 ? -Infinity : key[best];
    const ceil = this.#ceil;
    for (let k = block * BLOCK; k < z && key[k] > bestKey; k++) {
      if (
        posU[k] <= e && posL[k] >= s && posL[k] < to &&
        (ceil === Infinity || this.#under(k, ceil))
      ) return k;
    }
    return best;
  }

  /** Whether position k, placed at the current height, stays under `ceil`. */
  #under(k: number, ceil: number): boolean {
    const h = this.#h;
    const o = this.#posAlign === undefined ? h : alignUp(h, this.#posAlign[k]);
    return o + this.#posOcc[k] <= ceil;
  }

  /**
   * Segment s, over [s, e) at height h, reached the bottom of a pin
   * somewhere: there its floor is that pin's top (and of any pin that
   * meets it), so it splits into runs of equal height, which merge with
   * equal neighbours and are queued.
   */
  #lift(s: number, e: number, h: number): void {
    const pins = this.#pins!;
    const seg = this.#seg;
    const segH = this.#segH;
    const m = this.#p.m;
    const count = pins.lift(s, e, h);
    const at = pins.liftedAt;
    const to = pins.liftedTo;
    const prev = seg[3 * s + 1];
    // The runs, left to right, each linked to the one before.
    let last = prev;
    let first = -1;
    const run = (from: number, end: number, height: number): void => {
      seg[3 * from] = end;
      seg[3 * from + 1] = last;
      segH[from] = height;
      if (first < 0) first = from;
      last = from;
    };
    let cur = s;
    for (let i = 0; i < count;) {
      const t = at[i];
      if (t > cur) run(cur, t, h);
      let j = i + 1;
      while (j < count && at[j] === at[j - 1] + 1 && to[j] === to[i]) j++;
      run(t, at[j - 1] + 1, to[i]);
      cur = at[j - 1] + 1;
      i = j;
    }
    if (cur < e) run(cur, e, h);
    if (e < m) seg[3 * e + 1] = last;
    // Neighbouring runs differ in height; only the outer ones may merge.
    for (let r = first; r !== last; r = seg[3 * r]) {
      if (r !== first) this.#mark(r);
    }
    this.#settle(first);
    if (last !== first) {
      // The first may have merged leftwards; the last is still its own.
      this.#settle(last);
    }
  }

  /** Orders a block by key, the largest first (an insertion sort of at most BLOCK). */
  #sortBlock(block: number): void {
    const first = block * BLOCK;
    const z = Math.min(this.#key.length, first + BLOCK);
    for (let k = first + 1; k < z; k++) {
      let j = k;
      while (j > first && this.#key[j - 1] < this.#key[j]) {
        this.#swap(j - 1, j);
        j--;
      }
    }
  }

  /** Swaps two positions' buffers. */
  #swap(x: number, y: number): void {
    swapAt(this.#key, x, y);
    swapAt(this.#byLower, x, y);
    swapAt(this.#posL, x, y);
    swapAt(this.#posU, x, y);
    swapAt(this.#posOcc, x, y);
    if (this.#posAlign !== undefined) swapAt(this.#posAlign, x, y);
  }

  /** Recomputes a block's leaf from its unplaced buffers. */
  #block(block: number): void {
    const key = this.#key;
    const posU = this.#posU;
    let minEnd = Infinity;
    const first = block * BLOCK;
    const z = Math.min(key.length, first + BLOCK);
    for (let k = first; k < z && key[k] !== -Infinity; k++) {
      if (posU[k] < minEnd) minEnd = posU[k];
    }
    const node = 2 * (this.#leaves + block);
    this.#tree[node] = first < z ? key[first] : -Infinity;
    this.#tree[node + 1] = minEnd;
  }

  /** Marks position k placed: it moves behind its block's unplaced buffers. */
  #remove(k: number): void {
    const tree = this.#tree;
    const key = this.#key;
    key[k] = -Infinity;
    const block = Math.floor(k / BLOCK);
    const z = Math.min(key.length, (block + 1) * BLOCK);
    for (let j = k + 1; j < z && key[j] !== -Infinity; j++) this.#swap(j - 1, j);
    this.#block(block);
    let node = (this.#leaves + block) >> 1;
    while (node > 0) {
      const l = 4 * node;
      tree[2 * node] = tree[l] > tree[l + 2] ? tree[l] : tree[l + 2];
      tree[2 * node + 1] = tree[l + 1] < tree[l + 3] ? tree[l + 1] : tree[l + 3];
      node >>= 1;
    }
  }

  #push(h: number, s: number, t: number): void {
    if (this.#held) {
      this.#held = false;
      this.#siftDown(h, s, t, this.#heapSize);
      return;
    }
    if (this.#heapSize === this.#heapH.length) {
      const size = 2 * this.#heapSize;
      const H = new Float64Array(size);
      const S = new Int32Array(size);
      const T = new Int32Array(size);
      H.set(this.#heapH);
      S.set(this.#heapS);
      T.set(this.#heapT);
      this.#heapH = H;
      this.#heapS = S;
      this.#heapT = T;
    }
    const H = this.#heapH;
    const S = this.#heapS;
    const T = this.#heapT;
    let i = this.#heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (H[parent] < h || (H[parent] === h && S[parent] <= s)) break;
      H[i] = H[parent];
      S[i] = S[parent];
      T[i] = T[parent];
      i = parent;
    }
    H[i] = h;
    S[i] = s;
    T[i] = t;
  }

  #pop(): void {
    this.#held = false;
    const size = --this.#heapSize;
    if (size === 0) return;
    this.#siftDown(this.#heapH[size], this.#heapS[size], this.#heapT[size], size);
  }

  /** Puts (h, s, t) at the root of a heap of `size` entries and sifts it down. */
  #siftDown(h: number, s: number, t: number, size: number): void {
    const H = this.#heapH;
    const S = this.#heapS;
    const T = this.#heapT;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && (H[c + 1] < H[c] || (H[c + 1] === H[c] && S[c + 1] < S[c]))) c++;
      if (H[c] > h || (H[c] === h && S[c] >= s)) break;
      H[i] = H[c];
      S[i] = S[c];
      T[i] = T[c];
      i = c;
    }
    H[i] = h;
    S[i] = s;
    T[i] = t;
  }
}

/** Swaps two entries of an array. */
function swapAt(a: Float64Array | Int32Array, x: number, y: number): void {
  const t = a[x];
  a[x] = a[y];
  a[y] = t;
}

/**
 * The pins as the skyline sees them: per elementary interval, the pinned
 * pieces live there by bottom, and a pointer to the first one still above
 * the skyline there. Below a pin the skyline may still place buffers (it
 * used to start every interval at its highest pinned top, which left the
 * room under the pins empty: twice the peak load with 1 % of 20,000
 * buffers pinned); once the skyline reaches a pin's bottom, the pin's top
 * is the floor there. A min-tree over the intervals gives the lowest pin
 * bottom over a segment.
 */
class PinCeilings {
  /** The floor per interval where nothing is placed yet (refilled by reset). */
  readonly base: Float64Array;
  /** Scratch for lift(): the intervals lifted, in order, and their new heights. */
  readonly liftedAt: Int32Array;
  readonly liftedTo: Float64Array;
  readonly #m: number;
  readonly #first: Int32Array;
  readonly #bottom: Float64Array;
  readonly #top: Float64Array;
  readonly #ptr: Int32Array;
  // Leaves at #size + t: the bottom of the first pin above the skyline at t.
  readonly #size: number;
  readonly #tree: Float64Array;
  readonly #stack: Int32Array;
  // Scratch for lift(): the tree nodes to redo, one level at a time.
  readonly #nodes: Int32Array;

  /** The ceilings of p's pins, or undefined where they are too many to list. */
  static of(p: Prepared, maxEntries: number): PinCeilings | undefined {
    const m = p.m;
    const pieces = pinnedPieces(p);
    let total = 0;
    for (const e of pieces) total += p.pU[e] - p.pL[e];
    if (total > maxEntries) return undefined;
    pieces.sort((x, y) => p.pin[p.pBuf[x]] - p.pin[p.pBuf[y]] || x - y);
    const first = new Int32Array(m + 1);
    for (const e of pieces) {
      for (let t = p.pL[e]; t < p.pU[e]; t++) first[t + 1]++;
    }
    for (let t = 0; t < m; t++) first[t + 1] += first[t];
    const fill = first.slice(0, m);
    const bottom = new Float64Array(total);
    const top = new Float64Array(total);
    // By bottom overall, so by bottom within each interval.
    for (const e of pieces) {
      const i = p.pBuf[e];
      for (let t = p.pL[e]; t < p.pU[e]; t++) {
        bottom[fill[t]] = p.pin[i];
        top[fill[t]++] = p.pin[i] + p.occ[i];
      }
    }
    return new PinCeilings(m, first, bottom, top);
  }

  private constructor(m: number, first: Int32Array, bottom: Float64Array, top: Float64Array) {
    this.#m = m;
    this.#first = first;
    this.#bottom = bottom;
    this.#top = top;
    this.#ptr = new Int32Array(m);
    this.base = new Float64Array(m);
    this.liftedAt = new Int32Array(m);
    this.liftedTo = new Float64Array(m);
    let size = 1;
    while (size < m) size *= 2;
    this.#size = size;
    this.#tree = new Float64Array(2 * size).fill(Infinity);
    this.#stack = new Int32Array(64);
    this.#nodes = new Int32Array(Math.max(1, m));
  }

  /** Back to an empty skyline: every interval at the floor the pins from 0 make. */
  reset(): void {
    const tree = this.#tree;
    for (let t = 0; t < this.#m; t++) {
      this.#ptr[t] = this.#first[t];
      this.base[t] = this.#climb(t, 0);
    }
    for (let node = this.#size - 1; node > 0; node--) {
      tree[node] = Math.min(tree[2 * node], tree[2 * node + 1]);
    }
  }

  /** The lowest pin bottom above the skyline over the intervals [a, b). */
  lowest(a: number, b: number): number {
    const tree = this.#tree;
    let least = Infinity;
    for (let l = a + this.#size, r = b + this.#size; l < r; l >>= 1, r >>= 1) {
      if (l & 1) least = Math.min(least, tree[l++]);
      if (r & 1) least = Math.min(least, tree[--r]);
    }
    return least;
  }

  /**
   * The skyline over [a, b) rose to h: where that reaches a pin's bottom,
   * the floor is the top of the pins it meets. Lists those intervals in
   * liftedAt (in order) with their floors in liftedTo; returns how many.
   */
  lift(a: number, b: number, h: number): number {
    const tree = this.#tree;
    const size = this.#size;
    const stack = this.#stack;
    let count = 0;
    // Left to right down the tree, into the nodes whose least bottom is reached.
    let sp = 0;
    stack[sp++] = 1;
    while (sp > 0) {
      const node = stack[--sp];
      if (tree[node] > h) continue;
      const depth = 31 - Math.clz32(node);
      const span = size >> depth;
      const lo = (node - (1 << depth)) * span;
      if (lo >= b || lo + span <= a) continue;
      if (node >= size) {
        this.liftedAt[count++] = node - size;
        continue;
      }
      stack[sp++] = 2 * node + 1;
      stack[sp++] = 2 * node;
    }
    if (count === 0) return 0;
    for (let k = 0; k < count; k++) this.liftedTo[k] = this.#climb(this.liftedAt[k], h);
    // The nodes above, level by level, each once: a pin lifts runs of
    // neighbouring intervals, which share their parents. (Redoing every
    // node between the first and the last was quadratic where pins at
    // both ends of the time lift together: 44 s instead of 0.7 s.)
    // A tree of one moment is its own leaf.
    if (size === 1) return count;
    const nodes = this.#nodes;
    let length = 0;
    for (let k = 0; k < count; k++) {
      const parent = (this.liftedAt[k] + size) >> 1;
      if (length === 0 || nodes[length - 1] !== parent) nodes[length++] = parent;
    }
    for (;;) {
      for (let j = 0; j < length; j++) {
        const node = nodes[j];
        tree[node] = Math.min(tree[2 * node], tree[2 * node + 1]);
      }
      if (nodes[0] === 1) break;
      let next = 0;
      for (let j = 0; j < length; j++) {
        const parent = nodes[j] >> 1;
        if (next === 0 || nodes[next - 1] !== parent) nodes[next++] = parent;
      }
      length = next;
    }
    return count;
  }

  /** From height h at interval t, over the pins it meets; sets t's leaf. */
  #climb(t: number, h: number): number {
    const bottom = this.#bottom;
    const top = this.#top;
    const z = this.#first[t + 1];
    let k = this.#ptr[t];
    for (; k < z && bottom[k] <= h; k++) if (top[k] > h) h = top[k];
    this.#ptr[t] = k;
    this.#tree[this.#size + t] = k < z ? bottom[k] : Infinity;
    return h;
  }
}
