// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// The sweep (see sweep.ts for what it finds, with a worked example) on
// typed arrays: the search's model takes these arrays as they are, and
// sweep() turns them into the objects of its public result. On the 28,526
// buffers of S_1 (43 million pairs live at once) the overlap lists as
// objects took 101 s and 5 GB; as one Int32Array, 4 bytes a pair.

import type { BufferSpec, Problem, Window } from "./problem.ts";
import { EffectiveSizes } from "./_windows.ts";
import { SolveError } from "./errors.ts";

/** What the sweep found, in flat arrays (lists as start offsets and entries). */
export interface SweepArrays {
  /** Section s holds `secBuf[secStart[s] .. secStart[s + 1]]`, ascending. */
  secStart: Int32Array;
  secBuf: Int32Array;
  /** The independent groups of buffers, in time order. */
  partitions: { buffers: number[]; sectionRange: { lower: number; upper: number } }[];
  /**
   * Buffer b's spans are `spStart[b] .. spStart[b + 1]`: sections
   * `[spLo, spHi)` with the window `[spWinLo, spWinHi)`.
   */
  spStart: Int32Array;
  spLo: Int32Array;
  spHi: Int32Array;
  spWinLo: Float64Array;
  spWinHi: Float64Array;
  /**
   * Buffer b's overlaps are `ovStart[b] .. ovStart[b + 1]`: the other
   * buffer and the effective size (in 32-bit integers where every size
   * and window fits them: half the memory); `ovEs` is undefined where no buffer
   * has gaps, every effective size then being b's size. In no order: the
   * search's use of them does not depend on it, and sorting took a sixth
   * of the sweep on S_1, and 1.4 of 5.0 s on 20,000 buffers with gaps.
   */
  ovStart: Int32Array;
  ovBuf: Int32Array;
  ovEs: Float64Array | Int32Array | undefined;
  /** `cuts[s]`: how many buffers cover both section `s` and `s + 1`. */
  cuts: Int32Array;
}

// Steps (points, pairs or section entries) between two looks at the signal.
const CHECK_EVERY = 1 << 13;

/**
 * Counts work done, and throws a SolveError "cancelled" once the signal
 * has aborted (looked at every CHECK_EVERY steps).
 */
export function ticker(signal?: { readonly aborted: boolean }): (work: number) => void {
  let steps = 0;
  return (work: number): void => {
    steps += work;
    if (steps >= CHECK_EVERY) {
      steps = 0;
      if (signal?.aborted) throw new SolveError("cancelled", "The sweep was cancelled");
    }
  };
}

const RIGHT = 0;
const LEFT = 1;

interface Point {
  time: number;
  kind: number;
  buffer: number;
  window: Window;
  endpoint: boolean;
}

/**
 * Sweeps a problem (SPEC 4.1); buffers of size 0 take no part. A
 * SolveError "cancelled" once the signal aborts.
 */
export function sweepArrays(problem: Problem, signal?: { readonly aborted: boolean }): SweepArrays {
  const tick = ticker(signal);
  const buffers = problem.buffers;
  const n = buffers.length;
  const points: Point[] = [];
  tick(CHECK_EVERY);
  let gapped = false;
  for (let b = 0; b < n; b++) {
    tick(4);
    if (buffers[b].size === 0) continue;
    pushPoints(points, buffers[b], b);
    if (buffers[b].gaps !== undefined && buffers[b].gaps!.length > 0) gapped = true;
  }
  // The sort alone takes a while on 10^5 buffers: the comparator looks at
  // the signal too (throwing out of a sort is allowed).
  points.sort((p, q) => {
    tick(1);
    return p.time - q.time || p.kind - q.kind || p.buffer - q.buffer;
  });

  const actives = new Int32Array(n);
  const activeAt = new Int32Array(n).fill(-1);
  let activeCount = 0;
  let aliveCount = 0;
  const isAlive = new Uint8Array(n);
  // Sections: how many, and their entries, counted first (arrays grown
  // as they fill took a third of the sweep on S_1), then filled.
  let sectionCount = 0;
  let secUsed = 0;
  {
    let last: number | undefined = undefined;
    for (const point of points) {
      last ??= point.time;
      if (point.kind === RIGHT) {
        if (last < point.time) {
          last = point.time;
          sectionCount++;
          secUsed += activeCount;
        }
        activeCount = remove(actives, activeAt, activeCount, point.buffer);
      } else {
        activeCount = add(actives, activeAt, activeCount, point.buffer);
      }
    }
  }
  const secStart = new Int32Array(sectionCount + 1);
  const secBuf = new Int32Array(secUsed);
  sectionCount = 0;
  secUsed = 0;
  activeCount = 0;
  activeAt.fill(-1);
  const spCount = new Int32Array(n + 1);
  for (const point of points) if (point.kind === RIGHT) spCount[point.buffer + 1]++;
  const spStart = new Int32Array(n + 1);
  for (let b = 0; b < n; b++) spStart[b + 1] = spStart[b] + spCount[b + 1];
  const spFill = spStart.slice(0, n);
  const spans = spStart[n];
  const spLo = new Int32Array(spans);
  const spHi = new Int32Array(spans);
  const spWinLo = new Float64Array(spans);
  const spWinHi = new Float64Array(spans);
  const partitions: SweepArrays["partitions"] = [];
  const sectionStart = new Int32Array(n);
  // Which buffers are alive at each buffer's first point (its overlaps
  // are those, and the ones that start while it is alive): the point
  // index of each endpoint, for the overlap pass below.
  const firstPoint = new Int32Array(n).fill(-1);
  const lastPoint = new Int32Array(n).fill(-1);
  let lastSectionTime: number | undefined = undefined;
  let lastSectionIndex = 0;
  for (let x = 0; x < points.length; x++) {
    const point = points[x];
    tick(1);
    const b = point.buffer;
    if (lastSectionTime === undefined) lastSectionTime = point.time;
    if (point.kind === RIGHT) {
      if (lastSectionTime < point.time) {
        lastSectionTime = point.time;
        tick(activeCount);
        secBuf.set(actives.subarray(0, activeCount), secUsed);
        secBuf.subarray(secUsed, secUsed + activeCount).sort();
        secUsed += activeCount;
        secStart[++sectionCount] = secUsed;
      }
      activeCount = remove(actives, activeAt, activeCount, b);
      if (point.endpoint) {
        // (Alive unless a gap outside its lifespan put this point before
        // its first: a problem the solver refuses, which sweep() takes.)
        if (isAlive[b] === 1) aliveCount--;
        isAlive[b] = 0;
        lastPoint[b] = x;
      }
      const k = spFill[b]++;
      spLo[k] = sectionStart[b];
      spHi[k] = sectionCount;
      spWinLo[k] = point.window.lower;
      spWinHi[k] = point.window.upper;
      if (aliveCount === 0) {
        partitions[partitions.length - 1].sectionRange = {
          lower: lastSectionIndex,
          upper: sectionCount,
        };
        lastSectionIndex = sectionCount;
      }
    } else {
      if (aliveCount === 0) {
        partitions.push({ buffers: [], sectionRange: { lower: 0, upper: 0 } });
      }
      if (point.endpoint) {
        partitions[partitions.length - 1].buffers.push(b);
        firstPoint[b] = x;
        if (isAlive[b] === 0) aliveCount++;
        isAlive[b] = 1;
      }
      activeCount = add(actives, activeAt, activeCount, b);
      sectionStart[b] = sectionCount;
    }
  }
  const overlaps = overlapLists(buffers, points, firstPoint, lastPoint, gapped, tick);
  // Cuts, from each buffer's first and last section (a difference array).
  const cuts = new Int32Array(Math.max(sectionCount - 1, 0));
  for (let b = 0; b < n; b++) {
    if (spStart[b] === spStart[b + 1]) continue;
    const first = spLo[spStart[b]];
    const last = spHi[spStart[b + 1] - 1];
    if (first + 1 < last) {
      cuts[first]++;
      if (last - 1 < cuts.length) cuts[last - 1]--;
    }
  }
  for (let s = 1; s < cuts.length; s++) cuts[s] += cuts[s - 1];
  return {
    secStart,
    secBuf,
    partitions,
    spStart,
    spLo,
    spHi,
    spWinLo,
    spWinHi,
    ...overlaps,
    cuts,
  };
}

// Sets of buffers as a list, each one's place in it (-1: absent) and a
// count: both return the new count, and do nothing where there is nothing
// to do.

function add(list: Int32Array, at: Int32Array, count: number, b: number): number {
  if (at[b] >= 0) return count;
  at[b] = count;
  list[count] = b;
  return count + 1;
}

function remove(list: Int32Array, at: Int32Array, count: number, b: number): number {
  const k = at[b];
  if (k < 0) return count;
  const last = list[count - 1];
  list[k] = last;
  at[last] = k;
  at[b] = -1;
  return count - 1;
}

/**
 * The overlap lists. Buffer b meets the buffers alive at its first point,
 * and those whose first point comes while b is alive: the ones arriving
 * after b and before its last point, a run of the buffers in arrival
 * order. So each list is two copies of runs, with no scattered write per
 * pair (those took most of the time on S_1); with gaps, the pairs whose
 * effective size says they never meet dropped.
 */
function overlapLists(
  buffers: readonly BufferSpec[],
  points: readonly Point[],
  firstPoint: Int32Array,
  lastPoint: Int32Array,
  gapped: boolean,
  tick: (work: number) => void,
): { ovStart: Int32Array; ovBuf: Int32Array; ovEs: Float64Array | Int32Array | undefined } {
  const n = buffers.length;
  // Arrival order, each buffer's rank in it, and how many had arrived by
  // each buffer's last point.
  const arrivals = new Int32Array(n);
  const rank = new Int32Array(n).fill(-1);
  const arrivedBy = new Int32Array(n);
  // The buffers alive at each arrival, copied out as they are then.
  const alive = new Int32Array(n);
  const aliveAt = new Int32Array(n).fill(-1);
  let count = 0;
  let arrived = 0;
  // First, the lengths: alive at arrival, plus arrivals during the life.
  const before = new Int32Array(n);
  for (let x = 0; x < points.length; x++) {
    const b = points[x].buffer;
    if (lastPoint[b] === x) {
      // (Not yet arrived, where a gap put its last point first: see above.)
      if (aliveAt[b] >= 0) arrivedBy[b] = arrived;
      count = remove(alive, aliveAt, count, b);
    } else if (firstPoint[b] === x) {
      before[b] = count;
      rank[b] = arrived;
      arrivals[arrived++] = b;
      count = add(alive, aliveAt, count, b);
    }
  }
  // Any left alive arrived before every later arrival's first point.
  for (let k = 0; k < count; k++) arrivedBy[alive[k]] = arrived;
  const ovStart = new Int32Array(n + 1);
  for (let b = 0; b < n; b++) {
    const during = rank[b] < 0 ? 0 : arrivedBy[b] - rank[b] - 1;
    ovStart[b + 1] = ovStart[b] + before[b] + during;
  }
  const ovBuf = new Int32Array(ovStart[n]);
  // Then the copies: the alive run at each arrival (replayed), and the
  // arrivals during each life.
  count = 0;
  aliveAt.fill(-1);
  for (let x = 0; x < points.length; x++) {
    const b = points[x].buffer;
    if (lastPoint[b] === x) {
      count = remove(alive, aliveAt, count, b);
    } else if (firstPoint[b] === x) {
      tick(count);
      ovBuf.set(alive.subarray(0, count), ovStart[b]);
      count = add(alive, aliveAt, count, b);
    }
  }
  for (let b = 0; b < n; b++) {
    if (rank[b] < 0) continue;
    tick(arrivedBy[b] - rank[b]);
    ovBuf.set(arrivals.subarray(rank[b] + 1, arrivedBy[b]), ovStart[b] + before[b]);
  }
  if (!gapped) return { ovStart, ovBuf, ovEs: undefined };
  // With gaps: each pair's effective size, where they do meet.
  // An effective size is a window's (or a size's) upper bound less
  // another's lower bound: where all of them are below 2^30, it fits in
  // 32 bits (4 bytes a pair instead of 8: 0.4 GB less at 50 million).
  const narrow = buffers.every((b) =>
    fitsInt32(b.size) &&
    (b.gaps ?? []).every((g) =>
      g.window === undefined || (fitsInt32(g.window.lower) && fitsInt32(g.window.upper))
    )
  );
  const ovEs = narrow ? new Int32Array(ovBuf.length) : new Float64Array(ovBuf.length);
  const sizes = new EffectiveSizes(n, (b) => buffers[b]);
  let to = 0;
  for (let b = 0; b < n; b++) {
    const from = ovStart[b];
    const end = ovStart[b + 1];
    ovStart[b] = to;
    tick(end - from);
    for (let i = from; i < end; i++) {
      const q = ovBuf[i];
      const es = sizes.of(b, q);
      if (es === undefined) continue;
      ovBuf[to] = q;
      ovEs[to++] = es;
    }
  }
  ovStart[n] = to;
  // Views, not copies: a copy would touch as much fresh memory again.
  return { ovStart, ovBuf: ovBuf.subarray(0, to), ovEs: ovEs.subarray(0, to) };
}

/** Appends a buffer's points in the reference's order (SPEC 4.1). */
function pushPoints(points: Point[], buffer: BufferSpec, b: number): void {
  const full: Window = { lower: 0, upper: buffer.size };
  const gaps = buffer.gaps ?? [];
  const own: Point[] = [];
  const leftTimes = new Set<number>();
  const rightTimes = new Set<number>();
  const point = (time: number, kind: number, window: Window): Point => ({
    time,
    kind,
    buffer: b,
    window,
    endpoint: false,
  });
  for (const gap of gaps) {
    if (!gap.window) continue;
    own.push(point(gap.lower, LEFT, gap.window));
    own.push(point(gap.upper, RIGHT, gap.window));
    leftTimes.add(gap.lower);
    rightTimes.add(gap.upper);
  }
  if (own.length === 0 || own[0].time !== buffer.lower) {
    own.unshift(point(buffer.lower, LEFT, full));
  }
  if (own[own.length - 1].time !== buffer.upper) {
    own.push(point(buffer.upper, RIGHT, full));
  }
  own[0].endpoint = true;
  own[own.length - 1].endpoint = true;
  rightTimes.add(buffer.lower);
  leftTimes.add(buffer.upper);
  for (const gap of gaps) {
    if (gap.window) continue;
    if (!rightTimes.has(gap.lower)) {
      own.push(point(gap.lower, RIGHT, full));
      rightTimes.add(gap.lower);
    }
    if (!leftTimes.has(gap.upper)) {
      own.push(point(gap.upper, LEFT, full));
      leftTimes.add(gap.upper);
    }
    leftTimes.add(gap.lower);
    rightTimes.add(gap.upper);
  }
  for (const gap of gaps) {
    if (!rightTimes.has(gap.lower)) own.push(point(gap.lower, RIGHT, full));
    if (!leftTimes.has(gap.upper)) own.push(point(gap.upper, LEFT, full));
  }
  for (const p of own) points.push(p);
}

/** Whether a whole number is below 2^30 in magnitude: a difference of two fits in 32 bits. */
function fitsInt32(value: number): boolean {
  return Number.isInteger(value) && Math.abs(value) < 2 ** 30;
}
