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

import { type BufferSpec, effectiveSize, type Problem, type Window } from "./problem.ts";
import { SolveError } from "./errors.ts";

/** Options for {@linkcode sweep}. */
export interface SweepOptions {
  /**
   * Abandons the sweep when aborted (checked every few thousand steps):
   * on 10^5 buffers the overlap lists alone can take seconds.
   */
  signal?: AbortSignal;
}

// Steps (points, pairs or section entries) between two looks at the signal.
const CHECK_EVERY = 1 << 13;

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

const RIGHT = 0;
const LEFT = 1;

interface Point {
  time: number;
  kind: number;
  buffer: number;
  window: Window;
  endpoint: boolean;
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
  let steps = 0;
  const tick = (work: number): void => {
    steps += work;
    if (steps >= CHECK_EVERY) {
      steps = 0;
      if (signal?.aborted) throw new SolveError("cancelled", "The sweep was cancelled");
    }
  };
  const buffers = problem.buffers;
  const n = buffers.length;
  const points: Point[] = [];
  tick(CHECK_EVERY);
  for (let b = 0; b < n; b++) {
    tick(4);
    if (buffers[b].size !== 0) pushPoints(points, buffers[b], b);
  }
  // The sort alone takes a while on 10^5 buffers: the comparator looks at
  // the signal too (throwing out of a sort is allowed).
  points.sort((p, q) => {
    tick(1);
    return p.time - q.time || p.kind - q.kind || p.buffer - q.buffer;
  });

  const actives = new Set<number>();
  const alive = new Set<number>();
  const sections: number[][] = [];
  const partitions: Partition[] = [];
  const sectionSpans: SectionSpan[][] = Array.from({ length: n }, () => []);
  const overlapLists: Overlap[][] = Array.from({ length: n }, () => []);
  const sectionStart = new Array<number>(n).fill(0);
  let lastSectionTime: number | undefined = undefined;
  let lastSectionIndex = 0;
  for (const point of points) {
    tick(1);
    const b = point.buffer;
    if (lastSectionTime === undefined) lastSectionTime = point.time;
    if (point.kind === RIGHT) {
      if (lastSectionTime < point.time) {
        lastSectionTime = point.time;
        tick(actives.size);
        sections.push([...actives].sort((x, y) => x - y));
      }
      actives.delete(b);
      if (point.endpoint) alive.delete(b);
      sectionSpans[b].push({
        sectionRange: { lower: sectionStart[b], upper: sections.length },
        window: point.window,
      });
      if (alive.size === 0) {
        partitions[partitions.length - 1].sectionRange = {
          lower: lastSectionIndex,
          upper: sections.length,
        };
        lastSectionIndex = sections.length;
      }
    } else {
      if (alive.size === 0) {
        partitions.push({ buffers: [], sectionRange: { lower: 0, upper: 0 } });
      }
      if (point.endpoint) {
        partitions[partitions.length - 1].buffers.push(b);
        tick(alive.size);
        for (const a of alive) {
          const ab = effectiveSize(buffers[a], buffers[b]);
          if (ab !== undefined) overlapLists[a].push({ buffer: b, effectiveSize: ab });
          const ba = effectiveSize(buffers[b], buffers[a]);
          if (ba !== undefined) overlapLists[b].push({ buffer: a, effectiveSize: ba });
        }
      }
      actives.add(b);
      if (point.endpoint) alive.add(b);
      sectionStart[b] = sections.length;
    }
  }
  // Each buffer meets another at most once (at its single endpoint LEFT),
  // so sorting gives the reference's ordered set.
  for (const list of overlapLists) {
    list.sort((x, y) => x.buffer - y.buffer || x.effectiveSize - y.effectiveSize);
  }

  const cuts = new Array<number>(Math.max(sections.length - 1, 0)).fill(0);
  for (const spans of sectionSpans) {
    if (spans.length === 0) continue;
    const first = spans[0].sectionRange.lower;
    const last = spans[spans.length - 1].sectionRange.upper;
    for (let s = first; s + 1 < last; s++) cuts[s]++;
  }
  return { sections, partitions, sectionSpans, overlaps: overlapLists, cuts };
}

/** Appends a buffer's points in the reference's order (SPEC 4.1). */
function pushPoints(points: Point[], buffer: BufferSpec, b: number): void {
  const full: Window = { lower: 0, upper: buffer.size };
  const gaps = buffer.gaps ?? [];
  const own: Point[] = [];
  const leftTimes = new Set<number>();
  const rightTimes = new Set<number>();
  const point = (time: number, kind: number, window: Window): Point => ({
    time,
    kind,
    buffer: b,
    window,
    endpoint: false,
  });
  for (const gap of gaps) {
    if (!gap.window) continue;
    own.push(point(gap.lower, LEFT, gap.window));
    own.push(point(gap.upper, RIGHT, gap.window));
    leftTimes.add(gap.lower);
    rightTimes.add(gap.upper);
  }
  if (own.length === 0 || own[0].time !== buffer.lower) {
    own.unshift(point(buffer.lower, LEFT, full));
  }
  if (own[own.length - 1].time !== buffer.upper) {
    own.push(point(buffer.upper, RIGHT, full));
  }
  own[0].endpoint = true;
  own[own.length - 1].endpoint = true;
  rightTimes.add(buffer.lower);
  leftTimes.add(buffer.upper);
  for (const gap of gaps) {
    if (gap.window) continue;
    if (!rightTimes.has(gap.lower)) {
      own.push(point(gap.lower, RIGHT, full));
      rightTimes.add(gap.lower);
    }
    if (!leftTimes.has(gap.upper)) {
      own.push(point(gap.upper, LEFT, full));
      leftTimes.add(gap.upper);
    }
    leftTimes.add(gap.lower);
    rightTimes.add(gap.upper);
  }
  for (const gap of gaps) {
    if (!rightTimes.has(gap.lower)) own.push(point(gap.lower, RIGHT, full));
    if (!leftTimes.has(gap.upper)) own.push(point(gap.upper, LEFT, full));
  }
  for (const p of own) points.push(p);
}
