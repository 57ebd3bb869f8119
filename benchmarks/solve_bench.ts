// Copyright the @x/minimalloc authors. Apache-2.0 license.
// Benchmarks of solve() with default options: synthetic ML-like instances
// (always; see _generate.ts), the eleven challenging instances of the
// reference's suite at capacity 1048576, and parseCsv, stringifyCsv and
// validate on the largest instance (Y_1, 62,185 buffers). The last two
// groups read ../shared in place and are skipped without it. Run with
// `deno task bench` or `deno bench --allow-read benchmarks/solve_bench.ts`
// (about two minutes); `--filter challenging` picks a group. For a table of
// nodes, backtracks and the reference's times, see `challenging.ts`.

import { parseCsv } from "../src/csv_parse.ts";
import { stringifyCsv } from "../src/csv_stringify.ts";
import type { Problem, Solution } from "../src/problem.ts";
import { solve } from "../src/solve.ts";
import { validate } from "../src/validate.ts";
import { firstFit, type GenerateOptions, generateProblem } from "./_generate.ts";

const SHARED = new URL("../../shared/", import.meta.url);
const CHALLENGING = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K"];
const CAPACITY = 1048576;

/**
 * Reads a file under ../shared, or undefined when it is not there or may
 * not be read (a plain `deno bench` grants no read access: the groups
 * that need it are skipped, with one line on stderr).
 */
function readShared(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(new URL(path, SHARED));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      if (!warned) {
        warned = true;
        console.error(
          "solve_bench: no read access to ../shared: its groups are skipped " +
            "(deno task bench, or deno bench --allow-read)",
        );
      }
      return undefined;
    }
    throw error;
  }
}
let warned = false;

/** A bench body that solves, checking the first solution it finds. */
function solves(problem: Problem): () => void {
  let checked = false;
  return () => {
    const solution = solve(problem);
    if (!checked) {
      const verdict = validate(problem, solution);
      if (verdict !== "good") throw new Error(`invalid solution: ${verdict}`);
      checked = true;
    }
  };
}

// Greedy capacity: what a simple allocator reaches. The search matches it
// with little or no backtracking, so these measure the cost of a node and
// how it grows with the number of buffers.
const greedy: [string, GenerateOptions][] = [
  ["100 buffers", { buffers: 100 }],
  ["300 buffers", { buffers: 300 }],
  ["1000 buffers", { buffers: 1000 }],
  ["300 buffers, gaps, windows, alignment", { buffers: 300, gaps: 0.3, aligned: 0.3 }],
];
for (const [name, options] of greedy) {
  const { problem } = generateProblem(options);
  Deno.bench({
    name: `synthetic ${name}`,
    group: "synthetic, greedy capacity (node cost)",
    baseline: name === "100 buffers",
    fn: solves(problem),
  });
}

// Planted perfect packings at the peak load: the search has to rediscover
// them, with tens of thousands of nodes (seeds picked for that).
const planted: [string, GenerateOptions][] = [
  ["planted 100 buffers", { buffers: 100, seed: 10 }],
  ["planted 150 buffers", { buffers: 150, seed: 6 }],
  ["planted 200 buffers", { buffers: 200, seed: 11 }],
];
for (const [name, options] of planted) {
  const { problem } = generateProblem({ ...options, construction: "planted" });
  Deno.bench({
    name: `synthetic ${name}`,
    group: "synthetic, planted at the peak load (search)",
    n: 10,
    warmup: 2,
    fn: solves(problem),
  });
}

const challenging = CHALLENGING.map((name) => {
  const text = readShared(`benchmarks/challenging/${name}.${CAPACITY}.csv`);
  return { name, text };
});
if (challenging.some(({ text }) => text === undefined)) {
  console.log(
    `Skipping the challenging and large instances: ${SHARED.pathname} is not there ` +
      "(the synthetic benchmarks still run).",
  );
} else {
  for (const { name, text } of challenging) {
    const problem = parseCsv(text!, { file: `${name}.csv`, capacity: CAPACITY });
    Deno.bench({
      name: `challenging ${name} (${problem.buffers.length} buffers)`,
      group: "challenging, capacity 1048576",
      // 0.15 to 2 s each: a handful of runs keeps the suite at about a minute.
      n: 3,
      warmup: 1,
      fn: solves(problem),
    });
  }
}

const largeText = readShared("benchmarks/large/Y_1.csv");
if (largeText !== undefined) {
  const problem = parseCsv(largeText, { file: "Y_1.csv" });
  const solution: Solution = firstFit(problem);
  if (validate(problem, solution) !== "good") throw new Error("firstFit made an invalid solution");
  const group = `large Y_1 (${problem.buffers.length} buffers)`;
  Deno.bench({
    name: "parseCsv Y_1",
    group,
    n: 20,
    warmup: 3,
    fn: () => {
      parseCsv(largeText, { file: "Y_1.csv" });
    },
  });
  Deno.bench({
    name: "validate Y_1 (a first-fit solution)",
    group,
    n: 20,
    warmup: 3,
    fn: () => {
      if (validate(problem, solution) !== "good") throw new Error("not good");
    },
  });
  Deno.bench({
    name: "stringifyCsv Y_1 with offsets",
    group,
    n: 20,
    warmup: 3,
    fn: () => {
      stringifyCsv(problem, solution);
    },
  });
}
