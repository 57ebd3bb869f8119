// Copyright the @x/minimalloc authors. Apache-2.0 license.

// Property tests (fast-check, fixed seed): every solution solve() returns
// is valid; on tiny problems "infeasible" agrees with a brute-force search;
// the CSV codec round-trips; and parsing any text throws nothing but
// CsvError. A failure prints the shrunk counterexample and the seed.
//
// Registered by property_test.ts, which imports this module only once
// fast-check loads (it is a test-only npm package a fresh clone may lack).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { checkProblem } from "../src/_check.ts";
import { parseCsv } from "../src/csv_parse.ts";
import { firstBadByte } from "../src/_outputs.ts";
import { decodes } from "./_utf8.ts";
import { stringifyCsv } from "../src/csv_stringify.ts";
import { CsvError, SolveError } from "../src/errors.ts";
import {
  type Buffer,
  effectiveSize,
  type Gap,
  peakLoad,
  type Problem,
  type Solution,
} from "../src/problem.ts";
import { REFERENCE_OPTIONS, type SolverOptions } from "../src/options.ts";
import { solve } from "../src/solve.ts";
import { grainOf } from "../src/_plan.ts";
import { validate } from "../src/validate.ts";
import { bruteForce } from "./_brute_force.ts";

fc.configureGlobal({ seed: 42, numRuns: 300 });

// ---------------------------------------------------------------------------
// Generators

/** Limits for random buffers. */
interface Shape {
  maxBuffers: number;
  maxTime: number;
  maxWidth: number;
  maxSize: number;
  /** Buffers with gaps (and windows) at all. */
  gaps: boolean;
  /** Buffers with an alignment above 1. */
  alignment: boolean;
  /** Buffers with a fixed offset (a multiple of the alignment up to this). */
  maxPin: number;
  /** Gaps touching the ends of the lifespan. */
  gapsAtEnds: boolean;
  /** Windows at all. */
  windows: boolean;
  /**
   * Buffers never fully live: gaps cover the whole lifespan, one with a
   * window. (It once let offset + size exceed the capacity.)
   */
  neverFullyLive: boolean;
}

/** The raw choices for one buffer; {@linkcode buildBuffer} makes them valid. */
interface RawBuffer {
  lower: number;
  width: number;
  size: number;
  alignment: number;
  /** Gap end points, relative to the lifespan (modulo its width + 1). */
  cuts: number[];
  /** Windows for the first two gaps, modulo the size. */
  windows: ([number, number] | null)[];
  pin: number | null;
  hint: number | null;
}

const rawBuffer = (s: Shape): fc.Arbitrary<RawBuffer> =>
  fc.record({
    lower: fc.integer({ min: 0, max: s.maxTime }),
    width: fc.integer({ min: 1, max: s.maxWidth }),
    size: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 1, max: s.maxSize }) },
      { weight: 1, arbitrary: fc.constant(0) },
    ),
    alignment: s.alignment ? fc.constantFrom(1, 1, 1, 2, 3, 4) : fc.constant(1),
    cuts: s.gaps
      ? fc.array(fc.integer({ min: 0, max: s.maxWidth }), { maxLength: 4 })
      : fc.constant<number[]>([]),
    windows: fc.array(
      fc.option(fc.tuple(fc.nat({ max: 64 }), fc.nat({ max: 64 })), { freq: 2 }),
      { minLength: 2, maxLength: 2 },
    ),
    pin: s.maxPin > 0
      ? fc.oneof(
        { weight: 7, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: s.maxPin }) },
      )
      : fc.constant(null),
    hint: fc.option(fc.nat({ max: 1000 }), { freq: 4 }),
  });

/** A valid buffer from raw choices: gaps inside the lifespan, in order. */
function buildBuffer(id: string, r: RawBuffer, s: Shape, hints = false): Buffer {
  const upper = r.lower + r.width;
  const buffer: Buffer = { id, lower: r.lower, upper, size: r.size };
  if (r.alignment !== 1) buffer.alignment = r.alignment;
  const points = [...new Set(r.cuts.map((c) => r.lower + (c % (r.width + 1))))]
    .filter((t) => s.gapsAtEnds || (t > r.lower && t < upper))
    .sort((a, b) => a - b);
  const gaps: Gap[] = [];
  for (let k = 0; k + 1 < points.length; k += 2) {
    const gap: Gap = { lower: points[k], upper: points[k + 1] };
    const w = r.windows[k / 2];
    if (w && r.size > 0 && s.windows) {
      const a = w[0] % r.size;
      gap.window = { lower: a, upper: a + 1 + (w[1] % (r.size - a)) };
    }
    gaps.push(gap);
  }
  if (gaps.length > 0) buffer.gaps = gaps;
  if (!s.neverFullyLive && neverFullyLive(buffer)) delete buffer.gaps;
  if (r.pin !== null) buffer.offset = r.pin * r.alignment;
  if (hints && r.hint !== null) buffer.hint = r.hint;
  return buffer;
}

/** Whether gaps cover the whole lifespan, one of them with a window (BUG A). */
function neverFullyLive(b: Buffer): boolean {
  const gaps = b.gaps ?? [];
  let t = b.lower;
  for (const gap of gaps) {
    if (gap.lower !== t) return false;
    t = gap.upper;
  }
  return t === b.upper && gaps.some((gap) => gap.window);
}

/** Random problems: buffers `b0, b1, ...` and a capacity near the peak load. */
const problemArb = (s: Shape) =>
  fc.tuple(
    fc.array(rawBuffer(s), { maxLength: s.maxBuffers, size: "max" }),
    fc.integer({ min: -1, max: 6 }),
  ).map(([raws, slack]): Problem => {
    const buffers = raws.map((r, i) => buildBuffer(`b${i}`, r, s));
    return { buffers, capacity: Math.max(0, peakLoad({ buffers }) + slack) };
  });

// ---------------------------------------------------------------------------
// Solving

function trySolve(problem: Problem, options: SolverOptions): Solution | SolveError {
  try {
    return solve(problem, options);
  } catch (error) {
    if (error instanceof SolveError) return error;
    throw error;
  }
}

const SOLVE_SHAPE: Shape = {
  maxBuffers: 14,
  maxTime: 12,
  maxWidth: 8,
  maxSize: 8,
  gaps: true,
  alignment: true,
  maxPin: 6,
  gapsAtEnds: true,
  windows: true,
  neverFullyLive: false,
};

const TINY_SHAPE: Shape = {
  maxBuffers: 7,
  maxTime: 6,
  maxWidth: 5,
  maxSize: 4,
  gaps: true,
  alignment: true,
  maxPin: 3,
  gapsAtEnds: true,
  windows: true,
  neverFullyLive: false,
};

describe("property: every solution solve() returns is valid", () => {
  for (
    const [name, options] of [
      ["default options", {}],
      ["REFERENCE_OPTIONS", REFERENCE_OPTIONS],
    ] as const
  ) {
    it(name, () => {
      let solved = 0;
      fc.assert(
        fc.property(problemArb(SOLVE_SHAPE), (problem) => {
          const result = trySolve(problem, { ...options, timeout: 10_000 });
          if (result instanceof SolveError) {
            assert.equal(result.code, "infeasible", result.message);
            return;
          }
          solved++;
          assert.equal(validate(problem, result), "good");
        }),
        { numRuns: 1500 },
      );
      assert.ok(solved > 500, `only ${solved} of 1500 random problems were solved`);
    });
  }
  it("with minimizeCapacity, the height is within the capacity and valid", () => {
    // Without two fixed buffers in conflict (tested on its own below).
    const arb = problemArb({ ...SOLVE_SHAPE, maxBuffers: 8 }).filter((p) => !pinsConflict(p));
    let solved = 0;
    fc.assert(
      fc.property(arb, (problem) => {
        const result = trySolve(problem, { minimizeCapacity: true, timeout: 10_000 });
        if (result instanceof SolveError) {
          assert.equal(result.code, "infeasible", result.message);
          return;
        }
        solved++;
        assert.equal(validate(problem, result), "good");
        assert.ok(result.height <= problem.capacity!);
        if (result.lowerBound !== undefined) assert.ok(result.lowerBound <= result.height);
      }),
      { numRuns: 300 },
    );
    assert.ok(solved > 100, `only ${solved} of 300 solved`);
  });
});

/** Whether two fixed buffers conflict (SPEC 8) at their fixed offsets. */
function pinsConflict(problem: Problem): boolean {
  const pinned = problem.buffers.filter((b) => b.offset !== undefined && b.size > 0);
  return pinned.some((p, i) =>
    pinned.slice(i + 1).some((q) => {
      const pq = effectiveSize(p, q);
      const qp = effectiveSize(q, p);
      return pq !== undefined && qp !== undefined && p.offset! + pq > q.offset! &&
        q.offset! + qp > p.offset!;
    })
  );
}

describe("regressions the properties found (shrunk counterexamples)", () => {
  it("A: never-fully-live buffers keep offset + size within the capacity", () => {
    const problem: Problem = {
      capacity: 1,
      buffers: [{
        id: "a",
        lower: 0,
        upper: 1,
        size: 2,
        gaps: [{ lower: 0, upper: 1, window: { lower: 0, upper: 1 } }],
      }],
    };
    for (const options of [{}, REFERENCE_OPTIONS]) {
      const result = trySolve(problem, options);
      // Infeasible: SPEC 1 asks offset + size <= capacity whatever the gaps.
      assert.ok(result instanceof SolveError, `solved: ${JSON.stringify(result)}`);
    }
  });
  it("A: as a property", () => {
    fc.assert(
      fc.property(problemArb({ ...SOLVE_SHAPE, neverFullyLive: true }), (problem) => {
        const result = trySolve(problem, {});
        if (!(result instanceof SolveError)) assert.equal(validate(problem, result), "good");
      }),
      { numRuns: 600 },
    );
  });
  it("B: minimizeCapacity with conflicting fixed offsets fails", () => {
    const problem: Problem = {
      capacity: 2,
      buffers: [
        { id: "b0", lower: 0, upper: 1, size: 1, offset: 0 },
        { id: "b1", lower: 0, upper: 1, size: 1, offset: 0 },
      ],
    };
    const result = trySolve(problem, { minimizeCapacity: true });
    assert.ok(result instanceof SolveError, `solved: ${JSON.stringify(result)}`);
  });
});

describe("property: minimizing on the problem's grain finds the optimum", () => {
  // Tiny problems scaled by k (sizes and pins; each alignment and each
  // buffer's windows scaled or not), so the grain is often above 1 and some
  // alignments or windows shrink it; half of them keep a capacity, scaled
  // and often off the grain. A grain too coarse would skip the optimum,
  // and the brute force would fit the height below the answer.
  const scaled = fc.tuple(
    problemArb({ ...TINY_SHAPE, maxBuffers: 6 }),
    fc.constantFrom(2, 3, 4, 6),
    fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: 6, maxLength: 6 }),
    fc.option(fc.nat({ max: 5 })),
  ).map(([problem, k, scale, extra]): Problem => ({
    buffers: problem.buffers.map((b, i) => {
      const [alignment, windows] = scale[i];
      const w = windows ? k : 1;
      return {
        ...b,
        size: b.size * k,
        ...(b.alignment !== undefined && alignment ? { alignment: b.alignment * k } : {}),
        ...(b.offset !== undefined ? { offset: b.offset * k } : {}),
        ...(b.gaps !== undefined
          ? {
            gaps: b.gaps.map((g) =>
              g.window === undefined
                ? g
                : { ...g, window: { lower: g.window.lower * w, upper: g.window.upper * w } }
            ),
          }
          : {}),
      };
    }),
    ...(extra === null ? {} : { capacity: problem.capacity! * k + extra }),
  })).filter((p) => !pinsConflict(p));

  it("with gaps, windows, alignment, pins and capacities (default options)", () => {
    let coarse = 0;
    let infeasible = 0;
    fc.assert(
      fc.property(scaled, (problem) => {
        const result = trySolve(problem, { minimizeCapacity: true, timeout: 10_000 });
        if (result instanceof SolveError) {
          assert.equal(result.code, "infeasible", result.message);
          assert.notEqual(problem.capacity, undefined);
          assert.equal(bruteForce(problem), undefined, "the brute force fits the capacity");
          infeasible++;
          return;
        }
        assert.equal(validate(problem, result), "good");
        assert.equal(result.optimal, true);
        const grain = grainOf(problem);
        if (grain > 1) coarse++;
        assert.equal(result.height % grain, 0, `height ${result.height}, grain ${grain}`);
        if (result.height > 0) {
          const below = bruteForce({ ...problem, capacity: result.height - 1 });
          assert.equal(below, undefined, `fits under ${result.height}: ${JSON.stringify(below)}`);
        }
        // Rounded down to the grain (a buffer of size 0 to 0, pinned ones
        // kept), the solution stays valid.
        const offsets = result.offsets.map((o, i) => {
          const b = problem.buffers[i];
          if (b.offset !== undefined) return o;
          return b.size === 0 ? 0 : Math.floor(o / grain) * grain;
        });
        assert.equal(validate(problem, { offsets, height: result.height }), "good");
      }),
      { numRuns: 600 },
    );
    assert.ok(coarse > 150, `only ${coarse} of 600 had a grain above 1`);
    assert.ok(infeasible > 20, `only ${infeasible} of 600 were infeasible`);
  });
});

describe("property: on tiny problems, solve() agrees with a brute-force search", () => {
  /**
   * Checks that solve() says infeasible exactly when the brute force finds
   * nothing, over `runs` problems, and that both answers occur often.
   */
  const agrees = (arb: fc.Arbitrary<Problem>, options: SolverOptions, runs: number) => {
    let feasible = 0;
    let infeasible = 0;
    fc.assert(
      fc.property(arb, (problem) => {
        const result = trySolve(problem, { ...options, timeout: 10_000 });
        const brute = bruteForce(problem);
        if (result instanceof SolveError) {
          assert.equal(result.code, "infeasible", result.message);
          assert.equal(
            brute,
            undefined,
            `solve() says infeasible, but these offsets fit: ${JSON.stringify(brute)}`,
          );
          infeasible++;
        } else {
          assert.equal(validate(problem, result), "good");
          assert.notEqual(brute, undefined, "solve() found a solution the brute force missed");
          feasible++;
        }
      }),
      { numRuns: runs },
    );
    assert.ok(feasible > runs / 10 && infeasible > runs / 10, `${feasible} / ${infeasible}`);
  };

  it("without gaps (default options)", () => {
    agrees(problemArb({ ...TINY_SHAPE, gaps: false }), {}, 1000);
  });

  it("with gaps, windows, alignment and pins (default options)", () => {
    agrees(problemArb(TINY_SHAPE), {}, 3000);
  });

  it("with gaps, windows, alignment and pins (default options, no portfolio)", () => {
    agrees(problemArb(TINY_SHAPE), { portfolio: false }, 1000);
  });

  it("with gaps inside lifespans but no windows (REFERENCE_OPTIONS)", () => {
    // Windows can make effective sizes zero or negative, which the
    // reference's canonical tie rule does not allow for, and its sweep
    // counts a windowless gap at a lifespan's end twice (a buffer whose gap
    // covers its lifespan, never live, still takes its size: infeasible at
    // {b0 [0,1) size 1 offset 0; b1 [0,1) size 3 gap 0-1} capacity 3).
    // Without those its search is exact too.
    const shape = { ...TINY_SHAPE, windows: false, gapsAtEnds: false };
    agrees(problemArb(shape), { ...REFERENCE_OPTIONS }, 1000);
  });
});

// ---------------------------------------------------------------------------
// The codec

/** Ids with commas, quotes, line breaks, spaces and any Unicode. */
const idArb = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.string({ unit: "binary", maxLength: 6 }),
  fc.string({
    unit: fc.constantFrom(",", '"', "\n", "\r", "\r\n", " ", "a", "é", "😀", "\u2028", "\t"),
    maxLength: 6,
  }),
);

const CODEC_SHAPE: Shape = { ...SOLVE_SHAPE, maxPin: 1000, neverFullyLive: true };

/** Problems for the codec: any ids, hints too, numbers up to the safe limit. */
const codecProblemArb = fc.tuple(
  fc.uniqueArray(idArb, { maxLength: 8 }),
  fc.array(rawBuffer(CODEC_SHAPE), { minLength: 8, maxLength: 8 }),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.boolean(),
).map(([ids, raws, shift, huge]): Problem => ({
  buffers: ids.map((id, i) => {
    const b = buildBuffer(id, raws[i], CODEC_SHAPE, true);
    // Move times anywhere (negative too); sometimes near the safe limit.
    const by = huge ? Number.MAX_SAFE_INTEGER - 100 : shift;
    return {
      ...b,
      lower: b.lower + by,
      upper: b.upper + by,
      ...(b.gaps && {
        gaps: b.gaps.map((g) => ({ ...g, lower: g.lower + by, upper: g.upper + by })),
      }),
    };
  }),
}));

describe("property: the CSV codec round-trips", () => {
  it("stringify(parse(stringify(p))) === stringify(p), with the same ids", () => {
    fc.assert(
      fc.property(codecProblemArb, (problem) => {
        const text = stringifyCsv(problem);
        const parsed = parseCsv(text, { file: "random.csv" });
        assert.equal(stringifyCsv(parsed), text);
        assert.deepEqual(parsed.buffers.map((b) => b.id), problem.buffers.map((b) => b.id));
        // The pins too: the text is the same problem.
        assert.deepEqual(
          parsed.buffers.map((b) => b.offset),
          problem.buffers.map((b) => b.offset),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("with a solution: the offsets come back in the offset column", () => {
    fc.assert(
      fc.property(
        codecProblemArb,
        fc.array(fc.nat({ max: 1e9 }), { minLength: 8, maxLength: 8 }),
        (problem, raw) => {
          // Offsets need only be multiples of the alignment to read back.
          const offsets = problem.buffers.map((b, i) => raw[i] * (b.alignment ?? 1));
          const solution = { offsets, height: 0 };
          const text = stringifyCsv(problem, solution);
          const parsed = parseCsv(text);
          assert.deepEqual(parsed.buffers.map((b) => b.offset), offsets);
          const unpinned = parsed.buffers.map(({ offset: _, ...b }) => b);
          assert.equal(stringifyCsv({ buffers: unpinned }, solution), text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the old format (start/end, inclusive upper times) reads back as the same problem", () => {
    fc.assert(
      fc.property(codecProblemArb, (problem) => {
        const old = stringifyCsv(problem, undefined, { oldFormat: true });
        const parsed = parseCsv(old);
        assert.equal(stringifyCsv(parsed), stringifyCsv(problem));
        assert.equal(stringifyCsv(parsed, undefined, { oldFormat: true }), old);
      }),
      { numRuns: 300 },
    );
  });

  it("CRLF line ends, a byte-order mark and blank lines change nothing", () => {
    fc.assert(
      fc.property(codecProblemArb, fc.boolean(), (problem, bom) => {
        const text = stringifyCsv(problem);
        // Only plain ids: a line break inside a quoted id is data, not a line end.
        fc.pre(problem.buffers.every((b) => !/[\r\n]/.test(b.id)));
        const mangled = (bom ? "\ufeff" : "") + text.replaceAll("\n", "\r\n\r\n");
        assert.equal(stringifyCsv(parseCsv(mangled)), text);
      }),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------
// Hostile text

/** Parses; anything thrown must be a CsvError, and anything read must be solvable input. */
function parsesOrCsvError(text: string): void {
  let problem: Problem;
  try {
    problem = parseCsv(text, { file: "fuzz.csv", capacity: 10 });
  } catch (error) {
    if (error instanceof CsvError) {
      assert.ok(error.message.startsWith("fuzz.csv:"), error.message);
      assert.ok(Number.isInteger(error.line) && error.line! >= 1, `line ${error.line}`);
      return;
    }
    throw error;
  }
  // What parses is a well-formed problem that writes back and reads the same.
  checkProblem(problem);
  const written = stringifyCsv(problem);
  assert.equal(stringifyCsv(parseCsv(written)), written);
}

const CELL = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "0",
    "1",
    "-1",
    "+3",
    "007",
    "4x",
    "1e3",
    "4.5",
    "9007199254740991",
    "9007199254740992",
    "-9007199254740992",
    "1-2",
    "2-1",
    "1-3@0:1",
    "1-2 2-3",
    "0-9@0:9",
    "1-",
    '"',
    '""',
    '"a,b"',
    '"a""b"',
    'a"b',
    '"x"y',
    "\u0000",
    "\ufeff",
    "\r",
  ),
  fc.integer({ min: -20, max: 20 }).map(String),
  fc.string({ maxLength: 4 }),
);
const HEADER_NAME = fc.constantFrom(
  "id",
  "buffer",
  "buffer_id",
  "lower",
  "start",
  "begin",
  "upper",
  "end",
  "size",
  "alignment",
  "hint",
  "gaps",
  "offset",
  " size ",
  "colour",
  "",
);
/** CSV-like text: a header of (mostly) known names and rows of tricky cells. */
const csvLike = fc.tuple(
  fc.oneof(
    fc.constant(["id", "lower", "upper", "size"]),
    fc.constant(["id", "lower", "upper", "size", "alignment", "hint", "gaps", "offset"]),
    fc.constant(["buffer", "start", "end", "size", "gaps"]),
    fc.shuffledSubarray(
      ["id", "lower", "upper", "size", "alignment", "hint", "gaps", "offset"],
      { minLength: 3 },
    ),
    fc.array(HEADER_NAME, { minLength: 1, maxLength: 9 }),
  ),
  fc.array(fc.array(CELL, { minLength: 1, maxLength: 9 }), { maxLength: 6 }),
  fc.constantFrom("\n", "\r\n", "\r", "\n\n"),
).map(([header, rows, eol]) => [header, ...rows].map((row) => row.join(",")).join(eol) + eol);

describe("property: parsing any text throws nothing but CsvError", () => {
  it("random strings", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), parsesOrCsvError), { numRuns: 500 });
  });
  it("random full-Unicode strings (lone surrogates too)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), parsesOrCsvError),
      { numRuns: 500 },
    );
  });
  it("random strings after a valid header", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        (rest) => parsesOrCsvError("id,lower,upper,size,gaps,offset\n" + rest),
      ),
      { numRuns: 300 },
    );
  });
  it("random CSV-like lines", () => {
    fc.assert(fc.property(csvLike, parsesOrCsvError), { numRuns: 1500 });
  });
});

describe("property: firstBadByte finds where UTF-8 decoding fails", () => {
  // Valid text with a few bytes changed: bad sequences of every kind.
  const bytesArb = fc.tuple(
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
  ).map(([text, changes]) => {
    const bytes = new TextEncoder().encode(text);
    for (const [at, byte] of changes) if (bytes.length > 0) bytes[at % bytes.length] = byte;
    return bytes;
  });
  it("the length exactly when the bytes decode, else where a valid prefix ends", () => {
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        const at = firstBadByte(bytes);
        assert.equal(at === bytes.length, decodes(bytes));
        assert.ok(decodes(bytes.subarray(0, at)));
      }),
      { numRuns: 3000 },
    );
  });
});
