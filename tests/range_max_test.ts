// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The range maxima the search's T preorder key reads on large partitions
// (src/_range_max.ts): every range of random slices, against a plain scan.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RangeMax } from "../src/_range_max.ts";
import { mulberry32 } from "../src/_random.ts";

describe("range maxima", () => {
  it("give the largest value of every range of a slice, as a scan does, in fresh or reused arrays", () => {
    const random = mulberry32(11);
    const scratch: Float64Array[] = [];
    for (let trial = 0; trial < 40; trial++) {
      const length = 1 + Math.floor(random() * 70);
      const values = Array.from({ length }, () => Math.floor(random() * 1e9) - 5e8);
      const lo = Math.floor(random() * length);
      const hi = lo + 1 + Math.floor(random() * (length - lo));
      // Half the tables built in arrays left from the ones before.
      const maxima = trial % 2 === 0
        ? new RangeMax(values, lo, hi)
        : new RangeMax(values, lo, hi, scratch);
      for (let a = 0; a < hi - lo; a++) {
        for (let b = a + 1; b <= hi - lo; b++) {
          const expected = Math.max(...values.slice(lo + a, lo + b));
          assert.equal(maxima.max(a, b), expected, `[${a}, ${b}) of ${lo}..${hi}`);
        }
      }
    }
  });
});
