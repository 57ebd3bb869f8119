// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * {@linkcode parseCsv}: reads a problem from MiniMalloc's CSV format.
 *
 * @module
 */

import { CsvError } from "./errors.ts";
import type { BufferSpec, Gap, Problem } from "./problem.ts";
import { quote } from "./_quote.ts";
import { bufferIssue, firstRepeat } from "./_check.ts";
import { RecordReader } from "./_csv_records.ts";

/** Options for {@linkcode parseCsv}. */
export interface ParseCsvOptions {
  /** The file name to show in error messages. */
  file?: string;
  /**
   * The problem's capacity (the CSV does not hold one).
   * @default {undefined}
   */
  capacity?: number;
}

type Column = "id" | "lower" | "upper" | "size" | "alignment" | "hint" | "gaps" | "offset";

const ALIASES: Record<string, Column> = {
  id: "id",
  buffer: "id",
  buffer_id: "id",
  lower: "lower",
  start: "lower",
  begin: "lower",
  upper: "upper",
  end: "upper",
  size: "size",
  alignment: "alignment",
  hint: "hint",
  gaps: "gaps",
  offset: "offset",
};

const INTEGER = /^[+-]?\d+$/;

/**
 * The number that `text[a, z)` writes in 1 to 15 plain digits (always
 * safe), or -1 when it is anything else.
 */
function digitsAt(text: string, a: number, z: number): number {
  if (z <= a || z - a >= 16) return -1;
  let value = 0;
  for (let k = a; k < z; k++) {
    const c = text.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/**
 * A cell's integer. Plain digits (what nearly every cell is) are read
 * without trimming or a regular expression; anything else takes the
 * general path and its errors.
 */
function cellInt(raw: string, column: string, file: string | undefined, line: number): number {
  const plain = digitsAt(raw, 0, raw.length);
  if (plain >= 0) return plain;
  const cell = raw.trim();
  if (!INTEGER.test(cell)) {
    throw new CsvError("value", `expected an integer, got ${quote(raw)}`, { file, line, column });
  }
  const value = Number(cell);
  if (!Number.isSafeInteger(value)) {
    throw new CsvError(
      "value",
      `expected an integer within ±9007199254740991, got ${quote(cell)}`,
      { file, line, column },
    );
  }
  return value;
}

/**
 * Reads a problem from MiniMalloc's CSV format (the reference tool's): a header
 * naming the columns (`id`, `lower`, `upper`, `size` and optionally
 * `alignment`, `hint`, `gaps`, `offset`, in any order, with the reference's
 * aliases), then one buffer per row. A header that says `end` marks the old
 * format, whose upper times are inclusive. Fields may be quoted as in RFC
 * 4180; blank lines, a byte-order mark and CRLF line ends are accepted. An
 * empty `offset` cell leaves that buffer free. A gap that reaches outside
 * its buffer's lifespan is cut to the lifespan (and dropped when wholly
 * outside), as the reference reads such files: the buffer occupies nothing
 * outside its lifespan anyway. One pass, linear in the text's length.
 *
 * Every number must be an integer within ±(2^53 − 1). Errors name the
 * file, the line and the column, and say what was expected.
 *
 * @example Usage
 * ```ts
 * import { parseCsv } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const problem = parseCsv("id,lower,upper,size\nb1,0,3,4\nb2,3,9,4\n", { capacity: 8 });
 * deepEqual(problem.capacity, 8);
 * deepEqual(problem.buffers[1], { id: "b2", lower: 3, upper: 9, size: 4 });
 * ```
 *
 * @param text The CSV text.
 * @param options The file name for messages, and the capacity.
 * @returns The problem.
 * @throws {CsvError} If the text is not a valid MiniMalloc CSV.
 * @throws {TypeError} If the text is not a string, or an option has the
 * wrong type.
 * @throws {RangeError} If the capacity is not a safe integer >= 0.
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): Problem {
  if (typeof text !== "string") {
    throw new TypeError(
      `Cannot parse the CSV: expected the text as a string, got ${typeName(text)}`,
    );
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `Cannot parse the CSV: expected an options object, got ${typeName(options)}`,
    );
  }
  const { file, capacity } = options;
  if (file !== undefined && typeof file !== "string") {
    throw new TypeError(
      `Cannot parse the CSV: expected the file name as a string, got ${typeName(file)}`,
    );
  }
  if (capacity !== undefined && typeof capacity !== "number") {
    throw new TypeError(
      `Cannot parse the CSV: expected the capacity as a number, got ${typeName(capacity)}`,
    );
  }
  if (capacity !== undefined && !(Number.isSafeInteger(capacity) && capacity >= 0)) {
    throw new RangeError(
      `Cannot parse the CSV: expected a capacity that is a safe integer >= 0, got ${
        String(capacity)
      }`,
    );
  }
  const reader = new RecordReader(text, file);
  if (!reader.next()) {
    throw new CsvError("header", "expected a header line naming the columns, got an empty file", {
      file,
      line: 1,
    });
  }
  const headerLine = reader.line;
  const at = new Map<Column, number>();
  let inclusive = false;
  reader.fields.forEach((raw, index) => {
    const name = raw.trim();
    const column = Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
    if (column === undefined) {
      throw new CsvError(
        "header",
        `unknown column ${
          quote(name)
        } (expected id, lower, upper, size, alignment, hint, gaps or offset)`,
        { file, line: headerLine },
      );
    }
    if (at.has(column)) {
      throw new CsvError("header", `column ${quote(name)} repeats column ${column}`, {
        file,
        line: headerLine,
      });
    }
    if (name === "end") inclusive = true;
    at.set(column, index);
  });
  for (const required of ["id", "lower", "upper", "size"] as const) {
    if (!at.has(required)) {
      throw new CsvError("header", `missing required column "${required}"`, {
        file,
        line: headerLine,
      });
    }
  }
  const idAt = at.get("id")!;
  const lowerAt = at.get("lower")!;
  const upperAt = at.get("upper")!;
  const sizeAt = at.get("size")!;
  const alignmentAt = at.get("alignment");
  const hintAt = at.get("hint");
  const gapsAt = at.get("gaps");
  const offsetAt = at.get("offset");
  const width = reader.fields.length;
  const shift = inclusive ? 1 : 0;

  // Room for a buffer per line, made once: growing the arrays row by row
  // allocated three times their final size (every fresh megabyte costs
  // time). A record ends only at a line feed (or the text's end), so
  // there are never more rows than that; often fewer (blank lines,
  // quoted line breaks).
  let room = 0;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) room++;
  const buffers: BufferSpec[] = new Array(room + 1);
  // Each buffer's line, for a repeated id's message.
  const lines = new Int32Array(room + 1);
  let count = 0;
  const fields = reader.fields;
  // Plain rows of the plain columns (id, lower, upper, size, offset) are
  // read from the text where they are, without a string per field: a
  // third of the parse at 10^6 rows. Anything unusual in a cell takes
  // cellInt's path, and a row with quotes or the wrong count of fields
  // the general reader's, with their messages.
  const plainColumns = alignmentAt === undefined && hintAt === undefined &&
    gapsAt === undefined && width === (offsetAt === undefined ? 4 : 5);
  const starts = new Int32Array(width);
  const ends = new Int32Array(width);
  const intAt = (k: number, column: string, line: number): number => {
    const plain = digitsAt(text, starts[k], ends[k]);
    return plain >= 0 ? plain : cellInt(text.slice(starts[k], ends[k]), column, file, line);
  };
  const plainRow = (): BufferSpec => {
    const line = reader.line;
    const buffer: BufferSpec = {
      id: text.slice(starts[idAt], ends[idAt]),
      lower: intAt(lowerAt, "lower", line),
      upper: intAt(upperAt, "upper", line) + shift,
      size: intAt(sizeAt, "size", line),
    };
    if (offsetAt !== undefined) {
      const raw = text.slice(starts[offsetAt], ends[offsetAt]);
      if (raw.trim() !== "") buffer.offset = cellInt(raw, "offset", file, line);
    }
    return buffer;
  };
  const readBuffers = (): void => {
    for (;;) {
      let buffer: BufferSpec;
      if (plainColumns && reader.nextPlain(width, starts, ends)) {
        buffer = plainRow();
      } else {
        if (!reader.next()) return;
        buffer = generalRow();
      }
      const line = reader.line;
      const issue = bufferIssue(buffer, true);
      if (issue) throw new CsvError("semantic", issue.detail, { file, line, column: issue.column });
      if (buffer.gaps !== undefined) clipGaps(buffer);
      buffers[count] = buffer;
      lines[count++] = line;
    }
  };
  const generalRow = (): BufferSpec => {
    const line = reader.line;
    if (fields.length !== width) {
      throw new CsvError(
        "field-count",
        `expected ${width} fields as in the header, got ${fields.length}`,
        { file, line },
      );
    }
    const buffer: BufferSpec = {
      id: fields[idAt],
      lower: cellInt(fields[lowerAt], "lower", file, line),
      upper: cellInt(fields[upperAt], "upper", file, line) + shift,
      size: cellInt(fields[sizeAt], "size", file, line),
    };
    if (alignmentAt !== undefined && fields[alignmentAt].trim() !== "") {
      buffer.alignment = cellInt(fields[alignmentAt], "alignment", file, line);
    }
    if (hintAt !== undefined && fields[hintAt].trim() !== "") {
      const hint = cellInt(fields[hintAt], "hint", file, line);
      if (hint >= 0) buffer.hint = hint;
    }
    if (gapsAt !== undefined) {
      const gaps = parseGaps(fields[gapsAt], shift, file, line);
      if (gaps.length > 0) buffer.gaps = gaps;
    }
    if (offsetAt !== undefined && fields[offsetAt].trim() !== "") {
      buffer.offset = cellInt(fields[offsetAt], "offset", file, line);
    }
    return buffer;
  };
  try {
    readBuffers();
  } catch (error) {
    buffers.length = count;
    // A repeated id on an earlier line is the first error in the file.
    if (error instanceof CsvError) repeatedId(buffers, lines, file);
    throw error;
  }
  buffers.length = count;
  // Ids are checked all at once, by sorted hashes: a Map of 10^6 strings
  // took two thirds of the parse.
  repeatedId(buffers, lines, file);
  const problem: Problem = { buffers };
  if (capacity !== undefined) problem.capacity = capacity;
  return problem;
}

/** Throws the first repeated id, naming both lines. */
function repeatedId(
  buffers: BufferSpec[],
  lines: ArrayLike<number>,
  file: string | undefined,
): void {
  const repeat = firstRepeat(buffers);
  if (repeat === undefined) return;
  const [earlier, later] = repeat;
  throw new CsvError(
    "semantic",
    `id ${quote(buffers[later].id)} is already used on line ${lines[earlier]}`,
    { file, line: lines[later], column: "id" },
  );
}

/**
 * Keeps only the part of each gap inside the lifespan, as the reference
 * does in effect (a buffer occupies nothing outside its lifespan anyway),
 * and drops gaps wholly outside it. The solvers then see only gaps inside
 * the lifespan, which is what the library's own check requires.
 */
function clipGaps(buffer: BufferSpec): void {
  const gaps = buffer.gaps!;
  const { lower, upper } = buffer;
  if (gaps[0].lower >= lower && gaps[gaps.length - 1].upper <= upper) return;
  const kept: Gap[] = [];
  for (const gap of gaps) {
    const from = Math.max(gap.lower, lower);
    const to = Math.min(gap.upper, upper);
    if (from >= to) continue;
    if (from === gap.lower && to === gap.upper) kept.push(gap);
    else {kept.push(
        gap.window ? { lower: from, upper: to, window: gap.window } : { lower: from, upper: to },
      );}
  }
  if (kept.length > 0) buffer.gaps = kept;
  else delete buffer.gaps;
}

const SIGN_MINUS = 45;
const SIGN_PLUS = 43;
const DIGIT_0 = 48;
const AT = 64;
const COLON = 58;

// Where readInteger stopped: a module-level cursor, so that reading five
// million gaps allocates nothing but the gaps.
let cursor = 0;

/**
 * Reads `[+-]?\d+` at `i` and sets `cursor` past it. Returns NaN when
 * there is no integer there or it is not a safe integer.
 */
function readInteger(cell: string, i: number): number {
  const n = cell.length;
  let c = cell.charCodeAt(i);
  const negative = c === SIGN_MINUS;
  if (negative || c === SIGN_PLUS) c = cell.charCodeAt(++i);
  const first = i;
  let value = 0;
  // Exact while the value is safe; once past 2^53 − 1 it stays past it
  // (rounding is monotone), so the check after the loop is exact too.
  while (i < n && c >= DIGIT_0 && c <= DIGIT_0 + 9) {
    value = value * 10 + (c - DIGIT_0);
    c = cell.charCodeAt(++i);
  }
  cursor = i;
  if (i === first || value > Number.MAX_SAFE_INTEGER) return NaN;
  return negative ? -value : value;
}

/** Whether `c` is white space as `\s` and `trim` see it. */
function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c > 127 && String.fromCharCode(c).trim() === "";
}

/**
 * Reads a gaps cell: tokens `L-U` or `L-U@A:B` separated by white space,
 * in one pass with no string per token (a row may hold millions).
 */
function parseGaps(cell: string, shift: number, file: string | undefined, line: number): Gap[] {
  const gaps: Gap[] = [];
  const n = cell.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(cell.charCodeAt(i))) i++;
    if (i >= n) return gaps;
    const start = i;
    const lower = readInteger(cell, i);
    let upper = NaN;
    let a = NaN;
    let b = NaN;
    if (!Number.isNaN(lower) && cell.charCodeAt(cursor) === SIGN_MINUS) {
      upper = readInteger(cell, cursor + 1);
      if (!Number.isNaN(upper) && cell.charCodeAt(cursor) === AT) {
        a = readInteger(cell, cursor + 1);
        if (!Number.isNaN(a) && cell.charCodeAt(cursor) === COLON) {
          b = readInteger(cell, cursor + 1);
        }
        // A window must be whole: "L-U@A" alone is malformed.
        if (Number.isNaN(b)) upper = NaN;
      }
    }
    const ok = !Number.isNaN(upper);
    i = cursor;
    if (!ok || (i < n && !isSpace(cell.charCodeAt(i)))) {
      let end = i;
      while (end < n && !isSpace(cell.charCodeAt(end))) end++;
      throw new CsvError(
        "value",
        `expected gaps like "L-U" or "L-U@A:B" with integers, got ${quote(cell.slice(start, end))}`,
        { file, line, column: "gaps" },
      );
    }
    gaps.push(
      !Number.isNaN(a)
        ? { lower, upper: upper + shift, window: { lower: a, upper: b } }
        : { lower, upper: upper + shift },
    );
  }
}

/** A short description of a value's type, for messages. */
function typeName(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${quote(value)}`;
  return `a ${typeof value} (${String(value)})`;
}
