// Copyright the @x/minimalloc authors. Apache-2.0 license.

// Hostile input: the corpus in tests/data/malformed/ holds one small file
// per way a MiniMalloc CSV can be wrong (named for what is wrong). For each,
// the command line must exit 2 with exactly one line on stderr naming the
// file, the line (and the column where it applies) and what was expected,
// with no stack trace and without creating the output file; and parseCsv
// must throw a CsvError with the right code, line and column.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { inProcess } from "./_in_process.ts";
import { parseCsv } from "../src/csv_parse.ts";
import { CsvError, type CsvErrorCode } from "../src/errors.ts";

const CORPUS = fileURLToPath(new URL("./data/malformed/", import.meta.url));
const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));

/** What each file in the corpus must produce. */
interface Malformed {
  /** The file name in tests/data/malformed/. */
  file: string;
  /** The CsvError code. */
  code: CsvErrorCode;
  /** The 1-based line the error names. */
  line: number;
  /** The column the error names, for errors in one field. */
  column?: string;
  /** What the message must say (after the position). */
  detail: RegExp;
  /**
   * What the command line says instead, where it differs: it reads bytes,
   * and refuses ones that are not UTF-8 (parseCsv takes text).
   */
  cli?: { line: number; detail: RegExp };
}

const CASES: Malformed[] = [
  { file: "empty.csv", code: "header", line: 1, detail: /expected a header line/ },
  { file: "blank_lines_only.csv", code: "header", line: 1, detail: /expected a header line/ },
  { file: "missing_column.csv", code: "header", line: 1, detail: /missing required column "size"/ },
  { file: "repeated_column.csv", code: "header", line: 1, detail: /column "size" repeats/ },
  { file: "repeated_column_alias.csv", code: "header", line: 1, detail: /column "id" repeats/ },
  { file: "unknown_column.csv", code: "header", line: 1, detail: /unknown column "colour"/ },
  {
    file: "too_many_fields.csv",
    code: "field-count",
    line: 3,
    detail: /expected 4 fields as in the header, got 5/,
  },
  {
    file: "too_few_fields.csv",
    code: "field-count",
    line: 3,
    detail: /expected 4 fields as in the header, got 3/,
  },
  {
    file: "non_integer.csv",
    code: "value",
    line: 3,
    column: "size",
    detail: /expected an integer, got "4x"/,
  },
  {
    file: "fractional_number.csv",
    code: "value",
    line: 3,
    column: "size",
    detail: /expected an integer, got "4\.5"/,
  },
  {
    file: "exponent_number.csv",
    code: "value",
    line: 3,
    column: "size",
    detail: /expected an integer, got "1e3"/,
  },
  {
    file: "negative_size.csv",
    code: "semantic",
    line: 3,
    column: "size",
    detail: /expected a size >= 0, got -4/,
  },
  {
    file: "empty_lifespan.csv",
    code: "semantic",
    line: 3,
    column: "upper",
    detail: /expected upper > lower, got lifespan \[3, 3\)/,
  },
  {
    file: "reversed_lifespan.csv",
    code: "semantic",
    line: 3,
    column: "upper",
    detail: /expected upper > lower, got lifespan \[9, 3\)/,
  },
  {
    file: "beyond_safe_integer.csv",
    code: "value",
    line: 3,
    column: "upper",
    detail: /expected an integer within ±9007199254740991, got "9007199254740992"/,
  },
  {
    file: "zero_alignment.csv",
    code: "semantic",
    line: 3,
    column: "alignment",
    detail: /expected an integer >= 1, got 0/,
  },
  {
    file: "malformed_gap.csv",
    code: "value",
    line: 3,
    column: "gaps",
    detail: /expected gaps like "L-U" or "L-U@A:B" with integers, got "4-"/,
  },
  {
    file: "reversed_gap.csv",
    code: "semantic",
    line: 3,
    column: "gaps",
    detail: /expected a gap L-U with L < U, got 6-4/,
  },
  {
    file: "overlapping_gaps.csv",
    code: "semantic",
    line: 3,
    column: "gaps",
    detail: /expected gaps in time order without overlap/,
  },
  {
    file: "bad_window_empty.csv",
    code: "semantic",
    line: 3,
    column: "gaps",
    detail: /expected a window A:B with 0 <= A < B <= size 4, got 3:3/,
  },
  {
    file: "bad_window_beyond_size.csv",
    code: "semantic",
    line: 3,
    column: "gaps",
    detail: /expected a window A:B with 0 <= A < B <= size 4, got 0:5/,
  },
  {
    file: "negative_fixed_offset.csv",
    code: "semantic",
    line: 3,
    column: "offset",
    detail: /expected an integer >= 0, got -4/,
  },
  {
    file: "misaligned_fixed_offset.csv",
    code: "semantic",
    line: 3,
    column: "offset",
    detail: /expected a multiple of the alignment 4, got 6/,
  },
  {
    file: "repeated_id.csv",
    code: "semantic",
    line: 4,
    column: "id",
    detail: /id "b1" is already used on line 2/,
  },
  {
    file: "repeated_id_with_line_break.csv",
    code: "semantic",
    line: 4,
    column: "id",
    detail: /is already used on line 2/,
  },
  {
    file: "unterminated_quote.csv",
    code: "syntax",
    line: 3,
    detail: /unterminated quoted field/,
  },
  {
    file: "quote_in_unquoted_field.csv",
    code: "syntax",
    line: 3,
    detail: /unexpected quote inside an unquoted field/,
  },
  {
    file: "text_after_closing_quote.csv",
    code: "syntax",
    line: 3,
    detail: /unexpected text after a closing quote/,
  },
  {
    file: "binary_garbage.csv",
    code: "header",
    line: 1,
    detail: /unknown column/,
    cli: { line: 1, detail: /^not UTF-8 text \(byte 0xff\)$/m },
  },
  { file: "control_characters_in_header.csv", code: "header", line: 1, detail: /unknown column/ },
];

const STACK_TRACE = /^\s+at |\.(ts|js):\d+:\d+|internal error/m;
// Anything a terminal would act on: C0 controls (but the final newline),
// DEL and the C1 controls.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** Runs the command in-process on one corpus file, writing to a fresh directory. */
async function runCli(path: string) {
  const dir = mkdtempSync(join(tmpdir(), "minimalloc-malformed-"));
  const output = join(dir, "out.csv");
  try {
    const { code, stdout, stderr } = await inProcess([
      "--capacity=100",
      `--input=${path}`,
      `--output=${output}`,
    ]);
    return { code, stdout, stderr, left: readdirSync(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The exact start of the one stderr line: `minimalloc: PATH:LINE: [COLUMN: ]`. */
function prefixOf(path: string, c: Malformed): string {
  return `minimalloc: ${path}:${c.line}: ${c.column === undefined ? "" : `${c.column}: `}`;
}

describe("malformed corpus", () => {
  it("every file in tests/data/malformed has an expectation, and every expectation a file", () => {
    assert.deepEqual(readdirSync(CORPUS).sort(), CASES.map((c) => c.file).sort());
  });
});

describe("malformed corpus: the command line exits 2 with one line and writes nothing", () => {
  for (const c of CASES) {
    it(c.file, async () => {
      const path = join(CORPUS, c.file);
      const { code, stdout, stderr, left } = await runCli(path);
      assert.equal(code, 2, `exit code; stderr: ${stderr}`);
      assert.equal(stdout, "");
      assert.ok(stderr.endsWith("\n"), `stderr must end with a line break: ${stderr}`);
      assert.equal(stderr.split("\n").length, 2, `stderr must be exactly one line: ${stderr}`);
      const expected = c.cli ? { ...c, ...c.cli, column: undefined } : c;
      const prefix = prefixOf(path, expected);
      assert.ok(stderr.startsWith(prefix), `expected ${prefix}..., got ${stderr}`);
      assert.match(stderr.slice(prefix.length), expected.detail);
      assert.doesNotMatch(stderr, STACK_TRACE);
      assert.deepEqual(left, [], "the output file (or a temporary file) was created");
    });
  }
});

describe("malformed corpus: parseCsv throws a CsvError with the code, line and column", () => {
  for (const c of CASES) {
    it(c.file, () => {
      const bytes = readFileSync(join(CORPUS, c.file));
      const text = new TextDecoder().decode(bytes);
      const file = `data/${c.file}`;
      assert.throws(() => parseCsv(text, { file, capacity: 100 }), (error) => {
        assert.ok(error instanceof CsvError, `not a CsvError: ${error}`);
        assert.equal(error.code, c.code);
        assert.equal(error.file, file);
        assert.equal(error.line, c.line);
        assert.equal(error.column, c.column);
        assert.ok(error.message.startsWith(`${file}:${c.line}: `), error.message);
        assert.match(error.message, c.detail);
        return true;
      });
    });
  }
});

describe("malformed corpus: error messages are safe to print on a terminal", () => {
  // A message quotes what it read; raw control characters in it would let a
  // hostile file move the cursor, clear the screen or split the line.
  const ok = ["unknown_column.csv", "non_integer.csv", "malformed_gap.csv", "repeated_id.csv"];
  for (const file of ok) {
    it(file, async () => {
      const { stderr } = await runCli(join(CORPUS, file));
      assert.doesNotMatch(stderr, CONTROL);
    });
  }
  for (const file of ["binary_garbage.csv", "control_characters_in_header.csv"]) {
    it(file, async () => {
      const { stderr } = await runCli(join(CORPUS, file));
      assert.doesNotMatch(stderr, CONTROL);
    });
  }
  it("repeated_id_with_line_break.csv", async () => {
    const { stderr } = await runCli(join(CORPUS, "repeated_id_with_line_break.csv"));
    assert.doesNotMatch(stderr, CONTROL);
  });
  it(
    "a long garbage line gives a short message",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "minimalloc-long-"));
      try {
        const path = join(dir, "long.csv");
        writeFileSync(path, "x".repeat(1 << 20));
        const { code, stderr } = await runCli(path);
        assert.equal(code, 2);
        assert.ok(stderr.length < 1000, `stderr has ${stderr.length} characters`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe("malformed corpus: a real process", () => {
  it("exits with code 2, one line on stderr, and no output file", () => {
    const dir = mkdtempSync(join(tmpdir(), "minimalloc-malformed-"));
    try {
      const path = join(CORPUS, "fractional_number.csv");
      const output = join(dir, "out.csv");
      const runtime = "Deno" in globalThis
        ? [process.execPath, "run", "-A", CLI]
        : [process.execPath, CLI];
      const result = spawnSync(
        runtime[0],
        [...runtime.slice(1), "--capacity=100", `--input=${path}`, `--output=${output}`],
        { encoding: "utf8", timeout: 60_000 },
      );
      assert.equal(result.status, 2, `stderr: ${result.stderr}`);
      assert.equal(result.stdout, "");
      assert.equal(
        result.stderr,
        `minimalloc: ${path}:3: size: expected an integer, got "4.5"\n`,
      );
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a header without rows is a valid problem with no buffers", () => {
  // SPEC 5.3: "If there are no buffers, the solution is empty with height
  // 0". The reference reads such a file as an empty problem too, so the
  // command solves it (exit 0) and writes just the header.
  it("parseCsv reads zero buffers", () => {
    assert.deepEqual(parseCsv("id,lower,upper,size\n", { capacity: 100 }), {
      buffers: [],
      capacity: 100,
    });
  });
  it("the command line solves it and writes the header with an offset column", async () => {
    const dir = mkdtempSync(join(tmpdir(), "minimalloc-header-only-"));
    try {
      const input = join(dir, "in.csv");
      const output = join(dir, "out.csv");
      writeFileSync(input, "id,lower,upper,size\n");
      const { code, stderr } = await inProcess([
        "--capacity=100",
        `--input=${input}`,
        `--output=${output}`,
        "--validate",
      ]);
      assert.equal(code, 0, stderr);
      assert.match(stderr, /Validation PASS, height 0/);
      assert.equal(readFileSync(output, "utf8"), "id,lower,upper,size,offset\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
