// Copyright the @x/minimalloc authors. Apache-2.0 license.
// Run by csv_long_fields_test.ts in a process whose heap is capped: builds
// one big CSV in memory, parses it and prints what it read as JSON. The
// argument says which: "quoted-id" (a 16 MiB quoted id with a doubled
// quote and a line break in it) or "quoted-gaps" (a quoted cell of a
// million gaps, some with windows).

import process from "node:process";
import { parseCsv } from "../src/csv_parse.ts";

const kind = process.argv[process.argv.length - 1];
let text: string;
if (kind === "quoted-id") {
  const half = "x".repeat(8 << 20);
  text = `id,lower,upper,size\n"${half}""\n${half}",0,1,4\nb,0,1,4\n`;
} else if (kind === "quoted-gaps") {
  const parts: string[] = [];
  for (let k = 0; k < 1_000_000; k++) {
    parts.push(k % 2 ? `${2 * k + 1}-${2 * k + 2}` : `${2 * k + 1}-${2 * k + 2}@1:3`);
  }
  text = `id,lower,upper,size,gaps\nb,0,2000001,4,"${parts.join(" ")}"\nc,0,1,4,\n`;
} else {
  throw new RangeError(`unknown kind ${kind}`);
}
const problem = parseCsv(text, { file: kind });
const [first, second] = problem.buffers;
const gaps = first.gaps ?? [];
console.log(JSON.stringify({
  buffers: problem.buffers.length,
  idLength: first.id.length,
  idMiddle: first.id.slice((8 << 20) - 1, (8 << 20) + 3),
  gaps: gaps.length,
  firstGaps: gaps.slice(0, 2),
  lastGap: gaps[gaps.length - 1],
  second: second.id,
}));
