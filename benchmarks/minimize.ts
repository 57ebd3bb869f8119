// Copyright the @x/minimalloc authors. Apache-2.0 license.
// The anytime minimization as users run it, on the challenging suite and
// the large instances without a capacity: for each instance, one process
//
//   deno run -A cli.ts --minimize_capacity --timeout=10s --input=FILE --output=TMP --json
//
// timed from the outside (wall, process start included), its output
// checked with validate(), and its height compared with what
// `--heuristic=best` alone reaches (the minimization must never end above
// it). Reads ../shared in place; without it, it says so and exits 0.
//
//   deno run -A benchmarks/minimize.ts [--timeout=10s] [--runs=N] [names...]
//
// Progress goes to stderr, the table to stdout. Exits 1 when a run fails,
// writes an invalid solution or ends above the heuristic.

import { parseCsv } from "../src/csv_parse.ts";
import { peakLoad } from "../src/problem.ts";
import { validate } from "../src/validate.ts";
import { median, pathOf } from "./_util.ts";

const SHARED = new URL("../../shared/benchmarks/", import.meta.url);
const CLI = new URL("../cli.ts", import.meta.url);
const CHALLENGING = "ABCDEFGHIJK".split("").map((name) => `challenging/${name}.1048576.csv`);
const LARGE = ["G_1", "resnet50", "pangu_2.6B", "S_1", "Y_1"].map((name) => `large/${name}.csv`);

const args = Deno.args;
const timeout = args.find((a) => a.startsWith("--timeout="))?.slice(10) ?? "10s";
const runs = Number(args.find((a) => a.startsWith("--runs="))?.slice(7) ?? "1");
const names = args.filter((a) => !a.startsWith("--"));
const files = [...CHALLENGING, ...LARGE].filter((file) =>
  names.length === 0 || names.some((name) => file.includes(`/${name}.`))
);

try {
  Deno.statSync(SHARED);
} catch {
  console.error("minimize.ts: ../shared/benchmarks is not here; nothing to run");
  Deno.exit(0);
}

interface Run {
  code: number;
  seconds: number;
  json: { status: string; height: number | null; optimal: boolean | null };
  csv: string;
}

/** One process of the command line, timed from the outside. */
async function cli(input: string, flags: string[]): Promise<Run> {
  const output = await Deno.makeTempFile({ suffix: ".csv" });
  const start = performance.now();
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", pathOf(CLI), ...flags, `--input=${input}`, `--output=${output}`, "--json"],
    stdout: "piped",
    stderr: "null",
  }).output();
  const seconds = (performance.now() - start) / 1000;
  const csv = await Deno.readTextFile(output).catch(() => "");
  await Deno.remove(output).catch(() => {});
  return { code, seconds, json: JSON.parse(new TextDecoder().decode(stdout)), csv };
}

console.log(
  `--minimize_capacity --timeout=${timeout} without a capacity, the CLI, wall time with process start (median of ${runs})`,
);
console.log(
  "| instance | buffers | peak load | heuristic=best | minimized | × peak | proved | seconds | valid | ≤ heuristic |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |");
let failed = false;
for (const file of files) {
  const input = pathOf(new URL(file, SHARED));
  const name = file.replace(/^.*\//, "").replace(/(\.1048576)?\.csv$/, "");
  const problem = parseCsv(await Deno.readTextFile(input));
  const peak = peakLoad(problem);
  const heuristic = await cli(input, ["--heuristic=best"]);
  const seconds: number[] = [];
  let last: Run | undefined;
  for (let r = 0; r < runs; r++) {
    last = await cli(input, ["--minimize_capacity", `--timeout=${timeout}`]);
    seconds.push(last.seconds);
    console.error(`${name}: run ${r + 1}/${runs} ${last.seconds.toFixed(2)} s, exit ${last.code}`);
  }
  const run = last!;
  let valid = false;
  if (run.code === 0 && run.csv !== "") {
    const solved = parseCsv(run.csv);
    const offsets = solved.buffers.map((b) => b.offset!);
    const height = run.json.height!;
    valid = validate({ ...problem, capacity: height }, { offsets, height }) === "good";
  }
  const height = run.json.height;
  const below = height !== null && heuristic.json.height !== null &&
    height <= heuristic.json.height;
  if (run.code !== 0 || !valid || !below) failed = true;
  console.log(
    `| ${name} | ${problem.buffers.length} | ${peak} | ${heuristic.json.height} | ${height} | ${
      height === null ? "-" : (height / peak).toFixed(4)
    } | ${run.json.optimal ? "yes" : "no"} | ${median(seconds).toFixed(2)} | ${
      valid ? "yes" : "NO"
    } | ${below ? "yes" : "NO"} |`,
  );
}
Deno.exit(failed ? 1 : 0);
