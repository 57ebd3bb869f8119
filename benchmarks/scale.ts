// Copyright the @x/minimalloc authors. Apache-2.0 license.
// Large synthetic problems (10^5 and 10^6 buffers, made by the seeded
// generator, so no ../shared is needed) through the command line as users
// run it, one process per run:
//
//   deno run -A cli.ts --heuristic=NAME --timeout=T --input=FILE --output=TMP --json
//   deno run -A cli.ts --minimize_capacity --timeout=T --input=FILE --output=TMP --json
//
// For each run: the wall time of the whole process, the solve's own time
// (the CLI's `milliseconds`, counted from after the input is read) against
// the time limit (it must end within the limit + 10 %, or + 200 ms), the
// peak resident memory, the height against the peak load, and whether the
// output is valid (checked here with validate()).
//
//   deno run -A benchmarks/scale.ts [--buffers=100000,1000000]
//     [--kinds=random,ml] [--modes=size,lifespan,area,skyline,best,minimize]
//     [--timeouts=100ms,1s,10s,30s] [--input=FILE ...]
//
// --input adds a file (Y_1, say) to the generated problems. Progress goes
// to stderr, the table to stdout. Exits 1 when an output is invalid, a run
// fails other than by its time limit, or a run overruns its limit. The
// generated files are removed when it ends.

import { parseArgs } from "node:util";
import { parseCsv } from "../src/csv_parse.ts";
import { peakLoad, type Problem } from "../src/problem.ts";
import { validate } from "../src/validate.ts";
import { stringifyCsv } from "../src/csv_stringify.ts";
import { generateProblem } from "./_generate.ts";
import { runCli } from "./_util.ts";

const { values } = parseArgs({
  options: {
    buffers: { type: "string", default: "100000,1000000" },
    kinds: { type: "string", default: "random,ml" },
    modes: { type: "string", default: "size,lifespan,area,skyline,best,minimize" },
    timeouts: { type: "string", default: "100ms,1s,10s,30s" },
    input: { type: "string", multiple: true, default: [] },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(
    "Usage: deno run -A benchmarks/scale.ts [--buffers=N,...] [--kinds=random,ml]\n" +
      "  [--modes=size,lifespan,area,skyline,best,minimize] [--timeouts=100ms,1s,...] [--input=FILE]",
  );
  Deno.exit(0);
}
const list = (text: string) => text.split(",").map((s) => s.trim()).filter((s) => s !== "");

/** A problem of a kind: "random" as in issue reports, "ml" an ML-like schedule. */
function generated(kind: string, buffers: number): Problem {
  const options = kind === "random"
    ? {
      // Lifespans of 1-2,000 steps within [0, 2n), sizes 1-10^6.
      lifespans: "bounded" as const,
      horizon: 2 * buffers,
      maxLifespan: 2000,
      sizes: "uniform" as const,
      minSize: 1,
      maxSize: 1_000_000,
    }
    : { lifespans: "ml" as const, windows: 0 };
  const { problem } = generateProblem({
    seed: 1,
    buffers,
    construction: "none",
    gaps: 0,
    ...options,
  });
  const { capacity: _, ...uncapped } = problem;
  return uncapped;
}

function millisecondsOf(duration: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(duration);
  if (!match) {
    console.error(
      `scale.ts: --timeouts expects durations such as 100ms, 10s or 1m, got "${duration}"`,
    );
    Deno.exit(2);
  }
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as "ms" | "s" | "m"];
}

interface Case {
  name: string;
  path: string;
  problem: Problem;
  peak: number;
}

async function cases(dir: string): Promise<Case[]> {
  const found: Case[] = [];
  for (const kind of list(values.kinds!)) {
    for (const n of list(values.buffers!).map(Number)) {
      Deno.stderr.writeSync(new TextEncoder().encode(`generating ${kind} ${n}...\n`));
      const problem = generated(kind, n);
      const path = `${dir}/${kind}_${n}.csv`;
      await Deno.writeTextFile(path, stringifyCsv(problem));
      found.push({ name: `${kind} ${n}`, path, problem, peak: peakLoad(problem) });
    }
  }
  for (const path of values.input!) {
    const problem = parseCsv(await Deno.readTextFile(path), { file: path });
    const name = path.split("/").pop()!.replace(/\.csv$/, "");
    found.push({ name, path, problem, peak: peakLoad(problem) });
  }
  return found;
}

async function main(): Promise<number> {
  const rows = [
    "| problem | buffers | mode | limit | solve ms | within | wall s | peak MiB | height | ×peak | valid |",
    "| --- | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |",
  ];
  // Read before anything is generated: a bad duration fails at once.
  for (const timeout of list(values.timeouts!)) millisecondsOf(timeout);
  // The generated files (29 MB per million buffers) go when it ends.
  const dir = await Deno.makeTempDir({ prefix: "scale_" });
  try {
    return await measure(dir, rows);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function measure(dir: string, rows: string[]): Promise<number> {
  let failures = 0;
  for (const c of await cases(dir)) {
    for (const mode of list(values.modes!)) {
      for (const timeout of list(values.timeouts!)) {
        const limit = millisecondsOf(timeout);
        const flag = mode === "minimize" ? "--minimize_capacity" : `--heuristic=${mode}`;
        Deno.stderr.writeSync(new TextEncoder().encode(`${c.name} ${mode} ${timeout}...\n`));
        const run = await runCli([flag, `--timeout=${timeout}`, `--input=${c.path}`]);
        const solved = run.exitCode === 0 && run.json.status === "solved";
        let valid = false;
        if (solved) {
          const offsets = parseCsv(run.csv).buffers.map((b) => b.offset ?? NaN);
          valid = validate(c.problem, { offsets, height: run.json.height! }) === "good";
        }
        const ms = run.json.milliseconds;
        const within = ms <= Math.max(1.1 * limit, limit + 200);
        // A timeout without a solution is an answer; a wrong one, a crash or
        // an overrun is a failure.
        const crashed = run.exitCode !== 0 && run.json.status !== "timeout";
        if ((solved && !valid) || crashed || !within) failures++;
        const height = run.json.height;
        rows.push(
          `| ${c.name} | ${c.problem.buffers.length} | ${mode} | ${timeout} | ${ms} | ${
            within ? "yes" : "NO"
          } | ${run.seconds.toFixed(2)} | ${run.mib?.toFixed(0) ?? "-"} | ${
            height ?? run.json.status
          } | ${height === null ? "-" : (height / c.peak).toFixed(4)} | ${
            solved ? (valid ? "yes" : "NO") : "-"
          } |`,
        );
      }
    }
  }
  console.log(rows.join("\n"));
  return failures > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
