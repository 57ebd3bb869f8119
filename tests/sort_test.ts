// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The sweeps' sort (src/_sort.ts): with a deadline it sorts in runs and
// merges them, so the solver's clock can stop it between pieces; the order
// is the built-in sort's either way.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SolveError } from "../src/errors.ts";
import { sortedOrder, sortNumbers } from "../src/_sort.ts";
import { mulberry32 } from "../src/_random.ts";

// Past one run (2^18 values), so that the merge passes run.
const N = 600_001;

function randomValues(seed: number, range: number): Float64Array {
  const random = mulberry32(seed);
  return Float64Array.from({ length: N }, () => Math.floor(random() * range) - range / 2);
}

describe("sortNumbers and sortedOrder with a deadline", () => {
  it("sort as the built-in sort does, repeats included", () => {
    for (const range of [10, 1e9]) {
      const values = randomValues(1, range);
      const expected = Float64Array.from(values).sort();
      sortNumbers(values, performance.now() + 600_000);
      assert.deepEqual(values, expected);
    }
  });

  it("place -0 before 0 and NaN last, as the built-in sort does", () => {
    const values = new Float64Array(N).fill(1);
    values[0] = NaN;
    values[1] = 0;
    values[N - 2] = 2;
    values[N - 1] = -0;
    const expected = Float64Array.from(values).sort();
    sortNumbers(values, performance.now() + 600_000);
    assert.ok(Object.is(values[0], -0) && Object.is(values[1], 0));
    assert.ok(Number.isNaN(values[N - 1]));
    assert.deepEqual(values, expected);
  });

  it("keep -0 before 0 among whole numbers close together (which it would otherwise count)", () => {
    const values = randomValues(7, 10);
    values[5] = -0;
    values[N - 3] = -0;
    const expected = Float64Array.from(values).sort();
    sortNumbers(values);
    assert.deepEqual(values, expected);
    const zero = values.indexOf(0);
    assert.ok(Object.is(values[zero], -0) && Object.is(values[zero + 1], -0));
  });

  it("order indices by key, then index, as without a deadline", () => {
    // Each of the four ways: a counting sort (whole keys close together),
    // radix passes (whole keys within 2^32), packed doubles (whole keys
    // farther apart), a comparator (fractions).
    const fractions = randomValues(5, 1000).map((v) => v / 7);
    const ways = [randomValues(2, 1000), randomValues(6, 1e9), randomValues(7, 6e9), fractions];
    for (const keys of ways) {
      const plain = sortedOrder(N, (i) => keys[i]);
      const timed = sortedOrder(N, (i) => keys[i], performance.now() + 600_000);
      assert.deepEqual(timed, plain);
      for (let k = 1; k < N; k++) {
        const [a, b] = [plain[k - 1], plain[k]];
        assert.ok(keys[a] < keys[b] || (keys[a] === keys[b] && a < b));
      }
    }
  });

  it("stop with a timeout once the deadline has passed", () => {
    const isTimeout = (error: unknown) => error instanceof SolveError && error.code === "timeout";
    assert.throws(() => sortNumbers(randomValues(3, 100), performance.now() - 1), isTimeout);
    for (const range of [100, 1e9, 6e9]) {
      const keys = randomValues(4, range);
      assert.throws(() => sortedOrder(N, (i) => keys[i], performance.now() - 1), isTimeout);
    }
  });
});
