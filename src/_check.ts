// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// Checks that a problem built in code (not read from CSV) is well formed,
// so the search can trust its input.

import type { Buffer, Problem } from "./problem.ts";

/** What is wrong with one field of a buffer. */
export interface FieldIssue {
  /** The CSV column the issue belongs to. */
  column: string;
  /** What was expected. */
  detail: string;
}

function isInt(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x);
}

/**
 * The first thing wrong with a buffer's values, or undefined. Shared by the
 * CSV reader (which adds the line) and {@linkcode checkProblem}.
 *
 * Gaps must lie inside the lifespan unless `gapsMayLeaveLifespan`: the CSV
 * reader allows more, as the reference does, and cuts them to the
 * lifespan itself. Problems built in code keep the strict rule: the
 * solvers assume it, and a gap outside its lifespan there is more likely a
 * slip in the caller's time arithmetic than something meant.
 */
export function bufferIssue(buffer: Buffer, gapsMayLeaveLifespan = false): FieldIssue | undefined {
  for (const column of ["lower", "upper", "size"] as const) {
    if (!isInt(buffer[column])) {
      return { column, detail: `expected a safe integer, got ${String(buffer[column])}` };
    }
  }
  if (buffer.lower >= buffer.upper) {
    return {
      column: "upper",
      detail: `expected upper > lower, got lifespan [${buffer.lower}, ${buffer.upper})`,
    };
  }
  if (buffer.size < 0) {
    return { column: "size", detail: `expected a size >= 0, got ${buffer.size}` };
  }
  const alignment = buffer.alignment ?? 1;
  if (!isInt(alignment) || alignment < 1) {
    return { column: "alignment", detail: `expected an integer >= 1, got ${alignment}` };
  }
  if (buffer.offset !== undefined) {
    if (!isInt(buffer.offset) || buffer.offset < 0) {
      return { column: "offset", detail: `expected an integer >= 0, got ${buffer.offset}` };
    }
    if (buffer.offset % alignment !== 0) {
      return {
        column: "offset",
        detail: `expected a multiple of the alignment ${alignment}, got ${buffer.offset}`,
      };
    }
  }
  if (buffer.hint !== undefined && !isInt(buffer.hint)) {
    return { column: "hint", detail: `expected an integer, got ${buffer.hint}` };
  }
  let previous = -Infinity;
  for (const gap of buffer.gaps ?? []) {
    const text = `${gap.lower}-${gap.upper}`;
    if (!isInt(gap.lower) || !isInt(gap.upper) || gap.lower >= gap.upper) {
      return { column: "gaps", detail: `expected a gap L-U with L < U, got ${text}` };
    }
    if (!gapsMayLeaveLifespan && (gap.lower < buffer.lower || gap.upper > buffer.upper)) {
      return {
        column: "gaps",
        detail: `expected gap ${text} within the lifespan [${buffer.lower}, ${buffer.upper})`,
      };
    }
    if (gap.lower < previous) {
      return {
        column: "gaps",
        detail:
          `expected gaps in time order without overlap, got ${text} after one ending at ${previous}`,
      };
    }
    previous = gap.upper;
    const w = gap.window;
    if (w !== undefined) {
      if (
        !isInt(w.lower) || !isInt(w.upper) || w.lower < 0 || w.lower >= w.upper ||
        w.upper > buffer.size
      ) {
        return {
          column: "gaps",
          detail:
            `expected a window A:B with 0 <= A < B <= size ${buffer.size}, got ${w.lower}:${w.upper}`,
        };
      }
    }
  }
  return undefined;
}

/**
 * Throws a RangeError or TypeError naming the first malformed buffer, or
 * a repeated id, or a bad capacity.
 */
export function checkProblem(problem: Problem, capacityOptional = false): void {
  if (problem === null || typeof problem !== "object" || !Array.isArray(problem.buffers)) {
    throw new TypeError("Cannot solve: expected a problem with a buffers array");
  }
  if (capacityOptional && problem.capacity === undefined) {
    // A minimization without an upper limit.
  } else if (!isInt(problem.capacity) || problem.capacity < 0) {
    throw new RangeError(
      `Cannot solve: expected a capacity that is a safe integer >= 0, got ${problem.capacity}`,
    );
  }
  const seen = new Map<string, number>();
  for (let i = 0; i < problem.buffers.length; i++) {
    const buffer = problem.buffers[i];
    if (buffer === null || typeof buffer !== "object" || typeof buffer.id !== "string") {
      throw new TypeError(`Cannot solve: buffer ${i} must be an object with a string id`);
    }
    const issue = bufferIssue(buffer);
    if (issue) {
      throw new RangeError(
        `Cannot solve: buffer ${JSON.stringify(buffer.id)} ${issue.column}: ${issue.detail}`,
      );
    }
    const earlier = seen.get(buffer.id);
    if (earlier !== undefined) {
      throw new RangeError(
        `Cannot solve: buffers ${earlier} and ${i} share the id ${JSON.stringify(buffer.id)}`,
      );
    }
    seen.set(buffer.id, i);
  }
}
