// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The command line's input file is read into one array of the file's size
// (src/_outputs.ts): the text must be what readFileSync(path, "utf8")
// gives, for any UTF-8 (bytes that are not UTF-8 are an error naming the
// line of the first bad one), and a pipe or a directory must still read,
// or fail, as a user expects.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NotUtf8Error, readTextFile } from "../src/_outputs.ts";
import { inProcess } from "./_in_process.ts";
import { withDirectory } from "./_temp.ts";

describe("readTextFile", () => {
  it("gives what readFileSync gives: a byte order mark, non-ASCII, empty, large", () =>
    withDirectory((dir) => {
      const large = new Uint8Array(5_000_003);
      for (let i = 0; i < large.length; i++) large[i] = 32 + (i * 7919) % 95;
      const cases: [string, Uint8Array][] = [
        ["bom", Uint8Array.of(0xef, 0xbb, 0xbf, 0x61, 0x2c, 0x62, 0x0a)],
        ["utf8", new TextEncoder().encode("id,lower\n\u00e9\u4e2d\u{1f600},1\n")],
        ["empty", new Uint8Array(0)],
        ["large", large],
      ];
      for (const [name, bytes] of cases) {
        const path = join(dir, `${name}.csv`);
        writeFileSync(path, bytes);
        assert.equal(readTextFile(path), readFileSync(path, "utf8"), name);
      }
    }));

  it("refuses bytes that are not UTF-8, naming the line of the first", () =>
    withDirectory((dir) => {
      const cases: [Uint8Array, number, number][] = [
        [Uint8Array.of(0x61, 0xff, 0xc3, 0x0a, 0xe2, 0x82), 1, 0xff],
        [Uint8Array.of(0x61, 0x0a, 0x0a, 0x62, 0xe2, 0x82), 3, 0xe2],
        // A surrogate, and an overlong slash.
        [Uint8Array.of(0x0a, 0xed, 0xa0, 0x80), 2, 0xed],
        [Uint8Array.of(0xc0, 0xaf), 1, 0xc0],
      ];
      for (const [k, [bytes, line, byte]] of cases.entries()) {
        const path = join(dir, `bad${k}.csv`);
        writeFileSync(path, bytes);
        assert.throws(() => readTextFile(path), (error) => {
          assert.ok(error instanceof NotUtf8Error, `${error}`);
          assert.equal(error.line, line);
          assert.equal(error.byte, byte);
          return true;
        });
      }
    }));

  it("reads a named pipe from the descriptor it opened, to the end", {
    skip: process.platform === "win32" || spawnSync("mkfifo", ["--help"]).error !== undefined,
  }, () =>
    withDirectory(async (dir) => {
      const fifo = join(dir, "pipe.csv");
      assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
      const text = "id,lower,upper,size\na,0,1,2\n".repeat(3);
      const writer = spawn("sh", ["-c", 'printf %s "$1" > "$2"', "sh", text, fifo]);
      const done = new Promise((resolve) => writer.on("exit", resolve));
      assert.equal(readTextFile(fifo), text);
      await done;
    }));

  it("reads a file that says it is empty but is not, as /proc's are", {
    skip: !existsSync("/proc/version"),
  }, () => {
    const text = readTextFile("/proc/version");
    assert.ok(text.length > 0);
    assert.equal(text, readFileSync("/proc/version", "utf8"));
  });

  it("a path through a file: one line saying so, exit 2", () =>
    withDirectory(async (dir) => {
      const file = join(dir, "file.csv");
      writeFileSync(file, "id,lower,upper,size\n");
      const { code, stderr } = await inProcess(["--capacity=4", `--input=${file}/x.csv`]);
      assert.equal(code, 2);
      assert.equal(
        stderr,
        `minimalloc: cannot read ${file}/x.csv: a part of the path is not a directory\n`,
      );
    }));

  it("a directory: one line saying so, exit 2", () =>
    withDirectory(async (dir) => {
      const { code, stderr } = await inProcess(["--capacity=4", `--input=${dir}`]);
      assert.equal(code, 2);
      assert.equal(stderr, `minimalloc: cannot read ${dir}: it is a directory\n`);
    }));
});
