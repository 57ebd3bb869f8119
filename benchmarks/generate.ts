// Copyright the @x/minimalloc authors. Apache-2.0 license.
// Writes a generated problem (benchmarks/_generate.ts) as MiniMalloc CSV on
// stdout, and its capacity on stderr: for trying the command line, the
// standalone binary and other tools on inputs of any size without
// ../shared. The same flags give the same file.
//
//   deno run benchmarks/generate.ts [--buffers=N] [--seed=N]
//     [--construction=greedy|planted] [--slack=X] [--gaps=X] [--windows=X]
//     [--aligned=X] [--sizes=ml|pow2|uniform] > problem.csv

import { parseArgs } from "node:util";
import process from "node:process";
import { generateProblem } from "./_generate.ts";

const { values } = parseArgs({
  options: {
    buffers: { type: "string", default: "100" },
    seed: { type: "string", default: "1" },
    construction: { type: "string", default: "greedy" },
    slack: { type: "string", default: "1" },
    gaps: { type: "string", default: "0" },
    windows: { type: "string", default: "0.5" },
    aligned: { type: "string", default: "0" },
    sizes: { type: "string", default: "ml" },
  },
});
const number = (name: keyof typeof values): number => {
  const value = Number(values[name]);
  if (!Number.isFinite(value)) {
    process.stderr.write(`generate: --${name} expects a number, got "${values[name]}"\n`);
    process.exit(2);
  }
  return value;
};
const construction = values.construction === "planted" ? "planted" : "greedy";
const sizes = values.sizes === "pow2" || values.sizes === "uniform" ? values.sizes : "ml";
const { problem, capacity } = generateProblem({
  buffers: number("buffers"),
  seed: number("seed"),
  construction,
  slack: number("slack"),
  gaps: number("gaps"),
  windows: number("windows"),
  aligned: number("aligned"),
  sizes,
});
// The input columns only: no offsets.
const aligned = problem.buffers.some((b) => b.alignment !== undefined);
const gapped = problem.buffers.some((b) => (b.gaps ?? []).length > 0);
const header = [
  "id",
  "lower",
  "upper",
  "size",
  ...aligned ? ["alignment"] : [],
  ...gapped ? ["gaps"] : [],
];
const rows = problem.buffers.map((b) => {
  const cells = [b.id, b.lower, b.upper, b.size].map(String);
  if (aligned) cells.push(String(b.alignment ?? 1));
  if (gapped) {
    cells.push(
      (b.gaps ?? []).map((g) =>
        `${g.lower}-${g.upper}${g.window ? `@${g.window.lower}:${g.window.upper}` : ""}`
      ).join(" "),
    );
  }
  return cells.join(",");
});
process.stdout.write([header.join(","), ...rows].join("\n") + "\n");
process.stderr.write(`capacity ${capacity}\n`);
