// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * Fast heuristics and the peak-load lower bound. (Placeholder: greedy by
 * size with first fit; being replaced by the full set.)
 *
 * @module
 */

import type { Problem, Solution } from "./problem.ts";

/**
 * The heuristics {@linkcode solveHeuristic} knows.
 *
 * @example Usage
 * ```ts
 * import { heuristicNames } from "@x/minimalloc";
 * import { assert } from "node:assert/strict";
 *
 * assert(heuristicNames.includes("best"));
 * ```
 */
export const heuristicNames: readonly string[] = ["best", "size"];

/** Options for {@linkcode solveHeuristic}. */
export interface HeuristicOptions {
  /** Which heuristic. */
  heuristic?: string;
  /** Milliseconds for improvement. */
  timeLimit?: number;
  /** Cancels the improvement. */
  signal?: AbortSignal;
}

/**
 * The largest total size live at one moment: no solution is lower.
 *
 * @example Usage
 * ```ts
 * import { peakLoad } from "@x/minimalloc";
 * import { assertEquals } from "node:assert/strict";
 *
 * assertEquals(peakLoad({ buffers: [{ id: "a", lower: 0, upper: 2, size: 3 }] }), 3);
 * ```
 *
 * @param problem The problem.
 * @returns The peak load.
 */
export function peakLoad(problem: Problem): number {
  const events: [number, number][] = [];
  for (const b of problem.buffers) {
    events.push([b.lower, b.size], [b.upper, -b.size]);
  }
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let load = 0;
  let peak = 0;
  for (const [, d] of events) {
    load += d;
    if (load > peak) peak = load;
  }
  return peak;
}

/**
 * Greedy by size with first fit.
 *
 * @example Usage
 * ```ts
 * import { solveHeuristic } from "@x/minimalloc";
 * import { assertEquals } from "node:assert/strict";
 *
 * const s = solveHeuristic({ buffers: [{ id: "a", lower: 0, upper: 2, size: 3 }] });
 * assertEquals(s.height, 3);
 * ```
 *
 * @param problem The problem.
 * @param _options Unused.
 * @returns A valid solution.
 */
export function solveHeuristic(problem: Problem, _options: HeuristicOptions = {}): Solution {
  const n = problem.buffers.length;
  const order = problem.buffers.map((_, i) => i).sort((a, b) =>
    (problem.buffers[b].offset !== undefined ? 1 : 0) -
      (problem.buffers[a].offset !== undefined ? 1 : 0) ||
    problem.buffers[b].size - problem.buffers[a].size || a - b
  );
  const offsets = new Array<number>(n).fill(0);
  const placed: number[] = [];
  for (const i of order) {
    const b = problem.buffers[i];
    if (b.offset !== undefined) {
      offsets[i] = b.offset;
      placed.push(i);
      continue;
    }
    const busy = placed.filter((j) => {
      const c = problem.buffers[j];
      return c.lower < b.upper && b.lower < c.upper && c.size > 0;
    }).map((j) => [offsets[j], offsets[j] + problem.buffers[j].size]).sort((x, y) => x[0] - y[0]);
    const a = b.alignment ?? 1;
    let o = 0;
    for (const [lo, hi] of busy) {
      if (o + b.size <= lo) break;
      if (hi > o) o = Math.ceil(hi / a) * a;
    }
    offsets[i] = o;
    placed.push(i);
  }
  let height = 0;
  for (let i = 0; i < n; i++) height = Math.max(height, offsets[i] + problem.buffers[i].size);
  return { offsets, height };
}
