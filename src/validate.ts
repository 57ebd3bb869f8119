// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * The validator: checks that a solution keeps every rule of its problem.
 *
 * @module
 */

import type { Problem, Solution } from "./problem.ts";
import { findConflict, validateColumnsOf } from "./_validate_columns.ts";
import { quote } from "./_quote.ts";

/** The outcome of {@linkcode validate}: `"good"` or the first problem found. */
export type ValidationResult =
  | "good"
  | "bad solution"
  | "bad fixed"
  | "bad offset"
  | "bad height"
  | "bad alignment"
  | "bad overlap";

/**
 * The first rule a solution breaks, as {@linkcode findViolation} reports it:
 * which rule, which buffers, and a sentence naming them.
 *
 * @example Usage
 * ```ts
 * import { findViolation } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const problem = {
 *   capacity: 8,
 *   buffers: [{ id: "a", lower: 0, upper: 2, size: 4, alignment: 4 }],
 * };
 * const violation = findViolation(problem, { offsets: [2], height: 6 });
 * deepEqual(violation?.kind, "bad alignment");
 * deepEqual(violation?.buffers, [0]);
 * deepEqual(violation?.message, 'bad alignment: buffer "a" is at 2, not a multiple of its alignment 4');
 * ```
 */
export interface Violation {
  /** The rule broken, named as {@linkcode validate} names it. */
  kind: Exclude<ValidationResult, "good">;
  /**
   * The buffers that break it, as indices into the problem's buffers: one,
   * two for `"bad overlap"`, none for `"bad solution"` (a wrong number of
   * offsets) or a height that no single buffer explains.
   */
  buffers: number[];
  /** One line saying what is wrong, with the buffers' ids (quoted, escaped). */
  message: string;
}

/**
 * Checks a solution against its problem and reports the first problem
 * found: a wrong number of offsets, a moved fixed offset, an offset outside
 * `[0, capacity)`, a wrong height, a misaligned offset, or two buffers that
 * share a byte while both are live.
 *
 * Near-linear: it sweeps time with the occupied byte ranges kept in offset
 * order, so a 60,000-buffer solution validates in milliseconds.
 * {@linkcode findViolation} makes the same checks and says which buffers
 * break the rule.
 *
 * @example Usage
 * ```ts
 * import { validate } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const problem = {
 *   capacity: 8,
 *   buffers: [
 *     { id: "a", lower: 0, upper: 2, size: 4 },
 *     { id: "b", lower: 1, upper: 3, size: 4 },
 *   ],
 * };
 * deepEqual(validate(problem, { offsets: [0, 4], height: 8 }), "good");
 * deepEqual(validate(problem, { offsets: [0, 2], height: 6 }), "bad overlap");
 * ```
 *
 * @param problem The problem.
 * @param solution A solution to check.
 * @returns `"good"`, or the first problem found.
 * @throws {TypeError} If the problem has no buffers array (or a buffer is
 * not an object with a size), or the solution has no offsets array: a
 * malformed call, not a bad solution.
 */
export function validate(problem: Problem, solution: Solution): ValidationResult {
  return findViolation(problem, solution)?.kind ?? "good";
}

/**
 * Checks a solution against its problem as {@linkcode validate} does, and
 * says which buffers break the first rule found (`undefined` when the
 * solution is good): for a CLI's or a test's message, or to find the
 * buffer to look at.
 *
 * @example Usage
 * ```ts
 * import { findViolation } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const problem = {
 *   capacity: 8,
 *   buffers: [
 *     { id: "a", lower: 0, upper: 2, size: 4 },
 *     { id: "b", lower: 1, upper: 3, size: 4 },
 *   ],
 * };
 * deepEqual(findViolation(problem, { offsets: [0, 4], height: 8 }), undefined);
 * const violation = findViolation(problem, { offsets: [0, 2], height: 6 });
 * deepEqual(violation?.kind, "bad overlap");
 * deepEqual(violation?.buffers.map((i) => problem.buffers[i].id).sort(), ["a", "b"]);
 * ```
 *
 * @param problem The problem.
 * @param solution A solution to check.
 * @returns The first rule broken, or `undefined` for a good solution.
 * @throws {TypeError} As {@linkcode validate} does, for a malformed call.
 */
export function findViolation(problem: Problem, solution: Solution): Violation | undefined {
  if (problem === null || typeof problem !== "object" || !Array.isArray(problem.buffers)) {
    throw new TypeError("Cannot validate: expected a problem with a buffers array");
  }
  if (solution === null || typeof solution !== "object" || !Array.isArray(solution.offsets)) {
    throw new TypeError("Cannot validate: expected a solution with an offsets array");
  }
  const buffers = problem.buffers;
  const offsets = solution.offsets;
  const name = (i: number) => `buffer ${quote(String(buffers[i].id))}`;
  const violation = (kind: Violation["kind"], at: number[], detail: string): Violation => ({
    kind,
    buffers: at,
    message: `${kind}: ${detail}`,
  });
  if (offsets.length !== buffers.length) {
    return violation(
      "bad solution",
      [],
      `${offsets.length} offsets for ${buffers.length} buffers`,
    );
  }
  let height = 0;
  for (let i = 0; i < buffers.length; i++) {
    const b = buffers[i];
    if (b === null || typeof b !== "object" || typeof b.size !== "number") {
      throw new TypeError(`Cannot validate: expected buffer ${i} to be an object with a size`);
    }
    // The overlap sweep reads times as numbers: a string would compare
    // differently, and NaN never orders.
    if (!isTime(b.lower) || !isTime(b.upper)) {
      throw new TypeError(
        `Cannot validate: expected buffer ${i} to have numbers as lower and upper`,
      );
    }
    const o = offsets[i];
    if (b.offset !== undefined && o !== b.offset) {
      return violation("bad fixed", [i], `${name(i)} is fixed at ${b.offset}, placed at ${o}`);
    }
    // A top past 2^53 - 1 is not exact, and the overlap sweep compares
    // tops: such an offset is out of range even without a capacity.
    const top = o + b.size;
    if (!Number.isSafeInteger(o) || o < 0) {
      return violation("bad offset", [i], `${name(i)} is at ${o}, not a whole number >= 0`);
    }
    if (top > (problem.capacity ?? Infinity)) {
      return violation(
        "bad offset",
        [i],
        `${name(i)} at ${o} reaches ${top}, above the capacity ${problem.capacity}`,
      );
    }
    if (top > Number.MAX_SAFE_INTEGER) {
      return violation("bad offset", [i], `${name(i)} at ${o} reaches past 2^53 - 1`);
    }
    if (top > solution.height) {
      return violation(
        "bad height",
        [i],
        `${name(i)} reaches ${top}, above the solution's height ${solution.height}`,
      );
    }
    if (o % (b.alignment ?? 1) !== 0) {
      return violation(
        "bad alignment",
        [i],
        `${name(i)} is at ${o}, not a multiple of its alignment ${b.alignment}`,
      );
    }
    height = Math.max(height, top);
  }
  if (height !== solution.height) {
    return violation(
      "bad height",
      [],
      `the buffers reach ${height}, not the solution's height ${solution.height}`,
    );
  }
  const pair = findConflict(validateColumnsOf(buffers), offsets);
  if (pair === undefined) return undefined;
  const [i, j] = pair[0] < pair[1] ? pair : [pair[1], pair[0]];
  return violation(
    "bad overlap",
    [i, j],
    `${name(i)} at ${offsets[i]} and ${name(j)} at ${offsets[j]} overlap while both are live`,
  );
}

function isTime(x: unknown): boolean {
  return typeof x === "number" && !Number.isNaN(x);
}
