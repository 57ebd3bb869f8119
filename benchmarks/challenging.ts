// Copyright the @x/minimalloc authors. Apache-2.0 license.
// The challenging suite (11 production ML instances, capacity 1048576) as a
// table: buffers, search nodes, backtracks, the median time over runs,
// nodes per second, whether each solution is valid and byte-identical to
// the reference's output, and the ratio to the reference C++ MiniMalloc's
// times. With --cli it times the command line as users run it, one process
// per instance. Reads ../shared in place; without it, it says so and exits.
//
//   deno run -A benchmarks/challenging.ts [--reference] [--runs=N] [--cli] [A B ...]
//
// Progress goes to stderr, the table to stdout. Exits 1 when a solution is
// invalid or not byte-identical to the reference's (in both modes: these
// instances have no windows, and the portfolio decides as the reference's
// round robin does).

import { parseCsv } from "../src/csv_parse.ts";
import { stringifyCsv } from "../src/csv_stringify.ts";
import type { Problem, Solution } from "../src/problem.ts";
import { REFERENCE_OPTIONS } from "../src/options.ts";
import { solve } from "../src/solve.ts";
import { validate } from "../src/validate.ts";
import { median, pathOf } from "./_util.ts";

const SHARED = new URL("../../shared/", import.meta.url);
const CLI = new URL("../cli.ts", import.meta.url);
const CAPACITY = 1048576;

/**
 * The reference C++ MiniMalloc's wall time per instance in seconds, from
 * the table "How the reference does" in ../shared/benchmarks/README.md
 * (release build, default settings, this project's 2-core machines).
 */
const REFERENCE_SECONDS: Record<string, number> = {
  A: 5.71,
  B: 3.66,
  C: 0.86,
  D: 2.47,
  E: 3.34,
  F: 7.20,
  G: 1.47,
  H: 2.24,
  I: 4.59,
  J: 1.19,
  K: 0.87,
};
/** The README's total (33.6 s); the sum of the rounded entries is 33.60. */
const REFERENCE_TOTAL_SECONDS = 33.6;
const NAMES = Object.keys(REFERENCE_SECONDS);

const USAGE =
  `Usage: deno run -A benchmarks/challenging.ts [--reference] [--runs=N] [--cli] [names...]

  --reference  solve with REFERENCE_OPTIONS (the reference's exact search);
               (the outputs are byte-identical to the reference's either way)
  --runs=N     runs per instance; the table shows the median (default 3)
  --cli        time \`deno run -A cli.ts ... --output=FILE\` per instance
               (wall time, process start included) instead of solve()
  names        instances to run, from ${NAMES.join(" ")} (default: all)
`;

interface Row {
  name: string;
  buffers: number;
  nodes?: number;
  backtracks?: number;
  /** Median milliseconds: solve() in process, or the CLI's wall time. */
  ms: number;
  /** The CLI's own "Elapsed time" (the solve), median, with --cli. */
  cliElapsedMs?: number;
  valid: boolean;
  identical: boolean;
}

interface Args {
  reference: boolean;
  cli: boolean;
  runs: number;
  names: string[];
}

function parseArgs(args: string[]): Args {
  const parsed: Args = { reference: false, cli: false, runs: 3, names: [] };
  for (const arg of args) {
    if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else if (arg === "--reference") {
      parsed.reference = true;
    } else if (arg === "--cli") {
      parsed.cli = true;
    } else if (arg.startsWith("--runs=")) {
      const runs = Number(arg.slice("--runs=".length));
      if (!Number.isInteger(runs) || runs < 1) usage(`--runs expects a positive integer: ${arg}`);
      parsed.runs = runs;
    } else if (arg.startsWith("-")) {
      usage(`unknown flag ${arg}`);
    } else {
      const name = arg.toUpperCase().replace(/\.1048576\.csv$/i, "");
      if (!NAMES.includes(name)) usage(`unknown instance "${arg}": expected one of ${NAMES}`);
      parsed.names.push(name);
    }
  }
  if (parsed.names.length === 0) parsed.names = NAMES;
  return parsed;
}

function usage(message: string): never {
  console.error(`challenging.ts: ${message}\n\n${USAGE}`);
  Deno.exit(2);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function progress(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
}

/** Solves in this process, `runs` times. */
function runInProcess(
  name: string,
  problem: Problem,
  expected: Uint8Array,
  args: Args,
): Row {
  const options = args.reference ? { ...REFERENCE_OPTIONS } : {};
  const times: number[] = [];
  let first: Solution | undefined;
  for (let run = 1; run <= args.runs; run++) {
    const start = performance.now();
    let solution: Solution;
    try {
      solution = solve(problem, options);
    } catch (error) {
      progress(`${name}: run ${run}/${args.runs} failed: ${(error as Error).message}`);
      return { name, buffers: problem.buffers.length, ms: NaN, valid: false, identical: false };
    }
    const ms = performance.now() - start;
    times.push(ms);
    progress(
      `${name}: run ${run}/${args.runs} ${ms.toFixed(0)} ms, ${solution.stats?.nodes} nodes`,
    );
    if (first === undefined) {
      first = solution;
    } else if (solution.stats?.nodes !== first.stats?.nodes) {
      progress(`${name}: warning: node counts differ between runs`);
    }
  }
  const solution = first!;
  const output = new TextEncoder().encode(stringifyCsv(problem, solution));
  return {
    name,
    buffers: problem.buffers.length,
    nodes: solution.stats?.nodes,
    backtracks: solution.stats?.backtracks,
    ms: median(times),
    valid: validate(problem, solution) === "good",
    identical: sameBytes(output, expected),
  };
}

/** Runs the command line, `runs` times, one process each. */
async function runCli(
  name: string,
  input: string,
  problem: Problem,
  expected: Uint8Array,
  args: Args,
  dir: string,
): Promise<Row> {
  const output = `${dir}/${name}.${CAPACITY}.csv`;
  const cliArgs = ["run", "-A", pathOf(CLI), `--capacity=${CAPACITY}`, `--input=${input}`];
  cliArgs.push(`--output=${output}`);
  if (args.reference) cliArgs.push("--reference");
  const walls: number[] = [];
  const elapsed: number[] = [];
  let valid = true;
  let identical = true;
  for (let run = 1; run <= args.runs; run++) {
    try {
      Deno.removeSync(output);
    } catch { /* not there yet */ }
    const command = new Deno.Command(Deno.execPath(), {
      args: cliArgs,
      stdout: "piped",
      stderr: "piped",
    });
    const start = performance.now();
    const result = await command.output();
    const wall = performance.now() - start;
    walls.push(wall);
    const stderr = new TextDecoder().decode(result.stderr);
    const match = stderr.match(/Elapsed time ([\d.]+)s/);
    if (match) elapsed.push(Number(match[1]) * 1000);
    progress(`${name}: run ${run}/${args.runs} ${wall.toFixed(0)} ms wall, exit ${result.code}`);
    if (!result.success) {
      progress(`${name}: the CLI failed:\n${stderr.trim()}`);
      valid = false;
      identical = false;
      continue;
    }
    const bytes = Deno.readFileSync(output);
    identical &&= sameBytes(bytes, expected);
    // Check the written offsets against the input, independently of the CLI.
    try {
      const solved = parseCsv(new TextDecoder().decode(bytes), { file: output });
      const offsets = solved.buffers.map((b) => b.offset ?? -1);
      const height = problem.buffers.reduce((h, b, i) => Math.max(h, offsets[i] + b.size), 0);
      const sameIds = solved.buffers.length === problem.buffers.length &&
        solved.buffers.every((b, i) => b.id === problem.buffers[i].id);
      valid &&= sameIds && validate(problem, { offsets, height }) === "good";
    } catch (error) {
      progress(`${name}: cannot read the CLI's output: ${(error as Error).message}`);
      valid = false;
    }
  }
  return {
    name,
    buffers: problem.buffers.length,
    ms: median(walls),
    cliElapsedMs: elapsed.length ? median(elapsed) : undefined,
    valid,
    identical,
  };
}

function table(rows: Row[], args: Args): string {
  const yes = (ok: boolean) => ok ? "yes" : "NO";
  const int = (n: number | undefined) =>
    n === undefined || Number.isNaN(n) ? "-" : n.toLocaleString("en-US");
  const fixed = (n: number | undefined, digits: number) =>
    n === undefined || Number.isNaN(n) ? "-" : n.toFixed(digits);
  const header = ["instance", "buffers", "nodes", "backtracks", args.cli ? "wall ms" : "ms"];
  if (args.cli) header.push("solve ms");
  header.push("nodes/s", "valid", "identical", "reference s", "ours/ref");
  const lines: string[][] = [];
  const line = (row: Row, refSeconds: number) => {
    const cells = [
      row.name,
      int(row.buffers),
      int(row.nodes),
      int(row.backtracks),
      fixed(row.ms, 0),
    ];
    if (args.cli) cells.push(fixed(row.cliElapsedMs, 0));
    cells.push(
      row.nodes === undefined ? "-" : int(Math.round(row.nodes / (row.ms / 1000))),
      yes(row.valid),
      yes(row.identical),
      refSeconds.toFixed(2),
      fixed(row.ms / 1000 / refSeconds, 2),
    );
    lines.push(cells);
  };
  for (const row of rows) line(row, REFERENCE_SECONDS[row.name]);
  const sum = (f: (row: Row) => number | undefined) =>
    rows.some((row) => f(row) === undefined)
      ? undefined
      : rows.reduce((total, row) => total + f(row)!, 0);
  const all = rows.length === NAMES.length;
  const total: Row = {
    name: "total",
    buffers: sum((row) => row.buffers)!,
    nodes: sum((row) => row.nodes),
    backtracks: sum((row) => row.backtracks),
    ms: sum((row) => row.ms)!,
    cliElapsedMs: sum((row) => row.cliElapsedMs),
    valid: rows.every((row) => row.valid),
    identical: rows.every((row) => row.identical),
  };
  line(
    total,
    all ? REFERENCE_TOTAL_SECONDS : rows.reduce((s, row) => s + REFERENCE_SECONDS[row.name], 0),
  );
  const last = lines[lines.length - 1];
  const validAt = header.indexOf("valid");
  last[validAt] = `${rows.filter((row) => row.valid).length}/${rows.length}`;
  last[validAt + 1] = `${rows.filter((row) => row.identical).length}/${rows.length}`;
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((cells) => cells[i].length)));
  const format = (cells: string[]) =>
    "| " + cells.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join(" | ") +
    " |";
  const rule = "| " + widths.map((w, i) => i === 0 ? "-".repeat(w) : "-".repeat(w - 1) + ":").join(
    " | ",
  ) + " |";
  return [format(header), rule, ...lines.map(format)].join("\n");
}

async function main(): Promise<number> {
  const args = parseArgs(Deno.args);
  try {
    Deno.statSync(new URL("benchmarks/challenging/", SHARED));
  } catch {
    console.log(
      `Skipping: ${pathOf(SHARED)}benchmarks/challenging/ is not there ` +
        "(the challenging instances are read in place from ../shared).",
    );
    return 0;
  }
  const mode = `${args.cli ? "the CLI (deno run -A cli.ts), wall time" : "solve() in process"}, ${
    args.reference ? "REFERENCE_OPTIONS" : "default options"
  }, median of ${args.runs} run${args.runs === 1 ? "" : "s"}`;
  progress(`challenging suite at capacity ${CAPACITY}: ${mode}`);
  const dir = args.cli ? Deno.makeTempDirSync({ prefix: "minimalloc-challenging-" }) : "";
  const rows: Row[] = [];
  try {
    for (const name of args.names) {
      const input = new URL(`benchmarks/challenging/${name}.${CAPACITY}.csv`, SHARED);
      const problem = parseCsv(Deno.readTextFileSync(input), {
        file: `${name}.${CAPACITY}.csv`,
        capacity: CAPACITY,
      });
      const expected = Deno.readFileSync(
        new URL(`conformance/reference/${name}.${CAPACITY}.csv`, SHARED),
      );
      rows.push(
        args.cli
          ? await runCli(name, pathOf(input), problem, expected, args, dir)
          : runInProcess(name, problem, expected, args),
      );
    }
  } finally {
    if (dir) Deno.removeSync(dir, { recursive: true });
  }
  console.log(`Challenging suite, ${mode}.`);
  console.log(table(rows, args));
  console.log(
    "reference s: the C++ MiniMalloc, release build, on this project's 2-core machines " +
      "(../shared/benchmarks/README.md); ours/ref < 1 is faster than it.\n" +
      "identical: byte for byte the reference's output (../shared/conformance/reference/); " +
      "expected in both modes: the portfolio decides as the reference's round robin does.",
  );
  const invalid = rows.filter((row) => !row.valid).map((row) => row.name);
  const different = rows.filter((row) => !row.identical).map((row) => row.name);
  if (invalid.length) progress(`FAIL: invalid or failed: ${invalid.join(" ")}`);
  if (different.length) {
    progress(`FAIL: not byte-identical to the reference: ${different.join(" ")}`);
  }
  return invalid.length || different.length ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
