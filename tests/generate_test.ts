// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The benchmark generator (benchmarks/_generate.ts): the same options give
// the same problem, lifespans stay within what was asked, the greedy
// witness is valid and sets the capacity, and "none" skips it.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateProblem } from "../benchmarks/_generate.ts";
import { peakLoad } from "../src/problem.ts";
import { validate } from "../src/validate.ts";

describe("generateProblem", () => {
  it("gives the same problem for the same options", () => {
    for (const lifespans of ["ml", "uniform", "bounded"] as const) {
      const a = generateProblem({ seed: 5, buffers: 300, lifespans, gaps: 0.2 });
      const b = generateProblem({ seed: 5, buffers: 300, lifespans, gaps: 0.2 });
      assert.deepEqual(a, b);
      assert.notDeepEqual(a.problem, generateProblem({ seed: 6, buffers: 300, lifespans }).problem);
    }
  });

  it("keeps bounded lifespans within the bound and the horizon", () => {
    const { problem } = generateProblem({
      seed: 2,
      buffers: 2000,
      lifespans: "bounded",
      horizon: 5000,
      maxLifespan: 40,
      construction: "none",
    });
    let longest = 0;
    for (const b of problem.buffers) {
      assert.ok(b.lower >= 0 && b.upper <= 5000 && b.lower < b.upper);
      longest = Math.max(longest, b.upper - b.lower);
    }
    assert.ok(longest <= 40 && longest > 30, `longest ${longest}`);
  });

  it("draws uniform lifespans over the whole horizon", () => {
    const { problem } = generateProblem({
      seed: 3,
      buffers: 3000,
      lifespans: "uniform",
      horizon: 1000,
      construction: "none",
    });
    const mean = problem.buffers.reduce((sum, b) => sum + b.upper - b.lower, 0) / 3000;
    // Two uniform ends a horizon apart are a third of it apart on average.
    assert.ok(mean > 300 && mean < 370, `mean lifespan ${mean}`);
  });

  it("sets the capacity from a valid greedy witness, or from the peak load without one", () => {
    for (const lifespans of ["ml", "uniform", "bounded"] as const) {
      const made = generateProblem({ seed: 9, buffers: 400, lifespans, gaps: 0.3, aligned: 0.3 });
      assert.ok(made.witness !== undefined);
      assert.deepEqual(validate(made.problem, made.witness), "good");
      assert.deepEqual(made.capacity, made.witness.height);
      assert.ok(made.capacity >= made.peakLoad);
      const bare = generateProblem({ seed: 9, buffers: 400, lifespans, construction: "none" });
      assert.deepEqual(bare.witness, undefined);
      assert.deepEqual(bare.capacity, peakLoad(bare.problem));
    }
  });
});
