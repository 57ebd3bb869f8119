// Copyright the @x/minimalloc authors. Apache-2.0 license.
// The anytime minimization's descents (`descents`) on and off, as users run
// it, on generated problems whose minimization the probe at the peak load
// does not end: planted problems with gaps (benchmarks/_generate.ts), no
// capacity. For each problem, two processes, alternating
//
//   deno run -A cli.ts --minimize_capacity --timeout=5s --input=FILE --output=TMP --json
//   ... the same with --descents=false
//
// each output checked with validate(). Needs nothing from ../shared.
//
//   deno run -A benchmarks/descents.ts [--timeout=5s] [--buffers=200,400] [--seeds=6]
//
// Progress goes to stderr, the table to stdout. Exits 1 when a run fails or
// writes an invalid solution.

import { stringifyCsv } from "../src/csv_stringify.ts";
import { parseCsv } from "../src/csv_parse.ts";
import { peakLoad, type Problem } from "../src/problem.ts";
import { validate } from "../src/validate.ts";
import { generateProblem } from "./_generate.ts";
import { pathOf } from "./_util.ts";

const CLI = new URL("../cli.ts", import.meta.url);
const args = Deno.args;
const flag = (name: string, fallback: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const timeout = flag("timeout", "5s");
const sizes = flag("buffers", "200,400").split(",").map(Number);
const seeds = Number(flag("seeds", "6"));

/** One process of the command line: its height, or null where it failed. */
async function minimized(
  input: string,
  problem: Problem,
  flags: string[],
): Promise<number | null> {
  const output = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    const { code, stdout } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        pathOf(CLI),
        "--minimize_capacity",
        `--timeout=${timeout}`,
        ...flags,
        `--input=${input}`,
        `--output=${output}`,
        "--json",
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (code !== 0) return null;
    const report = JSON.parse(new TextDecoder().decode(stdout));
    const solved = parseCsv(await Deno.readTextFile(output));
    const solution = { offsets: solved.buffers.map((b) => b.offset!), height: report.height };
    const good = validate({ ...problem, capacity: report.height }, solution) === "good";
    return good ? report.height : null;
  } finally {
    await Deno.remove(output).catch(() => {});
  }
}

console.log(
  `--minimize_capacity --timeout=${timeout}, the CLI, generated planted problems with gaps (0.3), no capacity`,
);
console.log("| buffers | seed | peak load | descents on | off | on − off |");
console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
let failed = false;
let lower = 0;
let same = 0;
let higher = 0;
const input = await Deno.makeTempFile({ suffix: ".csv" });
try {
  for (const buffers of sizes) {
    for (let seed = 1; seed <= seeds; seed++) {
      const { problem } = generateProblem({
        seed,
        buffers,
        construction: "planted",
        gaps: 0.3,
        windows: 0,
      });
      const { capacity: _, ...uncapped } = problem;
      await Deno.writeTextFile(input, stringifyCsv(uncapped));
      const on = await minimized(input, uncapped, []);
      const off = await minimized(input, uncapped, ["--descents=false"]);
      console.error(`${buffers}/${seed}: on ${on}, off ${off}`);
      if (on === null || off === null) {
        failed = true;
      } else if (on < off) lower++;
      else if (on === off) same++;
      else higher++;
      const diff = on === null || off === null ? "-" : String(on - off);
      console.log(
        `| ${buffers} | ${seed} | ${peakLoad(uncapped)} | ${on ?? "FAILED"} | ${
          off ?? "FAILED"
        } | ${diff} |`,
      );
    }
  }
} finally {
  await Deno.remove(input).catch(() => {});
}
console.log(`\nWith descents: ${lower} lower, ${same} the same, ${higher} higher.`);
Deno.exit(failed ? 1 : 0);
