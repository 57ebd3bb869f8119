// Copyright the @x/minimalloc authors. Apache-2.0 license.
// Repeated ids are found by hashing (src/_check.ts firstRepeat): the pair
// named must be the one a Map finds (the first later buffer whose id an
// earlier one has), and ids that merely share a hash must not count.

import { describe, it } from "node:test";
import { deepEqual, equal, throws } from "node:assert/strict";
import { firstRepeat } from "../src/_check.ts";
import { parseCsv } from "../src/csv_parse.ts";
import { CsvError } from "../src/errors.ts";
import { mulberry32 } from "../src/_random.ts";
import type { BufferSpec } from "../src/problem.ts";

const buffersOf = (ids: string[]): BufferSpec[] =>
  ids.map((id, i) => ({ id, lower: i, upper: i + 1, size: 1 }));

/** The answer of the obvious method. */
function byMap(ids: string[]): [number, number] | undefined {
  const seen = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) {
    const earlier = seen.get(ids[i]);
    if (earlier !== undefined) return [earlier, i];
    seen.set(ids[i], i);
  }
  return undefined;
}

function fnv(id: string): number {
  let h = 0x811c9dc5;
  for (let c = 0; c < id.length; c++) h = Math.imul(h ^ id.charCodeAt(c), 0x01000193);
  return h >>> 0;
}

// Two different ids with the same 32-bit hash (found by a birthday search
// over "x0", "x1", ...; the test checks that they collide).
const COLLIDING: [string, string] = ["x496069", "x1035124"];

describe("firstRepeat", () => {
  it("names the pair a Map names, on random ids with and without repeats", () => {
    const random = mulberry32(7);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(random() * 60);
      const pool = 1 + Math.floor(random() * 2 * n);
      const ids = Array.from({ length: n }, () => `${Math.floor(random() * pool)}`);
      deepEqual(firstRepeat(buffersOf(ids)), byMap(ids), ids.join(","));
    }
  });

  it("does not take ids that share a hash for a repeat", () => {
    const [a, b] = COLLIDING;
    equal(fnv(a), fnv(b));
    equal(firstRepeat(buffersOf([a, "y", b])), undefined);
    // A real repeat after the colliding pair is still found, and named.
    deepEqual(firstRepeat(buffersOf([a, "y", b, "z", b])), [2, 4]);
    deepEqual(firstRepeat(buffersOf([b, a, "y", a])), [1, 3]);
  });

  it("tells apart ids equal as numbers but not as text", () => {
    equal(firstRepeat(buffersOf(["7", "07", "0", "-0", "7.0"])), undefined);
  });
});

describe("parseCsv names a repeated id", () => {
  it("on the line of its second use, with the line of its first", () => {
    const text = "id,lower,upper,size\na,0,1,1\nb,0,1,1\n\nc,0,1,1\nb,1,2,1\n";
    throws(() => parseCsv(text), (error: unknown) => {
      equal(error instanceof CsvError && error.line, 6);
      equal((error as Error).message.includes('id "b" is already used on line 3'), true);
      return true;
    });
  });

  it("before a malformed line that comes after it", () => {
    const text = "id,lower,upper,size\na,0,1,1\na,0,1,1\nb,0,x,1\n";
    throws(() => parseCsv(text), (error: unknown) => {
      equal(error instanceof CsvError && error.line, 3);
      return true;
    });
  });

  it("after a malformed line that comes before it", () => {
    const text = "id,lower,upper,size\na,0,1,1\nb,0,x,1\na,0,1,1\n";
    throws(() => parseCsv(text), (error: unknown) => {
      equal(error instanceof CsvError && error.line, 3);
      return true;
    });
  });
});
