// Copyright the @x/minimalloc authors. Apache-2.0 license.

// validate (SPEC 8): each result in the SPEC's order of precedence, overlaps
// with gaps and windows, and a randomized cross-check against a brute-force
// O(n²) reading of SPEC 8 built on effectiveSize.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type Buffer, effectiveSize, type Problem, type Solution } from "../src/problem.ts";
import { validate, type ValidationResult } from "../src/validate.ts";
import { mulberry32 } from "../src/_random.ts";
import { isValidColumns, validateColumnsOf } from "../src/_validate_columns.ts";

function check(problem: Problem, offsets: number[], height: number): ValidationResult {
  return validate(problem, { offsets, height });
}

/** SPEC 8 read literally, pair by pair. */
function bruteValidate(problem: Problem, solution: Solution): ValidationResult {
  const { buffers, capacity } = problem;
  const { offsets, height } = solution;
  if (offsets.length !== buffers.length) return "bad solution";
  let max = 0;
  for (let i = 0; i < buffers.length; i++) {
    const b = buffers[i];
    const o = offsets[i];
    if (b.offset !== undefined && b.offset !== o) return "bad fixed";
    if (o < 0 || o + b.size > (capacity ?? Infinity)) return "bad offset";
    if (o + b.size > height) return "bad height";
    if (o % (b.alignment ?? 1) !== 0) return "bad alignment";
    max = Math.max(max, o + b.size);
  }
  if (max !== height) return "bad height";
  for (let i = 0; i < buffers.length; i++) {
    for (let j = i + 1; j < buffers.length; j++) {
      if (conflict(buffers[i], offsets[i], buffers[j], offsets[j])) return "bad overlap";
    }
  }
  return "good";
}

function conflict(p: Buffer, po: number, q: Buffer, qo: number): boolean {
  // A buffer of size 0 takes no bytes (SPEC 5.3, ours), so it meets no one.
  if (p.size === 0 || q.size === 0) return false;
  const pq = effectiveSize(p, q);
  const qp = effectiveSize(q, p);
  if (pq === undefined || qp === undefined) return false;
  return !(po + pq <= qo) && !(qo + qp <= po);
}

describe("validate: each result, in order of precedence", () => {
  // a and b meet during [1,2); c meets nobody. Valid: a at 0, b at 4, c at 0.
  const base = (): Buffer[] => [
    { id: "a", lower: 0, upper: 2, size: 4 },
    { id: "b", lower: 1, upper: 3, size: 4, alignment: 2 },
    { id: "c", lower: 5, upper: 6, size: 6 },
  ];
  const capacity = 8;

  it("is good for a valid solution", () => {
    assert.equal(check({ buffers: base(), capacity }, [0, 4, 0], 8), "good");
    assert.equal(check({ buffers: base(), capacity }, [4, 0, 2], 8), "good");
  });

  it("is good for no buffers at height 0 only", () => {
    assert.equal(check({ buffers: [], capacity: 0 }, [], 0), "good");
    assert.equal(check({ buffers: [], capacity: 5 }, [], 1), "bad height");
  });

  it("says bad solution for the wrong number of offsets, before anything else", () => {
    const problem = { buffers: base(), capacity };
    assert.equal(check(problem, [0, 4], 8), "bad solution");
    assert.equal(check(problem, [0, 4, 0, 0], 8), "bad solution");
    // Even when the offsets given are all wrong too.
    assert.equal(check(problem, [-1, 3], 99), "bad solution");
  });

  it("says bad fixed for a moved fixed offset, before bad offset", () => {
    const buffers = base();
    buffers[1].offset = 4;
    const problem = { buffers, capacity };
    assert.equal(check(problem, [0, 4, 0], 8), "good");
    assert.equal(check(problem, [4, 0, 2], 8), "bad fixed");
    // b at -2 is also a bad offset, but the fixed offset is checked first.
    assert.equal(check(problem, [0, -2, 0], 8), "bad fixed");
  });

  it("says bad offset below 0 or above the capacity, before bad height and alignment", () => {
    const problem = { buffers: base(), capacity };
    assert.equal(check(problem, [-1, 4, 0], 8), "bad offset");
    // b at 5 reaches 9 > 8: above the capacity, above the height and odd.
    assert.equal(check(problem, [0, 5, 0], 9), "bad offset");
    assert.equal(check(problem, [0, 5, 0], 8), "bad offset");
    // Exactly reaching the capacity is fine.
    assert.equal(check(problem, [0, 4, 2], 8), "good");
  });

  it("says bad height when a buffer reaches above it, before bad alignment", () => {
    // b at 3 (odd, alignment 2) reaches 7 > height 6.
    assert.equal(check({ buffers: base(), capacity }, [0, 3, 0], 6), "bad height");
  });

  it("says bad alignment, before the height total and overlaps", () => {
    const problem = { buffers: base(), capacity };
    assert.equal(check(problem, [0, 3, 0], 7), "bad alignment");
    // Height 8 is not the maximum 7, and a and b overlap: alignment first.
    assert.equal(check(problem, [0, 3, 0], 8), "bad alignment");
  });

  it("checks buffer by buffer: the first buffer's problem wins", () => {
    const buffers = base();
    buffers[1].offset = 4;
    buffers[0].alignment = 3;
    const problem = { buffers, capacity };
    // a is misaligned (1) and b's fixed offset is moved: a comes first.
    assert.equal(check(problem, [1, 2, 0], 8), "bad alignment");
    // a reaches above the height, b is a bad offset: a comes first.
    assert.equal(check(problem, [3, -2, 0], 6), "bad height");
  });

  it("says bad height when the height is not exactly the maximum, before overlaps", () => {
    const problem = { buffers: base(), capacity };
    // The maximum is 8: 9 is too high (it is not compared with the capacity).
    assert.equal(check(problem, [0, 4, 0], 9), "bad height");
    // The maximum is 6 (a 4, b 6, c 6): 8 is too high, even though a and b
    // overlap.
    assert.equal(check(problem, [0, 2, 0], 8), "bad height");
    assert.equal(check(problem, [0, 2, 0], 6), "bad overlap");
  });

  it("says bad overlap for two buffers sharing bytes while both live", () => {
    const problem = { buffers: base(), capacity };
    assert.equal(check(problem, [2, 0, 0], 6), "bad overlap");
    assert.equal(check(problem, [0, 0, 0], 6), "bad overlap");
    // a at 3 and b at 0: a covers [3,7), b [0,4): one shared byte.
    assert.equal(check({ buffers: base(), capacity: 10 }, [3, 0, 0], 7), "bad overlap");
  });
});

describe("validate: overlaps in time", () => {
  it("finds an overlap between lifespans that are not whole numbers (validate checks no types)", () => {
    const problem: Problem = {
      buffers: [
        { id: "a", lower: 0.5, upper: 1.5, size: 4 },
        { id: "b", lower: 1, upper: 2, size: 4 },
      ],
    };
    assert.equal(validate(problem, { offsets: [0, 0], height: 4 }), "bad overlap");
    assert.equal(validate(problem, { offsets: [0, 4], height: 8 }), "good");
  });

  it("accepts touching lifespans at the same offset", () => {
    const problem = {
      capacity: 4,
      buffers: [
        { id: "a", lower: 0, upper: 2, size: 4 },
        { id: "b", lower: 2, upper: 4, size: 4 },
        { id: "c", lower: 4, upper: 5, size: 4 },
      ],
    };
    assert.equal(check(problem, [0, 0, 0], 4), "good");
  });

  it("accepts a buffer inside another's windowless gap at the same bytes", () => {
    const problem = {
      capacity: 4,
      buffers: [
        { id: "p", lower: 0, upper: 10, size: 4, gaps: [{ lower: 3, upper: 6 }] },
        { id: "q", lower: 3, upper: 6, size: 4 },
      ],
    };
    assert.equal(check(problem, [0, 0], 4), "good");
    // One tick longer and q meets p at time 6.
    problem.buffers[1].upper = 7;
    assert.equal(check(problem, [0, 0], 4), "bad overlap");
  });

  it("accepts a buffer on top of an empty window, in either order", () => {
    // During [14,17) b8 holds no bytes; b19 starts at b8's top byte.
    const b8 = {
      id: "b8",
      lower: 11,
      upper: 18,
      size: 9,
      gaps: [{ lower: 14, upper: 17, window: { lower: 9, upper: 9 } }],
    };
    const b19 = { id: "b19", lower: 14, upper: 19, size: 10 };
    assert.equal(check({ capacity: 47, buffers: [b8, b19] }, [28, 37], 47), "good");
    assert.equal(check({ capacity: 47, buffers: [b19, b8] }, [37, 28], 47), "good");
    assert.equal(check({ capacity: 47, buffers: [b8, b19] }, [29, 37], 47), "bad overlap");
  });

  it("rejects a buffer inside a windowed gap overlapping the window", () => {
    // During [3,6) p holds bytes [1,3) of its 4; q lives [4,5), size 2.
    const problem = {
      capacity: 8,
      buffers: [
        {
          id: "p",
          lower: 0,
          upper: 10,
          size: 4,
          gaps: [{ lower: 3, upper: 6, window: { lower: 1, upper: 3 } }],
        },
        { id: "q", lower: 4, upper: 5, size: 2 },
      ],
    };
    // q at 3 or above clears the window top (p.offset + 3).
    assert.equal(check(problem, [0, 3], 5), "good");
    // p at 1 holds [2,4) in the gap; q at 0 holds [0,2), including p's
    // byte 0, which p does not hold then.
    assert.equal(check(problem, [1, 0], 5), "good");
    // q at 2 shares byte 2 with the window; q at 1 (p at 0) shares byte 1.
    assert.equal(check(problem, [0, 2], 4), "bad overlap");
    assert.equal(check(problem, [0, 1], 4), "bad overlap");
  });

  it("rejects buffers that swap sides, even without sharing a byte", () => {
    // p (size 4) holds [0,1) during [0,5) and [3,4) during [5,10); q (size 2)
    // at offset 1 holds [1,3) throughout. No byte is ever shared, but q is
    // above p first and below it later: effectiveSize(p, q) = 4 − 0 = 4 and
    // effectiveSize(q, p) = max(2 − 0, 2 − 3) = 2, and neither 0 + 4 <= 1
    // nor 1 + 2 <= 0 holds (SPEC 8).
    const problem = {
      capacity: 4,
      buffers: [
        {
          id: "p",
          lower: 0,
          upper: 10,
          size: 4,
          gaps: [
            { lower: 0, upper: 5, window: { lower: 0, upper: 1 } },
            { lower: 5, upper: 10, window: { lower: 3, upper: 4 } },
          ],
        },
        { id: "q", lower: 0, upper: 10, size: 2 },
      ],
    };
    assert.equal(check(problem, [0, 1], 4), "bad overlap");
    // Stacked plainly, it is fine.
    assert.equal(check({ ...problem, capacity: 6 }, [0, 4], 6), "good");
  });

  it("accepts a negative effective size being used", () => {
    // p holds [3,4) throughout; q holds [0,1) throughout; both live [0,4).
    // effectiveSize(q, p) = 1 − 3 = −2: p may start 2 below q.
    const problem = {
      capacity: 4,
      buffers: [
        {
          id: "p",
          lower: 0,
          upper: 4,
          size: 4,
          gaps: [{ lower: 0, upper: 4, window: { lower: 3, upper: 4 } }],
        },
        {
          id: "q",
          lower: 0,
          upper: 4,
          size: 2,
          gaps: [{ lower: 0, upper: 4, window: { lower: 0, upper: 1 } }],
        },
      ],
    };
    assert.equal(check(problem, [0, 2], 4), "good");
    // p 3 below q: p's byte 3 is q's byte 0.
    assert.equal(check({ ...problem, capacity: 5 }, [0, 3], 5), "bad overlap");
  });

  it("lets zero-size buffers sit anywhere up to the capacity", () => {
    const problem = {
      capacity: 4,
      buffers: [
        { id: "a", lower: 0, upper: 4, size: 4 },
        { id: "z", lower: 1, upper: 3, size: 0 },
        { id: "y", lower: 0, upper: 4, size: 0 },
      ],
    };
    assert.equal(check(problem, [0, 0, 0], 4), "good");
    assert.equal(check(problem, [0, 2, 0], 4), "good");
    assert.equal(check(problem, [0, 4, 4], 4), "good");
    assert.equal(check(problem, [0, 5, 0], 5), "bad offset");
    assert.equal(check(problem, [0, -1, 0], 4), "bad offset");
    // A zero-size buffer's offset counts towards the height.
    assert.equal(check({ ...problem, capacity: 6 }, [0, 6, 0], 4), "bad height");
    assert.equal(check({ ...problem, capacity: 6 }, [0, 6, 0], 6), "good");
  });
});

/** Whether two buffers hold the same byte at the same moment (tick by tick). */
function sharesByte(buffers: Buffer[], offsets: number[]): boolean {
  const held = (b: Buffer, o: number, t: number): [number, number] | undefined => {
    if (t < b.lower || t >= b.upper) return undefined;
    const gap = (b.gaps ?? []).find((g) => g.lower <= t && t < g.upper);
    if (!gap) return [o, o + b.size];
    return gap.window ? [o + gap.window.lower, o + gap.window.upper] : undefined;
  };
  for (let t = 0; t < 40; t++) {
    for (let i = 0; i < buffers.length; i++) {
      for (let j = i + 1; j < buffers.length; j++) {
        const x = held(buffers[i], offsets[i], t);
        const y = held(buffers[j], offsets[j], t);
        if (x && y && x[0] < y[1] && y[0] < x[1]) return true;
      }
    }
  }
  return false;
}

describe("validate agrees with a brute-force SPEC 8", () => {
  function randomBuffers(random: () => number, int: (lo: number, hi: number) => number): Buffer[] {
    const buffers: Buffer[] = [];
    const n = int(1, 7);
    for (let i = 0; i < n; i++) {
      const lower = int(0, 10);
      const upper = lower + int(1, 8);
      const size = random() < 0.1 ? 0 : int(1, 6);
      const gaps = [];
      let t = lower;
      while (t < upper && random() < 0.45) {
        const gl = int(t, upper - 1);
        const gu = int(gl + 1, upper);
        if (size > 0 && random() < 0.6) {
          const wl = int(0, size - 1);
          gaps.push({ lower: gl, upper: gu, window: { lower: wl, upper: int(wl + 1, size) } });
        } else {
          gaps.push({ lower: gl, upper: gu });
        }
        t = gu;
      }
      const buffer: Buffer = { id: `b${i}`, lower, upper, size, gaps };
      if (random() < 0.3) buffer.alignment = int(1, 3);
      buffers.push(buffer);
    }
    return buffers;
  }

  /** First fit with the brute-force conflict test: a valid placement. */
  function firstFit(buffers: Buffer[]): number[] {
    const offsets: number[] = [];
    for (let i = 0; i < buffers.length; i++) {
      const align = buffers[i].alignment ?? 1;
      let o = 0;
      while (buffers.slice(0, i).some((b, j) => conflict(b, offsets[j], buffers[i], o))) {
        o += align;
      }
      offsets.push(o);
    }
    return offsets;
  }

  it("on 600 random problems with gaps, windows, alignments and fixed offsets", () => {
    const random = mulberry32(20230325);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const seen = new Map<ValidationResult, number>();
    for (let round = 0; round < 600; round++) {
      const buffers = randomBuffers(random, int);
      let offsets = firstFit(buffers);
      const mode = int(0, 3);
      if (mode === 1) {
        // Nudge one buffer: often an overlap or a misalignment.
        const i = int(0, buffers.length - 1);
        offsets[i] = Math.max(0, offsets[i] + int(-3, 3));
      } else if (mode === 2) {
        offsets = offsets.map(() => int(0, 8));
      } else if (mode === 3) {
        // Swap two offsets.
        const i = int(0, buffers.length - 1);
        const j = int(0, buffers.length - 1);
        [offsets[i], offsets[j]] = [offsets[j], offsets[i]];
      }
      let height = Math.max(0, ...offsets.map((o, i) => o + buffers[i].size));
      let capacity = height + int(0, 2);
      const r = random();
      if (r < 0.05) height += int(-1, 1);
      else if (r < 0.1) capacity = Math.max(0, height - 1);
      else if (r < 0.15) offsets.pop();
      else if (r < 0.2) offsets[int(0, offsets.length - 1)] = -int(1, 2);
      for (let i = 0; i < buffers.length; i++) {
        if (random() < 0.15 && offsets[i] >= 0) {
          const align = buffers[i].alignment ?? 1;
          const fixed = random() < 0.7 ? offsets[i] : int(0, 4) * align;
          if (fixed % align === 0) buffers[i].offset = fixed;
        }
      }
      const problem = { buffers, capacity };
      const solution = { offsets, height };
      const expected = bruteValidate(problem, solution);
      assert.equal(
        validate(problem, solution),
        expected,
        `round ${round}: ${JSON.stringify(problem)} with ${JSON.stringify(solution)}`,
      );
      seen.set(expected, (seen.get(expected) ?? 0) + 1);
    }
    // The generator must reach every outcome, "good" and "bad overlap" often.
    for (
      const result of [
        "bad solution",
        "bad fixed",
        "bad offset",
        "bad height",
        "bad alignment",
      ] as const
    ) {
      assert.ok((seen.get(result) ?? 0) > 0, `no case gave ${result}: ${[...seen]}`);
    }
    assert.ok((seen.get("good") ?? 0) >= 60, `too few good cases: ${[...seen]}`);
    assert.ok((seen.get("bad overlap") ?? 0) >= 60, `too few bad overlaps: ${[...seen]}`);
  });

  it("finds an overlap past a buffer whose lifespan ends before it starts", () => {
    // z holds nothing; swept as if it did, its end would come first and
    // take another piece out of the sweep, hiding a and b's overlap.
    const buffers: Buffer[] = [
      { id: "a", lower: 0, upper: 4, size: 2 },
      { id: "z", lower: 5, upper: 2, size: 2 },
      { id: "b", lower: 3, upper: 6, size: 2 },
    ];
    const solution = { offsets: [0, 0, 1], height: 3 };
    assert.equal(validate({ buffers }, solution), "bad overlap");
    assert.equal(
      isValidColumns(validateColumnsOf(buffers), Float64Array.from(solution.offsets), 3),
      false,
    );
  });

  it("and the solver's check on columns says good exactly when validate does", () => {
    // The same kind of problems and solutions, the capacity aside (the
    // solver checks it apart); both ways of making pieces: the buffers
    // themselves (no gaps, no empty buffer) and pieces built from gaps.
    const random = mulberry32(20261130);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const seen = { plain: 0, pieces: 0, good: 0, bad: 0 };
    for (let round = 0; round < 1500; round++) {
      const buffers = randomBuffers(random, int);
      if (random() < 0.4) {
        for (const b of buffers) {
          b.gaps = [];
          if (b.size === 0) b.size = 1;
        }
      }
      // A lifespan that ends before it starts holds nothing: the buffers
      // are then not each one piece.
      if (random() < 0.1) {
        buffers.push({ id: "backwards", lower: int(3, 9), upper: int(0, 3), size: int(1, 4) });
      }
      let offsets = firstFit(buffers);
      if (random() < 0.5) {
        const i = int(0, buffers.length - 1);
        offsets[i] = offsets[i] + int(-3, 3);
      }
      if (random() < 0.2) offsets = offsets.map(() => int(0, 8));
      for (let i = 0; i < buffers.length; i++) {
        if (random() < 0.1 && offsets[i] >= 0) {
          buffers[i].offset = random() < 0.7 ? offsets[i] : int(0, 4);
        }
      }
      let height = Math.max(0, ...offsets.map((o, i) => o + buffers[i].size));
      if (random() < 0.05) height += int(-1, 1);
      const expected = validate({ buffers }, { offsets, height }) === "good";
      const columns = validateColumnsOf(buffers);
      const got = isValidColumns(columns, Float64Array.from(offsets), height);
      assert.equal(
        got,
        expected,
        `round ${round}: ${JSON.stringify({ buffers, offsets, height })}`,
      );
      if (columns.gaps === undefined && buffers.every((b) => b.size !== 0)) seen.plain++;
      else seen.pieces++;
      if (expected) seen.good++;
      else seen.bad++;
    }
    for (const [what, count] of Object.entries(seen)) {
      assert.ok(count >= 200, `only ${count} cases ${what}: ${JSON.stringify(seen)}`);
    }
  });

  for (const late of [false, true]) {
    it(
      late
        ? "on windowed buffers that start after the others, conflicts without a shared byte too"
        : "on windowed buffers, including conflicts without a shared byte",
      () => {
        // Dense windows on one long-lived buffer against plain ones: the
        // cases where sharing no byte at any moment still breaks SPEC 8's
        // stacking. Late, the windowed buffer starts while the others live
        // (the check looks for pairs from both ends).
        const random = mulberry32(late ? 8 : 7);
        const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
        let bad = 0;
        let good = 0;
        let crossing = 0;
        for (let round = 0; round < 1000; round++) {
          const size = int(2, 6);
          const start = late ? 4 : 0;
          const gaps = [];
          for (let t = start; t < start + 12; t += 3) {
            const wl = int(0, size - 1);
            gaps.push({ lower: t, upper: t + 3, window: { lower: wl, upper: int(wl + 1, size) } });
          }
          const buffers: Buffer[] = [{ id: "p", lower: start, upper: start + 12, size, gaps }];
          for (let i = int(1, 2); i > 0; i--) {
            const lower = late ? int(0, 3) : int(0, 10);
            buffers.push({
              id: `q${i}`,
              lower,
              upper: late ? lower + int(5, 12) : lower + int(1, 7),
              size: int(1, 3),
            });
          }
          const offsets = buffers.map(() => int(0, 6));
          const height = Math.max(...offsets.map((o, i) => o + buffers[i].size));
          const problem = { buffers, capacity: height };
          const expected = bruteValidate(problem, { offsets, height });
          if (expected === "good") good++;
          if (expected === "bad overlap") {
            bad++;
            if (!sharesByte(buffers, offsets)) crossing++;
          }
          assert.equal(validate(problem, { offsets, height }), expected, JSON.stringify(problem));
        }
        assert.ok(good >= 20 && bad >= 20, `good ${good}, bad ${bad}`);
        assert.ok(crossing >= 4, `only ${crossing} conflicts without a shared byte`);
      },
    );
  }
});
