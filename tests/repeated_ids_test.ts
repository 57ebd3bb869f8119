// Copyright the @x/minimalloc authors. Apache-2.0 license.
// Repeated ids are found by hashing (src/_check.ts firstRepeat): the pair
// named must be the one a Map finds (the first later buffer whose id an
// earlier one has), and ids that merely share a hash must not count.

import { describe, it } from "node:test";
import assert, { deepEqual, equal, throws } from "node:assert/strict";
import { checkProblem, firstRepeat, markIdsChecked } from "../src/_check.ts";
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

/** Distinct ids with one FNV-1a hash. */
function sharingOneHash(count: number): string[] {
  const prime = 0x01000193;
  const inverse = 0x359c449b; // prime * inverse = 1 mod 2^32
  const target = 0x12345678;
  const before = Math.imul(target, inverse) >>> 0;
  const usable = (c: number) => c >= 0x20 && c !== 0x22 && c !== 0x2c && (c < 0xd800 || c > 0xdfff);
  const ids: string[] = [];
  for (let p = 0; ids.length < count; p++) {
    const prefix = `b${p}`;
    const h = fnv(prefix);
    for (let c1 = 0x20; c1 < 0x10000 && ids.length < count; c1++) {
      if (!usable(c1)) continue;
      const h1 = Math.imul(h ^ c1, prime) >>> 0;
      if (h1 >>> 16 !== before >>> 16) continue;
      const c2 = (h1 ^ before) & 0xffff;
      if (usable(c2)) ids.push(prefix + String.fromCharCode(c1, c2));
    }
  }
  return ids;
}

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

  it("names the same pair with a narrower hash, as it uses past 2^21 buffers", () => {
    // Past 2^21 buffers the index takes more of a double's 53 bits and the
    // hash fewer (32 down to 31 at 2^22, ...): more ids share a hash, and
    // are told apart all the same. A width down to 1 bit here.
    const random = mulberry32(8);
    for (let trial = 0; trial < 300; trial++) {
      const n = 2 + Math.floor(random() * 200);
      const pool = 1 + Math.floor(random() * 2 * n);
      const ids = Array.from({ length: n }, () => `x${Math.floor(random() * pool)}`);
      const bits = 1 + (trial % 31);
      deepEqual(firstRepeat(buffersOf(ids), Infinity, bits), byMap(ids), `${bits} bits`);
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

  it("names the Map's pair among thousands of ids made to share one hash", () => {
    // FNV-1a can be run backwards: for each prefix, solve for the last two
    // code units that land on one target hash.
    const ids = sharingOneHash(3000);
    assert.equal(new Set(ids.map(fnv)).size, 1);
    assert.equal(firstRepeat(buffersOf(ids)), undefined);
    const repeated = [...ids.slice(0, 2000), ids[1500], ...ids.slice(2000), ids[7]];
    assert.deepEqual(firstRepeat(buffersOf(repeated)), byMap(repeated));
    assert.deepEqual(firstRepeat(buffersOf(repeated)), [1500, 2000]);
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

describe("checkProblem and ids parseCsv checked", () => {
  it("checks ids again unless the CLI marked the list it parsed", () => {
    const repeated = () => buffersOf(["a", "b", "a"]);
    throws(() => checkProblem({ buffers: repeated(), capacity: 9 }), RangeError);
    const marked = repeated();
    markIdsChecked(marked);
    // Only the marked list skips the ids (it has a repeat, on purpose).
    checkProblem({ buffers: marked, capacity: 9 });
    throws(() => checkProblem({ buffers: [...marked], capacity: 9 }), RangeError);
  });
});
