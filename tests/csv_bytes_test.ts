// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The CLI writes its CSV as bytes (src/_csv_write.ts): they must be the
// UTF-8 of stringifyCsv's text, for plain rows (written digit by digit)
// and for every other kind (written as text).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Problem, Solution } from "../src/problem.ts";
import { stringifyCsv } from "../src/csv_stringify.ts";
import { csvBytes } from "../src/_csv_write.ts";
import { generateProblem } from "../benchmarks/_generate.ts";
import { mulberry32 } from "../src/_random.ts";

function assertSame(problem: Problem, solution?: Solution): void {
  const expected = new TextEncoder().encode(stringifyCsv(problem, solution));
  assert.deepEqual(csvBytes(problem, solution), expected);
}

describe("the CLI's CSV bytes", () => {
  it("are stringifyCsv's text with pins, with and without a solution", () => {
    const { problem } = generateProblem({ seed: 19, buffers: 300 });
    const pinned = {
      ...problem,
      buffers: problem.buffers.map((b, i) => i % 7 === 0 ? { ...b, offset: i * 64 } : b),
    };
    assertSame(pinned);
    assertSame(pinned, { offsets: pinned.buffers.map((_, i) => i * 64), height: 0 });
  });

  it("are stringifyCsv's text in UTF-8, with and without offsets", () => {
    const random = mulberry32(11);
    const shapes = [
      {},
      { gaps: 0.3 },
      { gaps: 0.3, windows: 1 },
      { aligned: 0.5 },
      { sizes: "uniform" as const, minSize: 1, maxSize: 2 ** 40 },
    ];
    for (const [k, shape] of shapes.entries()) {
      const { problem } = generateProblem({ seed: 20 + k, buffers: 300, ...shape });
      assertSame(problem);
      // Offsets of every magnitude, 0 and 2^53 - 1 among them.
      const offsets = problem.buffers.map((_, i) =>
        i === 0 ? 0 : i === 1 ? Number.MAX_SAFE_INTEGER : Math.floor(random() * 10 ** (i % 17))
      );
      assertSame(problem, { offsets, height: Number.MAX_SAFE_INTEGER });
    }
  });

  it("write ids that need quotes or are not ASCII as text", () => {
    const ids = [
      "plain",
      'a "quoted" one',
      "a,comma",
      "line\nbreak",
      "cr\r",
      "ünï",
      "日本",
      "😀",
      "",
    ];
    const problem = {
      buffers: ids.map((id, i) => ({ id, lower: i, upper: i + 2, size: 10 ** i })),
    };
    assertSame(problem);
    assertSame(problem, { offsets: ids.map((_, i) => 7 * i), height: 100 });
  });

  it("write numbers as a template literal does: negative, -0, past 2^53, fractions", () => {
    const values = [-5, -0, 0, 2 ** 53, 2 ** 70, 1.5, -1e21, NaN];
    const problem = {
      buffers: values.map((v, i) => ({ id: `b${i}`, lower: v, upper: i, size: v })),
    };
    assertSame(problem, { offsets: values, height: 0 });
  });

  it("are the header alone for no buffers", () => {
    assertSame({ buffers: [] });
    assertSame({ buffers: [] }, { offsets: [], height: 0 });
  });

  it("refuse offsets that do not match the buffers, as stringifyCsv does", () => {
    const problem = { buffers: [{ id: "a", lower: 0, upper: 1, size: 1 }] };
    assert.throws(() => csvBytes(problem, { offsets: [], height: 0 }), RangeError);
  });
});
