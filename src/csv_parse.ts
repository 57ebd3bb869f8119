// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * {@linkcode parseCsv}: reads a problem from MiniMalloc's CSV format.
 *
 * @module
 */

import { CsvError } from "./errors.ts";
import type { Buffer, Gap, Problem } from "./problem.ts";
import { bufferIssue } from "./_check.ts";

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
const GAP = /^([+-]?\d+)-([+-]?\d+)(?:@([+-]?\d+):([+-]?\d+))?$/;

/**
 * Reads a problem from MiniMalloc's CSV format (SPEC section 2): a header
 * naming the columns (`id`, `lower`, `upper`, `size` and optionally
 * `alignment`, `hint`, `gaps`, `offset`, in any order, with the reference's
 * aliases), then one buffer per row. A header that says `end` marks the old
 * format, whose upper times are inclusive. Fields may be quoted as in RFC
 * 4180; blank lines, a byte-order mark and CRLF line ends are accepted. An
 * empty `offset` cell leaves that buffer free.
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
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): Problem {
  const file = options.file;
  const records = readRecords(text, file);
  if (records.length === 0) {
    throw new CsvError("header", "expected a header line naming the columns, got an empty file", {
      file,
      line: 1,
    });
  }
  const header = records[0];
  const at = new Map<Column, number>();
  let inclusive = false;
  header.fields.forEach((raw, index) => {
    const name = raw.trim();
    const column = ALIASES[name];
    if (column === undefined) {
      throw new CsvError(
        "header",
        `unknown column ${
          quote(name)
        } (expected id, lower, upper, size, alignment, hint, gaps or offset)`,
        { file, line: header.line },
      );
    }
    if (at.has(column)) {
      throw new CsvError("header", `column ${quote(name)} repeats column ${column}`, {
        file,
        line: header.line,
      });
    }
    if (name === "end") inclusive = true;
    at.set(column, index);
  });
  for (const required of ["id", "lower", "upper", "size"] as const) {
    if (!at.has(required)) {
      throw new CsvError("header", `missing required column "${required}"`, {
        file,
        line: header.line,
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
  const width = header.fields.length;
  const shift = inclusive ? 1 : 0;

  const buffers: Buffer[] = [];
  const seen = new Map<string, number>();
  for (let r = 1; r < records.length; r++) {
    const { fields, line } = records[r];
    if (fields.length !== width) {
      throw new CsvError(
        "field-count",
        `expected ${width} fields as in the header, got ${fields.length}`,
        { file, line },
      );
    }
    const int = (index: number, column: string): number => {
      const cell = fields[index].trim();
      if (!INTEGER.test(cell)) {
        throw new CsvError("value", `expected an integer, got ${quote(fields[index])}`, {
          file,
          line,
          column,
        });
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
    };
    const buffer: Buffer = {
      id: fields[idAt],
      lower: int(lowerAt, "lower"),
      upper: int(upperAt, "upper") + shift,
      size: int(sizeAt, "size"),
    };
    if (alignmentAt !== undefined && fields[alignmentAt].trim() !== "") {
      buffer.alignment = int(alignmentAt, "alignment");
    }
    if (hintAt !== undefined && fields[hintAt].trim() !== "") {
      const hint = int(hintAt, "hint");
      if (hint >= 0) buffer.hint = hint;
    }
    if (gapsAt !== undefined) {
      const gaps = parseGaps(fields[gapsAt], shift, { file, line });
      if (gaps.length > 0) buffer.gaps = gaps;
    }
    if (offsetAt !== undefined && fields[offsetAt].trim() !== "") {
      buffer.offset = int(offsetAt, "offset");
    }
    const issue = bufferIssue(buffer);
    if (issue) throw new CsvError("semantic", issue.detail, { file, line, column: issue.column });
    const earlier = seen.get(buffer.id);
    if (earlier !== undefined) {
      throw new CsvError("semantic", `id ${quote(buffer.id)} is already used on line ${earlier}`, {
        file,
        line,
        column: "id",
      });
    }
    seen.set(buffer.id, line);
    buffers.push(buffer);
  }
  const problem: Problem = { buffers };
  if (options.capacity !== undefined) problem.capacity = options.capacity;
  return problem;
}

function parseGaps(cell: string, shift: number, where: { file?: string; line: number }): Gap[] {
  const gaps: Gap[] = [];
  for (const token of cell.trim().split(/\s+/)) {
    if (token === "") continue;
    const match = GAP.exec(token);
    const numbers = match?.slice(1).map((x) => x === undefined ? undefined : Number(x));
    if (!match || numbers!.some((x) => x !== undefined && !Number.isSafeInteger(x))) {
      throw new CsvError(
        "value",
        `expected gaps like "L-U" or "L-U@A:B" with integers, got ${quote(token)}`,
        { ...where, column: "gaps" },
      );
    }
    const [lower, upper, a, b] = numbers!;
    const gap: Gap = { lower: lower!, upper: upper! + shift };
    if (a !== undefined) gap.window = { lower: a, upper: b! };
    gaps.push(gap);
  }
  return gaps;
}

interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * Splits text into records of fields (RFC 4180), skipping blank lines. A
 * quoted field may hold commas, quotes (doubled) and line breaks; a record
 * is reported at the line where it starts.
 */
function readRecords(text: string, file: string | undefined): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  // The next quote, found once per quote rather than once per line (a
  // file without quotes would otherwise be scanned to its end every line).
  let nextQuote = -1;
  while (i < n) {
    const startLine = line;
    // Fast path: a line without quotes.
    let end = text.indexOf("\n", i);
    if (end === -1) end = n;
    if (nextQuote !== n && nextQuote < i) {
      nextQuote = text.indexOf('"', i);
      if (nextQuote === -1) nextQuote = n;
    }
    if (nextQuote > end) {
      let stop = end;
      if (stop > i && text.charCodeAt(stop - 1) === 13) stop--;
      const content = text.slice(i, stop);
      if (content.trim() !== "") records.push({ fields: content.split(","), line: startLine });
      i = end + 1;
      line++;
      continue;
    }
    const fields: string[] = [];
    let field = "";
    let quoted = false;
    let wasQuoted = false;
    let quoteLine = line;
    for (; i < n; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else {
            quoted = false;
          }
        } else {
          if (c === "\n") line++;
          field += c;
        }
      } else if (c === '"') {
        if (field.trim() !== "" || wasQuoted) {
          throw new CsvError("syntax", "unexpected quote inside an unquoted field", {
            file,
            line,
          });
        }
        quoted = true;
        wasQuoted = true;
        quoteLine = line;
        field = "";
      } else if (c === ",") {
        fields.push(field);
        field = "";
        wasQuoted = false;
      } else if (c === "\n" || c === "\r") {
        if (c === "\r" && text[i + 1] === "\n") i++;
        i++;
        line++;
        break;
      } else {
        if (wasQuoted && c.trim() !== "") {
          throw new CsvError("syntax", "unexpected text after a closing quote", { file, line });
        }
        if (!wasQuoted) field += c;
      }
    }
    if (quoted) {
      throw new CsvError("syntax", "unterminated quoted field (missing closing quote)", {
        file,
        line: quoteLine,
      });
    }
    fields.push(field);
    if (fields.length > 1 || fields[0].trim() !== "" || wasQuoted) {
      records.push({ fields, line: startLine });
    }
  }
  return records;
}

// Text read from the file goes into messages escaped (no control
// characters reach a terminal) and cut short (one line, whatever the file).
function quote(text: string): string {
  const cut = text.length > 40 ? text.slice(0, 40) : text;
  const quoted = JSON.stringify(cut).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return cut === text ? quoted : `${quoted.slice(0, -1)}…" (${text.length} characters)`;
}
