// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// A buffer's windows over time, and effective sizes from them (SPEC 3):
// effectiveSize() for one pair, EffectiveSizes for every pair the sweep
// finds live at once. Each buffer's events are sorted once here, where
// sorting both buffers' events for every pair took 2.2 s of the sweep's
// 7.2 on a problem with a few gaps (20,000 buffers, 553 with gaps, 25.6
// million pairs), and made garbage for every pair.

/** What the windows are worked out from: a buffer (BufferSpec), or the heuristics' view of one. */
export interface Spans {
  lower: number;
  upper: number;
  size: number;
  gaps?: readonly { lower: number; upper: number; window?: { lower: number; upper: number } }[];
}

// Events at one time apply in this order: lifespan starts, gap ends, gap
// starts, lifespan ends.
const LIFESPAN_START = 0;
const GAP_END = 1;
const GAP_START = 2;
const LIFESPAN_END = 3;

/** Buffer windows, flat: entries `start[b] .. start[b + 1]` are buffer b's. */
interface Flat {
  /** From `time[k]` on (up to the next entry's time), the window `[lo[k], hi[k])`; none where NaN. */
  time: number[];
  lo: number[];
  hi: number[];
}

/** Appends buffer `b`'s windows to `out`: one entry per distinct event time. */
function pushWindows(out: Flat, b: Spans): void {
  const events: [number, number, number, number][] = [[b.lower, LIFESPAN_START, 0, b.size]];
  for (const gap of b.gaps ?? []) {
    events.push([gap.upper, GAP_END, 0, b.size]);
    events.push(
      gap.window
        ? [gap.lower, GAP_START, gap.window.lower, gap.window.upper]
        : [gap.lower, GAP_START, NaN, NaN],
    );
  }
  events.push([b.upper, LIFESPAN_END, NaN, NaN]);
  // Stable: events of one kind at one time keep their order.
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  for (let i = 0; i < events.length;) {
    const time = events[i][0];
    // The last event at a time decides the window from then on; at least
    // one event per step, so that a NaN time cannot stall it.
    do i++; while (i < events.length && events[i][0] === time);
    const [, , lo, hi] = events[i - 1];
    out.time.push(time);
    out.lo.push(lo);
    out.hi.push(hi);
  }
}

/**
 * The largest `hi` of p's window less `lo` of q's over the stretches
 * between consecutive event times where both have one: entries `i ..
 * iEnd` of p's windows against `j .. jEnd` of q's (the arrays may be the
 * same). Undefined where there is no such stretch.
 */
function merged(
  time: ArrayLike<number>,
  lo: ArrayLike<number>,
  hi: ArrayLike<number>,
  i: number,
  iEnd: number,
  j: number,
  jEnd: number,
): number | undefined {
  mergedBoth(time, lo, hi, i, iEnd, j, jEnd, scratch);
  return Number.isNaN(scratch[0]) ? undefined : scratch[0];
}

const scratch = new Float64Array(2);

/**
 * merged() both ways in one pass: `out[0]` for p's entries against q's,
 * `out[1]` for q's against p's (the largest `hi` of q's window less `lo`
 * of p's); NaN where there is no stretch where both have a window.
 */
function mergedBoth(
  time: ArrayLike<number>,
  lo: ArrayLike<number>,
  hi: ArrayLike<number>,
  i: number,
  iEnd: number,
  j: number,
  jEnd: number,
  out: Float64Array,
): void {
  let pLo = NaN;
  let pHi = NaN;
  let qLo = NaN;
  let qHi = NaN;
  let forward = -Infinity;
  let backward = -Infinity;
  let any = false;
  while (i < iEnd || j < jEnd) {
    // The earlier entry, or both at one time (at least one, so that a NaN
    // time cannot stall it).
    const ti = i < iEnd ? time[i] : Infinity;
    const tj = j < jEnd ? time[j] : Infinity;
    if (i < iEnd && !(tj < ti)) {
      pLo = lo[i];
      pHi = hi[i++];
    }
    if (j < jEnd && !(ti < tj)) {
      qLo = lo[j];
      qHi = hi[j++];
    }
    // The stretch from t up to the next event time, where there is one.
    if (!isNaN(pLo) && !isNaN(qLo) && (i < iEnd || j < jEnd)) {
      any = true;
      if (pHi - qLo > forward) forward = pHi - qLo;
      if (qHi - pLo > backward) backward = qHi - pLo;
    }
  }
  out[0] = any ? forward : NaN;
  out[1] = any ? backward : NaN;
}

/** Whether some of these gaps has a window. */
export function hasWindow(gaps: readonly { window?: unknown }[] | null | undefined): boolean {
  return gaps?.some((gap) => gap.window !== undefined) === true;
}

/** The effective size of one pair (see effectiveSize in problem.ts). */
export function pairEffectiveSize(p: Spans, q: Spans): number | undefined {
  if (p.upper <= q.lower || q.upper <= p.lower) return undefined;
  if (!p.gaps?.length && !q.gaps?.length) return p.size;
  const flat: Flat = { time: [], lo: [], hi: [] };
  pushWindows(flat, p);
  const split = flat.time.length;
  pushWindows(flat, q);
  return merged(flat.time, flat.lo, flat.hi, 0, split, split, flat.time.length);
}

/** The effective sizes of many pairs of one problem's buffers, each buffer's windows worked out once. */
export class EffectiveSizes {
  readonly #lower: Float64Array;
  readonly #upper: Float64Array;
  readonly #size: Float64Array;
  readonly #gapped: Uint8Array;
  readonly #start: Int32Array;
  readonly #time: Float64Array;
  readonly #lo: Float64Array;
  readonly #hi: Float64Array;

  /**
   * @param count How many buffers.
   * @param spec Buffer b (read once each, not kept: the validator makes
   * each from its columns).
   */
  constructor(count: number, spec: (b: number) => Spans) {
    this.#lower = new Float64Array(count);
    this.#upper = new Float64Array(count);
    this.#size = new Float64Array(count);
    this.#gapped = new Uint8Array(count);
    this.#start = new Int32Array(count + 1);
    const flat: Flat = { time: [], lo: [], hi: [] };
    for (let b = 0; b < count; b++) {
      const buffer = spec(b);
      this.#lower[b] = buffer.lower;
      this.#upper[b] = buffer.upper;
      this.#size[b] = buffer.size;
      if (buffer.gaps?.length) this.#gapped[b] = 1;
      pushWindows(flat, buffer);
      this.#start[b + 1] = flat.time.length;
    }
    this.#time = Float64Array.from(flat.time);
    this.#lo = Float64Array.from(flat.lo);
    this.#hi = Float64Array.from(flat.hi);
  }

  /** The effective size of buffer `q` over buffer `p` (indices), as effectiveSize gives it. */
  of(p: number, q: number): number | undefined {
    this.both(p, q, scratch);
    return Number.isNaN(scratch[0]) ? undefined : scratch[0];
  }

  /**
   * Both effective sizes of a pair at once, into `out`: `of(p, q)` as
   * `out[0]` and `of(q, p)` as `out[1]`, NaN where undefined.
   */
  both(p: number, q: number, out: Float64Array): void {
    if (this.#upper[p] <= this.#lower[q] || this.#upper[q] <= this.#lower[p]) {
      out[0] = out[1] = NaN;
    } else if (this.#gapped[p] === 0 && this.#gapped[q] === 0) {
      out[0] = this.#size[p];
      out[1] = this.#size[q];
    } else {
      const start = this.#start;
      mergedBoth(
        this.#time,
        this.#lo,
        this.#hi,
        start[p],
        start[p + 1],
        start[q],
        start[q + 1],
        out,
      );
    }
  }
}
