// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * The sweep: preprocessing that cuts time into sections, groups buffers
 * into independent partitions, and records which buffers overlap.
 *
 * A worked example (four buffers, time across):
 *
 * ```text
 *  time   0   1   2   3   4   5   6   7
 *  b0     [=======)
 *  b1         [=======)
 *  b2                     [===========)
 *  b3                         [===)
 *                 |   |           |   |
 *  sections:     s0  s1          s2  s3
 *  s0 = {b0, b1}   (the RIGHT point of b0 at 2 closes it)
 *  s1 = {b1}       (the RIGHT point of b1 at 3)
 *  s2 = {b2, b3}   (the RIGHT point of b3 at 6)
 *  s3 = {b2}       (the RIGHT point of b2 at 7)
 *  partitions: {b0, b1} over [s0, s2) and {b2, b3} over [s2, s4)
 *  cuts: [1, 0, 1]  (b1 spans s0..s1, b2 spans s2..s3; nothing spans s1..s2)
 * ```
 *
 * A section is the set of buffers live just before a buffer stops being
 * live; a new partition starts whenever nothing is alive.
 *
 * @module
 */

import type { Problem, Window } from "./problem.ts";
import { sweepArrays, ticker } from "./_sweep_arrays.ts";

/** Options for {@linkcode sweep}. */
export interface SweepOptions {
  /**
   * Abandons the sweep when aborted (checked every few thousand steps):
   * on 10^5 buffers the overlap lists alone can take seconds.
   */
  signal?: AbortSignal;
}

/** A half-open range of section indices `[lower, upper)`. */
export interface SectionRange {
  /** The first section. */
  lower: number;
  /** One past the last section. */
  upper: number;
}

/** A stretch of sections during which a buffer occupies one window. */
export interface SectionSpan {
  /** The sections covered. */
  sectionRange: SectionRange;
  /** The bytes occupied there, relative to the buffer's offset. */
  window: Window;
}

/** Another buffer that meets this one, and how far above it must start. */
export interface Overlap {
  /** The other buffer's index. */
  buffer: number;
  /** The other buffer's offset must be at least this far above ours. */
  effectiveSize: number;
}

/** Buffers that can be placed independently of all the others. */
export interface Partition {
  /** Buffer indices, in the order the sweep met them. */
  buffers: number[];
  /** The sections this partition covers. */
  sectionRange: SectionRange;
}

/** What the sweep found; see the module doc for a worked example. */
export interface SweepResult {
  /** Each section's buffer indices, ascending. */
  sections: number[][];
  /** The independent groups of buffers, in time order. */
  partitions: Partition[];
  /** Per buffer, the spans of sections it covers (empty for size 0). */
  sectionSpans: SectionSpan[][];
  /** Per buffer, the buffers it meets, by (index, effective size). */
  overlaps: Overlap[][];
  /** `cuts[s]`: how many buffers cover both section `s` and `s + 1`. */
  cuts: number[];
}

/**
 * Sweeps a problem's buffers into sections, partitions, section spans,
 * overlaps and cuts: the preprocessing the search runs on. Buffers of
 * size 0 take no part.
 *
 * @example Usage
 * ```ts
 * import { sweep } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const result = sweep({
 *   capacity: 2,
 *   buffers: [
 *     { id: "a", lower: 0, upper: 2, size: 1 },
 *     { id: "b", lower: 1, upper: 3, size: 1 },
 *   ],
 * });
 * deepEqual(result.sections, [[0, 1], [1]]);
 * deepEqual(result.partitions.length, 1);
 * deepEqual(result.cuts, [1]);
 * ```
 *
 * @param problem The problem to sweep.
 * @param options A signal to abandon the sweep.
 * @returns The sections, partitions, spans, overlaps and cuts.
 * @throws {SolveError} With code `"cancelled"` when the signal aborts.
 */
export function sweep(problem: Problem, options: SweepOptions = {}): SweepResult {
  const signal = options.signal;
  const swept = sweepArrays(problem, signal);
  // The arrays as the objects of the public result.
  const tick = ticker(signal);
  const n = problem.buffers.length;
  const { secStart, secBuf, spStart, ovStart, ovBuf, ovEs } = swept;
  const sections: number[][] = [];
  for (let s = 0; s + 1 < secStart.length; s++) {
    tick(secStart[s + 1] - secStart[s]);
    sections.push(Array.from(secBuf.subarray(secStart[s], secStart[s + 1])));
  }
  const sectionSpans: SectionSpan[][] = [];
  const overlaps: Overlap[][] = [];
  for (let b = 0; b < n; b++) {
    const spans: SectionSpan[] = [];
    for (let k = spStart[b]; k < spStart[b + 1]; k++) {
      spans.push({
        sectionRange: { lower: swept.spLo[k], upper: swept.spHi[k] },
        window: { lower: swept.spWinLo[k], upper: swept.spWinHi[k] },
      });
    }
    sectionSpans.push(spans);
    const list: Overlap[] = [];
    tick(ovStart[b + 1] - ovStart[b]);
    const size = problem.buffers[b].size;
    for (let i = ovStart[b]; i < ovStart[b + 1]; i++) {
      list.push({ buffer: ovBuf[i], effectiveSize: ovEs === undefined ? size : ovEs[i] });
    }
    // In the reference's order (the arrays have none).
    list.sort((x, y) => x.buffer - y.buffer);
    overlaps.push(list);
  }
  return {
    sections,
    partitions: swept.partitions,
    sectionSpans,
    overlaps,
    cuts: Array.from(swept.cuts),
  };
}
