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
 * import { ok } from "node:assert/strict";
 *
 * ok(heuristicNames.includes("best"));
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
 * Greedy by size with first fit.
 *
 * @example Usage
 * ```ts
 * import { solveHeuristic } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const s = solveHeuristic({ buffers: [{ id: "a", lower: 0, upper: 2, size: 3 }] });
 * deepEqual(s.height, 3);
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
