// Copyright the @x/minimalloc authors. Apache-2.0 license.
// The window dive (`window_dive`) on and off, as users run it, on generated
// problems with windowed gaps too large for the exact search to pay
// (benchmarks/_generate.ts, the README's four). For each problem, two
// processes, alternating
//
//   deno run -A cli.ts --minimize_capacity --timeout=10s --input=FILE --output=TMP --json
//   ... the same with --window_dive=false
//
// each output checked with validate(), its peak memory as runCli reads it.
// Needs nothing from ../shared.
//
//   deno run -A benchmarks/window_dive.ts [--timeout=10s] [--runs=1] [--only=4000]
//
// Progress goes to stderr, the table to stdout. Exits 1 when a run fails or
// writes an invalid solution.

import { stringifyCsv } from "../src/csv_stringify.ts";
import { parseCsv } from "../src/csv_parse.ts";
import { peakLoad, type Problem } from "../src/problem.ts";
import { validate } from "../src/validate.ts";
import { type GenerateOptions, generateProblem } from "./_generate.ts";
import { runCli } from "./_util.ts";

const args = Deno.args;
const flag = (name: string, fallback: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const timeout = flag("timeout", "10s");
const runs = Number(flag("runs", "1"));
const only = flag("only", "");

// generate.ts --buffers=B --seed=S --construction=none --gaps=G [--windows=W]
const PROBLEMS: GenerateOptions[] = [
  { buffers: 4000, seed: 6, construction: "none", gaps: 0.1, windows: 1 },
  { buffers: 10000, seed: 8, construction: "none", gaps: 0.05, windows: 1 },
  { buffers: 20000, seed: 4, construction: "none", gaps: 0.1, windows: 1 },
  { buffers: 20000, seed: 3, construction: "none", gaps: 0.1 },
];

/** One process of the command line (runCli): its height and peak memory, or null where it failed. */
async function minimized(
  input: string,
  problem: Problem,
  flags: string[],
): Promise<{ height: number; mib: number | undefined } | null> {
  const run = await runCli([
    "--minimize_capacity",
    `--timeout=${timeout}`,
    ...flags,
    `--input=${input}`,
  ]);
  const height = run.json.height;
  if (run.exitCode !== 0 || height === null) return null;
  const solved = parseCsv(run.csv);
  const solution = { offsets: solved.buffers.map((b) => b.offset!), height };
  if (validate({ ...problem, capacity: height }, solution) !== "good") return null;
  return { height, mib: run.mib };
}

const percent = (height: number, load: number) => `${((height / load - 1) * 100).toFixed(2)} %`;
const gib = (mib: number | undefined) => mib === undefined ? "-" : `${(mib / 1024).toFixed(2)} GiB`;

console.log(
  `--minimize_capacity --timeout=${timeout}, the CLI, generated problems with windowed gaps, no capacity; above the peak load`,
);
console.log("| buffers | seed | gaps | windows | dive on | peak | off | peak |");
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
let failed = false;
const input = await Deno.makeTempFile({ suffix: ".csv" });
try {
  for (const options of PROBLEMS) {
    if (only !== "" && String(options.buffers) !== only) continue;
    const { problem } = generateProblem(options);
    const { capacity: _, ...uncapped } = problem;
    await Deno.writeTextFile(input, stringifyCsv(uncapped));
    const load = peakLoad(uncapped);
    for (let run = 1; run <= runs; run++) {
      const on = await minimized(input, uncapped, []);
      const off = await minimized(input, uncapped, ["--window_dive=false"]);
      console.error(
        `${options.buffers}/${options.seed} run ${run}: on ${on?.height}, off ${off?.height}`,
      );
      if (on === null || off === null) failed = true;
      console.log(
        `| ${options.buffers} | ${options.seed} | ${options.gaps} | ${options.windows ?? 0.5} | ${
          on === null ? "FAILED" : percent(on.height, load)
        } | ${gib(on?.mib)} | ${off === null ? "FAILED" : percent(off.height, load)} | ${
          gib(off?.mib)
        } |`,
      );
    }
  }
} finally {
  await Deno.remove(input).catch(() => {});
}
Deno.exit(failed ? 1 : 0);
