// Copyright the @x/minimalloc authors. Apache-2.0 license.
// Ablation: every search technique switched off in turn (the reference's
// nine and ours), in process with solve(), on the challenging suite and the
// perfect-packing tilings at capacity 1048576, each solve under a time
// limit. For each switch: instances solved, total search nodes, total
// time (a solve stopped by the limit counts its nodes and the full
// limit). Reads ../shared in place; without it, it says so and exits 0.
//
//   deno run -A benchmarks/ablation.ts [--timeout=MS] [--suite=challenging|tiling|all] [switches...]

import { parseCsv } from "../src/csv_parse.ts";
import type { Problem } from "../src/problem.ts";
import type { SolverOptions } from "../src/options.ts";
import { solve } from "../src/solve.ts";
import { SolveError } from "../src/errors.ts";
import { validate } from "../src/validate.ts";
import { pathOf } from "./_util.ts";
import { FLAGS } from "../src/_options.ts";

const SHARED = new URL("../../shared/benchmarks/", import.meta.url);
// Every switch a solve at a fixed capacity uses (the minimization's own and
// minimizeCapacity itself are left out: descents have benchmarks/descents.ts).
const SWITCHES = FLAGS.filter((flag) =>
  flag !== "minimizeCapacity" && flag !== "anytimeMinimize" && flag !== "neighbourhoodSearch" &&
  flag !== "descents"
);

const timeout = Number(Deno.args.find((a) => a.startsWith("--timeout="))?.slice(10) ?? "5000");
const suite = Deno.args.find((a) => a.startsWith("--suite="))?.slice(8) ?? "all";
const only = Deno.args.filter((a) => !a.startsWith("--"));

function load(folder: string): [string, Problem][] {
  const dir = new URL(`${folder}/`, SHARED);
  try {
    return [...Deno.readDirSync(dir)]
      .filter((entry) => entry.name.endsWith(".1048576.csv"))
      .map((entry) => entry.name)
      .sort()
      .map((name) => [
        name.replace(".1048576.csv", ""),
        parseCsv(Deno.readTextFileSync(pathOf(new URL(name, dir))), { capacity: 1048576 }),
      ]);
  } catch {
    return [];
  }
}

const instances = [
  ...(suite === "tiling" ? [] : load("challenging")),
  ...(suite === "challenging" ? [] : load("tiling")),
];
if (instances.length === 0) {
  console.error("ablation.ts: ../shared/benchmarks is not here; nothing to run");
  Deno.exit(0);
}

interface Tally {
  solved: number;
  nodes: number;
  ms: number;
  stopped: string[];
}

function run(options: SolverOptions): Tally {
  const tally: Tally = { solved: 0, nodes: 0, ms: 0, stopped: [] };
  for (const [name, problem] of instances) {
    const start = performance.now();
    try {
      const solution = solve(problem, { ...options, timeout });
      if (validate(problem, solution) !== "good") throw new Error(`${name}: invalid solution`);
      tally.solved++;
      tally.nodes += solution.stats!.nodes;
    } catch (error) {
      if (!(error instanceof SolveError)) throw error;
      tally.nodes += error.nodes;
      tally.stopped.push(`${name} ${error.code}`);
    }
    tally.ms += performance.now() - start;
  }
  return tally;
}

console.log(
  `Ablation on ${instances.map(([name]) => name).join(" ")} (${instances.length} instances), ` +
    `solve() in process, ${timeout} ms limit per instance.`,
);
console.log("| switched off | solved | nodes | seconds | not solved |");
console.log("| --- | ---: | ---: | ---: | --- |");
const rows: [string, SolverOptions][] = [
  ["(none: defaults)", {}],
  ...SWITCHES.filter((s) => only.length === 0 || only.includes(s))
    .map((s): [string, SolverOptions] => [s, { [s]: false }]),
];
for (const [label, options] of rows) {
  const t = run(options);
  console.log(
    `| ${label} | ${t.solved}/${instances.length} | ${t.nodes.toLocaleString("en-US")} | ${
      (t.ms / 1000).toFixed(2)
    } | ${t.stopped.join(", ")} |`,
  );
  console.error(`${label}: done`);
}
