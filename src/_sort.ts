// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// One sort for the sweeps over time (peak load, time compression, the
// validator, the neighbourhood search's index): indices 0 .. n-1 ordered
// by a key, ties by index. Where the keys are whole numbers close enough
// together, each (key, index) pair packs into one double and a single
// typed-array sort does it (a comparator sort of 10^6 indices takes half a
// second); otherwise a comparator sort gives the same order.

import { SolveError } from "./errors.ts";

/**
 * Indices 0 .. n-1 by `keyOf(i)`, then by index; a SolveError "timeout"
 * once `performance.now()` passes `deadline` (checked between pieces of
 * work of a few tens of milliseconds at most, where the keys pack).
 */
export function sortedOrder(
  n: number,
  keyOf: (i: number) => number,
  deadline = Infinity,
): Int32Array {
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = keyOf(i);
  const order = wholeOrder(keys, deadline);
  if (order !== undefined) return order;
  const byKey = new Int32Array(n);
  for (let i = 0; i < n; i++) byKey[i] = i;
  return byKey.sort((x, y) => keys[x] - keys[y] || x - y);
}

/**
 * Indices 0 .. keys.length-1 by key, then by index, when the keys are
 * whole numbers close enough together to count or pack (see sortedOrder);
 * undefined, without sorting, for any other keys.
 */
export function wholeOrder(keys: Float64Array, deadline = Infinity): Int32Array | undefined {
  const n = keys.length;
  const order = new Int32Array(n);
  const span = compactSpan(keys, n);
  if (span !== undefined) {
    // Whole keys within a few times n of each other (times, mostly): a
    // counting sort, stable, so ties stay by index. Three passes over the
    // keys, where a sort of packed doubles took a third of a second at
    // 2 * 10^6.
    const [min, max] = span;
    const starts = new Int32Array(max - min + 2);
    for (let i = 0; i < n; i++) starts[keys[i] - min + 1]++;
    for (let v = 1; v < starts.length; v++) starts[v] += starts[v - 1];
    if (performance.now() > deadline) throw factsTimeout();
    for (let i = 0; i < n; i++) order[starts[keys[i] - min]++] = i;
    return order;
  }
  let min = Infinity;
  let max = -Infinity;
  let whole = true;
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    if (key < min) min = key;
    if (key > max) max = key;
    if (!Number.isInteger(key)) whole = false;
  }
  if (whole && n >= RADIX_MIN && max - min < 2 ** 32) {
    // Two stable counting passes over 16-bit digits: a tenth of the time
    // of a sort of packed doubles at 10^6 (areas, say).
    const rest = new Uint32Array(n);
    for (let i = 0; i < n; i++) rest[i] = keys[i] - min;
    const counts = new Int32Array(RADIX + 1);
    const low = new Int32Array(n);
    for (let i = 0; i < n; i++) counts[(rest[i] & (RADIX - 1)) + 1]++;
    for (let d = 1; d <= RADIX; d++) counts[d] += counts[d - 1];
    for (let i = 0; i < n; i++) low[counts[rest[i] & (RADIX - 1)]++] = i;
    if (performance.now() > deadline) throw factsTimeout();
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(rest[i] >>> 16) + 1]++;
    for (let d = 1; d <= RADIX; d++) counts[d] += counts[d - 1];
    for (let j = 0; j < n; j++) {
      const i = low[j];
      order[counts[rest[i] >>> 16]++] = i;
    }
    return order;
  }
  const scale = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
  if (n > 0 && whole && (max - min + 1) * scale <= Number.MAX_SAFE_INTEGER) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = (keys[i] - min) * scale + i;
    sortNumbers(packed, deadline);
    for (let k = 0; k < n; k++) order[k] = packed[k] % scale;
    return order;
  }
  return n === 0 ? order : undefined;
}

// A radix sort's digit: 16 bits, two passes for keys within 2^32.
const RADIX = 1 << 16;

// Below this many keys, sorting packed doubles is as fast as two radix passes.
const RADIX_MIN = 1 << 14;

// A counting sort's range, in keys per index: its counts take at most this
// many times the memory of the order it makes.
const COUNTING_RANGE = 4;

/**
 * [min, max] of the first `n` values (of `values`, and of `more` where
 * given) when they are all whole numbers within COUNTING_RANGE times
 * their number of each other, so that an array indexed by value - min is
 * small enough to count them in; undefined otherwise.
 */
export function compactSpan(
  values: Float64Array,
  n: number,
  more?: Float64Array,
): [number, number] | undefined {
  if (n === 0) return undefined;
  let min = Infinity;
  let max = -Infinity;
  for (const array of more === undefined ? [values] : [values, more]) {
    for (let i = 0; i < n; i++) {
      const x = array[i];
      if (!Number.isInteger(x)) return undefined;
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  return max - min < COUNTING_RANGE * (more === undefined ? n : 2 * n) ? [min, max] : undefined;
}

// Pieces sorted apart, then merged: each native sort or merge pass is one
// piece of work the clock cannot interrupt (a sort of 2 * 10^6 doubles at
// once takes a quarter of a second).
const RUN = 1 << 18;

/**
 * Sorts doubles ascending in place, as `values.sort()` does; `timedOut()`
 * (a SolveError "timeout") is thrown past `deadline`, checked between runs
 * and merge passes.
 */
export function sortNumbers(
  values: Float64Array,
  deadline = Infinity,
  timedOut: () => SolveError = factsTimeout,
): void {
  const n = values.length;
  if (n >= COUNTING_MIN && countSort(values, deadline, timedOut)) return;
  if (n <= RUN || deadline === Infinity) {
    values.sort();
    return;
  }
  for (let a = 0; a < n; a += RUN) {
    values.subarray(a, Math.min(n, a + RUN)).sort();
    if (performance.now() > deadline) throw timedOut();
  }
  let from: Float64Array = values;
  let to: Float64Array = new Float64Array(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let a = 0; a < n; a += 2 * width) {
      const mid = Math.min(n, a + width);
      const end = Math.min(n, a + 2 * width);
      let i = a;
      let j = mid;
      let k = a;
      while (i < mid && j < end) {
        const x = from[j];
        const y = from[i];
        // As the built-in sort orders them: -0 before 0, NaN last.
        const first = x < y || (x === 0 && y === 0 && 1 / x < 1 / y) || (y !== y && x === x);
        to[k++] = first ? from[j++] : from[i++];
      }
      while (i < mid) to[k++] = from[i++];
      while (j < end) to[k++] = from[j++];
    }
    [from, to] = [to, from];
    if (performance.now() > deadline) throw timedOut();
  }
  if (from !== values) values.set(from);
}

// Below this many values the built-in sort is as fast as counting.
const COUNTING_MIN = 4096;

/**
 * Sorts whole numbers within COUNTING_RANGE * n of each other by counting
 * (two passes, where the built-in sort of 10^6 doubles takes 0.15 s);
 * false, untouched, for any other values (-0 included, to keep it apart
 * from 0).
 */
function countSort(values: Float64Array, deadline: number, timedOut: () => SolveError): boolean {
  const n = values.length;
  const span = compactSpan(values, n);
  if (span === undefined) return false;
  const [min, max] = span;
  if (min <= 0 && max >= 0) {
    for (let i = 0; i < n; i++) if (Object.is(values[i], -0)) return false;
  }
  const counts = new Int32Array(max - min + 1);
  for (let i = 0; i < n; i++) counts[values[i] - min]++;
  if (performance.now() > deadline) throw timedOut();
  let k = 0;
  for (let v = 0; v < counts.length; v++) {
    for (let c = counts[v]; c > 0; c--) values[k++] = min + v;
  }
  return true;
}

/** The error for the solver's measurements cut short by its time limit. */
export function factsTimeout(): SolveError {
  return new SolveError("timeout", "The time limit was hit while measuring the problem");
}
