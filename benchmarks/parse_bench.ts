// Copyright the @x/minimalloc authors. Apache-2.0 license.
// Benchmarks of parseCsv on generated text (no files needed): a long quoted
// id, a row of many gaps, and many ordinary rows. Small enough to take a
// few seconds; benchmarks/parse_large.ts checks the big inputs' targets.
// Run with `deno bench benchmarks/parse_bench.ts`.

import { parseCsv } from "../src/csv_parse.ts";

const GROUP = "parseCsv";

const quotedId = `id,lower,upper,size\n"${"x".repeat(4 << 20)}",0,1,4\n`;

const gaps: string[] = [];
for (let k = 0; k < 200_000; k++) {
  gaps.push(k % 4 ? `${2 * k}-${2 * k + 1}` : `${2 * k}-${2 * k + 1}@0:2`);
}
const gapsRow = `id,lower,upper,size,gaps\nb,0,400000,4,${gaps.join(" ")}\n`;

const rows = ["id,lower,upper,size,alignment,gaps"];
for (let i = 0; i < 50_000; i++) {
  const lower = (i * 7919) % 100_000;
  rows.push(
    `"buffer ${i}",${lower},${lower + 50},${(i * 104729) % 1_000_000},${i % 5 ? 1 : 64},${
      i % 3 ? "" : `${lower + 10}-${lower + 20}`
    }`,
  );
}
const rowsText = rows.join("\r\n") + "\r\n";

for (
  const [name, text] of [
    ["a 4 MiB quoted id", quotedId],
    ["a row of 200,000 gaps (3.5 MB)", gapsRow],
    [`50,000 rows (${(rowsText.length / 1e6).toFixed(1)} MB)`, rowsText],
  ]
) {
  Deno.bench({
    name,
    group: GROUP,
    baseline: name.startsWith("50,000"),
    fn: () => void parseCsv(text),
  });
}
