// Copyright the @x/minimalloc authors. Apache-2.0 license.
// The parser's targets for big inputs (issue 12): a 50 MiB quoted id must
// parse in at most 2 s under 500 MB peak memory, and a row of 5 million
// gaps (about 79 MB) in at most 10 s under 1 GiB. Generates the inputs in a
// temporary directory, parses each in a fresh process (reading the file
// and parseCsv, as the command line does) and reports the parse time and
// the process's peak resident memory: VmHWM from /proc/self/status on
// Linux, maxRSS elsewhere. getrusage's maxRSS survives exec, so a child
// reports its parent's peak when that is higher: the inputs are written
// by another child, and this process stays small.
//
//   deno run -A benchmarks/parse_large.ts        (or: bun benchmarks/parse_large.ts)
//
// Takes about half a minute. Exits 1 when a target is missed.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseCsv } from "../src/csv_parse.ts";

interface Input {
  name: string;
  /** Writes the input to `path`. */
  write: (path: string) => void;
  /** The target parse time in seconds and peak memory in MB (10^6 bytes). */
  seconds: number;
  megabytes: number;
}

/** A row of `count` gaps `1-2 3-4 …` under a header with a gaps column. */
function gapsRow(count: number, quoted: boolean): string {
  const parts: string[] = new Array(count);
  for (let k = 0; k < count; k++) parts[k] = `${2 * k + 1}-${2 * k + 2}`;
  const cell = parts.join(" ");
  return `id,lower,upper,size,gaps\nb,0,${2 * count + 1},4,${quoted ? `"${cell}"` : cell}\n`;
}

const INPUTS: Input[] = [
  {
    name: "50 MiB quoted id",
    write: (path) => writeFileSync(path, `id,lower,upper,size\n"${"x".repeat(50 << 20)}",0,1,4\n`),
    seconds: 2,
    megabytes: 500,
  },
  {
    name: "5,000,000 gaps in one row",
    write: (path) => writeFileSync(path, gapsRow(5_000_000, false)),
    seconds: 10,
    megabytes: 1073.7,
  },
  {
    name: "5,000,000 gaps in one quoted cell",
    write: (path) => writeFileSync(path, gapsRow(5_000_000, true)),
    seconds: 10,
    megabytes: 1073.7,
  },
];

/** In the child: reads and parses one file, prints seconds and peak MB. */
function child(path: string): void {
  const text = readFileSync(path, "utf8");
  const start = performance.now();
  const problem = parseCsv(text, { file: path });
  const seconds = (performance.now() - start) / 1000;
  const megabytes = peakKiB() * 1024 / 1e6;
  const b = problem.buffers[0];
  console.log(JSON.stringify({ seconds, megabytes, id: b.id.length, gaps: b.gaps?.length ?? 0 }));
}

/** This process's peak resident memory in KiB. */
function peakKiB(): number {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    if (hwm) return Number(hwm[1]);
  } catch {
    // Not Linux: fall back.
  }
  return process.resourceUsage().maxRSS;
}

function parent(): number {
  const self = fileURLToPath(import.meta.url);
  // All permissions: Deno reads /proc/self/status only with --allow-all.
  const runtime = "Deno" in globalThis ? [process.execPath, "run", "-A", self] : [
    process.execPath,
    self,
  ];
  const dir = mkdtempSync(join(tmpdir(), "minimalloc-parse-large-"));
  let missed = 0;
  try {
    console.log("| input | size | parse | peak memory | target |");
    console.log("| --- | ---: | ---: | ---: | --- |");
    for (let i = 0; i < INPUTS.length; i++) {
      const input = INPUTS[i];
      const path = join(dir, "input.csv");
      const written = spawnSync(runtime[0], [...runtime.slice(1), "--write", String(i), path]);
      if (written.status !== 0) throw new Error(`cannot write ${input.name}: ${written.stderr}`);
      const bytes = readFileSync(path).length;
      const run = spawnSync(runtime[0], [...runtime.slice(1), "--child", path], {
        encoding: "utf8",
        maxBuffer: 1 << 20,
      });
      rmSync(path);
      if (run.status !== 0) {
        console.log(`| ${input.name} | failed: ${run.stderr.trim().split("\n")[0]} |`);
        missed++;
        continue;
      }
      const { seconds, megabytes } = JSON.parse(run.stdout);
      const met = seconds <= input.seconds && megabytes <= input.megabytes;
      if (!met) missed++;
      console.log(
        `| ${input.name} | ${(bytes / 1e6).toFixed(1)} MB | ${seconds.toFixed(2)} s | ` +
          `${megabytes.toFixed(0)} MB | ≤ ${input.seconds} s, ≤ ${input.megabytes} MB: ` +
          `${met ? "met" : "MISSED"} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return missed === 0 ? 0 : 1;
}

const args = process.argv;
if (args.includes("--child")) child(args[args.indexOf("--child") + 1]);
else if (args.includes("--write")) {
  const at = args.indexOf("--write");
  INPUTS[Number(args[at + 1])].write(args[at + 2]);
} else process.exitCode = parent();
