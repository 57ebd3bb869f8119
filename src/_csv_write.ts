// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// The CSV writer's layout, shared by stringifyCsv (text) and csvBytes (the
// CLI's output, written as bytes): which columns, and how a row reads. At
// 10^6 buffers, building the text and then encoding it took 0.7 s; writing
// the bytes of plain rows directly takes a fraction of that.

import type { Buffer, Gap, Problem, Solution } from "./problem.ts";

/** The optional columns a problem's CSV has. */
export interface Columns {
  alignment: boolean;
  hint: boolean;
  gaps: boolean;
  offset: boolean;
  /** 1 for the old format (inclusive upper times), else 0. */
  shift: number;
  header: string;
}

/** The columns for a problem, and a solution if any, and the header line. */
export function columnsOf(problem: Problem, solution: Solution | undefined, old: boolean): Columns {
  const buffers = problem.buffers;
  if (solution !== undefined && solution.offsets.length !== buffers.length) {
    throw new RangeError(
      `Cannot write the CSV: ${solution.offsets.length} offsets for ${buffers.length} buffers`,
    );
  }
  const columns = {
    alignment: buffers.some((b) => (b.alignment ?? 1) !== 1),
    hint: buffers.some((b) => b.hint !== undefined),
    gaps: buffers.some((b) => (b.gaps ?? []).length > 0),
    // A solution's offsets, else the pins (a problem read back keeps them).
    offset: solution !== undefined || buffers.some((b) => b.offset !== undefined),
    shift: old ? 1 : 0,
    header: "",
  };
  const header = ["id", old ? "start" : "lower", old ? "end" : "upper", "size"];
  if (columns.alignment) header.push("alignment");
  if (columns.hint) header.push("hint");
  if (columns.gaps) header.push("gaps");
  if (columns.offset) header.push("offset");
  columns.header = header.join(",");
  return columns;
}

/**
 * One buffer's row, without its line end; `offset` is the solution's (its
 * pin, if any, without one; an empty cell for a free buffer).
 */
export function rowOf(b: Buffer, offset: number | undefined, columns: Columns): string {
  let row = `${quoteField(b.id)},${b.lower},${b.upper - columns.shift},${b.size}`;
  if (columns.alignment) row += `,${b.alignment ?? 1}`;
  if (columns.hint) row += `,${b.hint ?? -1}`;
  if (columns.gaps) row += `,${(b.gaps ?? []).map((g) => gapText(g, columns.shift)).join(" ")}`;
  if (columns.offset) row += `,${offset ?? b.offset ?? ""}`;
  return row;
}

function gapText(gap: Gap, shift: number): string {
  const span = `${gap.lower}-${gap.upper - shift}`;
  return gap.window ? `${span}@${gap.window.lower}:${gap.window.upper}` : span;
}

const NEEDS_QUOTES = /[",\r\n]/;

function quoteField(field: string): string {
  return NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

const COMMA = 44;
const LF = 10;
const MINUS = 45;
const ZERO = 48;

/**
 * The CSV as UTF-8 bytes, the same as encoding stringifyCsv's text (new
 * format): rows of plain ids and whole numbers are written digit by digit,
 * any other row as its text.
 */
export function csvBytes(problem: Problem, solution?: Solution): Uint8Array {
  const columns = columnsOf(problem, solution, false);
  const plain = !columns.alignment && !columns.hint && !columns.gaps;
  // Rows of short ids take about 42 bytes with an offset (33 without) at
  // 10^6 buffers: room for that much more, and growth by half, so that a
  // large output is not held nearly twice over.
  let out = new Uint8Array(64 + (columns.offset ? 48 : 40) * problem.buffers.length);
  let at = 0;
  const room = (bytes: number): void => {
    if (at + bytes <= out.length) return;
    const grown = new Uint8Array(Math.max(Math.ceil(1.5 * out.length), at + bytes));
    grown.set(out.subarray(0, at));
    out = grown;
  };
  const encoder = new TextEncoder();
  const text = (s: string): void => {
    // At most 3 bytes per UTF-16 unit.
    room(3 * s.length);
    at += encoder.encodeInto(s, out.subarray(at)).written;
  };
  // A safe integer's digits, else its text (as a template literal writes it).
  const number = (x: number): void => {
    if (!Number.isSafeInteger(x)) return text(String(x));
    room(17);
    if (x < 0) {
      out[at++] = MINUS;
      x = -x;
    }
    let digits = 1;
    for (let p = 10; p <= x; p *= 10) digits++;
    let k = at + digits;
    at = k;
    // Whole-number division on doubles above 2^31, on int32 below.
    while (x >= 2 ** 31) {
      const q = Math.floor(x / 10);
      out[--k] = ZERO + (x - 10 * q);
      x = q;
    }
    let v = x | 0;
    do {
      const q = (v / 10) | 0;
      out[--k] = ZERO + (v - 10 * q);
      v = q;
    } while (v > 0);
  };
  text(columns.header);
  const buffers = problem.buffers;
  for (let i = 0; i < buffers.length; i++) {
    const b = buffers[i];
    room(1);
    out[at++] = LF;
    const offset = solution?.offsets[i];
    if (!plain || !plainId(b.id)) {
      text(rowOf(b, offset, columns));
      continue;
    }
    room(b.id.length + 4);
    for (let k = 0; k < b.id.length; k++) out[at++] = b.id.charCodeAt(k);
    out[at++] = COMMA;
    number(b.lower);
    room(1);
    out[at++] = COMMA;
    number(b.upper);
    room(1);
    out[at++] = COMMA;
    number(b.size);
    if (columns.offset) {
      room(1);
      out[at++] = COMMA;
      const written = offset ?? b.offset;
      if (written !== undefined) number(written);
    }
  }
  room(1);
  out[at++] = LF;
  return out.subarray(0, at);
}

/** An id written as it is, one byte a character: ASCII without `",\r\n`. */
function plainId(id: string): boolean {
  for (let k = 0; k < id.length; k++) {
    const c = id.charCodeAt(k);
    if (c > 127 || c === 34 || c === 44 || c === 13 || c === 10) return false;
  }
  return true;
}
