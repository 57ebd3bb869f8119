// Copyright the @x/minimalloc authors. Apache-2.0 license.

// Input that is not UTF-8 is bad input: one line naming the file and the
// line of the first bad byte, exit 2, no output written. Decoded leniently,
// each bad byte became U+FFFD, so an id changed unseen (or two different
// ids collided as "already used").

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { inProcess } from "./_in_process.ts";
import { withDirectory } from "./_temp.ts";
import { firstBadByte } from "../src/_outputs.ts";
import { decodes } from "./_utf8.ts";

describe("input that is not UTF-8", () => {
  it("is one line naming the file and line, exit 2, and the output is left alone", () =>
    withDirectory(async (dir) => {
      const input = join(dir, "in.csv");
      const output = join(dir, "out.csv");
      writeFileSync(output, "before\n");
      const head = new TextEncoder().encode("id,lower,upper,size\na,0,1,2\nb");
      writeFileSync(
        input,
        Uint8Array.from([...head, 0xff, ...new TextEncoder().encode(",0,1,2\n")]),
      );
      const { code, stdout, lines } = await inProcess([
        "--capacity=8",
        `--input=${input}`,
        `--output=${output}`,
      ]);
      assert.equal(code, 2);
      assert.equal(stdout, "");
      assert.deepEqual(lines, [`minimalloc: ${input}:3: not UTF-8 text (byte 0xff)`]);
      assert.equal(readFileSync(output, "utf8"), "before\n");
    }));

  it("is not U+FFFD or any other character written as UTF-8", () =>
    withDirectory(async (dir) => {
      const input = join(dir, "in.csv");
      writeFileSync(input, "id,lower,upper,size\n\ufffd,0,1,2\n€,0,1,2\n");
      const { code, stdout } = await inProcess(["--capacity=8", `--input=${input}`]);
      assert.equal(code, 0);
      assert.equal(stdout, "id,lower,upper,size,offset\n\ufffd,0,1,2,0\n€,0,1,2,2\n");
    }));
});

describe("firstBadByte", () => {
  it("finds overlong forms, surrogates and code points past U+10FFFF, and cut-off ends", () => {
    const cases: [number[], number][] = [
      [[0x61, 0xe0, 0x80, 0x80], 1], // overlong 3-byte
      [[0xe0, 0xa0, 0x80], 3], // the smallest 3-byte form
      [[0xed, 0xa0, 0x80], 0], // a surrogate
      [[0xed, 0x9f, 0xbf], 3], // the last before the surrogates
      [[0xf0, 0x80, 0x80, 0x80], 0], // overlong 4-byte
      [[0xf0, 0x90, 0x80, 0x80], 4],
      [[0xf4, 0x8f, 0xbf, 0xbf], 4], // U+10FFFF
      [[0xf4, 0x90, 0x80, 0x80], 0], // past it
      [[0xf5, 0x80, 0x80, 0x80], 0],
      [[0x61, 0xe2, 0x82], 1], // cut off
      [[0xe2, 0x82, 0xac, 0xe2, 0x28, 0xac], 3], // a bad continuation
    ];
    for (const [bytes, at] of cases) {
      const array = Uint8Array.from(bytes);
      assert.equal(firstBadByte(array), at, `${bytes}`);
      assert.equal(decodes(array), at === bytes.length, `${bytes}`);
    }
  });

  it("is the length exactly when the bytes decode, on every one and two bytes", () => {
    for (let a = 0; a < 256; a++) {
      assert.equal(firstBadByte(Uint8Array.of(a)) === 1, decodes(Uint8Array.of(a)), `${a}`);
      for (let b = 0; b < 256; b++) {
        const bytes = Uint8Array.of(a, b);
        const at = firstBadByte(bytes);
        assert.equal(at === 2, decodes(bytes), `${a} ${b}`);
        assert.ok(decodes(bytes.subarray(0, at)), `${a} ${b}`);
      }
    }
  });
});
