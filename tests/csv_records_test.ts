// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The record reader under parseCsv (src/_csv_records.ts): RFC 4180 fields,
// the line each record starts on, blank lines, CRLF and a byte-order mark,
// and the three syntax errors with their lines.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RecordReader } from "../src/_csv_records.ts";
import { CsvError } from "../src/errors.ts";

/** Every record as [line, fields]. */
function records(text: string): [number, string[]][] {
  const reader = new RecordReader(text, "t.csv");
  const out: [number, string[]][] = [];
  while (reader.next()) out.push([reader.line, reader.fields.slice()]);
  return out;
}

/** The syntax error the text gives, as "line: detail". */
function syntaxError(text: string): string {
  try {
    records(text);
  } catch (error) {
    assert.ok(error instanceof CsvError);
    assert.equal(error.code, "syntax");
    assert.equal(error.file, "t.csv");
    return `${error.line}: ${error.message.slice(`t.csv:${error.line}: `.length)}`;
  }
  assert.fail("no error");
}

describe("RecordReader", () => {
  it("splits plain records, keeping blanks inside fields", () => {
    assert.deepEqual(records("a,b,c\n1, 2 ,3\n"), [[1, ["a", "b", "c"]], [2, ["1", " 2 ", "3"]]]);
    assert.deepEqual(records("a"), [[1, ["a"]]]);
    assert.deepEqual(records("a,\n,b"), [[1, ["a", ""]], [2, ["", "b"]]]);
  });

  it("skips blank and white-space lines, and counts them", () => {
    assert.deepEqual(records("\n\na\n  \n\t\nb\n\n"), [[3, ["a"]], [6, ["b"]]]);
    assert.deepEqual(records(""), []);
    assert.deepEqual(records("\n \n"), []);
  });

  it("reads CRLF line ends and a byte-order mark", () => {
    assert.deepEqual(records("\ufeffa,b\r\n1,2\r\n\r\n3,4"), [
      [1, ["a", "b"]],
      [2, ["1", "2"]],
      [4, ["3", "4"]],
    ]);
    assert.deepEqual(records('"a"\r\n"b"'), [[1, ["a"]], [2, ["b"]]]);
  });

  it("reads quoted fields with commas, doubled quotes and line breaks", () => {
    assert.deepEqual(records('"a,b","say ""hi""",""\n'), [[1, ["a,b", 'say "hi"', ""]]]);
    assert.deepEqual(records('x,"1\n2\r\n3"\ny\n"\n"\nz'), [
      [1, ["x", "1\n2\r\n3"]],
      [4, ["y"]],
      [5, ["\n"]],
      [7, ["z"]],
    ]);
    // A record of one empty quoted field is not blank.
    assert.deepEqual(records('""\n'), [[1, [""]]]);
  });

  it("ignores blanks around a quoted field", () => {
    assert.deepEqual(records(' "a" , "b"\t\r\n'), [[1, ["a", "b"]]]);
  });

  it("counts lines right after many quoted fields on one line", () => {
    const line = Array.from({ length: 1000 }, (_, i) => `"${i}"`).join(",");
    const got = records(`${line}\n"a\nb",${line}\nc\n`);
    assert.deepEqual(got.map(([at, fields]) => [at, fields.length]), [[1, 1000], [2, 1001], [
      4,
      1,
    ]]);
    assert.equal(got[1][1][0], "a\nb");
    assert.equal(got[1][1][1000], "999");
  });

  it("names the line of each syntax error", () => {
    assert.equal(syntaxError('a\n"b\nc\n'), "2: unterminated quoted field (missing closing quote)");
    assert.equal(syntaxError('a\nb"c\n'), "2: unexpected quote inside an unquoted field");
    assert.equal(syntaxError('a\n"x\ny"z\n'), "3: unexpected text after a closing quote");
    assert.equal(syntaxError('"a" "b"\n'), "1: unexpected quote inside an unquoted field");
  });
});
