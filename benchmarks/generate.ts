// Copyright the @x/minimalloc authors. Apache-2.0 license.
// Writes a generated problem (benchmarks/_generate.ts) as MiniMalloc CSV on
// stdout, and its capacity on stderr: for trying the command line, the
// standalone binary and other tools on inputs of any size without
// ../shared. The same flags give the same file.
//
//   deno run benchmarks/generate.ts [--buffers=N] [--seed=N]
//     [--construction=greedy|planted|none] [--slack=X] [--gaps=X] [--windows=X]
//     [--aligned=X] [--sizes=ml|pow2|uniform] [--min_size=N] [--max_size=N]
//     [--lifespans=ml|uniform|bounded] [--horizon=N] [--max_lifespan=N]
//     [--weights=X] [--skips=X] [--max_skip=N] > problem.csv
//
// The large problems of scale.ts, for example the million-buffer one with
// random lifespans (--construction=none: no greedy witness, the capacity
// printed is the peak load):
//
//   deno run benchmarks/generate.ts --buffers=1000000 --lifespans=bounded \
//     --horizon=2000000 --max_lifespan=2000 --sizes=uniform --min_size=1 \
//     --max_size=1000000 --construction=none > random_1m.csv

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
    min_size: { type: "string" },
    max_size: { type: "string" },
    lifespans: { type: "string", default: "ml" },
    horizon: { type: "string" },
    max_lifespan: { type: "string" },
    weights: { type: "string" },
    skips: { type: "string" },
    max_skip: { type: "string" },
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
/** A flag's number, or undefined when it is not given. */
const optional = (name: keyof typeof values): number | undefined =>
  values[name] === undefined ? undefined : number(name);
const construction = values.construction === "planted" || values.construction === "none"
  ? values.construction
  : "greedy";
const sizes = values.sizes === "pow2" || values.sizes === "uniform" ? values.sizes : "ml";
const lifespans = values.lifespans === "uniform" || values.lifespans === "bounded"
  ? values.lifespans
  : "ml";
const { problem, capacity } = generateProblem({
  buffers: number("buffers"),
  seed: number("seed"),
  construction,
  slack: number("slack"),
  gaps: number("gaps"),
  windows: number("windows"),
  aligned: number("aligned"),
  sizes,
  minSize: optional("min_size"),
  maxSize: optional("max_size"),
  lifespans,
  horizon: optional("horizon"),
  maxLifespan: optional("max_lifespan"),
  weights: optional("weights"),
  skips: optional("skips"),
  maxSkip: optional("max_skip"),
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
// In chunks: a million rows joined at once would be one very long string.
process.stdout.write(header.join(",") + "\n");
for (let r = 0; r < rows.length; r += 65536) {
  process.stdout.write(rows.slice(r, r + 65536).join("\n") + "\n");
}
process.stderr.write(`capacity ${capacity}\n`);
