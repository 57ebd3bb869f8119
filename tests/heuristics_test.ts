// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The fast heuristics: every one gives a valid placement on random small
// problems with gaps, windows, alignment and pins; pins stay put; pins
// that overlap are a proof of infeasibility; the same input gives the same
// output.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Buffer, Gap, Problem } from "../src/problem.ts";
import { peakLoad } from "../src/problem.ts";
import { SolveError } from "../src/errors.ts";
import { validate } from "../src/validate.ts";
import { heuristicNames, solveHeuristic } from "../src/heuristics.ts";
import { mulberry32 } from "../src/_random.ts";
import { solve } from "../src/solve.ts";
import { generateProblem } from "../benchmarks/_generate.ts";
import { orderBy, Prepared, Skyline } from "../src/_heuristics_core.ts";
import { nearPeak, runHeuristic } from "../src/_heuristics_run.ts";
import { lowerBoundBefore } from "../src/_peak_load.ts";
import { columnsOf, packBuffers } from "../src/_worker_host.ts";
import { Prepared as SolverPrepared } from "../src/_prepared.ts";
import { resolveOptions } from "../src/_options.ts";

/** A random problem with gaps (some windowed), alignments and zero sizes. */
function randomProblem(seed: number, n: number): Problem {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const buffers: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const lower = int(0, 30);
    const upper = lower + int(1, 12);
    const size = random() < 0.05 ? 0 : int(1, 16);
    const b: Buffer = { id: `b${i}`, lower, upper, size };
    if (random() < 0.3) b.alignment = [2, 4, 8][int(0, 2)];
    if (random() < 0.3 && upper - lower >= 3) {
      const gl = int(lower + 1, upper - 2);
      const gu = int(gl + 1, upper - 1);
      const gap: Gap = { lower: gl, upper: gu };
      if (random() < 0.5 && size > 1) {
        const wl = int(0, size - 1);
        gap.window = { lower: wl, upper: int(wl + 1, size) };
      }
      b.gaps = [gap];
    }
    buffers.push(b);
  }
  return { buffers };
}

/** The same problem with some buffers pinned where a solution put them. */
function withPins(problem: Problem, seed: number): Problem {
  const random = mulberry32(seed);
  const solution = solveHeuristic(problem, { heuristic: "size" });
  return {
    buffers: problem.buffers.map((b, i) =>
      random() < 0.25 ? { ...b, offset: solution.offsets[i] } : b
    ),
  };
}

describe("solveHeuristic", () => {
  it("checks a problem the solver ran a heuristic on, once it is changed", () => {
    // The solver skips the heuristics' own check of its checked input only
    // while it runs them (src/_checked.ts).
    const problem = randomProblem(5, 30);
    assert.equal(validate(problem, solve(problem, { heuristic: "best" })), "good");
    problem.buffers[3] = { ...problem.buffers[3], size: -1 };
    assert.throws(() => solveHeuristic(problem), RangeError);
  });

  it("names best and one entry per heuristic", () => {
    assert.ok(heuristicNames.includes("best"));
    assert.deepEqual(new Set(heuristicNames).size, heuristicNames.length);
  });

  for (const name of heuristicNames) {
    it(`${name}: valid on random problems with gaps, windows, alignment and pins`, () => {
      for (let seed = 1; seed <= 30; seed++) {
        const plain = randomProblem(seed, 5 + (seed % 4) * 10);
        for (const problem of [plain, withPins(plain, seed + 1000)]) {
          const solution = solveHeuristic(problem, { heuristic: name });
          assert.deepEqual(validate(problem, solution), "good", `seed ${seed}`);
          // The peak load, with the padding even alignments force, or
          // the highest pinned top.
          const bound = lowerBoundBefore(problem, Infinity, peakLoad(problem));
          assert.ok(solution.height >= bound, `seed ${seed}`);
          assert.deepEqual(solution.lowerBound, bound);
          problem.buffers.forEach((b, i) => {
            if (b.offset !== undefined) assert.deepEqual(solution.offsets[i], b.offset);
            if (b.size === 0 && b.offset === undefined) assert.deepEqual(solution.offsets[i], 0);
          });
        }
      }
    });
  }

  it("ignores the capacity", () => {
    const problem = {
      capacity: 1,
      buffers: [
        { id: "a", lower: 0, upper: 2, size: 3 },
        { id: "b", lower: 1, upper: 3, size: 2 },
      ],
    };
    const solution = solveHeuristic(problem);
    assert.deepEqual(solution.height, 5);
    assert.deepEqual(validate({ buffers: problem.buffers }, solution), "good");
  });

  it("uses the time a gap frees", () => {
    const problem = {
      buffers: [
        { id: "a", lower: 0, upper: 10, size: 4, gaps: [{ lower: 3, upper: 7 }] },
        { id: "b", lower: 3, upper: 7, size: 4 },
      ],
    };
    for (const heuristic of ["size", "lifespan", "area", "best"]) {
      const solution = solveHeuristic(problem, { heuristic });
      assert.deepEqual(validate(problem, solution), "good");
      assert.deepEqual(solution.height, 4, heuristic);
    }
  });

  it("throws infeasible when pinned buffers overlap", () => {
    const problem = {
      buffers: [
        { id: "a", lower: 0, upper: 4, size: 4, offset: 0 },
        { id: "b", lower: 2, upper: 6, size: 4, offset: 2 },
        { id: "c", lower: 0, upper: 6, size: 1 },
      ],
    };
    for (const heuristic of heuristicNames) {
      assert.throws(
        () => solveHeuristic(problem, { heuristic }),
        (error) => error instanceof SolveError && error.code === "infeasible",
      );
    }
  });

  it("keeps pins that only meet in a gap", () => {
    const problem = {
      buffers: [
        { id: "a", lower: 0, upper: 9, size: 4, offset: 0, gaps: [{ lower: 3, upper: 6 }] },
        { id: "b", lower: 3, upper: 6, size: 4, offset: 0 },
        { id: "c", lower: 0, upper: 9, size: 2 },
      ],
    };
    for (const heuristic of heuristicNames) {
      const solution = solveHeuristic(problem, { heuristic });
      assert.deepEqual(validate(problem, solution), "good");
      assert.deepEqual(solution.height, 6);
    }
  });

  it("is deterministic", () => {
    const problem = withPins(randomProblem(7, 60), 8);
    for (const heuristic of heuristicNames) {
      const first = solveHeuristic(problem, { heuristic });
      const second = solveHeuristic(structuredClone(problem), { heuristic });
      assert.deepEqual(second, first);
    }
  });

  for (const name of heuristicNames) {
    it(`${name}: fails when cancelled or out of time before any placement`, () => {
      const problem = generateProblem({ seed: 3, buffers: 3000, construction: "none" }).problem;
      assert.throws(
        () => solveHeuristic(problem, { heuristic: name, signal: AbortSignal.abort() }),
        (error) => error instanceof SolveError && error.code === "cancelled",
      );
      // Checking and preparing 3,000 buffers takes longer than 0 ms.
      assert.throws(
        () => solveHeuristic(problem, { heuristic: name, timeout: 0 }),
        (error) => error instanceof SolveError && error.code === "timeout",
      );
    });

    // best's cuts take 2 to 4 s under Bun, near its default 5 s limit.
    it(`${name}: a cut at any point returns the best complete placement so far`, {
      timeout: 60_000,
    }, () => {
      // A signal that turns aborted at its k-th read: the heuristic reads it
      // at its clock checks, so k walks the cut through the whole run.
      // Best fit looks every 64 buffers: enough of them to cut a pass.
      const single = name === "size" || name === "lifespan" || name === "area";
      const problem = withPins(randomProblem(11, single ? 2500 : 400), 12);
      const uncut = solveHeuristic(problem, { heuristic: name });
      let previous = Infinity;
      let cuts = 0;
      // Every read for the short runs, then steps growing by a quarter.
      for (let k = 1;; k = Math.max(k + 1, Math.ceil(k * 1.25))) {
        let reads = 0;
        const signal = {
          get aborted(): boolean {
            return ++reads >= k;
          },
        } as AbortSignal;
        let height: number;
        try {
          const solution = solveHeuristic(problem, { heuristic: name, signal });
          assert.deepEqual(validate(problem, solution), "good", `cut at read ${k}`);
          height = solution.height;
        } catch (error) {
          assert.ok(error instanceof SolveError && error.code === "cancelled", `cut at read ${k}`);
          // Nothing completed yet: nor could it have at an earlier cut.
          assert.deepEqual(previous, Infinity, `cut at read ${k}`);
          continue;
        } finally {
          cuts++;
        }
        // A later cut never ends higher: it has all the earlier one had.
        assert.ok(height <= previous && height >= uncut.height, `cut at read ${k}`);
        previous = height;
        if (reads < k) break; // the signal was never raised: the whole run
      }
      assert.deepEqual(previous, uncut.height);
      assert.ok(cuts > 1);
    });
  }

  it("solves the empty problem", () => {
    for (const heuristic of heuristicNames) {
      const solution = solveHeuristic({ buffers: [] }, { heuristic });
      assert.deepEqual(solution.offsets, []);
      assert.deepEqual(solution.height, 0);
    }
  });

  it("rejects an unknown name", () => {
    assert.throws(() => solveHeuristic({ buffers: [] }, { heuristic: "nope" }), RangeError);
  });
});

describe("best fit where gaps have windows", () => {
  // Best fit places each buffer by the effective sizes (SPEC 3), as the
  // check does: it counted a windowed gap as wholly live, and on a
  // generated problem with windows (4,000 buffers) its passes ended 5.7-
  // 13.8 % above the peak load where they now end 5.7-5.9 %.
  const WINDOWED: Problem = {
    buffers: [
      // Only its bottom two bytes are live during [3, 6).
      {
        id: "a",
        lower: 0,
        upper: 10,
        size: 10,
        gaps: [{ lower: 3, upper: 6, window: { lower: 0, upper: 2 } }],
      },
      { id: "b", lower: 4, upper: 5, size: 8 },
    ],
  };

  for (const name of ["size", "lifespan", "area", "best"]) {
    it(`${name}: fits a buffer above a window, inside the buffer's span`, () => {
      const solution = solveHeuristic(WINDOWED, { heuristic: name });
      assert.equal(validate(WINDOWED, solution), "good");
      assert.deepEqual(solution.offsets, [0, 2]);
      assert.equal(solution.height, 10);
    });
  }

  it("gives valid placements on random problems with many windows, at the top and bottom too", () => {
    const random = mulberry32(20261203);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    for (let round = 0; round < 200; round++) {
      const buffers: Buffer[] = [];
      for (let i = int(2, 24); i > 0; i--) {
        const lower = int(0, 20);
        const upper = lower + int(1, 10);
        const size = int(0, 12) === 0 ? 0 : int(1, 12);
        const b: Buffer = { id: `b${i}`, lower, upper, size };
        if (random() < 0.2) b.alignment = [2, 4][int(0, 1)];
        // Up to three gaps, from the lifespan's start, some touching its end.
        const gaps: Gap[] = [];
        for (let t = lower; gaps.length < 3 && t < upper && random() < 0.7;) {
          const gap: Gap = { lower: t, upper: Math.min(upper, t + int(1, 3)) };
          if (size > 0 && random() < 0.7) {
            // Often at the bottom or the top.
            const wl = random() < 0.3 ? 0 : int(0, size - 1);
            gap.window = { lower: wl, upper: random() < 0.3 ? size : int(wl + 1, size) };
          }
          gaps.push(gap);
          t = gap.upper + int(1, 3);
        }
        if (gaps.length > 0) b.gaps = gaps;
        if (random() < 0.1) b.offset = int(0, 8) * (b.alignment ?? 1);
        buffers.push(b);
      }
      const problem = { buffers };
      for (const name of ["size", "lifespan", "area", "best"]) {
        let solution;
        try {
          solution = solveHeuristic(problem, { heuristic: name });
        } catch (error) {
          // Pins that collide are a proof; nothing else may throw.
          assert.ok(error instanceof SolveError && error.code === "infeasible", `${error}`);
          continue;
        }
        assert.equal(
          validate({ buffers, capacity: solution.height }, solution),
          "good",
          `round ${round}, ${name}: ${JSON.stringify(buffers)}`,
        );
      }
    }
  });
});

describe("the greedy orders", () => {
  it("are the same whichever way they are sorted", () => {
    // Few distinct sizes and lifespans: long runs of ties for the second
    // key and the index to break; areas too far apart to count; and sizes
    // so large that the areas do not pack with their index.
    const problems = [
      generateProblem({
        seed: 5,
        buffers: 5000,
        sizes: "uniform",
        minSize: 1,
        maxSize: 4,
        construction: "none",
      }).problem,
      generateProblem({ seed: 6, buffers: 5000, construction: "none" }).problem,
      generateProblem({
        seed: 8,
        buffers: 5000,
        sizes: "uniform",
        minSize: 2 ** 30,
        maxSize: 2 ** 36,
        construction: "none",
      }).problem,
      // Past 2^14 buffers, areas within 2^32 are sorted by radix passes.
      generateProblem({
        seed: 10,
        buffers: 20_000,
        sizes: "uniform",
        minSize: 1,
        maxSize: 2 ** 16,
        construction: "none",
      }).problem,
    ];
    for (const problem of problems) {
      const p = new Prepared(problem);
      for (const rule of ["size", "lifespan", "area"] as const) {
        const byComparator = orderBy(p, rule, () => false, Infinity, "comparator");
        assert.ok(byComparator !== undefined);
        for (const how of ["auto", "keys", "pieces"] as const) {
          assert.deepEqual(orderBy(p, rule, () => false, Infinity, how), byComparator, rule);
        }
      }
    }
  });

  it("stop when the clock says so", () => {
    const problem = generateProblem({ seed: 7, buffers: 2000, construction: "none" }).problem;
    const p = new Prepared(problem);
    for (const how of ["keys", "pieces"] as const) {
      assert.equal(orderBy(p, "size", () => true, Infinity, how), undefined);
    }
  });
});

describe("a heuristic run for the solver", () => {
  // Without its capacity, which a heuristic does not use.
  const { buffers } = generateProblem({ seed: 9, buffers: 2000, construction: "none" }).problem;
  const problem = { buffers };

  it("stops improving at the solver's lower bound, a pin's top included, on one thread too", () => {
    // A pin far above everything: the first placement reaches its top, the
    // bound. solve()'s heuristic stopped at the peak load only, and
    // improved on for a second (2,930 reads of its stop flag, against 23).
    const g = generateProblem({ buffers: 3000, seed: 5 });
    const withPin = [
      ...g.problem.buffers,
      { id: "pin", lower: 0, upper: 1, size: 1, offset: 10 * g.peakLoad },
    ];
    const prepared = new SolverPrepared({ buffers: withPin }, resolveOptions({}).switches);
    const bound = prepared.facts().lowerBound;
    assert.equal(bound, 10 * g.peakLoad + 1);
    let reads = 0;
    const stop = {
      get aborted() {
        reads++;
        return false;
      },
    };
    const result = prepared.heuristic({ name: "best" }, Infinity, stop);
    assert.equal(result.status === "solved" && result.height, bound);
    assert.ok(reads < 200, `${reads} reads of the stop flag`);
  });

  it("stops improving when the solver's time to improve ends, and keeps its first placement", () => {
    const run = (improveUntil: number) =>
      runHeuristic(problem, {
        name: "best",
        deadline: Infinity,
        improveUntil,
        lowerBound: () => peakLoad(problem),
      })!;
    // The first pass: the skyline by size, neither mirrored nor left first.
    const p = new Prepared(problem);
    const order = orderBy(p, "size", () => false, Infinity)!;
    const pref = new Float64Array(p.n);
    for (let r = 0; r < order.length; r++) pref[order[r]] = order.length - r;
    const offsets = new Float64Array(p.n);
    const first = new Skyline(p).run(pref, offsets, () => false);
    const stopped = run(-Infinity);
    assert.deepEqual(stopped.height, first);
    assert.deepEqual(stopped.offsets, offsets);
    assert.deepEqual(
      validate(problem, { ...stopped, offsets: Array.from(stopped.offsets) }),
      "good",
    );
    // Given the time, it improves on it.
    assert.ok(run(Infinity).height < first);
  });

  it("runs a later round with its own seed: valid, and the same twice without a time limit", () => {
    const small = {
      buffers: generateProblem({ seed: 2, buffers: 300, construction: "planted" }).problem.buffers,
    };
    const run = (round?: number) => {
      const found = runHeuristic(small, {
        name: "best",
        deadline: Infinity,
        // Never met, so that every pass runs.
        lowerBound: () => 0,
        round,
      })!;
      assert.equal(validate(small, { ...found, offsets: Array.from(found.offsets) }), "good");
      return found;
    };
    const first = run();
    const again = run(1);
    assert.deepEqual(run(1), again);
    // Another seed, another path: the rounds differ from the first phase
    // and from each other.
    const offsets = [first, again, run(2)].map((found) => Array.from(found.offsets).join());
    assert.equal(new Set(offsets).size, 3);
  });

  it("focuses a later round on the buffers nearest the peak-load time", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const p = new Prepared(randomProblem(seed, 60));
      // The load per compressed moment, counted buffer by buffer.
      let at = 0;
      let peak = -Infinity;
      for (let t = 0; t < p.m; t++) {
        let load = 0;
        for (const i of p.free) if (p.bL[i] <= t && t < p.bU[i]) load += p.size[i];
        if (load > peak) [peak, at] = [load, t];
      }
      const distance = (i: number) => Math.max(0, p.bL[i] - at, at + 1 - p.bU[i]);
      const chosen = Array.from(nearPeak(p));
      assert.equal(chosen.length, Math.ceil(0.15 * p.free.length), `seed ${seed}`);
      const others = Array.from(p.free).filter((i) => !chosen.includes(i));
      const farthest = Math.max(...chosen.map(distance));
      assert.ok(others.every((i) => distance(i) >= farthest), `seed ${seed}`);
      // Every buffer live at the peak comes first, as far as the share goes.
      const live = Array.from(p.free).filter((i) => distance(i) === 0).length;
      assert.equal(chosen.filter((i) => distance(i) === 0).length, Math.min(live, chosen.length));
    }
  });

  it("asks for the peak load only where its stop test needs it, and once", () => {
    let asked = 0;
    const lowerBound = () => {
      asked++;
      return peakLoad(problem);
    };
    // No time to improve: the test stops before it asks.
    runHeuristic(problem, {
      name: "best",
      deadline: Infinity,
      improveUntil: -Infinity,
      lowerBound,
    });
    assert.equal(asked, 0);
    // Improving asks once.
    runHeuristic(problem, { name: "best", deadline: Infinity, lowerBound });
    assert.equal(asked, 1);
  });

  it("counts the pairs of pieces live at once as a count of every pair does", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const p = new Prepared(randomProblem(seed, 5 + (seed % 5) * 12));
      let pairs = 0;
      for (let x = 0; x < p.pieceCount; x++) {
        for (let y = x + 1; y < p.pieceCount; y++) {
          if (p.pL[x] < p.pU[y] && p.pL[y] < p.pU[x]) pairs++;
        }
      }
      assert.equal(p.pairs, pairs, `seed ${seed}`);
    }
  });

  // Six problems, two heuristics each, best with its improvement passes:
  // 3 s under Deno, past Bun's default 5 s on a loaded machine.
  it("places buffers from columns as it places them from objects", { timeout: 60_000 }, () => {
    // Gaps, windows, alignment and pins: each way in which a buffer is
    // read. The pins are a size heuristic's own offsets, so they fit.
    for (const seed of [21, 22, 23]) {
      const made = generateProblem({
        seed,
        buffers: 300,
        gaps: 0.3,
        windows: 0.3,
        aligned: 0.3,
        construction: "none",
      }).problem;
      const placed = solveHeuristic(made, { heuristic: "size" }).offsets;
      const pinned = {
        buffers: made.buffers.map((b, i) => i % 7 === 0 ? { ...b, offset: placed[i] } : b),
      };
      for (const one of [made, pinned]) {
        const packed = packBuffers(one.buffers);
        assert.ok(packed.gaps !== undefined && packed.alignment !== undefined);
        const columns = columnsOf(packed);
        for (const name of ["best", "size"]) {
          const run = { name, deadline: Infinity, lowerBound: () => peakLoad(one) };
          assert.deepEqual(runHeuristic(columns, run), runHeuristic(one, run), `${seed} ${name}`);
        }
      }
      assert.ok(columnsOf(packBuffers(pinned.buffers)).offset !== undefined);
    }
  });
});

/**
 * The skyline rule written plainly, in O(n^2): the lowest segment (the
 * leftmost of equal ones) takes the preferred unplaced buffer whose
 * lifespan fits in it (with leftFirst, those starting where it starts
 * first), or rises to its lower neighbour when none fits; neighbours of
 * equal height merge. With `ceilings`, a moment starts at 0 and a pinned
 * buffer is a ceiling until the skyline reaches its bottom, then the floor
 * (its top): a buffer fits only under the lowest pin over the segment, and
 * a segment with nothing to fit rises at most to that pin's bottom.
 * Without, pinned buffers make the floor (their highest top).
 */
function plainSkyline(
  p: Prepared,
  pref: Float64Array,
  leftFirst: boolean,
  ceilings = true,
): Float64Array {
  const offsets = new Float64Array(p.n);
  const pins: { t: number; bottom: number; top: number }[] = [];
  for (let i = 0; i < p.n; i++) {
    if (!p.pinned[i]) continue;
    offsets[i] = p.pin[i];
    for (let e = p.pieceFirst[i]; e < p.pieceFirst[i + 1]; e++) {
      for (let t = p.pL[e]; t < p.pU[e]; t++) {
        pins.push({ t, bottom: p.pin[i], top: p.pin[i] + p.occ[i] });
      }
    }
  }
  // Where the skyline at h stands at moment t, once over the pins it meets.
  const climb = (t: number, h: number): number => {
    for (let again = true; again;) {
      again = false;
      for (const pin of pins) {
        if (pin.t === t && (ceilings ? pin.bottom <= h : true) && pin.top > h) {
          h = pin.top;
          again = true;
        }
      }
    }
    return h;
  };
  // The lowest pin bottom above the skyline at h over [s, e).
  const ceiling = (s: number, e: number, h: number): number => {
    let least = Infinity;
    if (!ceilings) return least;
    for (const pin of pins) {
      if (pin.t >= s && pin.t < e && pin.bottom > h) least = Math.min(least, pin.bottom);
    }
    return least;
  };
  let segments: { s: number; e: number; h: number }[] = [];
  // Each moment of [s, e) at h, over the pins it meets.
  const lifted = (s: number, e: number, h: number) => {
    const parts: typeof segments = [];
    for (let t = s; t < e; t++) parts.push({ s: t, e: t + 1, h: climb(t, h) });
    return parts;
  };
  const merge = () => {
    const merged: typeof segments = [];
    for (const g of segments) {
      const last = merged.at(-1);
      if (last !== undefined && last.h === g.h) last.e = g.e;
      else merged.push({ ...g });
    }
    segments = merged;
  };
  segments = lifted(0, p.m, 0);
  merge();
  const placed = new Set<number>();
  while (placed.size < p.free.length) {
    let at = 0;
    for (let k = 1; k < segments.length; k++) if (segments[k].h < segments[at].h) at = k;
    const { s, e, h } = segments[at];
    const ceil = ceiling(s, e, h);
    const align = (i: number) => p.align?.[i] ?? 1;
    const offsetOf = (i: number) => Math.ceil(h / align(i)) * align(i);
    let pick = -1;
    const consider = (onlyAtStart: boolean) => {
      for (const i of p.free) {
        if (placed.has(i) || p.bL[i] < s || p.bU[i] > e || (onlyAtStart && p.bL[i] !== s)) continue;
        if (offsetOf(i) + p.occ[i] > ceil) continue;
        if (pick < 0 || pref[i] > pref[pick]) pick = i;
      }
    };
    if (leftFirst) consider(true);
    if (pick < 0) consider(false);
    if (pick < 0) {
      const left = at > 0 ? segments[at - 1].h : Infinity;
      const right = at + 1 < segments.length ? segments[at + 1].h : Infinity;
      segments.splice(at, 1, ...lifted(s, e, Math.min(left, right, ceil)));
      merge();
      continue;
    }
    const offset = offsetOf(pick);
    offsets[pick] = offset;
    placed.add(pick);
    const parts = [
      { s, e: p.bL[pick], h },
      ...lifted(p.bL[pick], p.bU[pick], offset + p.occ[pick]),
      { s: p.bU[pick], e, h },
    ].filter((g) => g.s < g.e);
    segments.splice(at, 1, ...parts);
    merge();
  }
  return offsets;
}

describe("the skyline pass", () => {
  it("places buffers exactly as its rule says, across many blocks of its tree", () => {
    // Up to 1,500 buffers: dozens of the tree's blocks, so that its
    // pruning, its blocks kept in key order and its partial end blocks are
    // all used; three runs on one Skyline, as the passes reuse it.
    const random = mulberry32(11);
    for (let round = 0; round < 24; round++) {
      const n = 1 + Math.floor(random() * (round < 12 ? 60 : 1500));
      const base = randomProblem(1000 + round, n);
      // Times spread out, so that segments are wide and hold many starts.
      const spread = {
        buffers: base.buffers.map((b) => {
          const shift = Math.floor(random() * 40 * n ** 0.5);
          return {
            ...b,
            lower: b.lower + shift,
            upper: b.upper + shift,
            gaps: b.gaps?.map((g) => ({ ...g, lower: g.lower + shift, upper: g.upper + shift })),
          };
        }),
      };
      const problem = round % 3 === 2 ? withPins(spread, round) : spread;
      const p = new Prepared(problem);
      const sky = new Skyline(p);
      // Pins too many to list (none allowed here): they make the floor.
      const floored = new Skyline(p, 0);
      for (let run = 0; run < 3; run++) {
        const pref = new Float64Array(p.n);
        for (let i = 0; i < p.n; i++) pref[i] = random() + i * 1e-9;
        const leftFirst = run === 1;
        const offsets = new Float64Array(p.n);
        sky.run(pref, offsets, () => false, leftFirst);
        assert.deepEqual(offsets, plainSkyline(p, pref, leftFirst), `round ${round}, run ${run}`);
        if (p.fixed.length === 0) continue;
        floored.run(pref, offsets, () => false, leftFirst);
        assert.deepEqual(offsets, plainSkyline(p, pref, leftFirst, false), `floor, round ${round}`);
      }
    }
  });
});

describe("the skyline under pinned buffers", () => {
  it("places buffers in the room under a pinned one", () => {
    // Ten buffers fit exactly under the pinned one: with pins as mere
    // floors, they went above it, to 210.
    const buffers: Buffer[] = [{ id: "pin", lower: 0, upper: 10, size: 10, offset: 100 }];
    for (let i = 0; i < 10; i++) buffers.push({ id: `b${i}`, lower: 0, upper: 10, size: 10 });
    const solution = solveHeuristic({ buffers }, { heuristic: "skyline" });
    assert.equal(solution.height, 110);
    assert.equal(solution.offsets[0], 100);
    assert.equal(validate({ buffers }, solution), "good");
  });

  it("stays near the peak load with 1 % of a generated problem pinned", () => {
    // The pins are a valid placement's offsets. Measured: 1.09-1.15 times
    // the peak load on these seeds, against 2.1 with pins as floors only.
    for (const seed of [1, 2, 3]) {
      const { problem } = generateProblem({
        seed,
        buffers: 2000,
        construction: "planted",
        gaps: 0.1,
      });
      const placed = solveHeuristic(problem, { heuristic: "size" }).offsets;
      const random = mulberry32(seed);
      const pinned = {
        buffers: problem.buffers.map((b, i) => random() < 0.01 ? { ...b, offset: placed[i] } : b),
      };
      const solution = solveHeuristic(pinned, { heuristic: "skyline" });
      assert.equal(validate(pinned, solution), "good");
      const ratio = solution.height / peakLoad(pinned);
      assert.ok(ratio < 1.3, `seed ${seed}: ${ratio.toFixed(3)} times the peak load`);
    }
  });
});

describe("the heuristics' time compression", () => {
  it("numbers times the same whether it counts them or sorts them", () => {
    // Times close together are ranked by counting; spread 1,000 times
    // apart they are sorted: the order, and so the numbering, is the same.
    for (const seed of [12, 13]) {
      const { buffers } = generateProblem({ seed, buffers: 3000, gaps: 0.3, windows: 0.3 }).problem;
      const spread = (t: number) => 1000 * t - 7;
      const far = buffers.map((b) => ({
        ...b,
        lower: spread(b.lower),
        upper: spread(b.upper),
        gaps: b.gaps?.map((g) => ({ ...g, lower: spread(g.lower), upper: spread(g.upper) })),
      }));
      const near = new Prepared({ buffers });
      const apart = new Prepared({ buffers: far });
      assert.equal(apart.m, near.m);
      assert.deepEqual(apart.pL, near.pL);
      assert.deepEqual(apart.pU, near.pU);
      assert.equal(apart.pairs, near.pairs);
    }
  });
});
