// Copyright the @x/minimalloc authors. Apache-2.0 license.

// Public functions check their input and throw a TypeError (wrong type) or
// RangeError (a number out of range) with a message that says what was
// expected, instead of answering wrongly or failing deep inside.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseCsv } from "../src/csv_parse.ts";
import { solveHeuristic } from "../src/heuristics.ts";
import { SolveError } from "../src/errors.ts";
import {
  type Buffer,
  effectiveSize,
  peakLoad,
  type Problem,
  type Solution,
} from "../src/problem.ts";
import type { SolverOptions } from "../src/options.ts";
import { solve } from "../src/solve.ts";
import { validate } from "../src/validate.ts";

const ok: Buffer = { id: "ok", lower: 0, upper: 4, size: 2 };

/** A problem from loosely typed buffers, as a JavaScript caller may pass. */
function problemOf(...buffers: unknown[]): Problem {
  return { buffers: buffers as Buffer[] };
}

describe("solveHeuristic checks its problem as solve does", () => {
  it("rejects a repeated id", () => {
    assert.throws(() => solveHeuristic(problemOf(ok, { ...ok })), {
      name: "RangeError",
      message: 'Cannot solve: buffers 0 and 1 share the id "ok"',
    });
  });

  it("names the first repeat among decimal ids (compared as numbers) as among any ids", () => {
    const numbered = (...ids: string[]) =>
      problemOf(...ids.map((id, i) => ({ id, lower: i, upper: i + 1, size: 1 })));
    assert.throws(() => solve({ ...numbered("3", "1", "2", "1", "3"), capacity: 9 }), {
      name: "RangeError",
      message: 'Cannot solve: buffers 1 and 3 share the id "1"',
    });
    // Equal as numbers, different as ids: no repeat.
    for (const ids of [["7", "07"], ["0", "-0"], ["1", "1.0"], ["12", "12 "]]) {
      const solution = solve({ ...numbered(...ids), capacity: 9 });
      assert.equal(solution.offsets.length, 2, ids.join(" "));
    }
  });

  it("reports input errors in buffer order, and before a time limit on small problems", () => {
    const dup = { ...ok, lower: 0 };
    // The repeat comes first (buffer 1), the bad lifespan after (buffer 2).
    assert.throws(
      () => solve({ ...problemOf(ok, dup, { ...ok, id: "c", lower: 5 }), capacity: 9 }),
      {
        name: "RangeError",
        message: 'Cannot solve: buffers 0 and 1 share the id "ok"',
      },
    );
    // The bad lifespan first (buffer 1), the repeat after (buffer 2).
    assert.throws(
      () => solve({ ...problemOf(ok, { ...ok, id: "c", lower: 5 }, dup), capacity: 9 }),
      {
        name: "RangeError",
        message: 'Cannot solve: buffer "c" upper: expected upper > lower, got lifespan [5, 4)',
      },
    );
    assert.throws(() => solve({ ...problemOf(ok, dup), capacity: 9 }, { timeout: 0 }), {
      name: "RangeError",
      message: 'Cannot solve: buffers 0 and 1 share the id "ok"',
    });
  });

  it("rejects lower > upper", () => {
    assert.throws(() => solveHeuristic(problemOf({ ...ok, lower: 5 })), {
      name: "RangeError",
      message: 'Cannot solve: buffer "ok" upper: expected upper > lower, got lifespan [5, 4)',
    });
  });

  it("rejects a negative size (it used to give an answer that overlaps)", () => {
    assert.throws(() => solveHeuristic(problemOf(ok, { id: "n", lower: 0, upper: 4, size: -3 })), {
      name: "RangeError",
      message: 'Cannot solve: buffer "n" size: expected a size >= 0, got -3',
    });
  });

  it("rejects a string size with a TypeError, and a fractional one with a RangeError", () => {
    assert.throws(() => solveHeuristic(problemOf({ ...ok, size: "4" })), {
      name: "TypeError",
      message: 'Cannot solve: buffer "ok" size: expected a safe integer, got the string "4"',
    });
    assert.throws(() => solveHeuristic(problemOf({ ...ok, size: 2.5 })), {
      name: "RangeError",
      message: 'Cannot solve: buffer "ok" size: expected a safe integer, got 2.5',
    });
  });

  it("still ignores a missing capacity", () => {
    assert.equal(solveHeuristic(problemOf(ok)).height, 2);
  });
});

describe("malformed gaps are TypeErrors that name the gap", () => {
  for (const [name, run] of [["solve", solve], ["solveHeuristic", solveHeuristic]] as const) {
    it(`${name}: gaps [null], a gaps string, a gap of strings, a window of null`, () => {
      const cases: [unknown, RegExp][] = [
        [[null], /gaps: expected gap 0 to be an object \{ lower, upper \}, got null$/],
        ["1-2", /gaps: expected an array of gaps, got the string "1-2"$/],
        [[{ lower: "1", upper: 2 }], /gaps: expected gap 0 to have numbers lower and upper/],
        [[{ lower: 1, upper: 2, window: null }], /expected the window of gap 1-2 to be an object/],
      ];
      for (const [gaps, message] of cases) {
        assert.throws(
          () => run({ ...problemOf({ ...ok, gaps }), capacity: 10 }),
          (error) => error instanceof TypeError && message.test(error.message),
          JSON.stringify(gaps),
        );
      }
    });
  }
});

describe("validate checks the shape of its arguments", () => {
  const problem = { buffers: [ok], capacity: 4 };

  it("a solution without offsets is a TypeError, not a verdict", () => {
    assert.throws(() => validate(problem, { height: 2 } as unknown as Solution), {
      name: "TypeError",
      message: "Cannot validate: expected a solution with an offsets array",
    });
    assert.throws(() => validate(problem, null as unknown as Solution), TypeError);
  });

  it("a problem without buffers, or a buffer that is not an object, is a TypeError", () => {
    const solution = { offsets: [0], height: 2 };
    assert.throws(() => validate({} as Problem, solution), {
      name: "TypeError",
      message: "Cannot validate: expected a problem with a buffers array",
    });
    assert.throws(() => validate(problemOf(null), solution), {
      name: "TypeError",
      message: "Cannot validate: expected buffer 0 to be an object with a size",
    });
  });

  it("times that are not numbers are a TypeError, not a hang or a string comparison", () => {
    const windowed = {
      id: "w",
      lower: 0,
      upper: 4,
      size: 1,
      gaps: [{ lower: 1, upper: 2, window: { lower: 0, upper: 1 } }],
    };
    const solution = { offsets: [0, 1], height: 2 };
    for (const times of [{ upper: 3 }, { lower: NaN, upper: 3 }, { lower: "0", upper: 3 }]) {
      const buffer = { id: "a", size: 1, ...times } as unknown as Buffer;
      assert.throws(() => validate({ buffers: [buffer, windowed] }, solution), {
        name: "TypeError",
        message: "Cannot validate: expected buffer 0 to have numbers as lower and upper",
      });
    }
    // A NaN time does not stall the effective size either: it returns.
    const size = effectiveSize({ ...ok, lower: NaN }, windowed);
    assert.ok(size === undefined || typeof size === "number");
  });

  it("reads gaps: null as no gaps", () => {
    const buffer = { ...ok, gaps: null } as unknown as Buffer;
    assert.equal(validate({ buffers: [buffer] }, { offsets: [0], height: ok.size }), "good");
  });

  it("keeps its verdicts for well-formed calls", () => {
    assert.equal(validate(problem, { offsets: [0], height: 2 }), "good");
    assert.equal(validate(problem, { offsets: [], height: 0 }), "bad solution");
  });
});

describe("parseCsv checks its arguments", () => {
  it("text that is not a string is a TypeError", () => {
    assert.throws(() => parseCsv(42 as unknown as string), {
      name: "TypeError",
      message: "Cannot parse the CSV: expected the text as a string, got a number (42)",
    });
    assert.throws(() => parseCsv(undefined as unknown as string), {
      name: "TypeError",
      message: "Cannot parse the CSV: expected the text as a string, got undefined",
    });
  });

  it("options of the wrong type or range", () => {
    const text = "id,lower,upper,size\n";
    assert.throws(() => parseCsv(text, null as unknown as object), TypeError);
    assert.throws(() => parseCsv(text, { file: 7 as unknown as string }), {
      name: "TypeError",
      message: "Cannot parse the CSV: expected the file name as a string, got a number (7)",
    });
    assert.throws(() => parseCsv(text, { capacity: "12" as unknown as number }), {
      name: "TypeError",
      message: 'Cannot parse the CSV: expected the capacity as a number, got the string "12"',
    });
    assert.throws(() => parseCsv(text, { capacity: -1 }), {
      name: "RangeError",
      message: "Cannot parse the CSV: expected a capacity that is a safe integer >= 0, got -1",
    });
  });

  it("a column named like an Object property is unknown, not silently accepted", () => {
    for (const name of ["constructor", "toString", "__proto__"]) {
      assert.throws(
        () => parseCsv(`id,lower,upper,size,${name}\na,0,1,2,3\n`),
        new RegExp(`unknown column "${name}"`),
        name,
      );
    }
  });
});

describe("the time limit counts the check and the measurements", () => {
  it("a solve whose limit passes while the problem is checked fails with timeout", async () => {
    const problem = problemOf(...Array.from({ length: 20_000 }, (_, i) => ({
      id: String(i),
      lower: i,
      upper: i + 2,
      size: 1,
    })));
    for (const minimizeCapacity of [false, true]) {
      const options = { timeout: 0, minimizeCapacity };
      const capped = { ...problem, capacity: 4 };
      const isTimeout = (error: unknown) => error instanceof SolveError && error.code === "timeout";
      assert.throws(() => solve(capped, options), isTimeout);
      const { solveAsync } = await import("../src/solve_async.ts");
      await assert.rejects(solveAsync(capped, options), isTimeout);
    }
    // With time, a small one is solved.
    const small = { buffers: problem.buffers.slice(0, 50), capacity: 4 };
    assert.equal(validate(small, solve(small, { timeout: 60_000 })), "good");
  });
});

describe("an unknown option is a TypeError, not ignored", () => {
  const problem: Problem = { capacity: 12, buffers: [ok] };
  for (
    const [options, message] of [
      [
        { reference: true },
        'unknown option "reference" (spread REFERENCE_OPTIONS for the ' +
        "reference's search)",
      ],
      [{ canonical_only: false }, 'unknown option "canonical_only" (did you mean canonicalOnly?)'],
      [{ "sound-pruning": true }, 'unknown option "sound-pruning" (did you mean soundPruning?)'],
      [{ timeLimit: 5 }, 'unknown option "timeLimit"'],
    ] as const
  ) {
    it(Object.keys(options)[0], () => {
      assert.throws(() => solve(problem, options as never), {
        name: "TypeError",
        message: `Cannot solve: ${message}`,
      });
    });
  }

  it("every documented option is known", () => {
    // One of each (the type asks for every one): no TypeError.
    const all: Required<SolverOptions> = {
      canonicalOnly: true,
      sectionInference: true,
      dynamicOrdering: true,
      checkDominance: true,
      unallocatedFloor: true,
      staticPreordering: true,
      dynamicDecomposition: true,
      monotonicFloor: true,
      hatlessPruning: true,
      minimizeCapacity: false,
      preorderingHeuristics: ["WAT", "TAW", "TWA"],
      timeout: 10_000,
      signal: new AbortController().signal,
      portfolio: true,
      anytimeMinimize: true,
      soundPruning: true,
      restarts: true,
      descents: true,
      loadBound: true,
      tightSections: true,
      heuristicFirst: true,
      neighbourhoodSearch: true,
      boundProbe: true,
      heuristicRounds: true,
      windowDive: true,
      heuristic: "best",
      onProgress: () => {},
    };
    assert.equal(solve(problem, all).height, 2);
  });
});

describe("the capacity's type, and peakLoad's problem", () => {
  it("a string capacity is a TypeError that shows the string", () => {
    assert.throws(() => solve({ capacity: "12" as unknown as number, buffers: [ok] }), {
      name: "TypeError",
      message: 'Cannot solve: expected a capacity that is a number, got the string "12"',
    });
  });

  it("peakLoad checks its problem as the solvers do", () => {
    assert.throws(() => peakLoad(null as unknown as Problem), {
      name: "TypeError",
      message: "Cannot solve: expected a problem with a buffers array",
    });
    // A string size was added as text ("5" + 7 = 57).
    assert.throws(() => peakLoad(problemOf({ id: "a", lower: 0, upper: 2, size: "5" })), {
      name: "TypeError",
    });
    assert.throws(() => peakLoad(problemOf({ id: "a", lower: 2, upper: 0, size: 5 })), {
      name: "RangeError",
    });
    // Its capacity is not used, nor checked.
    assert.equal(peakLoad({ buffers: [ok], capacity: "x" as unknown as number }), 2);
  });
});

describe("peakLoad's limits, and a missing capacity", () => {
  it("peakLoad takes sizes whose sum passes 2^53 where none are live together", () => {
    const half = 2 ** 52;
    const problem = {
      buffers: [{ id: "a", lower: 0, upper: 1, size: half }, {
        id: "b",
        lower: 1,
        upper: 2,
        size: half,
      }],
    };
    assert.equal(peakLoad(problem), half);
  });

  it("a missing capacity says what to give", () => {
    assert.throws(() => solve({ buffers: [ok] }), {
      name: "TypeError",
      message:
        "Cannot solve: no capacity: give one, or minimize (minimizeCapacity) or run a heuristic",
    });
  });
});
