// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// The mechanism under parseCsv: text into records of fields (RFC 4180).
// One pass, one record at a time: the reader never holds a list of all
// records, and a field is a slice of the text (joined from pieces only
// where a quoted field doubles a quote), so a 50 MB field costs one scan
// and no copy. Quoted fields are found with indexOf, the rest with a
// charCodeAt loop; neither builds a string a character at a time, which
// is what made a long quoted field quadratic.
//
//   id,lower,upper,size⏎          record at line 1: [id, lower, upper, size]
//   "a,""b""",0,3,4⏎              record at line 2: [a,"b", 0, 3, 4]
//   ⏎                             blank: skipped
//   "c⏎d",3,9,4⏎                  record at line 4 (it spans lines 4-5)

import { CsvError } from "./errors.ts";

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

// Whether readers take plain records the fast way (nextPlain): off only
// in the tests that compare the two ways.
let plainRecords = true;

/** Turns the plain records' fast way on or off (for the tests); returns what it was. */
export function usePlainRecords(on: boolean): boolean {
  const was = plainRecords;
  plainRecords = on;
  return was;
}

/**
 * Reads the records of a CSV text one at a time: `next()` fills `fields`
 * and `line` with the next record that is not blank, and returns false at
 * the end. A record ends at `\n` or `\r\n`; a quoted field may hold
 * commas, doubled quotes and line breaks; blanks around a quoted field are
 * ignored; a record is reported at the line where it starts.
 */
export class RecordReader {
  /** The fields of the current record (reused from record to record). */
  readonly fields: string[] = [];
  /** The 1-based line where the current record starts. */
  line = 0;
  readonly #text: string;
  readonly #file: string | undefined;
  #at: number;
  #line = 1;
  // The next line feed at or after some point inside quoted text: found
  // once per line feed, not once per quoted field (a line of many short
  // quoted fields would otherwise be scanned to its end for each one).
  #nextLf = -1;

  constructor(text: string, file?: string) {
    this.#text = text;
    this.#file = file;
    this.#at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  /** Reads the next record that is not blank; false at the end of the text. */
  next(): boolean {
    const text = this.#text;
    const n = text.length;
    const fields = this.fields;
    let i = this.#at;
    while (i < n) {
      fields.length = 0;
      const startLine = this.#line;
      let quoted = false;
      for (;;) {
        let j = i;
        let c = 0;
        while (j < n) {
          c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === QUOTE) break;
          j++;
        }
        if (j < n && c === QUOTE) {
          if (text.slice(i, j).trim() !== "") {
            throw this.#error("unexpected quote inside an unquoted field", this.#line);
          }
          j = this.#quoted(j, fields);
          quoted = true;
        } else {
          // A CR before the line feed (or at the end) belongs to the line end.
          const end = (j === n || c === LF) && j > i && text.charCodeAt(j - 1) === CR ? j - 1 : j;
          fields.push(text.slice(i, end));
        }
        if (j >= n) {
          i = n;
          break;
        }
        i = j + 1;
        if (text.charCodeAt(j) === LF) {
          this.#line++;
          break;
        }
      }
      if (fields.length > 1 || quoted || fields[0].trim() !== "") {
        this.#at = i;
        this.line = startLine;
        return true;
      }
    }
    this.#at = n;
    return false;
  }

  /**
   * Reads the next record when it is plain, for the common case's speed:
   * `width` (at least 2) fields on one line with no quote. Sets each
   * field's bounds in `starts` and `ends` (not `fields`) and `line`, and
   * returns true. For anything else (a quote, another count of fields, the
   * end) it consumes nothing and returns false: `next()` reads it then, as
   * it reads every record.
   */
  nextPlain(width: number, starts: Int32Array, ends: Int32Array): boolean {
    const text = this.#text;
    const n = text.length;
    const i = this.#at;
    if (i >= n || width < 2 || !plainRecords) return false;
    let f = 0;
    let j = i;
    starts[0] = i;
    for (; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c === COMMA) {
        if (f + 1 >= width) return false;
        ends[f++] = j;
        starts[f] = j + 1;
      } else if (c === LF) break;
      else if (c === QUOTE) return false;
    }
    if (f + 1 !== width) return false;
    // A CR before the line feed (or at the end) belongs to the line end.
    ends[f] = j > starts[f] && text.charCodeAt(j - 1) === CR ? j - 1 : j;
    this.line = this.#line;
    if (j < n) {
      this.#line++;
      this.#at = j + 1;
    } else this.#at = n;
    return true;
  }

  /**
   * Reads the quoted field whose opening quote is at `open` into `fields`;
   * returns where the field ends (at a comma, a line feed or the end).
   */
  #quoted(open: number, fields: string[]): number {
    const text = this.#text;
    const n = text.length;
    const quoteLine = this.#line;
    let pieces: string[] | undefined;
    let from = open + 1;
    for (;;) {
      const close = text.indexOf('"', from);
      if (close === -1) {
        throw this.#error("unterminated quoted field (missing closing quote)", quoteLine);
      }
      this.#countLines(from, close);
      if (text.charCodeAt(close + 1) === QUOTE) {
        (pieces ??= []).push(text.slice(from, close + 1));
        from = close + 2;
        continue;
      }
      const last = text.slice(from, close);
      fields.push(pieces === undefined ? last : pieces.join("") + last);
      let j = close + 1;
      for (; j < n; j++) {
        const c = text.charCodeAt(j);
        if (c === COMMA || c === LF) break;
        if (c === QUOTE) {
          throw this.#error("unexpected quote inside an unquoted field", this.#line);
        }
        if (text[j].trim() !== "") {
          throw this.#error("unexpected text after a closing quote", this.#line);
        }
      }
      return j;
    }
  }

  /** Counts the line feeds in `[from, to)` into the line number. */
  #countLines(from: number, to: number): void {
    const text = this.#text;
    if (this.#nextLf < from) {
      this.#nextLf = text.indexOf("\n", from);
      if (this.#nextLf === -1) this.#nextLf = text.length;
    }
    while (this.#nextLf < to) {
      this.#line++;
      this.#nextLf = text.indexOf("\n", this.#nextLf + 1);
      if (this.#nextLf === -1) this.#nextLf = text.length;
    }
  }

  #error(detail: string, line: number): CsvError {
    return new CsvError("syntax", detail, { file: this.#file, line });
  }
}
