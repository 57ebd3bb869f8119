// Copyright the @x/minimalloc authors. Apache-2.0 license.

// peakLoad against a count at every moment, on random problems with gaps
// and windows (a buffer with windowed gaps adds four events per gap: the
// event arrays once had room for two, and lost the rest), and with times
// too far apart to pack into one double.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type Buffer, peakLoad, type Problem } from "../src/problem.ts";
import { mulberry32 } from "../src/_random.ts";
import { peakLoadBefore } from "../src/_peak_load.ts";
import { columnsOf, packBuffers } from "../src/_worker_host.ts";

/** The most bytes live at one moment, moment by moment. */
function slowPeak(problem: Problem): number {
  let peak = 0;
  const times = new Set<number>();
  for (const b of problem.buffers) {
    times.add(b.lower);
    for (const g of b.gaps ?? []) times.add(g.lower).add(g.upper);
  }
  for (const t of times) {
    let load = 0;
    for (const b of problem.buffers) {
      if (t < b.lower || t >= b.upper) continue;
      let bytes = b.size;
      for (const g of b.gaps ?? []) {
        if (g.lower <= t && t < g.upper) bytes = g.window ? g.window.upper - g.window.lower : 0;
      }
      load += bytes;
    }
    peak = Math.max(peak, load);
  }
  return peak;
}

function randomProblem(seed: number, spread: number): Problem {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const buffers: Buffer[] = [];
  for (let i = 0; i < 40; i++) {
    const lower = int(0, 30) * spread;
    const upper = lower + int(1, 12) * spread;
    const size = int(1, 16);
    const b: Buffer = { id: `b${i}`, lower, upper, size };
    // Up to three gaps, some windowed.
    const gaps: NonNullable<Buffer["gaps"]> = [];
    let t = lower + spread;
    while (gaps.length < 3 && t + spread < upper && random() < 0.6) {
      const g = { lower: t, upper: t + spread * int(1, 2) };
      if (g.upper >= upper) break;
      const windowed = random() < 0.6 && size > 1;
      const a = int(0, size - 1);
      gaps.push(windowed ? { ...g, window: { lower: a, upper: int(a + 1, size) } } : g);
      t = g.upper + spread;
    }
    if (gaps.length > 0) b.gaps = gaps;
    buffers.push(b);
  }
  return { buffers };
}

describe("peakLoad", () => {
  it("counts every moment's bytes, windows included", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const problem = randomProblem(seed, 1);
      assert.deepEqual(peakLoad(problem), slowPeak(problem), `seed ${seed}`);
    }
  });

  it("counts the same on the columns a worker receives", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const problem = randomProblem(seed, 1);
      const columns = columnsOf(packBuffers(problem.buffers));
      assert.deepEqual(peakLoadBefore(columns, Infinity), slowPeak(problem), `seed ${seed}`);
    }
  });

  it("handles times too far apart to pack", () => {
    for (let seed = 1; seed <= 20; seed++) {
      // Times near 2^50: range times events passes 2^53.
      const problem = randomProblem(seed, 2 ** 45);
      assert.deepEqual(peakLoad(problem), slowPeak(problem), `seed ${seed}`);
    }
  });
});
