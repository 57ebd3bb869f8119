// Copyright the @x/minimalloc authors. Apache-2.0 license.
// Many solveAsync calls in one process: the same N problems solved one
// after another, then all at once, each run in a fresh process so the two
// start alike. Concurrent calls share one pool of workers sized to the
// cores and queue, oldest call first, so all at once should take no longer
// than one after another, and memory should stay that of a few workers.
// Every solution is checked with validate(). Uses challenging K from
// ../shared when it is there, else a generated 454-buffer problem.
//
//   deno run -A benchmarks/concurrent.ts [--calls=20] [--timeout=MS]
//
// Prints wall time, peak resident memory (VmHWM, Linux) and how many calls
// solved, timed out or failed, for each way.

import { readFileSync } from "node:fs";
import process from "node:process";
import { parseCsv } from "../src/csv_parse.ts";
import type { Problem } from "../src/problem.ts";
import { solveAsync } from "../src/solve_async.ts";
import { validate } from "../src/validate.ts";
import { generateProblem } from "./_generate.ts";
import { pathOf } from "./_util.ts";

const K = new URL("../../shared/benchmarks/challenging/K.1048576.csv", import.meta.url);
const calls = Number(Deno.args.find((a) => a.startsWith("--calls="))?.slice(8) ?? "20");
const timeoutArg = Deno.args.find((a) => a.startsWith("--timeout="))?.slice(10);
const timeout = timeoutArg === undefined ? undefined : Number(timeoutArg);
const mode = Deno.args.find((a) => a.startsWith("--mode="))?.slice(7);

function load(): { name: string; problem: Problem } {
  try {
    return {
      name: "challenging K",
      problem: parseCsv(readFileSync(pathOf(K), "utf8"), { capacity: 1048576 }),
    };
  } catch {
    const { problem } = generateProblem({
      seed: 2,
      buffers: 454,
      construction: "planted",
      slack: 1.05,
    });
    return { name: "a generated 454-buffer problem", problem };
  }
}

/** Peak resident memory of this process in MiB, from /proc (Linux only). */
function peakMiB(): number | undefined {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

if (mode !== undefined) {
  // A child: one way, in this fresh process.
  const { problem } = load();
  const outcomes: string[] = [];
  const one = async () => {
    try {
      const solution = await solveAsync(problem, { timeout });
      outcomes.push(validate(problem, solution) === "good" ? "solved" : "INVALID");
    } catch (error) {
      outcomes.push((error as { code?: string }).code ?? "error");
    }
  };
  const start = performance.now();
  if (mode === "sequential") {
    for (let i = 0; i < calls; i++) await one();
  } else {
    await Promise.all(Array.from({ length: calls }, one));
  }
  const seconds = (performance.now() - start) / 1000;
  const count = (what: string) => outcomes.filter((o) => o === what).length;
  console.log(JSON.stringify({
    seconds,
    mib: peakMiB(),
    solved: count("solved"),
    timeout: count("timeout"),
    other: calls - count("solved") - count("timeout"),
  }));
  process.exit(0);
}

const { name } = load();
console.log(`${calls} solveAsync calls on ${name}${timeout ? `, time limit ${timeout} ms` : ""}`);
console.log("| way | wall s | peak MiB | solved | timed out | other |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const way of ["sequential", "concurrent"]) {
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", pathOf(new URL(import.meta.url)), ...Deno.args, `--mode=${way}`],
    stdout: "piped",
  }).output();
  const r = JSON.parse(new TextDecoder().decode(stdout).trim().split("\n").pop()!);
  console.log(
    `| ${way} | ${r.seconds.toFixed(2)} | ${
      r.mib?.toFixed(0) ?? "-"
    } | ${r.solved} | ${r.timeout} | ${r.other} |`,
  );
}
