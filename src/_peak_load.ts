// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// The peak load (see peakLoad() in problem.ts), with a deadline for the
// solver: at 10^6 buffers it takes over half a second.

import type { Problem } from "./problem.ts";
import type { HeuristicColumns, HeuristicGap } from "./_heuristics_core.ts";
import { compactSpan, factsTimeout, sortedOrder } from "./_sort.ts";

/**
 * The peak load; a SolveError with code "timeout" when `performance.now()`
 * passes `deadline` first (checked between its stages).
 */
export function peakLoadBefore(problem: Problem | HeuristicColumns, deadline: number): number {
  // Changes in bytes at each time, summed per time (lifespans are
  // half-open, so what ends at a time and what starts there net out);
  // typed arrays and a numeric sort, as this runs on 10^5 buffers.
  const count = stretchEnds(problem);
  const times = new Float64Array(count);
  const deltas = new Float64Array(count);
  let k = 0;
  forEachStretch(problem, deadline, (lower, upper, bytes) => {
    times[k] = lower;
    deltas[k++] = bytes;
    times[k] = upper;
    deltas[k++] = -bytes;
  });
  if (performance.now() > deadline) throw factsTimeout();
  return peakOf(times, deltas, k, deadline);
}

/** At most how many ends the live stretches of forEachStretch have. */
function stretchEnds(problem: Problem | HeuristicColumns): number {
  const n = "buffers" in problem ? problem.buffers.length : problem.size.length;
  let count = 0;
  // Each gap can end a live stretch and add its window: two ends each.
  for (let i = 0; i < n; i++) count += 2 + 4 * (gapsOf(problem, i)?.length ?? 0);
  return count;
}

function gapsOf(
  problem: Problem | HeuristicColumns,
  i: number,
): readonly HeuristicGap[] | null | undefined {
  return "buffers" in problem ? problem.buffers[i].gaps : problem.gaps?.[i];
}

/**
 * Calls `visit` for every stretch of time during which a buffer holds the
 * same bytes (none for nothing held): its whole size outside its gaps, a
 * window's bytes in a windowed gap; `even` says the stretch starts at an
 * even offset (a whole buffer aligned to an even number). The buffers as
 * objects, or as the columns a worker receives; a SolveError "timeout"
 * past `deadline`.
 */
function forEachStretch(
  problem: Problem | HeuristicColumns,
  deadline: number,
  visit: (lower: number, upper: number, bytes: number, even: boolean) => void,
): void {
  const buffers = "buffers" in problem ? problem.buffers : undefined;
  const columns = "buffers" in problem ? undefined : problem;
  const n = buffers !== undefined ? buffers.length : columns!.size.length;
  const add = (lower: number, upper: number, bytes: number, even: boolean) => {
    if (bytes !== 0 && lower < upper) visit(lower, upper, bytes, even);
  };
  for (let i = 0; i < n; i++) {
    if ((i & 65535) === 65535 && performance.now() > deadline) throw factsTimeout();
    const b = buffers !== undefined ? buffers[i] : undefined;
    const size = b !== undefined ? b.size : columns!.size[i];
    const even = ((b !== undefined ? b.alignment : columns!.alignment?.[i]) ?? 1) % 2 === 0;
    let t = b !== undefined ? b.lower : columns!.lower[i];
    for (const gap of gapsOf(problem, i) ?? []) {
      add(t, gap.lower, size, even);
      if (gap.window) add(gap.lower, gap.upper, gap.window.upper - gap.window.lower, false);
      t = gap.upper;
    }
    add(t, b !== undefined ? b.upper : columns!.upper[i], size, even);
  }
}

/**
 * The largest running sum of `deltas` over the `k` events taken in time
 * order, every event at one time applied before the sum is read. Each
 * time and its index are packed into one double and sorted once (times are
 * integers, so that is exact while range * events stays below 2^53): a
 * binary search per event instead misses the cache at nearly every step,
 * about a second at 10^6 buffers.
 */
function peakOf(times: Float64Array, deltas: Float64Array, k: number, deadline: number): number {
  const byTime = deltasByTime(times, deltas, k);
  if (byTime !== undefined) {
    let load = 0;
    let peak = 0;
    for (let t = 0; t < byTime.length; t++) {
      load += byTime[t];
      if (load > peak) peak = load;
    }
    return peak;
  }
  const order = sortedOrder(k, (i) => times[i], deadline);
  let load = 0;
  let peak = 0;
  for (let j = 0; j < k; j++) {
    // The load between two times: after every change at the earlier one.
    if (j > 0 && times[order[j]] !== times[order[j - 1]] && load > peak) peak = load;
    load += deltas[order[j]];
  }
  return load > peak ? load : peak;
}

/**
 * Where times are whole numbers within a few times k of each other (as
 * usual), the change at each time, summed in one pass: no sort at all.
 * Sums of whole numbers are exact in any order while they stay below 2^53,
 * as the solver requires; past it (peakLoad() of a problem the solver
 * would refuse) the rounding may differ from the sorted order's.
 */
function deltasByTime(
  times: Float64Array,
  deltas: Float64Array,
  k: number,
): Float64Array | undefined {
  const span = compactSpan(times, k);
  if (span === undefined) return undefined;
  const [min, max] = span;
  const byTime = new Float64Array(max - min + 1);
  for (let i = 0; i < k; i++) byTime[times[i] - min] += deltas[i];
  return byTime;
}

/**
 * The lower bound the solver starts from: the larger of the aligned load
 * (see alignedLoadBefore) and the highest top of a pinned buffer. Every
 * buffer's `offset + size` counts in the height, and a pin's is fixed; the
 * peak load alone can sit far below it (60 buffers, 30 % pinned: a peak
 * load of 365922 under a pin reaching 383680, the optimum). `peak` is the
 * peak load; a SolveError "timeout" past `deadline`.
 */
export function lowerBoundBefore(
  problem: Problem | HeuristicColumns,
  deadline: number,
  peak: number,
): number {
  return Math.max(alignedLoadBefore(problem, deadline, peak), highestPinnedTop(problem));
}

/** The highest `offset + size` of a pinned buffer (0 for none). */
function highestPinnedTop(problem: Problem | HeuristicColumns): number {
  let top = 0;
  if ("buffers" in problem) {
    for (const b of problem.buffers) {
      if (b.offset !== undefined && b.offset + b.size > top) top = b.offset + b.size;
    }
  } else if (problem.offset !== undefined) {
    const { offset, size } = problem;
    // NaN (not pinned) never compares greater.
    for (let i = 0; i < size.length; i++) if (offset[i] + size[i] > top) top = offset[i] + size[i];
  }
  return top;
}

/**
 * A lower bound on the height, at least the peak load: at each moment the
 * live bytes plus the padding their alignments force there. A buffer whose
 * alignment is even starts at an even offset, so one of odd size ends at
 * an odd one; between it and the next buffer above it whose alignment is
 * even lies a byte of padding or a piece of odd size free of that rule.
 * With O such buffers and F such pieces live at once (a window's bytes
 * count as free), at least O - 1 - F bytes are padding, whatever the
 * order. `peak` is the peak load, returned as it is without even
 * alignments; a SolveError "timeout" past `deadline`.
 */
export function alignedLoadBefore(
  problem: Problem | HeuristicColumns,
  deadline: number,
  peak: number,
): number {
  const n = "buffers" in problem ? problem.buffers.length : problem.size.length;
  let even = false;
  for (let i = 0; i < n && !even; i++) {
    const alignment = "buffers" in problem ? problem.buffers[i].alignment : problem.alignment?.[i];
    even = (alignment ?? 1) % 2 === 0;
  }
  if (!even) return peak;
  const count = stretchEnds(problem);
  // Per end: its time, and the changes in bytes, in O and in F.
  const times = new Float64Array(count);
  const bytes = new Float64Array(count);
  const odd = new Int32Array(count);
  const free = new Int32Array(count);
  let k = 0;
  forEachStretch(problem, deadline, (lower, upper, size, aligned) => {
    const o = aligned && size % 2 === 1 ? 1 : 0;
    const f = !aligned && size % 2 === 1 ? 1 : 0;
    times[k] = lower;
    bytes[k] = size;
    odd[k] = o;
    free[k++] = f;
    times[k] = upper;
    bytes[k] = -size;
    odd[k] = -o;
    free[k++] = -f;
  });
  const order = sortedOrder(k, (e) => times[e], deadline);
  let load = 0;
  let o = 0;
  let f = 0;
  let bound = peak;
  for (let j = 0; j < k; j++) {
    // The bound between two times: after every change at the earlier one.
    if (j > 0 && times[order[j]] !== times[order[j - 1]]) {
      const padded = load + Math.max(0, o - 1 - f);
      if (padded > bound) bound = padded;
    }
    const e = order[j];
    load += bytes[e];
    o += odd[e];
    f += free[e];
  }
  return bound;
}
