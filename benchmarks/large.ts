// Copyright the @x/minimalloc authors. Apache-2.0 license.
// The large suite (G_1, S_1, Y_1, resnet50, pangu_2.6B: 816 to 62,185
// buffers, no capacity given) as a markdown table. For each instance it
// runs the command line as users do, one process per run:
//
//   deno run -A cli.ts --minimize_capacity --timeout=10s --input=FILE --output=TMP --json
//
// and reports its wall time (process start included) and peak memory; in
// this process it computes the peak load (the lower bound), the plain
// greedy by size (the TFLite baseline, `--heuristic=size`) and the "best"
// heuristic. Every solution is checked with validate(). Reads ../shared in
// place; without it, it says so and exits 0.
//
//   deno run -A benchmarks/large.ts [--runs=N] [--timeout=10s] [names...]
//
// Progress goes to stderr, the table to stdout. Exits 1 when a solution is
// invalid or the command line fails.

import { parseCsv } from "../src/csv_parse.ts";
import { peakLoad, type Problem, type Solution } from "../src/problem.ts";
import { validate } from "../src/validate.ts";
import { solveHeuristic } from "../src/heuristics.ts";
import { median, pathOf, runCli } from "./_util.ts";

const LARGE = new URL("../../shared/benchmarks/large/", import.meta.url);

const USAGE = `Usage: deno run -A benchmarks/large.ts [--runs=N] [--timeout=D] [names...]

  --runs=N     command-line runs per instance; the table shows the median
               time and the largest peak memory (default 1)
  --timeout=D  the command line's --timeout (default 10s)
  names        instances to run, e.g. S_1 Y_1 (default: all in the folder)
`;

interface Args {
  runs: number;
  timeout: string;
  names: string[];
}

interface Row {
  name: string;
  buffers: number;
  peak: number;
  greedy: number;
  greedyMs: number;
  best: number;
  bestMs: number;
  final: number | undefined;
  optimal: boolean;
  seconds: number;
  mib: number | undefined;
  valid: boolean;
}

function parseArgs(args: string[]): Args {
  const parsed: Args = { runs: 1, timeout: "10s", names: [] };
  for (const arg of args) {
    if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else if (arg.startsWith("--runs=")) {
      const runs = Number(arg.slice("--runs=".length));
      if (!Number.isInteger(runs) || runs < 1) usage(`--runs expects a positive integer: ${arg}`);
      parsed.runs = runs;
    } else if (arg.startsWith("--timeout=")) {
      parsed.timeout = arg.slice("--timeout=".length);
    } else if (arg.startsWith("-")) {
      usage(`unknown flag ${arg}`);
    } else {
      parsed.names.push(arg.replace(/\.csv$/, ""));
    }
  }
  return parsed;
}

function usage(message: string): never {
  console.error(`large.ts: ${message}\n\n${USAGE}`);
  Deno.exit(2);
}

function progress(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
}

/** The offsets of an output CSV, as a solution of `problem`. */
function solutionOf(problem: Problem, csv: string): Solution {
  const solved = parseCsv(csv);
  const offsets = solved.buffers.map((b) => b.offset ?? NaN);
  let height = 0;
  solved.buffers.forEach((b, i) => height = Math.max(height, offsets[i] + b.size));
  if (solved.buffers.length !== problem.buffers.length) return { offsets: [], height };
  return { offsets, height };
}

/** Solves one instance every way and checks every solution. */
async function measure(name: string, path: string, args: Args): Promise<Row> {
  const problem = parseCsv(await Deno.readTextFile(path), { file: path });
  const peak = peakLoad(problem);
  let start = performance.now();
  const greedy = solveHeuristic(problem, { heuristic: "size" });
  const greedyMs = performance.now() - start;
  start = performance.now();
  const best = solveHeuristic(problem, { heuristic: "best" });
  const bestMs = performance.now() - start;
  let valid = validate(problem, greedy) === "good" && validate(problem, best) === "good";
  const seconds: number[] = [];
  let mib: number | undefined;
  let final: number | undefined;
  let optimal = false;
  for (let run = 0; run < args.runs; run++) {
    const cli = await runCli([
      "--minimize_capacity",
      `--timeout=${args.timeout}`,
      `--input=${path}`,
    ]);
    if (cli.exitCode !== 0) throw new Error(`cli.ts failed on ${path}: ${cli.stderr}`);
    seconds.push(cli.seconds);
    if (cli.mib !== undefined) mib = Math.max(mib ?? 0, cli.mib);
    const solution = solutionOf(problem, cli.csv);
    const ok = cli.json.status === "solved" && validate(problem, solution) === "good" &&
      solution.height === cli.json.height;
    if (!ok) valid = false;
    final = cli.json.height ?? undefined;
    optimal = cli.json.optimal === true;
  }
  return {
    name,
    buffers: problem.buffers.length,
    peak,
    greedy: greedy.height,
    greedyMs,
    best: best.height,
    bestMs,
    final,
    optimal,
    seconds: median(seconds),
    mib,
    valid,
  };
}

function ratio(height: number | undefined, peak: number): string {
  return height === undefined ? "-" : (height / peak).toFixed(4);
}

function table(rows: Row[]): string {
  const lines = [
    "| instance | buffers | peak load | greedy (size) | ×peak | ms | best heuristic | ×peak | ms | final height | ×peak | proved optimal | seconds | peak MiB | valid |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${r.buffers} | ${r.peak} | ${r.greedy} | ${ratio(r.greedy, r.peak)} | ${
        r.greedyMs.toFixed(0)
      } | ${r.best} | ${ratio(r.best, r.peak)} | ${r.bestMs.toFixed(0)} | ${r.final ?? "-"} | ${
        ratio(r.final, r.peak)
      } | ${r.optimal ? "yes" : "no"} | ${r.seconds.toFixed(2)} | ${r.mib?.toFixed(0) ?? "-"} | ${
        r.valid ? "yes" : "NO"
      } |`,
    );
  }
  return lines.join("\n");
}

async function main(): Promise<number> {
  const args = parseArgs(Deno.args);
  let files: string[];
  try {
    files = [...Deno.readDirSync(LARGE)].filter((e) => e.isFile && e.name.endsWith(".csv"))
      .map((e) => e.name).sort();
  } catch {
    console.log(`large.ts: skipped: no benchmark folder at ${pathOf(LARGE)}`);
    return 0;
  }
  if (args.names.length > 0) {
    for (const name of args.names) {
      if (!files.includes(`${name}.csv`)) usage(`unknown instance "${name}": have ${files}`);
    }
    files = files.filter((f) => args.names.includes(f.replace(/\.csv$/, "")));
  }
  const rows: Row[] = [];
  for (const file of files) {
    const name = file.replace(/\.csv$/, "");
    progress(`${name}...`);
    rows.push(await measure(name, pathOf(new URL(file, LARGE)), args));
  }
  console.log(table(rows));
  const total = rows.reduce((sum, r) => sum + r.seconds, 0);
  console.log(`\nTotal command-line time ${total.toFixed(2)} s (median per instance).`);
  const bad = rows.filter((r) => !r.valid);
  if (bad.length > 0) {
    console.error(`Invalid or failed: ${bad.map((r) => r.name).join(", ")}`);
    return 1;
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
