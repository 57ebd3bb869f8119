// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// The fast heuristics' engines, on typed arrays (private: see
// heuristics.ts for the public entry point).
//
// Occupancy model. A buffer occupies [offset, offset + size) over its whole
// lifespan, except that a gap without a window frees it (the buffer is then
// split into live pieces) and a windowed gap is counted as fully live. The
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
  /** Alignment per buffer (at least 1). */
  readonly align: Float64Array;
  /** Lifespan start and end per buffer, in real time. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** 1 for a pinned buffer. */
  readonly pinned: Uint8Array;
  /** The pin per pinned buffer. */
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
  /** Pieces sorted by pL, and the first position with pL >= t. */
  readonly piecesByLower: Int32Array;
  readonly pieceStartPos: Int32Array;
  /** How many pairs of pieces are live at once: a best-fit pass costs about this. */
  readonly pairs: number;
  /** Whole lifespan per buffer in compressed time. */
  readonly bL: Int32Array;
  readonly bU: Int32Array;

  constructor(problem: {
    buffers: readonly {
      lower: number;
      upper: number;
      size: number;
      alignment?: number;
      offset?: number;
      gaps?: readonly { lower: number; upper: number; window?: { lower: number; upper: number } }[];
    }[];
  }) {
    const buffers = problem.buffers;
    const n = buffers.length;
    this.n = n;
    this.size = new Float64Array(n);
    this.occ = new Float64Array(n);
    this.align = new Float64Array(n);
    this.lower = new Float64Array(n);
    this.upper = new Float64Array(n);
    this.pinned = new Uint8Array(n);
    this.pin = new Float64Array(n);
    // Live pieces in real time first.
    const rawL: number[] = [];
    const rawU: number[] = [];
    const rawB: number[] = [];
    const free: number[] = [];
    const fixed: number[] = [];
    this.pieceFirst = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const b = buffers[i];
      this.size[i] = b.size;
      this.occ[i] = b.size;
      this.align[i] = b.alignment !== undefined && b.alignment > 1 ? b.alignment : 1;
      this.lower[i] = b.lower;
      this.upper[i] = b.upper;
      this.pieceFirst[i] = rawB.length;
      if (b.offset !== undefined) {
        this.pinned[i] = 1;
        this.pin[i] = b.offset;
      }
      if (b.size <= 0 || !(b.lower < b.upper)) continue;
      let t = b.lower;
      for (const gap of b.gaps ?? []) {
        // A windowed gap stays live (see the occupancy model above).
        if (gap.window !== undefined) {
          const w = gap.window;
          if (w.lower === w.upper && w.lower >= b.size) this.occ[i] = b.size + 1;
          continue;
        }
        if (gap.lower > t) {
          rawL.push(t);
          rawU.push(Math.min(gap.lower, b.upper));
          rawB.push(i);
        }
        if (gap.upper > t) t = gap.upper;
      }
      if (b.upper > t) {
        rawL.push(t);
        rawU.push(b.upper);
        rawB.push(i);
      }
      if (this.pieceFirst[i] === rawB.length) continue;
      (b.offset !== undefined ? fixed : free).push(i);
    }
    this.pieceFirst[n] = rawB.length;
    this.free = Int32Array.from(free);
    this.fixed = Int32Array.from(fixed);
    // Compress time to the distinct piece ends.
    const all = new Float64Array(rawL.length * 2);
    for (let k = 0; k < rawL.length; k++) {
      all[2 * k] = rawL[k];
      all[2 * k + 1] = rawU[k];
    }
    all.sort();
    let m = 0;
    for (let k = 0; k < all.length; k++) {
      if (k === 0 || all[k] !== all[k - 1]) all[m++] = all[k];
    }
    const times = all.subarray(0, m);
    const rank = (t: number): number => {
      let a = 0;
      let z = m;
      while (a < z) {
        const mid = (a + z) >> 1;
        if (times[mid] < t) a = mid + 1;
        else z = mid;
      }
      return a;
    };
    this.m = m;
    const pc = rawB.length;
    this.pieceCount = pc;
    this.pBuf = Int32Array.from(rawB);
    this.pL = new Int32Array(pc);
    this.pU = new Int32Array(pc);
    for (let k = 0; k < pc; k++) {
      this.pL[k] = rank(rawL[k]);
      this.pU[k] = rank(rawU[k]);
    }
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
    this.piecesByLower = countingOrder(this.pL, m);
    this.pieceStartPos = startPositions(this.pL, this.piecesByLower, m);
    // Pairs of pieces live at once: a piece meets those started before it
    // and not yet ended.
    const ends = Int32Array.from(this.pU).sort();
    let pairs = 0;
    let ended = 0;
    for (let k = 0; k < pc; k++) {
      const start = this.pL[this.piecesByLower[k]];
      while (ended < pc && ends[ended] <= start) ended++;
      pairs += k - ended;
    }
    this.pairs = pairs;
  }
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

// ---------------------------------------------------------------------------
// Best fit

/** Reusable scratch for bestFit(). */
export class BestFit {
  readonly #p: Prepared;
  // Max-tree over pieces by start time: the largest end among placed pieces.
  readonly #leaves: number;
  readonly #maxU: Int32Array;
  readonly #pos: Int32Array;
  // Scratch for the overlapping ranges of one query.
  #lo: Float64Array;
  #hi: Float64Array;
  #stack: Int32Array;
  readonly #seen: Int32Array;
  #stamp = 0;
  #firstFit = false;

  constructor(p: Prepared) {
    this.#p = p;
    let leaves = 1;
    while (leaves < p.pieceCount) leaves *= 2;
    this.#leaves = leaves;
    this.#maxU = new Int32Array(2 * leaves);
    this.#pos = new Int32Array(p.pieceCount);
    for (let k = 0; k < p.pieceCount; k++) this.#pos[p.piecesByLower[k]] = k;
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
      if ((k & 1023) === 1023 && stop()) return NaN;
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
    let count = 0;
    for (let k = p.pieceFirst[i]; k < p.pieceFirst[i + 1]; k++) {
      const ql = p.pL[k];
      const end = p.pieceStartPos[p.pU[k]]; // pieces starting before qu
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
          const j = p.pBuf[p.piecesByLower[lo]];
          if (seen[j] === stamp) continue;
          seen[j] = stamp;
          if (count === this.#lo.length) this.#grow();
          this.#lo[count] = offsets[j];
          this.#hi[count] = offsets[j] + p.occ[j];
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
    const a = p.align[i];
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
function sortPairs(keys: Float64Array, vals: Float64Array, a: number, z: number): void {
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

/** Reusable scratch for skyline(). */
export class Skyline {
  readonly #p: Prepared;
  // Free buffers sorted by compressed start; first position per start.
  readonly #byLower: Int32Array;
  readonly #startPos: Int32Array;
  // Max-tree over #byLower: preference key and smallest end (unplaced only).
  readonly #leaves: number;
  readonly #key: Float64Array;
  readonly #minU: Int32Array;
  readonly #stack: Int32Array;
  // Segments, by start: end, height, previous start, liveness stamp.
  readonly #segEnd: Int32Array;
  readonly #segH: Float64Array;
  readonly #segPrev: Int32Array;
  readonly #segStamp: Int32Array;
  // Min-heap of (height, start, stamp).
  readonly #heapH: Float64Array;
  readonly #heapS: Int32Array;
  readonly #heapT: Int32Array;
  #heapSize = 0;
  // Stamps only grow, so a stale heap entry never matches a revived segment.
  #stamp = 0;
  // Base skyline from the pins, per elementary interval.
  readonly #base: Float64Array;

  constructor(p: Prepared) {
    this.#p = p;
    const free = p.free;
    const cnt = free.length;
    const keys = new Int32Array(cnt);
    for (let k = 0; k < cnt; k++) keys[k] = p.bL[free[k]];
    const order = countingOrder(keys, Math.max(p.m, 1));
    this.#byLower = new Int32Array(cnt);
    for (let k = 0; k < cnt; k++) this.#byLower[k] = free[order[k]];
    const sortedKeys = new Int32Array(cnt);
    for (let k = 0; k < cnt; k++) sortedKeys[k] = p.bL[this.#byLower[k]];
    this.#startPos = new Int32Array(p.m + 1);
    let q = 0;
    for (let t = 0; t <= p.m; t++) {
      while (q < cnt && sortedKeys[q] < t) q++;
      this.#startPos[t] = q;
    }
    let leaves = 1;
    while (leaves < cnt) leaves *= 2;
    this.#leaves = leaves;
    this.#key = new Float64Array(2 * leaves);
    this.#minU = new Int32Array(2 * leaves);
    this.#stack = new Int32Array(3 * 64);
    const m = p.m;
    this.#segEnd = new Int32Array(m + 1);
    this.#segH = new Float64Array(m + 1);
    this.#segPrev = new Int32Array(m + 1);
    this.#segStamp = new Int32Array(m + 1);
    const heapCap = 2 * m + 6 * cnt + 16;
    this.#heapH = new Float64Array(heapCap);
    this.#heapS = new Int32Array(heapCap);
    this.#heapT = new Int32Array(heapCap);
    // Pins make a floor: everything else goes above them where they live.
    this.#base = new Float64Array(m);
    for (let k = 0; k < p.fixed.length; k++) {
      const i = p.fixed[k];
      const top = p.pin[i] + p.occ[i];
      for (let e = p.pieceFirst[i]; e < p.pieceFirst[i + 1]; e++) {
        for (let t = p.pL[e]; t < p.pU[e]; t++) if (this.#base[t] < top) this.#base[t] = top;
      }
    }
  }

  /**
   * Places the free buffers by the skyline rule, preferring the higher
   * `pref[i]` (distinct values) among those that fit; returns the height,
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
    const key = this.#key;
    const minU = this.#minU;
    key.fill(-Infinity);
    minU.fill(0x7fffffff);
    for (let k = 0; k < cnt; k++) {
      const i = this.#byLower[k];
      key[leaves + k] = pref[i];
      minU[leaves + k] = p.bU[i];
    }
    for (let node = leaves - 1; node > 0; node--) {
      key[node] = Math.max(key[2 * node], key[2 * node + 1]);
      minU[node] = Math.min(minU[2 * node], minU[2 * node + 1]);
    }
    // Segments from the base skyline.
    const segEnd = this.#segEnd;
    const segH = this.#segH;
    const segPrev = this.#segPrev;
    const segStamp = this.#segStamp;
    segStamp.fill(0);
    this.#heapSize = 0;
    this.#stamp = 0;
    let prev = -1;
    for (let t = 0; t < m;) {
      let e = t + 1;
      while (e < m && this.#base[e] === this.#base[t]) e++;
      segEnd[t] = e;
      segH[t] = this.#base[t];
      segPrev[t] = prev;
      this.#mark(t);
      prev = t;
      t = e;
    }
    let left = cnt;
    let steps = 0;
    while (left > 0 && this.#heapSize > 0) {
      if ((++steps & 1023) === 0 && stop()) return NaN;
      const h = this.#heapH[0];
      const s = this.#heapS[0];
      const stamp = this.#heapT[0];
      this.#pop();
      if (segStamp[s] !== stamp) continue;
      const e = segEnd[s];
      let k = leftFirst ? this.#query(this.#startPos[s], this.#startPos[s + 1], e) : -1;
      if (k < 0) k = this.#query(this.#startPos[s], this.#startPos[e], e);
      if (k < 0) {
        // Nothing fits: raise the segment to its lower neighbour.
        const ps = segPrev[s];
        const hl = ps >= 0 ? segH[ps] : Infinity;
        const hr = e < m ? segH[e] : Infinity;
        const nh = hl < hr ? hl : hr;
        if (nh === Infinity) break; // cannot happen while buffers are left
        segH[s] = nh;
        this.#settle(s);
        continue;
      }
      // Place buffer i at the segment's height.
      const i = this.#byLower[k];
      this.#remove(k);
      left--;
      const o = alignUp(h, p.align[i]);
      offsets[i] = o;
      const top = o + p.occ[i];
      const bl = p.bL[i];
      const bu = p.bU[i];
      let mid = s;
      if (bl > s) {
        // The left part stays at h.
        segEnd[s] = bl;
        this.#mark(s);
        mid = bl;
        segPrev[mid] = s;
      }
      segEnd[mid] = bu;
      segH[mid] = top;
      if (bu < e) {
        segEnd[bu] = e;
        segH[bu] = h;
        segPrev[bu] = mid;
        this.#mark(bu);
        if (e < m) segPrev[e] = bu;
      } else if (e < m) segPrev[e] = mid;
      this.#settle(mid);
    }
    return heightOf(p, offsets);
  }

  /** Merges segment s with equal neighbours and queues it. */
  #settle(s: number): void {
    const segEnd = this.#segEnd;
    const segH = this.#segH;
    const segPrev = this.#segPrev;
    const segStamp = this.#segStamp;
    const m = this.#p.m;
    const ps = segPrev[s];
    if (ps >= 0 && segH[ps] === segH[s]) {
      segEnd[ps] = segEnd[s];
      segStamp[s] = 0;
      s = ps;
      if (segEnd[s] < m) segPrev[segEnd[s]] = s;
    }
    const e = segEnd[s];
    if (e < m && segH[e] === segH[s]) {
      segEnd[s] = segEnd[e];
      segStamp[e] = 0;
      if (segEnd[s] < m) segPrev[segEnd[s]] = s;
    }
    this.#mark(s);
  }

  /** Gives segment s a fresh stamp and queues it. */
  #mark(s: number): void {
    const stamp = ++this.#stamp;
    this.#segStamp[s] = stamp;
    this.#push(this.#segH[s], s, stamp);
  }

  /** The position (in #byLower) of the preferred unplaced buffer in [a, z) ending by e. */
  #query(a: number, z: number, e: number): number {
    if (a >= z) return -1;
    const key = this.#key;
    const minU = this.#minU;
    const leaves = this.#leaves;
    const stack = this.#stack;
    let best = -1;
    let bestKey = -Infinity;
    let sp = 0;
    stack[sp++] = 1;
    stack[sp++] = 0;
    stack[sp++] = leaves;
    while (sp > 0) {
      const hi = stack[--sp];
      const lo = stack[--sp];
      const node = stack[--sp];
      if (lo >= z || hi <= a || key[node] <= bestKey || minU[node] > e) continue;
      if (node >= leaves) {
        best = lo;
        bestKey = key[node];
        continue;
      }
      const mid = (lo + hi) >> 1;
      // Visit the child with the larger key first: it prunes more.
      const l = 2 * node;
      if (key[l] >= key[l + 1]) {
        stack[sp++] = l + 1;
        stack[sp++] = mid;
        stack[sp++] = hi;
        stack[sp++] = l;
        stack[sp++] = lo;
        stack[sp++] = mid;
      } else {
        stack[sp++] = l;
        stack[sp++] = lo;
        stack[sp++] = mid;
        stack[sp++] = l + 1;
        stack[sp++] = mid;
        stack[sp++] = hi;
      }
    }
    return best;
  }

  #remove(k: number): void {
    const key = this.#key;
    const minU = this.#minU;
    let node = this.#leaves + k;
    key[node] = -Infinity;
    minU[node] = 0x7fffffff;
    node >>= 1;
    while (node > 0) {
      key[node] = Math.max(key[2 * node], key[2 * node + 1]);
      minU[node] = Math.min(minU[2 * node], minU[2 * node + 1]);
      node >>= 1;
    }
  }

  #push(h: number, s: number, t: number): void {
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
    const H = this.#heapH;
    const S = this.#heapS;
    const T = this.#heapT;
    const size = --this.#heapSize;
    if (size === 0) return;
    const h = H[size];
    const s = S[size];
    const t = T[size];
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
