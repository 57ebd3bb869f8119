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
   * @param scratch Arrays to build in, grown and kept there for the next
   *   table (a search builds one per partition: fresh arrays each time
   *   added 60 MB of garbage to S_1's peak).
   */
  constructor(values: ArrayLike<number>, lo: number, hi: number, scratch: Float64Array[] = []) {
    const width = hi - lo;
    const row = (k: number, length: number): Float64Array => {
      if (scratch[k] === undefined || scratch[k].length < length) {
        scratch[k] = new Float64Array(Math.max(length, (scratch[k]?.length ?? 0) * 2));
      }
      return scratch[k];
    };
    const first = row(0, width);
    for (let i = 0; i < width; i++) first[i] = values[lo + i];
    this.#levels = [first];
    for (let span = 2; span <= width; span *= 2) {
      const below = this.#levels[this.#levels.length - 1];
      const level = row(this.#levels.length, width - span + 1);
      const half = span >> 1;
      for (let i = 0; i <= width - span; i++) {
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
