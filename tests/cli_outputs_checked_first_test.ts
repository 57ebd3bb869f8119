// Copyright the @x/minimalloc authors. Apache-2.0 license.

// Outputs that cannot be written are found before the solve, which may
// take an hour: a missing directory or a directory in the file's place
// ends the run at once (exit 2, one line), with nothing solved or written;
// flags that name no file, or one file twice, are usage errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inProcess } from "./_in_process.ts";
import { withDirectory } from "./_temp.ts";

const EXAMPLE = fileURLToPath(new URL("../examples/input.12.csv", import.meta.url));
const MINIMIZE = ["--minimize_capacity", `--input=${EXAMPLE}`];
const PRECIOUS = "precious\n";

describe("outputs checked before the solve", () => {
  it("a missing directory: exit 2 before any search", () =>
    withDirectory(async (dir) => {
      const path = join(dir, "missing", "out.csv");
      const run = await inProcess([...MINIMIZE, `--output=${path}`]);
      assert.equal(run.code, 2);
      assert.deepEqual(run.lines, [`minimalloc: cannot write ${path}: no such directory`]);
      assert.equal(run.stdout, "");
      assert.deepEqual(readdirSync(dir), []);
    }));

  it("a directory in the file's place, for --output or --svg", () =>
    withDirectory(async (dir) => {
      mkdirSync(join(dir, "taken"));
      const kept = join(dir, "kept.csv");
      writeFileSync(kept, PRECIOUS);
      for (const flag of ["--output", "--svg"]) {
        const other = flag === "--svg" ? [`--output=${kept}`] : [];
        const run = await inProcess([...MINIMIZE, `${flag}=${join(dir, "taken")}`, ...other]);
        assert.equal(run.code, 2, flag);
        assert.deepEqual(run.lines, [
          `minimalloc: cannot write ${join(dir, "taken")}: it is a directory`,
        ]);
      }
      assert.equal(readFileSync(kept, "utf8"), PRECIOUS);
      assert.deepEqual(readdirSync(dir).sort(), ["kept.csv", "taken"]);
    }));

  it("the check leaves nothing behind where the outputs can be written", () =>
    withDirectory(async (dir) => {
      const run = await inProcess([
        ...MINIMIZE,
        `--output=${join(dir, "out.csv")}`,
        `--svg=${join(dir, "out.svg")}`,
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(readdirSync(dir).sort(), ["out.csv", "out.svg"]);
    }));

  for (
    const [name, flags, message] of [
      ["an empty --output", ["--output="], "--output expects a file name"],
      ["an empty --svg", ["--svg="], "--svg expects a file name"],
      ["--svg=-", ["--svg=-"], "--svg writes to a file: name one (--svg=FILE)"],
      [
        "one file for both",
        ["--output=same", "--svg=same"],
        "--output=same and --svg=same name one file: name two files",
      ],
      [
        "one file for both, spelt two ways",
        ["--output=./same", "--svg=same"],
        "--output=./same and --svg=same name one file: name two files",
      ],
    ]
  ) {
    it(`${name}: a usage error`, async () => {
      const run = await inProcess([...MINIMIZE, ...flags]);
      assert.equal(run.code, 2);
      assert.deepEqual(run.lines, [`minimalloc: ${message}`]);
    });
  }

  // The SVG was written, then replaced by the CSV through the other name.
  for (
    const [name, make] of [
      ["a symlink to it", (dir: string) => symlinkSync("out.csv", join(dir, "link"))],
      ["a hard link to it", (dir: string) => linkSync(join(dir, "out.csv"), join(dir, "link"))],
      ["a symlink to it, not there yet", (dir: string) => {
        rmSync(join(dir, "out.csv"));
        symlinkSync("out.csv", join(dir, "link"));
      }],
      ["a symlink to its directory", (dir: string) => symlinkSync(".", join(dir, "here"))],
    ] as const
  ) {
    it(`one file for both, through ${name}: a usage error, the file kept`, () =>
      withDirectory(async (dir) => {
        const output = join(dir, "out.csv");
        writeFileSync(output, PRECIOUS);
        make(dir);
        const svg = name.endsWith("directory") ? join(dir, "here", "out.csv") : join(dir, "link");
        const run = await inProcess([...MINIMIZE, `--output=${output}`, `--svg=${svg}`]);
        assert.equal(run.code, 2);
        assert.deepEqual(run.lines, [
          `minimalloc: --output=${output} and --svg=${svg} name one file: name two files`,
        ]);
        if (existsSync(output)) assert.equal(readFileSync(output, "utf8"), PRECIOUS);
      }));
  }
});
