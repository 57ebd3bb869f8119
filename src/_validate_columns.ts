// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// The validator on columns (private). validate.ts checks each buffer's own
// rules on the objects, where it words its messages, and finds the first
// overlap here; the solver checks its own answers here alone, on the
// columns it already holds. At 10^6 buffers that takes no object, no array
// of offsets and no copy of the times: every fresh megabyte costs time.

import { sortedOrder } from "./_sort.ts";
import type { BufferSpec, Gap } from "./problem.ts";
import { EffectiveSizes } from "./_windows.ts";

/** The buffers as the validator reads them: one typed array per field. */
export interface ValidateColumns {
  /** Per buffer: when it starts. */
  lower: Float64Array;
  /** Per buffer: when it ends. */
  upper: Float64Array;
  /** Per buffer: its size. */
  size: Float64Array;
  /** Per buffer: its alignment; absent when every one is 1. */
  alignment?: Float64Array;
  /** Per buffer: its fixed offset, NaN for none; absent when none is fixed. */
  offset?: Float64Array;
  /** Per buffer: its gaps (null or undefined for none); absent when none has any. */
  gaps?: readonly (readonly Gap[] | null | undefined)[];
}

/** The columns of buffers given as objects. */
export function validateColumnsOf(buffers: readonly BufferSpec[]): ValidateColumns {
  const n = buffers.length;
  const columns: ValidateColumns = {
    lower: new Float64Array(n),
    upper: new Float64Array(n),
    size: new Float64Array(n),
  };
  let aligned = false;
  let fixed = false;
  let gapped = false;
  for (let i = 0; i < n; i++) {
    const b = buffers[i];
    columns.lower[i] = b.lower;
    columns.upper[i] = b.upper;
    columns.size[i] = b.size;
    if ((b.alignment ?? 1) !== 1) aligned = true;
    if (b.offset !== undefined) fixed = true;
    if ((b.gaps?.length ?? 0) > 0) gapped = true;
  }
  if (aligned) columns.alignment = Float64Array.from(buffers, (b) => b.alignment ?? 1);
  if (fixed) columns.offset = Float64Array.from(buffers, (b) => b.offset ?? NaN);
  if (gapped) columns.gaps = buffers.map((b) => b.gaps);
  return columns;
}

/**
 * Whether offsets place the buffers validly, the capacity aside: the rules
 * of findViolation in validate.ts (a fixed offset kept, whole offsets from
 * 0 with tops below 2^53, the height reached exactly, alignment, no
 * overlap), for numbers the solver has checked already.
 */
export function isValidColumns(
  columns: ValidateColumns,
  offsets: Float64Array,
  height: number,
): boolean {
  const { size, alignment, offset: fixed } = columns;
  if (offsets.length !== size.length) return false;
  let reached = 0;
  for (let i = 0; i < size.length; i++) {
    const o = offsets[i];
    if (fixed !== undefined && !Number.isNaN(fixed[i]) && o !== fixed[i]) return false;
    const top = o + size[i];
    if (!Number.isSafeInteger(o) || o < 0 || top > Number.MAX_SAFE_INTEGER) return false;
    if (top > height || (alignment !== undefined && o % alignment[i] !== 0)) return false;
    if (top > reached) reached = top;
  }
  return reached === height && findConflict(columns, offsets) === undefined;
}

/**
 * Two buffers conflict when neither sits wholly above the other over all
 * the moments they share. Sharing a byte at one moment implies a conflict;
 * the time sweep finds those with neighbour checks. The converse fails
 * only when windows let one buffer sit above the other at one moment and
 * below it at another, so buffers with windows are also checked pairwise.
 * Returns the first conflicting pair found. The offsets must be whole
 * numbers (findViolation checks them first).
 *
 * Pieces (a stretch of time during which a buffer occupies one byte range)
 * and events live in typed arrays, sorted once by packed keys: a million
 * buffers take well under a second, where objects and a comparator sort
 * took five. Without gaps or empty buffers, the pieces are the buffers:
 * their times are the columns' own.
 */
export function findConflict(
  columns: ValidateColumns,
  offsets: ArrayLike<number>,
): [number, number] | undefined {
  const { lower, upper, size, gaps } = columns;
  const n = size.length;
  let count = 0;
  // Whether each buffer is one piece: no gaps, some bytes, some time.
  let plain = gaps === undefined;
  for (let i = 0; i < n; i++) {
    if (size[i] !== 0) count += 1 + 2 * (gaps?.[i]?.length ?? 0);
    if (size[i] === 0 || !(lower[i] < upper[i])) plain = false;
  }
  let pBuf: Int32Array | undefined;
  let pTime: Float64Array;
  let pEnd: Float64Array;
  let pLo: Float64Array;
  let pHi: Float64Array;
  const windowed: number[] = [];
  let k = 0;
  if (plain) {
    pTime = lower;
    pEnd = upper;
    pLo = offsets instanceof Float64Array ? offsets : Float64Array.from(offsets);
    pHi = new Float64Array(n);
    for (let i = 0; i < n; i++) pHi[i] = pLo[i] + size[i];
    k = n;
  } else {
    pBuf = new Int32Array(count);
    pTime = new Float64Array(count);
    pEnd = new Float64Array(count);
    pLo = new Float64Array(count);
    pHi = new Float64Array(count);
    const piece = (i: number, time: number, end: number, lo: number, hi: number) => {
      pBuf![k] = i;
      pTime[k] = time;
      pEnd[k] = end;
      pLo[k] = lo;
      pHi[k++] = hi;
    };
    for (let i = 0; i < n; i++) {
      if (size[i] === 0) continue;
      const o = offsets[i];
      let t = lower[i];
      let hasWindow = false;
      for (const gap of gaps?.[i] ?? []) {
        if (gap.lower > t) piece(i, t, gap.lower, o, o + size[i]);
        if (gap.window) {
          hasWindow = true;
          // An empty window holds no bytes (and would break the distinct
          // lower bytes the sweep relies on); the pairwise check covers it.
          if (gap.window.upper > gap.window.lower) {
            piece(i, gap.lower, gap.upper, o + gap.window.lower, o + gap.window.upper);
          }
        }
        t = gap.upper;
      }
      if (upper[i] > t) piece(i, t, upper[i], o, o + size[i]);
      if (hasWindow) windowed.push(i);
    }
  }
  const bufferOf = (p: number): number => pBuf === undefined ? p : pBuf[p];
  // Events: e < k removes piece e (at its end), e >= k inserts piece e - k
  // (at its start); by time, removals before insertions, then by piece.
  const events = sortedOrder(2 * k, (e) => e >= k ? pTime[e - k] : pEnd[e]);
  // Active pieces, sorted by lower byte; they never overlap while valid.
  // One array of piece indices: an insertion or a removal moves a quarter
  // of the bytes that (lower, upper, buffer) triples would.
  let active = new Int32Array(64);
  let live = 0;
  // First active piece whose lower byte is >= lo; positive widths that
  // never overlap have distinct lower bytes, so this is exact.
  const find = (lo: number): number => {
    let a = 0;
    let z = live;
    while (a < z) {
      const m = (a + z) >> 1;
      if (pLo[active[m]] < lo) a = m + 1;
      else z = m;
    }
    return a;
  };
  for (let x = 0; x < events.length; x++) {
    const e = events[x];
    if (e >= k) {
      const p = e - k;
      const lo = pLo[p];
      const hi = pHi[p];
      const at = find(lo);
      if (at > 0 && pHi[active[at - 1]] > lo) return [bufferOf(active[at - 1]), bufferOf(p)];
      if (at < live && pLo[active[at]] < hi) return [bufferOf(active[at]), bufferOf(p)];
      if (live === active.length) {
        const grown = new Int32Array(2 * live);
        grown.set(active);
        active = grown;
      }
      active.copyWithin(at + 1, at, live);
      active[at] = p;
      live++;
    } else {
      const at = find(pLo[e]);
      active.copyWithin(at, at + 1, live);
      live--;
    }
  }
  if (windowed.length === 0) return undefined;
  // Each buffer's windows worked out once, not for each pair.
  const sizes = new EffectiveSizes(n, (i) => ({
    id: "",
    lower: lower[i],
    upper: upper[i],
    size: size[i],
    // Read only: EffectiveSizes never writes to it.
    gaps: (gaps?.[i] ?? undefined) as Gap[] | undefined,
  }));
  // Every pair that shares a moment, a windowed buffer in it, once or
  // twice: by the buffer that starts later, during the other's lifespan
  // (ties: by the windowed one). Ranges of buffers sorted by start, not a
  // scan from the longest lifespan back (one lifespan as long as the
  // schedule made that every buffer for each windowed one: 200,000
  // buffers, 5,442 windowed, took 5.2 s).
  const byLower = sortedOrder(n, (j) => lower[j]);
  // Times and bytes in a given order, copied out: the scans below move
  // forward through them, with no search and no lookup through a
  // permutation per pair (a cache miss each; Bun took 10 times Deno's
  // time there).
  const inOrder = (order: Int32Array) => {
    const m = order.length;
    const at = {
      lower: new Float64Array(m),
      upper: new Float64Array(m),
      bottom: new Float64Array(m),
      top: new Float64Array(m),
    };
    for (let x = 0; x < m; x++) {
      const j = order[x];
      at.lower[x] = lower[j];
      at.upper[x] = upper[j];
      at.bottom[x] = offsets[j];
      // An empty buffer takes no bytes: apart from everything.
      at.top[x] = size[j] === 0 ? -Infinity : offsets[j] + size[j];
    }
    return at;
  };
  const { lower: sLower, upper: sUpper, bottom: sBottom, top: sTop } = inOrder(byLower);
  // The windowed ones in start order too.
  const windowedByLower = Int32Array.from(windowed).sort((x, y) => lower[x] - lower[y]);
  const w = windowedByLower.length;
  const { lower: wLower, upper: wUpper, bottom: wBottom, top: wTop } = inOrder(windowedByLower);
  // A pair whose whole byte ranges are apart is skipped before this (a
  // window lies within its buffer's bytes, so an effective size is at
  // most the size).
  const pair = new Float64Array(2);
  const conflict = (i: number, j: number): boolean => {
    // Both ways in one pass; NaN (never live together) is no conflict.
    sizes.both(i, j, pair);
    if (Number.isNaN(pair[0])) return false;
    return !(offsets[i] + pair[0] <= offsets[j]) && !(offsets[j] + pair[1] <= offsets[i]);
  };
  // Buffers starting while a windowed one is live (from its own start).
  for (let y = 0, from = 0; y < w; y++) {
    while (from < n && sLower[from] < wLower[y]) from++;
    const i = windowedByLower[y];
    for (let x = from; x < n && sLower[x] < wUpper[y]; x++) {
      if (sBottom[x] >= wTop[y] || sTop[x] <= wBottom[y]) continue;
      const j = byLower[x];
      if (j !== i && conflict(i, j)) return [i, j];
    }
  }
  // Windowed buffers starting while any buffer is live (after its start).
  for (let x = 0, from = 0; x < n; x++) {
    while (from < w && wLower[from] <= sLower[x]) from++;
    for (let y = from; y < w && wLower[y] < sUpper[x]; y++) {
      if (sBottom[x] >= wTop[y] || sTop[x] <= wBottom[y]) continue;
      const i = windowedByLower[y];
      if (conflict(i, byLower[x])) return [i, byLower[x]];
    }
  }
  return undefined;
}
