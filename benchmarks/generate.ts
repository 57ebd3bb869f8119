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

const USAGE = `Usage: deno run benchmarks/generate.ts [flags] > problem.csv

  --buffers=N          how many buffers (default 100)
  --seed=N             the random seed (default 1)
  --construction=K     greedy | planted | none: how the capacity is made
                       (none: no witness, the capacity is the peak load)
  --slack=X            the capacity over the witness's height (default 1)
  --gaps=X --windows=X --aligned=X   shares of buffers with gaps, of gaps
                       with windows, of aligned buffers (0, 0.5, 0)
  --sizes=K            ml | pow2 | uniform, with --min_size/--max_size
  --lifespans=K        ml | uniform | bounded, with --horizon/--max_lifespan
  --weights=X --skips=X --max_skip=N   the ML schedule's shape

The capacity is printed on stderr.`;

function fail(message: string): never {
  process.stderr.write(`generate: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      help: { type: "boolean", short: "h" },
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
} catch (error) {
  fail((error as Error).message);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(USAGE + "\n");
  process.exit(0);
}
const number = (name: Exclude<keyof typeof values, "help">): number => {
  const text = values[name];
  const value = Number(text);
  if (text === undefined || text.trim() === "" || !Number.isFinite(value)) {
    fail(`--${name} expects a number, got "${text}"`);
  }
  return value;
};
/** A flag's number, or undefined when it is not given. */
const optional = (name: Exclude<keyof typeof values, "help">): number | undefined =>
  values[name] === undefined ? undefined : number(name);
/** A flag's value, one of `choices`. */
function choice<T extends string>(name: "construction" | "sizes" | "lifespans", choices: T[]): T {
  const value = values[name] as T;
  if (!choices.includes(value)) {
    fail(`--${name} expects one of ${choices.join(", ")}, got "${value}"`);
  }
  return value;
}
const construction = choice("construction", ["greedy", "planted", "none"]);
const sizes = choice("sizes", ["ml", "pow2", "uniform"]);
const lifespans = choice("lifespans", ["ml", "uniform", "bounded"]);
let generated;
try {
  generated = generateProblem({
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
} catch (error) {
  fail((error as Error).message);
}
const { problem, capacity } = generated;
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
