// Copyright the @x/minimalloc authors. Apache-2.0 license.

// Tight sections (SolverOptions.tightSections, src/search.ts #tightOnly):
// on a perfect packing's problem (every section full at the capacity), a
// node tries only the buffers that start the lowest hole, the section with
// the fewest. "Infeasible" must stay a proof and every answer valid; with
// slack anywhere, or gaps, nothing changes.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SolveError } from "../src/errors.ts";
import { type Buffer, peakLoad, type Problem } from "../src/problem.ts";
import { REFERENCE_OPTIONS, type SolverOptions } from "../src/options.ts";
import { solve } from "../src/solve.ts";
import { validate } from "../src/validate.ts";
import { mulberry32 } from "../src/_random.ts";
import { bruteForce } from "./_brute_force.ts";
import { tiling } from "./_problems.ts";

const OFF: SolverOptions = { tightSections: false };

/** Nodes visited, and the offsets found (undefined: proved infeasible). */
function outcome(problem: Problem, options: SolverOptions): [number, number[] | undefined] {
  try {
    const solution = solve(problem, { timeout: 20_000, ...options });
    assert.equal(validate(problem, solution), "good");
    return [solution.stats!.nodes, solution.offsets];
  } catch (error) {
    if (!(error instanceof SolveError) || error.code !== "infeasible") throw error;
    return [error.nodes, undefined];
  }
}

/**
 * The same with the reference's round robin instead of the race: node for
 * node the same from run to run, where the race's time slices let a busy
 * machine move a search's end into another slice (32 nodes against 61
 * once on a problem of 29 buffers).
 */
function roundRobin(problem: Problem, options: SolverOptions): [number, number[] | undefined] {
  return outcome(problem, { portfolio: false, ...options });
}

/**
 * A problem whose load is `capacity` at every moment (a perfect packing's
 * load, though none may exist): random buffers, then the bytes left at
 * each moment cut into random pieces over random stretches of time.
 */
function fullLoad(seed: number): Problem {
  const random = mulberry32(seed);
  const horizon = 6 + Math.floor(random() * 8);
  const capacity = 8 + Math.floor(random() * 9);
  const load = new Array<number>(horizon).fill(0);
  const buffers: Buffer[] = [];
  const count = 6 + Math.floor(random() * 8);
  for (let i = 0; i < count; i++) {
    const lower = Math.floor(random() * horizon);
    const upper = Math.min(horizon, lower + 1 + Math.floor(random() * 3));
    const size = 1 + Math.floor(random() * (capacity - 1));
    if (load.slice(lower, upper).some((l) => l + size > capacity)) continue;
    for (let t = lower; t < upper; t++) load[t] += size;
    buffers.push({ id: `b${i}`, lower, upper, size });
  }
  const rest = load.map((l) => capacity - l);
  const pieces: Buffer[] = [];
  while (rest.some((r) => r > 0)) {
    const open = rest.flatMap((r, t) => (r > 0 ? [t] : []));
    const at = open[Math.floor(random() * open.length)];
    let lower = at;
    let upper = at + 1;
    while (lower > 0 && rest[lower - 1] > 0 && random() < 0.6) lower--;
    while (upper < horizon && rest[upper] > 0 && random() < 0.6) upper++;
    const size = 1 + Math.floor(random() * Math.min(...rest.slice(lower, upper)));
    for (let t = lower; t < upper; t++) rest[t] -= size;
    pieces.push({ id: `f${pieces.length}`, lower, upper, size });
  }
  return { buffers: [...buffers, ...pieces], capacity };
}

/**
 * Solves `count` problems with tight sections on and off: the same answer
 * either way, valid when feasible, and "infeasible" only where the brute
 * force finds nothing. How many were infeasible, and how many took a
 * different number of nodes (the rule at work).
 */
function agreement(problems: Problem[]): { feasible: number; infeasible: number; changed: number } {
  let feasible = 0;
  let infeasible = 0;
  let changed = 0;
  for (const [i, problem] of problems.entries()) {
    const [nodes, offsets] = outcome(problem, {});
    const [offNodes, offOffsets] = outcome(problem, OFF);
    const name = `problem ${i}: ${JSON.stringify(problem)}`;
    assert.equal(offsets === undefined, offOffsets === undefined, name);
    if (offsets === undefined) {
      assert.equal(bruteForce(problem), undefined, `infeasible, yet a packing exists: ${name}`);
      infeasible++;
    } else {
      feasible++;
    }
    if (nodes !== offNodes) changed++;
  }
  return { feasible, infeasible, changed };
}

describe("tight sections", () => {
  it("prove infeasible only where no packing exists, where every section is full", () => {
    // The node then branches on the full section with the fewest starters.
    const problems = Array.from({ length: 300 }, (_, i) => fullLoad(i + 1));
    const { feasible, infeasible, changed } = agreement(problems);
    assert.ok(feasible > 200 && infeasible >= 5, `${feasible} feasible, ${infeasible} not`);
    assert.ok(changed > 60, `node counts differ on ${changed} of 300`);
  });

  // Brute force over aligned and pinned buffers: about 5 s, past Bun's
  // default limit.
  it(
    "prove infeasible only where no packing exists, where every section is full, with alignments and pins",
    {
      timeout: 60_000,
    },
    () => {
      // Aligned buffers start at multiples of their alignment; pinned ones at
      // their offset, taken from a packing found (which then still exists)
      // or at random (which often leaves none).
      const problems: Problem[] = [];
      for (let seed = 1; seed <= 100; seed++) {
        const random = mulberry32(1000 + seed);
        const full = fullLoad(seed);
        problems.push({
          ...full,
          buffers: full.buffers.map((b) => random() < 0.3 ? { ...b, alignment: 2 } : b),
        });
        const [, offsets] = outcome(full, OFF);
        problems.push({
          ...full,
          buffers: full.buffers.map((b, i) =>
            random() < 0.3
              ? {
                ...b,
                offset: offsets !== undefined && random() < 0.7
                  ? offsets[i]
                  : Math.floor(random() * (full.capacity! - b.size + 1)),
              }
              : b
          ),
        });
      }
      const counts = agreement(problems);
      assert.ok(counts.feasible > 50 && counts.infeasible > 50, JSON.stringify(counts));
      assert.ok(counts.changed > 20, JSON.stringify(counts));
    },
  );

  it("apply to each independent part on its own: a part with slack does not turn them off", () => {
    // One byte at another time, beside a perfect packing.
    for (const seed of [3, 8, 11]) {
      const problem = tiling({ seed, pieces: 200 });
      const horizon = Math.max(...problem.buffers.map((b) => b.upper));
      problem.buffers.push({ id: "apart", lower: horizon + 1, upper: horizon + 2, size: 1 });
      const [nodes, offsets] = outcome(problem, {});
      assert.notEqual(offsets, undefined);
      assert.ok(nodes < 1_000, `seed ${seed}: ${nodes} nodes`);
    }
  });

  it("change nothing where a section has slack: tiny problems at their peak load or above", () => {
    // Some sections full, others not: the search is canonical order's.
    for (let seed = 1; seed <= 1500; seed++) {
      const random = mulberry32(seed);
      const buffers: Buffer[] = [];
      const count = 4 + Math.floor(random() * 5);
      for (let i = 0; i < count; i++) {
        const lower = Math.floor(random() * 7);
        const upper = lower + 1 + Math.floor(random() * 4);
        buffers.push({ id: `b${i}`, lower, upper, size: 1 + Math.floor(random() * 5) });
      }
      const problem = { buffers, capacity: peakLoad({ buffers }) + Math.floor(random() * 2) };
      const full = fullLoad(seed);
      for (const p of [problem, { ...full, capacity: full.capacity! + 1 }]) {
        const [nodes, offsets] = roundRobin(p, {});
        const [offNodes, offOffsets] = roundRobin(p, OFF);
        assert.equal(nodes, offNodes, JSON.stringify(p));
        assert.deepEqual(offsets, offOffsets, JSON.stringify(p));
      }
    }
  });

  it("solve generated perfect packings that canonical order alone takes long over", () => {
    // 200-piece guillotine tilings where the preordering heuristics (and
    // the restarts) take 80,000 nodes and more; filling the lowest hole
    // first takes under a thousand.
    for (const seed of [3, 8, 11]) {
      const problem = tiling({ seed, pieces: 200 });
      const [nodes, offsets] = outcome(problem, {});
      assert.notEqual(offsets, undefined);
      assert.ok(nodes < 1_000, `seed ${seed}: ${nodes} nodes`);
      const [offNodes] = outcome(problem, OFF);
      assert.ok(offNodes > 50_000, `seed ${seed}: ${offNodes} nodes with tight sections off`);
    }
  });

  it("change nothing where they cannot apply: --reference, and problems with gaps", () => {
    assert.equal(REFERENCE_OPTIONS.tightSections, false);
    // With gaps a buffer's bytes need not start at its offset everywhere.
    // A perfect packing still: a gap in one buffer, and a buffer of its
    // size over the gap.
    for (const seed of [9, 12]) {
      const problem = tiling({ seed, pieces: 60 });
      const [tightNodes] = outcome(problem, {});
      const [plainNodes] = outcome(problem, OFF);
      assert.notEqual(tightNodes, plainNodes, `seed ${seed}: the rule applies without the gap`);
      const wide = problem.buffers.find((b) => b.upper - b.lower >= 3)!;
      wide.gaps = [{ lower: wide.lower + 1, upper: wide.lower + 2 }];
      problem.buffers.push({
        id: "fill",
        lower: wide.lower + 1,
        upper: wide.lower + 2,
        size: wide.size,
      });
      const [nodes, offsets] = roundRobin(problem, {});
      const [offNodes, offOffsets] = roundRobin(problem, OFF);
      assert.equal(nodes, offNodes, `seed ${seed}`);
      assert.deepEqual(offsets, offOffsets);
    }
  });
});
