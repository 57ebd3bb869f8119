// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// One sort for the sweeps over time (peak load, time compression, the
// validator, the neighbourhood search's index): indices 0 .. n-1 ordered
// by a key, ties by index. Where the keys are whole numbers close enough
// together, each (key, index) pair packs into one double and a single
// typed-array sort does it (a comparator sort of 10^6 indices takes half a
// second); otherwise a comparator sort gives the same order.

/** Indices 0 .. n-1 by `keyOf(i)`, then by index. */
export function sortedOrder(n: number, keyOf: (i: number) => number): Int32Array {
  const order = new Int32Array(n);
  let min = Infinity;
  let max = -Infinity;
  let whole = true;
  for (let i = 0; i < n; i++) {
    const key = keyOf(i);
    if (key < min) min = key;
    if (key > max) max = key;
    if (!Number.isInteger(key)) whole = false;
  }
  const scale = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
  if (n > 0 && whole && (max - min + 1) * scale <= Number.MAX_SAFE_INTEGER) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = (keyOf(i) - min) * scale + i;
    packed.sort();
    for (let k = 0; k < n; k++) order[k] = packed[k] % scale;
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((x, y) => keyOf(x) - keyOf(y) || x - y);
}
