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
import { solveHeuristic } from "../src/heuristics.ts";
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

// The skyline with pinned buffers, each a ceiling until the skyline reaches
// it: 1 % of a 20,000-buffer windowed problem pinned at a solution's
// offsets; and thousands of pins stacked at both ends of the time with
// short pins high up in between, where every rise to a pin lifts moments at
// both ends (redoing its tree between them once took 44 s at 8,000 and
// 200,000 pins).
{
  const { problem } = generateProblem({
    seed: 5,
    buffers: 20_000,
    construction: "planted",
    gaps: 0.1,
    windows: 0.5,
  });
  const placed = solveHeuristic(problem, { heuristic: "skyline" }).offsets;
  const pinned: Problem = {
    buffers: problem.buffers.map((b, i) => i % 100 === 0 ? { ...b, offset: placed[i] } : b),
  };
  const wall: Problem = { buffers: [] };
  const stacked = 4000;
  const between = 100_000;
  for (let k = 0; k < stacked; k++) {
    wall.buffers.push({ id: `L${k}`, lower: 0, upper: 1, size: 1, offset: 2 * k });
    wall.buffers.push({
      id: `R${k}`,
      lower: between + 1,
      upper: between + 2,
      size: 1,
      offset: 2 * k,
    });
  }
  for (let j = 1; j <= between; j++) {
    wall.buffers.push({ id: `m${j}`, lower: j, upper: j + 1, size: 1, offset: 1e7 });
  }
  wall.buffers.push({ id: "free", lower: 0, upper: between + 2, size: 2 });
  for (const [name, one] of [["1 % of 20,000 pinned", pinned], ["a wall of pins", wall]] as const) {
    Deno.bench({
      name: `skyline, ${name}`,
      group: "skyline with pins",
      n: 5,
      warmup: 1,
      fn: () => {
        solveHeuristic(one, { heuristic: "skyline" });
      },
    });
  }
}
