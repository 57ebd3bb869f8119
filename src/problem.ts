// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * The data model: buffers, gaps, problems and solutions, and the
 * {@linkcode effectiveSize} that says how two buffers may stack.
 *
 * @module
 */

import { peakLoadBefore } from "./_peak_load.ts";
import { checkProblem } from "./_check.ts";
import { pairEffectiveSize } from "./_windows.ts";

/** A range of bytes `[lower, upper)` relative to a buffer's offset. */
export interface Window {
  /** First byte occupied, relative to the buffer's offset. */
  lower: number;
  /** One past the last byte occupied, relative to the buffer's offset. */
  upper: number;
}

/**
 * A stretch of time `[lower, upper)` inside a buffer's lifespan where the
 * buffer is not fully live. With a `window`, the buffer still occupies those
 * bytes during the gap; without one it occupies nothing.
 */
export interface Gap {
  /** When the gap starts (inclusive). */
  lower: number;
  /** When the gap ends (exclusive). */
  upper: number;
  /** Bytes still occupied during the gap, if any. */
  window?: Window;
}

/**
 * A buffer to place: live during `[lower, upper)`, `size` bytes big. (Not
 * called `Buffer`, which would hide the global `Buffer` of Node, Deno and
 * Bun in every module that imports it.)
 *
 * @example Usage
 * ```ts
 * import { type BufferSpec, solve } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const weights: BufferSpec = { id: "weights", lower: 0, upper: 10, size: 8, alignment: 4 };
 * const scratch: BufferSpec = {
 *   id: "scratch",
 *   lower: 2,
 *   upper: 8,
 *   size: 4,
 *   // Between times 4 and 6 it holds nothing.
 *   gaps: [{ lower: 4, upper: 6 }],
 * };
 * deepEqual(solve({ buffers: [weights, scratch], capacity: 12 }).offsets, [0, 8]);
 * ```
 */
export interface BufferSpec {
  /** The buffer's name, unique within a problem. */
  id: string;
  /** When the buffer becomes live (inclusive). */
  lower: number;
  /** When the buffer stops being live (exclusive). */
  upper: number;
  /** How many bytes it takes. */
  size: number;
  /**
   * The offset must be a multiple of this.
   * @default {1}
   */
  alignment?: number;
  /**
   * Times inside the lifespan when the buffer is not fully live, in time
   * order and not overlapping.
   * @default {[]}
   */
  gaps?: Gap[];
  /** A fixed offset the solver must keep, if any. */
  offset?: number;
  /** A hint carried through the CSV; the solver does not use it. */
  hint?: number;
}

/**
 * The old name of {@linkcode BufferSpec}.
 *
 * @deprecated Use {@linkcode BufferSpec}: importing `Buffer` hides the
 * global `Buffer` of Node, Deno and Bun in the importing module.
 */
export type Buffer = BufferSpec;

/** Buffers to place within a capacity. */
export interface Problem {
  /** The buffers, in input order; a solution's offsets follow this order. */
  buffers: BufferSpec[];
  /**
   * No buffer may reach above this many bytes. Only a capacity
   * minimization may leave it out: it then has no upper limit.
   */
  capacity?: number;
}

/** Counters from a search, for benchmarks and curious callers. */
export interface SolveStats {
  /** Search nodes visited (calls that passed the budget check). */
  nodes: number;
  /** Times the search gave up on a node and went back up. */
  backtracks: number;
  /** Wall time of the solve, in milliseconds. */
  elapsedMs: number;
  /**
   * How many Web Workers ran the solve's work (0: the calling thread did).
   * @default {0}
   */
  workers?: number;
}

/** One offset per buffer, and the height they reach. */
export interface Solution {
  /** The offset of each buffer, in the problem's buffer order. */
  offsets: number[];
  /** The largest `offset + size` over all buffers (0 for none). */
  height: number;
  /**
   * A proved lower bound on the smallest possible height, when the
   * solution comes from a capacity minimization.
   */
  lowerBound?: number;
  /** Whether `height` is proved to be the smallest possible. */
  optimal?: boolean;
  /** Search counters, when the solution comes from the solver. */
  stats?: SolveStats;
}

/**
 * How far above `p`'s offset `q` must start so that the two never share a
 * byte while both are live, or `undefined` when they are never live at the
 * same moment. The value may be zero or negative.
 *
 * @example Usage
 * ```ts
 * import { effectiveSize } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const p = { id: "p", lower: 0, upper: 10, size: 4 };
 * const q = { id: "q", lower: 5, upper: 15, size: 2 };
 * deepEqual(effectiveSize(p, q), 4);
 * deepEqual(effectiveSize(p, { id: "r", lower: 10, upper: 12, size: 1 }), undefined);
 * ```
 *
 * @param p The buffer below.
 * @param q The buffer above.
 * @returns The minimum distance from `p`'s offset to `q`'s, if they meet.
 */
export function effectiveSize(p: BufferSpec, q: BufferSpec): number | undefined {
  return pairEffectiveSize(p, q);
}

/**
 * The peak load: the largest number of bytes live at one moment, counting
 * a buffer's full size while it is fully live, its window's width during a
 * windowed gap, and nothing during a gap without a window. No solution's
 * height is lower.
 *
 * @example Usage
 * ```ts
 * import { peakLoad } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * deepEqual(
 *   peakLoad({
 *     buffers: [
 *       { id: "a", lower: 0, upper: 3, size: 2, gaps: [{ lower: 1, upper: 2 }] },
 *       { id: "b", lower: 1, upper: 2, size: 2 },
 *     ],
 *   }),
 *   2,
 * );
 * ```
 *
 * @param problem The problem (its capacity is not used).
 * @returns The peak load, 0 for no buffers.
 * @throws {TypeError} If the problem has the wrong types (checked as the solvers check it).
 * @throws {RangeError} If a buffer's numbers are out of range.
 */
export function peakLoad(problem: Problem): number {
  // Checked as the solvers check it: a string size would be added as text.
  // (Not the solvers' bound on heights: no height is computed here.)
  checkProblem({ buffers: problem?.buffers }, true, Infinity, false);
  return peakLoadBefore(problem, Infinity);
}
