// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// Checks that a problem built in code (not read from CSV) is well formed,
// so the search can trust its input.

import type { BufferSpec, Problem } from "./problem.ts";
import { SolveError } from "./errors.ts";
import { sortNumbers } from "./_sort.ts";

/** What is wrong with one field of a buffer. */
export interface FieldIssue {
  /** The CSV column the issue belongs to. */
  column: string;
  /** What was expected. */
  detail: string;
  /** A value of the wrong type (a TypeError), or a number out of range. */
  kind: "type" | "range";
}

function isInt(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x);
}

/** What to say about a value that is not a safe integer. */
function notInt(column: string, value: unknown, expected = "a safe integer"): FieldIssue {
  return typeof value === "number"
    ? { column, detail: `expected ${expected}, got ${value}`, kind: "range" }
    : { column, detail: `expected ${expected}, got ${describe(value)}`, kind: "type" };
}

/** A value as a message shows it: strings quoted, so "4" is not read as 4. */
function describe(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (Array.isArray(value)) return "an array";
  if (value !== null && typeof value === "object") return "an object";
  return String(value);
}

/**
 * Checks a time limit option: a number of milliseconds, at least 0, or
 * Infinity; `undefined` means none (Infinity). One rule for
 * SolverOptions.timeout and HeuristicOptions.timeout, so that "1s" or NaN
 * never silently means no limit.
 *
 * @param value The option's value.
 * @param context What refuses it, for the message ("Cannot solve").
 * @param name The option's name.
 * @returns The limit in milliseconds.
 * @throws {TypeError} For a value that is not a number.
 * @throws {RangeError} For NaN or a negative number.
 */
export function checkTimeout(value: unknown, context: string, name = "timeout"): number {
  if (value === undefined) return Infinity;
  if (typeof value !== "number") {
    throw new TypeError(
      `${context}: option ${name} must be a number of milliseconds, got ${describe(value)}`,
    );
  }
  if (!(value >= 0)) {
    throw new RangeError(
      `${context}: option ${name} must be a number of milliseconds >= 0 or Infinity, got ${value}`,
    );
  }
  return value;
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
export function bufferIssue(
  buffer: BufferSpec,
  gapsMayLeaveLifespan = false,
): FieldIssue | undefined {
  for (const column of ["lower", "upper", "size"] as const) {
    if (!isInt(buffer[column])) return notInt(column, buffer[column]);
  }
  if (buffer.lower >= buffer.upper) {
    return {
      column: "upper",
      detail: `expected upper > lower, got lifespan [${buffer.lower}, ${buffer.upper})`,
      kind: "range",
    };
  }
  if (buffer.size < 0) {
    return { column: "size", detail: `expected a size >= 0, got ${buffer.size}`, kind: "range" };
  }
  const alignment = buffer.alignment ?? 1;
  if (!isInt(alignment) || alignment < 1) return notInt("alignment", alignment, "an integer >= 1");
  if (buffer.offset !== undefined) {
    if (!isInt(buffer.offset) || buffer.offset < 0) {
      return notInt("offset", buffer.offset, "an integer >= 0");
    }
    if (buffer.offset % alignment !== 0) {
      return {
        column: "offset",
        detail: `expected a multiple of the alignment ${alignment}, got ${buffer.offset}`,
        kind: "range",
      };
    }
  }
  if (buffer.hint !== undefined && !isInt(buffer.hint)) {
    return notInt("hint", buffer.hint, "an integer");
  }
  const gaps: unknown = buffer.gaps;
  if (gaps === undefined) return undefined;
  if (!Array.isArray(gaps)) {
    return {
      column: "gaps",
      detail: `expected an array of gaps, got ${describe(gaps)}`,
      kind: "type",
    };
  }
  let previous = -Infinity;
  for (let g = 0; g < gaps.length; g++) {
    const gap = gaps[g];
    if (gap === null || typeof gap !== "object") {
      return {
        column: "gaps",
        detail: `expected gap ${g} to be an object { lower, upper }, got ${describe(gap)}`,
        kind: "type",
      };
    }
    const text = `${gap.lower}-${gap.upper}`;
    if (typeof gap.lower !== "number" || typeof gap.upper !== "number") {
      return {
        column: "gaps",
        detail: `expected gap ${g} to have numbers lower and upper, got ${describe(gap.lower)}-${
          describe(gap.upper)
        }`,
        kind: "type",
      };
    }
    if (!isInt(gap.lower) || !isInt(gap.upper) || gap.lower >= gap.upper) {
      return {
        column: "gaps",
        detail: `expected a gap L-U with L < U, got ${text}`,
        kind: "range",
      };
    }
    if (!gapsMayLeaveLifespan && (gap.lower < buffer.lower || gap.upper > buffer.upper)) {
      return {
        column: "gaps",
        detail: `expected gap ${text} within the lifespan [${buffer.lower}, ${buffer.upper})`,
        kind: "range",
      };
    }
    if (gap.lower < previous) {
      return {
        column: "gaps",
        detail:
          `expected gaps in time order without overlap, got ${text} after one ending at ${previous}`,
        kind: "range",
      };
    }
    previous = gap.upper;
    const w: unknown = gap.window;
    if (w === undefined) continue;
    if (w === null || typeof w !== "object") {
      return {
        column: "gaps",
        detail: `expected the window of gap ${text} to be an object { lower, upper }, got ${
          describe(w)
        }`,
        kind: "type",
      };
    }
    const { lower, upper } = w as { lower: unknown; upper: unknown };
    if (
      !isInt(lower) || !isInt(upper) || lower < 0 || lower >= upper || upper > buffer.size
    ) {
      return {
        column: "gaps",
        detail: `expected a window A:B with 0 <= A < B <= size ${buffer.size}, got ${
          describe(lower)
        }:${describe(upper)}`,
        kind: typeof lower === "number" && typeof upper === "number" ? "range" : "type",
      };
    }
  }
  return undefined;
}

/**
 * Throws a RangeError or TypeError naming the first malformed buffer, or
 * a repeated id, or a bad capacity, or (with `heights`) heights that
 * could pass 2^53 − 1; a SolveError with code "timeout" once `performance.now()` passes
 * `deadline` (at 10^6 buffers the check alone takes a third of a second).
 * The clock is read every 8,192 buffers, so a problem that small is always
 * checked in full: its input errors win over the time limit.
 */
export function checkProblem(
  problem: Problem,
  capacityOptional = false,
  deadline = Infinity,
  heights = true,
): void {
  if (problem === null || typeof problem !== "object" || !Array.isArray(problem.buffers)) {
    throw new TypeError("Cannot solve: expected a problem with a buffers array");
  }
  if (capacityOptional && problem.capacity === undefined) {
    // A minimization without an upper limit.
  } else if (problem.capacity === undefined) {
    throw new TypeError(
      "Cannot solve: no capacity: give one, or minimize (minimizeCapacity) or run a heuristic",
    );
  } else if (typeof problem.capacity !== "number") {
    throw new TypeError(
      `Cannot solve: expected a capacity that is a number, got ${describe(problem.capacity)}`,
    );
  } else if (!isInt(problem.capacity) || problem.capacity < 0) {
    throw new RangeError(
      `Cannot solve: expected a capacity that is a safe integer >= 0, got ${problem.capacity}`,
    );
  }
  // The height bound: see after the loop.
  let bound = 0;
  let pinnedMax = 0;
  for (let i = 0; i < problem.buffers.length; i++) {
    if ((i & 8191) === 8191 && performance.now() > deadline) throw timedOut();
    const buffer = problem.buffers[i];
    if (buffer === null || typeof buffer !== "object" || typeof buffer.id !== "string") {
      // A repeated id among the buffers before is reported first, as it
      // was met first.
      checkIds(problem.buffers.slice(0, i), Infinity);
      throw new TypeError(`Cannot solve: buffer ${i} must be an object with a string id`);
    }
    const issue = bufferIssue(buffer);
    if (issue) {
      checkIds(problem.buffers.slice(0, i), Infinity);
      const message = `Cannot solve: buffer ${
        JSON.stringify(buffer.id)
      } ${issue.column}: ${issue.detail}`;
      throw issue.kind === "type" ? new TypeError(message) : new RangeError(message);
    }
    bound += buffer.size + (buffer.alignment ?? 1) - 1;
    if (buffer.offset !== undefined && buffer.offset > pinnedMax) pinnedMax = buffer.offset;
  }
  // Why this bounds every height our solvers produce: each solver (the
  // exact search and every heuristic) puts a pinned buffer at its offset,
  // so its top is at most the largest pinned offset P plus its size; and it
  // puts a free buffer no higher than the highest top placed so far (0 at
  // first), rounded up to its alignment: at a floor (an effective size
  // never exceeds the lower buffer's size), at the start of a hole, or on
  // top. So each top exceeds the highest top before it by at most size +
  // alignment − 1, and by induction no top exceeds P plus the sum of
  // size + alignment − 1 over all buffers. Below 2^53 every offset, top,
  // floor and bisection midpoint they compute is then exact. The sum is
  // exact while it is safe, and once past 2^53 − 1 it stays past (rounding
  // is monotone), so the comparison is exact too. Conservative: buffers
  // that never meet are refused as well, but only past 9 PB in total.
  if (!idsChecked.has(problem.buffers)) checkIds(problem.buffers, deadline);
  bound += pinnedMax;
  if (heights && bound > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(
      `Cannot solve: heights could reach ${exactBound(problem.buffers)} (the sum of size + ` +
        `alignment - 1 over the buffers plus the largest fixed offset), past 2^53 - 1 = ` +
        `${Number.MAX_SAFE_INTEGER}, beyond which they would not be exact`,
    );
  }
}

// Buffer lists whose ids were checked where nothing could change them
// since: the CLI's, which parseCsv checked (0.12 s at 10^6 buffers).
const idsChecked = new WeakSet<readonly BufferSpec[]>();

/**
 * Marks a buffer list whose ids were just checked (by parseCsv) and that
 * nobody else holds, so that checkProblem does not check them again.
 */
export function markIdsChecked(buffers: readonly BufferSpec[]): void {
  idsChecked.add(buffers);
}

/** Throws a RangeError naming the first repeated id (see firstRepeat). */
function checkIds(buffers: readonly BufferSpec[], deadline: number): void {
  const repeat = firstRepeat(buffers, deadline);
  if (repeat === undefined) return;
  const [earlier, later] = repeat;
  throw new RangeError(
    `Cannot solve: buffers ${earlier} and ${later} share the id ${
      JSON.stringify(buffers[later].id)
    }`,
  );
}

/**
 * The first buffer (in order) whose id an earlier one has, as [earlier,
 * later] indices; a SolveError "timeout" past `deadline`. Each id is
 * hashed and the (hash, index) pairs sorted as packed doubles, so only
 * ids with equal hashes are compared: at 10^6 buffers a fifth of a Map of
 * strings' time.
 *
 * @param bits The hash's width: 32, or fewer where the index needs more
 * than 21 of a double's 53 bits (the tests use fewer too). Ids whose
 * hashes collide are told apart all the same, only more slowly.
 */
export function firstRepeat(
  buffers: readonly BufferSpec[],
  deadline = Infinity,
  bits?: number,
): [number, number] | undefined {
  const n = buffers.length;
  if (n < 2) return undefined;
  const scale = 2 ** Math.ceil(Math.log2(n));
  const width = bits ?? Math.min(32, 53 - Math.log2(scale));
  const shift = 32 - width;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if ((i & 65535) === 65535 && performance.now() > deadline) throw timedOut();
    const id = buffers[i].id;
    // FNV-1a over the UTF-16 code units.
    let h = 0x811c9dc5;
    for (let c = 0; c < id.length; c++) h = Math.imul(h ^ id.charCodeAt(c), 0x01000193);
    packed[i] = (h >>> shift) * scale + i;
  }
  sortNumbers(packed, deadline, timedOut);
  let found: [number, number] | undefined;
  for (let x = 0; x < n;) {
    const hash = Math.floor(packed[x] / scale);
    let y = x + 1;
    while (y < n && Math.floor(packed[y] / scale) === hash) y++;
    // Equal hashes, by index: the first later index whose id an earlier
    // one of the run has is this run's repeat. A Map per run, so that ids
    // made to share a hash cost no more than a Map of them all would.
    if (y - x > 1) {
      const seen = new Map<string, number>();
      for (let u = x; u < y; u++) {
        if ((u & 8191) === 8191 && performance.now() > deadline) throw timedOut();
        const later = packed[u] % scale;
        if (found !== undefined && later >= found[1]) break;
        const id = buffers[later].id;
        const earlier = seen.get(id);
        if (earlier !== undefined) {
          found = [earlier, later];
          break;
        }
        seen.set(id, later);
      }
    }
    x = y;
  }
  return found;
}

function timedOut(): SolveError {
  return new SolveError("timeout", "The time limit was hit while checking the problem");
}

/** The height bound of checkProblem in BigInt, for the message. */
function exactBound(buffers: BufferSpec[]): bigint {
  let sum = 0n;
  let pinnedMax = 0n;
  for (const b of buffers) {
    sum += BigInt(b.size) + BigInt(b.alignment ?? 1) - 1n;
    if (b.offset !== undefined && BigInt(b.offset) > pinnedMax) pinnedMax = BigInt(b.offset);
  }
  return sum + pinnedMax;
}
