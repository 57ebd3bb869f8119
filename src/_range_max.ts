// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * Range maxima over a slice of numbers in O(1) a query (a sparse table:
 * the maxima of every run of 2^k values, O(n log n) to build).
 */
export class RangeMax {
  // levels[k][i]: the largest of values[lo + i .. lo + i + 2^k).
  readonly #levels: Float64Array[];

  /**
   * @param values The numbers.
   * @param lo The slice's first index.
   * @param hi One past its last.
   */
  constructor(values: ArrayLike<number>, lo: number, hi: number) {
    const width = hi - lo;
    const first = new Float64Array(width);
    for (let i = 0; i < width; i++) first[i] = values[lo + i];
    this.#levels = [first];
    for (let span = 2; span <= width; span *= 2) {
      const below = this.#levels[this.#levels.length - 1];
      const level = new Float64Array(width - span + 1);
      const half = span >> 1;
      for (let i = 0; i < level.length; i++) {
        level[i] = below[i] > below[i + half] ? below[i] : below[i + half];
      }
      this.#levels.push(level);
    }
  }

  /**
   * The largest value at slice positions `[a, b)`, `a < b`.
   *
   * @param a The first position (0 is the slice's first index).
   * @param b One past the last.
   */
  max(a: number, b: number): number {
    const k = 31 - Math.clz32(b - a);
    const row = this.#levels[k];
    const x = row[a];
    const y = row[b - (1 << k)];
    return x > y ? x : y;
  }
}
