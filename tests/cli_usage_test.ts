// Copyright the @x/minimalloc authors. Apache-2.0 license.

// What the command line says when it is asked too little: no arguments at
// all print the usage; a missing capacity is a usage error that says what
// to add (the reference's default of 0 made every problem "infeasible");
// `-h` and `-V` are --help and --version.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { inProcess } from "./_in_process.ts";

const EXAMPLE = fileURLToPath(new URL("../examples/input.12.csv", import.meta.url));

describe("asked for two things on standard output", () => {
  it("--json with --print_solution: one line, exit 2, nothing printed", async () => {
    const { code, stdout, lines } = await inProcess([
      `--input=${EXAMPLE}`,
      "--capacity=12",
      "--json",
      "--print_solution",
    ]);
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], /^minimalloc: --json and --print_solution/);
  });

  it("each alone prints what it says: --json one JSON object", async () => {
    const json = await inProcess([`--input=${EXAMPLE}`, "--capacity=12", "--json"]);
    assert.equal(json.code, 0);
    assert.equal(JSON.parse(json.stdout).status, "solved");
    const picture = await inProcess([`--input=${EXAMPLE}`, "--capacity=12", "--print_solution"]);
    assert.equal(picture.code, 0);
    assert.match(picture.stdout, /tikz/);
  });
});

describe("asked too little", () => {
  it("no arguments: the usage on stderr, nothing on stdout, exit 2", async () => {
    const { code, stdout, stderr, lines } = await inProcess([]);
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.match(stderr, /^Usage: minimalloc --capacity=N --input=FILE/);
    assert.ok(lines.length > 10, "the whole usage, not one line");
    assert.match(stderr, /--minimize_capacity/);
  });

  it("no --capacity, --minimize_capacity or --heuristic: one line saying what to add, exit 2", async () => {
    const { code, stdout, lines } = await inProcess([`--input=${EXAMPLE}`]);
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], /^minimalloc: no capacity: add --capacity=N/);
    assert.match(lines[0], /--minimize_capacity/);
    assert.doesNotMatch(lines[0], /infeasible/);
  });

  it("--minimize_capacity --reference without --capacity: the bisection needs one, exit 2", async () => {
    const { code, lines } = await inProcess([
      `--input=${EXAMPLE}`,
      "--minimize_capacity",
      "--reference",
    ]);
    assert.equal(code, 2);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], /^minimalloc: --minimize_capacity .* add --capacity=N$/);
  });

  it("what does without a capacity still does: --minimize_capacity and --heuristic", async () => {
    for (const flag of ["--minimize_capacity", "--heuristic=best"]) {
      const { code, stdout, stderr } = await inProcess([`--input=${EXAMPLE}`, flag]);
      assert.equal(code, 0, `${flag}: ${stderr}`);
      assert.match(stdout, /^id,lower,upper,size,offset\n/);
    }
  });
});

describe("short flags", () => {
  it("-h prints what --help prints, exit 0", async () => {
    const [short, long] = [await inProcess(["-h"]), await inProcess(["--help"])];
    assert.equal(short.code, 0, short.stderr);
    assert.match(short.stdout, /^Usage: minimalloc /);
    assert.equal(short.stdout, long.stdout);
  });

  it("-V prints what --version prints, exit 0", async () => {
    const [short, long] = [await inProcess(["-V"]), await inProcess(["--version"])];
    assert.equal(short.code, 0, short.stderr);
    assert.match(short.stdout, /^minimalloc \d+\.\d+\.\d+\n$/);
    assert.equal(short.stdout, long.stdout);
  });

  it("a file named -h is still a file: --input -h reads it", async () => {
    const { code, stderr } = await inProcess(["--capacity=12", "--input", "-h"]);
    assert.equal(code, 2);
    assert.match(stderr, /^minimalloc: cannot read -h: no such file\n$/);
  });
});

describe("a time limit in the failure's message", () => {
  // 100 buffers all live at once: no solve ends within a fraction of a microsecond.
  const csv = "id,lower,upper,size\n" +
    Array.from({ length: 100 }, (_, i) => `b${i},0,10,${i + 1}\n`).join("");
  for (const [flag, said] of [["0.0001ms", "0.0001ms"], ["1ns", "0.000001ms"]]) {
    it(`--timeout=${flag} reads ${said}, not in exponent notation`, async () => {
      const run = await inProcess(["--capacity=100000", "--input=-", `--timeout=${flag}`], csv);
      assert.equal(run.code, 1);
      assert.equal(
        run.lines.at(-1),
        `minimalloc: the time limit of ${said} was hit before a solution was found`,
      );
    });
  }
});

describe("flag mistakes named as typed", () => {
  it("-x is -x, not --x", async () => {
    const run = await inProcess(["-x"]);
    assert.equal(run.code, 2);
    assert.deepEqual(run.lines, ["minimalloc: unknown flag -x; try --help"]);
  });

  it("a trailing comma in --preordering_heuristics says where the empty item is", async () => {
    const run = await inProcess([
      `--input=${EXAMPLE}`,
      "--capacity=12",
      "--preordering_heuristics=WAT,",
    ]);
    assert.equal(run.code, 2);
    assert.deepEqual(run.lines, [
      'minimalloc: --preordering_heuristics has an empty item in "WAT,": letters from ' +
      "ACLOTUWZ, comma-separated",
    ]);
  });
});

describe("--json with --output naming standard output", () => {
  for (const output of ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "/dev/../dev/stdout"]) {
    it(`--output=${output} is a usage error: the CSV would be dropped or mixed in`, async () => {
      const run = await inProcess([
        `--input=${EXAMPLE}`,
        "--capacity=12",
        "--json",
        `--output=${output}`,
      ]);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, "");
      assert.deepEqual(run.lines, [
        `minimalloc: --json and --output=${output} both print on standard output: drop one, or ` +
        "name a file (--output=FILE)",
      ]);
    });
  }
});
