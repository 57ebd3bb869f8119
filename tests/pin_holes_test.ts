// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The holes pinned buffers leave (part of the load bound): a moment whose
// free buffers cannot be packed into them proves "infeasible" before any
// search, where the search alone re-proved it under every arrangement of
// the rest (25 million nodes unsettled on 20 buffers). Checked against the
// brute force on seeded random problems with pins.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type BufferSpec, peakLoad, type Problem } from "../src/problem.ts";
import { solve } from "../src/solve.ts";
import { SolveError } from "../src/errors.ts";
import { findViolation, validate } from "../src/validate.ts";
import { pinHolesFail, pinHolesOf } from "../src/_pin_holes.ts";
import { bruteForce } from "./_brute_force.ts";

// Found by a fuzzer: at time 2, pinned b12 (287 to 320) leaves holes of 287
// and 65 bytes under 385, and no subset of the six others (349 bytes)
// takes 62 to 65 of them.
const SIZES = [82, 23, 73, 24, 12, 41, 77, 68, 95, 61, 20, 85, 33, 5, 66, 70, 96, 83, 17, 34];
const TIMES = [
  [3, 4],
  [3, 4],
  [3, 4],
  [3, 4],
  [2, 3],
  [2, 3],
  [0, 3],
  [1, 2],
  [1, 2],
  [1, 2],
  [1, 2],
  [3, 4],
  [2, 4],
  [0, 1],
  [2, 3],
  [2, 3],
  [0, 1],
  [2, 3],
  [0, 1],
  [1, 2],
];
const PINNED: BufferSpec[] = SIZES.map((size, i) => ({
  id: `b${i}`,
  lower: TIMES[i][0],
  upper: TIMES[i][1],
  size,
  ...(i === 10 ? { offset: 0 } : i === 12 ? { offset: 287 } : {}),
}));

/** Seeded random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Whether a generated problem is one where the check has something to
 * prove: its pins fit on their own, and its peak load fits the capacity.
 */
function worthChecking(problem: Problem): boolean {
  const pinned = problem.buffers.filter((b) => b.offset !== undefined);
  const pinsFit = findViolation({ buffers: pinned, capacity: problem.capacity }, {
    offsets: pinned.map((b) => b.offset!),
    height: Math.max(0, ...pinned.map((b) => b.offset! + b.size)),
  }) === undefined;
  return pinsFit && peakLoad(problem) <= problem.capacity!;
}

describe("holes between pinned buffers", () => {
  it("prove the fuzzer's 20 buffers infeasible at 385 without a search", () => {
    const error = assert.throws(
      () => solve({ buffers: PINNED, capacity: 385 }, { timeout: 30_000 }),
      (e: unknown) => e instanceof SolveError && e.code === "infeasible",
    );
    void error;
    const holes = pinHolesOf(PINNED)!;
    assert.equal(pinHolesFail(holes, 385), true);
    assert.equal(pinHolesFail(holes, 386), false);
  });

  it("leave a fitting capacity to the search", () => {
    const problem = { buffers: PINNED, capacity: 386 };
    assert.equal(validate(problem, solve(problem)), "good");
  });

  it("are not checked with the load bound off (the reference's search)", () => {
    // Off, the search alone runs: give it a budget and see it run out.
    assert.throws(
      () => solve({ buffers: PINNED, capacity: 385 }, { loadBound: false, timeout: 300 }),
      (e: unknown) => e instanceof SolveError && e.code === "timeout",
    );
  });

  it("count a buffer in a gap by the bytes it holds there (they left out any buffer with gaps)", () => {
    // Pinned at [4, 8) throughout; b needs 5 bytes in one piece at time 0
    // (its gap, from 6, changes nothing there): the holes are 4 and 2.
    const pin: BufferSpec = { id: "p", lower: 0, upper: 10, size: 4, offset: 4 };
    const gapped: BufferSpec = {
      id: "b",
      lower: 0,
      upper: 10,
      size: 5,
      gaps: [{ lower: 6, upper: 8 }],
    };
    assert.equal(pinHolesFail(pinHolesOf([pin, gapped])!, 10), true);
    assert.equal(pinHolesFail(pinHolesOf([pin, gapped])!, 13), false);
    // In a windowed gap b holds 2 bytes, which fit the hole of 4 below the
    // pin; from 8 on it holds 5 again.
    const windowed: BufferSpec = {
      id: "b",
      lower: 6,
      upper: 10,
      size: 5,
      gaps: [{ lower: 6, upper: 8, window: { lower: 0, upper: 2 } }],
    };
    const early: BufferSpec = { ...windowed, upper: 8, gaps: undefined, size: 2 };
    assert.equal(pinHolesFail(pinHolesOf([pin, windowed])!, 10), true);
    assert.equal(pinHolesOf([pin, { ...early, id: "c" }]) !== undefined, true);
    assert.equal(pinHolesFail(pinHolesOf([pin, { ...early, id: "c" }])!, 10), false);
    // A pin in its own windowed gap holds only the window's bytes.
    const pinWindow: BufferSpec = {
      id: "p",
      lower: 0,
      upper: 10,
      size: 8,
      offset: 0,
      gaps: [{ lower: 2, upper: 4, window: { lower: 6, upper: 8 } }],
    };
    const short: BufferSpec = { id: "s", lower: 2, upper: 4, size: 6 };
    assert.equal(pinHolesFail(pinHolesOf([pinWindow, short])!, 8), false);
    assert.equal(pinHolesFail(pinHolesOf([pinWindow, { ...short, size: 7 }])!, 8), true);
  });

  it("never say infeasible where the brute force finds a solution (400 seeded problems)", () => {
    // Problems whose pins fit on their own and whose peak load fits the
    // capacity: what the check proves there, nothing else did.
    let proved = 0;
    let infeasible = 0;
    let kept = 0;
    for (let seed = 1; kept < 400; seed++) {
      const r = random(seed);
      const n = 3 + Math.floor(r() * 5);
      const buffers: BufferSpec[] = [];
      for (let i = 0; i < n; i++) {
        const lower = Math.floor(r() * 4);
        const buffer: BufferSpec = {
          id: `b${i}`,
          lower,
          upper: lower + 1 + Math.floor(r() * 3),
          size: 1 + Math.floor(r() * 6),
        };
        if (r() < 0.35) buffer.offset = Math.floor(r() * 8);
        buffers.push(buffer);
      }
      const capacity = 6 + Math.floor(r() * 8);
      const problem: Problem = { buffers, capacity };
      if (!worthChecking(problem)) continue;
      kept++;
      const holes = pinHolesOf(buffers);
      const solution = bruteForce(problem);
      if (solution === undefined) infeasible++;
      if (holes !== undefined && pinHolesFail(holes, capacity)) {
        proved++;
        assert.equal(solution, undefined, `seed ${seed}: ${JSON.stringify(problem)}`);
      }
    }
    // The check must have something to say for this to test anything.
    assert.ok(proved > 10, `${proved} proved of ${infeasible} infeasible`);
  });

  it("never say infeasible where the brute force finds a solution, with gaps and windows (400 seeded problems)", () => {
    // Up to two gaps a buffer, some touching the lifespan's ends; the
    // proofs counted are those that the buffers with gaps make (the check
    // without them proves nothing there).
    let proved = 0;
    let kept = 0;
    for (let seed = 1; kept < 400; seed++) {
      const r = random(seed + 100_000);
      const n = 3 + Math.floor(r() * 4);
      const buffers: BufferSpec[] = [];
      for (let i = 0; i < n; i++) {
        const lower = Math.floor(r() * 3);
        const upper = lower + 1 + Math.floor(r() * 5);
        const size = 1 + Math.floor(r() * 6);
        const buffer: BufferSpec = { id: `b${i}`, lower, upper, size };
        const gaps: NonNullable<BufferSpec["gaps"]> = [];
        for (let at = lower; gaps.length < 2 && at < upper && r() < 0.6;) {
          const gl = at + Math.floor(r() * 2);
          const gu = Math.min(upper, gl + 1 + Math.floor(r() * 2));
          if (gl >= gu) break;
          const wl = Math.floor(r() * size);
          const wu = wl + 1 + Math.floor(r() * (size - wl));
          gaps.push(
            r() < 0.5
              ? { lower: gl, upper: gu }
              : { lower: gl, upper: gu, window: { lower: wl, upper: wu } },
          );
          at = gu + 1;
        }
        if (gaps.length > 0) buffer.gaps = gaps;
        if (r() < 0.35) buffer.offset = Math.floor(r() * 8);
        buffers.push(buffer);
      }
      const capacity = 6 + Math.floor(r() * 8);
      const problem: Problem = { buffers, capacity };
      if (!worthChecking(problem)) continue;
      kept++;
      const holes = pinHolesOf(buffers);
      if (holes === undefined || !pinHolesFail(holes, capacity)) continue;
      assert.equal(bruteForce(problem), undefined, `seed ${seed}: ${JSON.stringify(problem)}`);
      const plain = pinHolesOf(buffers.filter((b) => !b.gaps));
      if (plain === undefined || !pinHolesFail(plain, capacity)) proved++;
    }
    assert.ok(proved >= 5, `${proved} proofs that need the buffers with gaps`);
  });

  it("stop when told, on a buffer with many gaps (a scan per moment over every gap took seconds)", () => {
    const gaps = Array.from({ length: 20_000 }, (_, k) => ({
      lower: 2 * k + 1,
      upper: 2 * k + 2,
      window: { lower: 0, upper: 1 },
    }));
    const buffers: BufferSpec[] = [
      { id: "p", lower: 0, upper: 40_001, size: 4, offset: 0, gaps },
      { id: "q", lower: 0, upper: 40_001, size: 2, gaps },
    ];
    assert.notEqual(pinHolesOf(buffers), undefined);
    assert.equal(pinHolesOf(buffers, { aborted: true }), undefined);
  });
});
