// Copyright the @x/minimalloc authors. Apache-2.0 license.
// Problems the tests make themselves (a user's clone has no ../shared):
// seeded, so every run sees the same ones.

import type { BufferSpec, Problem } from "../src/problem.ts";
import { mulberry32 } from "../src/_random.ts";
import { type GeneratedProblem, generateProblem } from "../benchmarks/_generate.ts";

/** Options for {@linkcode stacked}. */
export interface StackedOptions {
  /** Seed of the generator. */
  seed: number;
  /** How many independent parts, one after another in time. */
  parts: number;
  /** Buffers per part. */
  buffers: number;
  /** Time steps per part. */
  horizon?: number;
  /** Largest size. */
  maxSize?: number;
}

/**
 * Independent small random problems one after another in time: each part
 * is a partition of its own, small enough for the exact search to settle
 * quickly, and together they are large enough to go to the workers. The
 * parts have gaps without windows, which is where the smallest height
 * rises above the peak load, so a minimization has to run exact probes,
 * infeasible ones among them.
 */
export function stacked(options: StackedOptions): Problem {
  const random = mulberry32(options.seed);
  const horizon = options.horizon ?? 10;
  const maxSize = options.maxSize ?? 8;
  const buffers: BufferSpec[] = [];
  for (let part = 0; part < options.parts; part++) {
    const base = part * (horizon + 1);
    for (let i = 0; i < options.buffers; i++) {
      const lower = Math.floor(random() * (horizon - 2));
      const upper = Math.min(horizon, lower + 1 + Math.floor(random() * 6));
      const buffer: BufferSpec = {
        id: `p${part}b${i}`,
        lower: base + lower,
        upper: base + upper,
        size: 1 + Math.floor(random() * maxSize),
      };
      if (upper - lower >= 3 && random() < 0.6) {
        const at = lower + 1 + Math.floor(random() * (upper - lower - 2));
        buffer.gaps = [{ lower: base + at, upper: base + at + 1 }];
      }
      buffers.push(buffer);
    }
  }
  return { buffers };
}

/**
 * A problem found by a seeded random search on which every technique of
 * the search changes the node count: with its gaps it is infeasible at 18
 * (proved by search; its peak load is only 17) and feasible at 19.
 */
export const GAPPED: Problem = {
  capacity: 18,
  buffers: [
    { id: "b0", lower: 1, upper: 5, size: 6 },
    { id: "b1", lower: 5, upper: 7, size: 4 },
    { id: "b2", lower: 0, upper: 3, size: 5 },
    { id: "b3", lower: 9, upper: 15, size: 1, gaps: [{ lower: 10, upper: 14 }] },
    { id: "b4", lower: 1, upper: 2, size: 5 },
    { id: "b5", lower: 2, upper: 6, size: 6, gaps: [{ lower: 4, upper: 5 }] },
    { id: "b6", lower: 8, upper: 12, size: 6, gaps: [{ lower: 9, upper: 11 }] },
    { id: "b7", lower: 4, upper: 9, size: 7, gaps: [{ lower: 6, upper: 8 }] },
    { id: "b8", lower: 10, upper: 16, size: 5 },
  ],
};

/**
 * Copies of a problem one after another in time (each a partition of its
 * own), with buffer ids made unique: the same smallest height, as many
 * buffers as needed to reach the workers.
 */
export function repeated(problem: Problem, copies: number): Problem {
  let span = 0;
  for (const b of problem.buffers) span = Math.max(span, b.upper);
  const buffers: BufferSpec[] = [];
  for (let c = 0; c < copies; c++) {
    const shift = c * (span + 1);
    for (const b of problem.buffers) {
      buffers.push({
        ...b,
        id: `c${c}${b.id}`,
        lower: b.lower + shift,
        upper: b.upper + shift,
        gaps: b.gaps?.map((g) => ({ ...g, lower: g.lower + shift, upper: g.upper + shift })),
      });
    }
  }
  return { buffers, capacity: problem.capacity };
}

/**
 * A perfect packing: a rectangle of `capacity` bytes by `horizon` time
 * steps cut into `pieces` buffers by random guillotine cuts (a time cut or
 * a memory cut, at random, of a random piece). A solution exists at exactly
 * the capacity, which is the peak load, and a search must find it.
 */
export function tiling(
  options: { seed: number; pieces: number; capacity?: number; horizon?: number },
): Problem {
  const random = mulberry32(options.seed);
  const capacity = options.capacity ?? 1 << 20;
  const horizon = options.horizon ?? 4 * options.pieces;
  // Pieces as [lower, upper) in time by [bottom, top) in bytes.
  const pieces: [number, number, number, number][] = [[0, horizon, 0, capacity]];
  for (let guard = 0; pieces.length < options.pieces && guard < 100 * options.pieces; guard++) {
    const at = Math.floor(random() * pieces.length);
    const [lower, upper, bottom, top] = pieces[at];
    if (random() < 0.5) {
      if (upper - lower < 2) continue;
      const cut = lower + 1 + Math.floor(random() * (upper - lower - 1));
      pieces.splice(at, 1, [lower, cut, bottom, top], [cut, upper, bottom, top]);
    } else {
      if (top - bottom < 2) continue;
      const cut = bottom + 1 + Math.floor(random() * (top - bottom - 1));
      pieces.splice(at, 1, [lower, upper, bottom, cut], [lower, upper, cut, top]);
    }
  }
  return {
    capacity,
    buffers: pieces.map(([lower, upper, bottom, top], i) => ({
      id: `t${i}`,
      lower,
      upper,
      size: top - bottom,
    })),
  };
}

/**
 * A problem the exact search does not settle for many seconds, in either
 * mode (400 buffers cut out of a memory that they fill exactly, at that
 * height): for time limits and cancellation.
 */
export function hardProblem(): GeneratedProblem {
  return generateProblem({ seed: 1, buffers: 400, construction: "planted", slack: 1 });
}

/**
 * Problems above the workers' threshold that the search settles in well
 * under a second (the same construction with 5% to spare): for answers
 * compared across runs and runners.
 */
export function easyProblems(): GeneratedProblem[] {
  return [2, 3].map((seed) =>
    generateProblem({ seed, buffers: 400, construction: "planted", slack: 1.05 })
  );
}

/**
 * 300 buffers cut out of a memory with 5% to spare, with gaps (half of
 * them windowed) and alignments: windows make some effective sizes
 * negative, and most buffers get a canonical-order shift.
 */
export function windowedPlanted(): GeneratedProblem {
  return generateProblem({
    seed: 4,
    buffers: 300,
    construction: "planted",
    slack: 1.05,
    gaps: 0.3,
    windows: 0.5,
    aligned: 0.3,
  });
}
