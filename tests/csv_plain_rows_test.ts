// Copyright the @x/minimalloc authors. Apache-2.0 license.

// parseCsv reads plain rows (one line, no quote, the plain columns) from
// the text where they are, and every other row with the general reader
// (src/_csv_records.ts). Both ways must give the same problem, or the same
// error on the same line, on texts that mix plain rows with every kind of
// unusual one.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseCsv } from "../src/csv_parse.ts";
import { usePlainRecords } from "../src/_csv_records.ts";
import { mulberry32 } from "../src/_random.ts";

type Outcome = { problem: string } | { error: string };

function outcome(text: string, plain: boolean): Outcome {
  const was = usePlainRecords(plain);
  try {
    // JSON keeps the order of each buffer's keys, which deepEqual would not.
    return { problem: JSON.stringify(parseCsv(text, { file: "t.csv" })) };
  } catch (error) {
    const e = error as Error & { code?: string; line?: number; column?: string };
    return { error: `${e.name} ${e.code} ${e.line} ${e.column}: ${e.message}` };
  } finally {
    usePlainRecords(was);
  }
}

const HEADERS = [
  "id,lower,upper,size",
  "id,lower,upper,size,offset",
  "size,upper,id,lower",
  "buffer,start,end,size",
  "id,lower,upper,size,offset\r",
  "id, lower ,upper,size",
];

function cell(random: () => number, k: number): string {
  const r = random();
  if (r < 0.7) return String(k);
  const odd = [
    "",
    " ",
    ` ${k}`,
    `${k} `,
    `+${k}`,
    `-${k}`,
    `0${k}`,
    "1234567890123456",
    "99999999999999999999",
    "1.5",
    "x",
    `"${k}"`,
    `"${k}" `,
    "\u00a0",
  ];
  return odd[Math.floor(random() * odd.length)];
}

function idCell(random: () => number, i: number): string {
  const r = random();
  if (r < 0.8) return `b${i}`;
  const odd = [`b${i - 1}`, `"q,${i}"`, `"line\n${i}"`, `"say ""${i}"""`, `é${i}`, ` b${i}`, ""];
  return odd[Math.floor(random() * odd.length)];
}

function randomText(random: () => number): string {
  const header = HEADERS[Math.floor(random() * HEADERS.length)];
  const width = header.split(",").length;
  const rows: string[] = [header];
  const count = Math.floor(random() * 12);
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < 0.05) {
      rows.push("");
      continue;
    }
    if (r < 0.08) {
      rows.push("   ");
      continue;
    }
    const lower = Math.floor(random() * 10);
    const values = [lower, lower + 1 + Math.floor(random() * 5), 1 + Math.floor(random() * 9)];
    const names = header.replace("\r", "").split(",").map((name) => name.trim());
    const fields = names.map((name) => {
      if (name === "id" || name === "buffer") return idCell(random, i);
      if (name === "offset") return random() < 0.5 ? String(Math.floor(random() * 20)) : "";
      const k = name === "lower" || name === "start"
        ? values[0]
        : name === "size"
        ? values[2]
        : values[1];
      return random() < 0.85 ? String(k) : cell(random, k);
    });
    if (random() < 0.05) fields.push("extra");
    if (random() < 0.05 && fields.length > 1) fields.pop();
    let row = fields.slice(0, Math.max(1, fields.length)).join(",");
    if (random() < 0.1) row += "\r";
    rows.push(row);
  }
  let text = rows.join("\n");
  if (random() < 0.7) text += random() < 0.2 ? "\r\n" : "\n";
  if (random() < 0.05) text = "\ufeff" + text;
  void width;
  return text;
}

describe("parseCsv's plain rows", () => {
  it("give what the general reader gives, problem or error, on mixed texts", () => {
    const random = mulberry32(2026);
    let errors = 0;
    let problems = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const text = randomText(random);
      const fast = outcome(text, true);
      assert.deepEqual(fast, outcome(text, false), JSON.stringify(text));
      if ("error" in fast) errors++;
      else problems++;
    }
    // Both kinds, many of each: the comparison covers errors and answers.
    assert.ok(errors > 500 && problems > 500, `${errors} errors, ${problems} problems`);
  });
});
