// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The command line as a user runs it, in a real process under the runtime
// running the tests: the README's quick start, the reference tool's flag
// syntax (spaces, --noNAME, --NAME=false, dashes, --input -, --output),
// usage errors, `mod.ts` as the command, exit codes 0/1/2, --reference on
// challenging K byte for byte against the reference's output, --svg and
// --json, --minimize_capacity, --heuristic, and --timeout. Generated
// problems stand in for large and hard inputs, so every clone runs all of
// it; with ../shared beside the checkout, the challenging suite adds cases
// (and the byte-for-byte check against the reference's output on K).

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseCsv } from "../src/csv_parse.ts";
import { stringifyCsv } from "../src/csv_stringify.ts";
import type { Buffer, Problem } from "../src/problem.ts";
import { validate } from "../src/validate.ts";
import { solve } from "../src/solve.ts";
import { REFERENCE_OPTIONS } from "../src/options.ts";
import { generateProblem } from "../benchmarks/_generate.ts";
import { easyProblems, hardProblem, tiling } from "./_problems.ts";
import { SEARCH_MOVES_AFTER_MS, WORKERS_JOIN_MS } from "../src/_limits.ts";
import { type Run, run } from "./_process.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CLI = join(ROOT, "cli.ts");
const MOD = join(ROOT, "mod.ts");
const EXAMPLE = join(ROOT, "examples", "input.12.csv");
/** The output README.md's "Quick start" shows for `deno task solve`. */
const README_OUTPUT = `id,lower,upper,size,offset
b1,0,3,4,8
b2,3,9,4,8
b3,0,9,4,4
b4,9,21,4,4
b5,0,21,4,0
`;
const VERSION: string = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8")).version;
const ELAPSED = /^Elapsed time \d+\.\d{3}s$/m;

const SHARED = new URL("../../shared/", import.meta.url);
const CHALLENGING = fileURLToPath(new URL("benchmarks/challenging/", SHARED));
const REFERENCE = fileURLToPath(new URL("conformance/reference/", SHARED));
const SHARED_PRESENT = existsSync(CHALLENGING) && existsSync(REFERENCE);
if (!SHARED_PRESENT) {
  console.warn(
    "cli_test: ../shared is absent: challenging K and A add no cases (generated problems only)",
  );
}
const challenging = (name: string) => join(CHALLENGING, `${name}.1048576.csv`);

const IS_DENO = "Deno" in globalThis;
/** How the runtime running the tests runs a script with file access. */
const RUN = IS_DENO ? [process.execPath, "run", "--allow-read", "--allow-write"] : [
  process.execPath,
];

/** Runs cli.ts with the given flags. */
function cli(args: string[], stdin?: string, limitMs?: number): Promise<Run> {
  return run([...RUN, CLI, ...args], { stdin: stdin ?? "", limitMs });
}

/** A fresh temporary directory, removed on dispose. */
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "minimalloc-cli-"));
  return {
    dir,
    [Symbol.dispose]() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The lines of stderr that are not the `Elapsed time` line. */
function otherLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line !== "" && !ELAPSED.test(line));
}

/**
 * Checks that `offsets` (in the input's buffer order) solve the input at
 * `capacity` (or at their own height) and returns their height.
 */
function assertSolves(input: Problem, offsets: number[], capacity?: number): number {
  const height = Math.max(0, ...input.buffers.map((b, i) => offsets[i] + b.size));
  const problem = { ...input, capacity: capacity ?? height };
  assert.equal(validate(problem, { offsets, height }), "good");
  return height;
}

/**
 * Checks that an output CSV repeats the input's buffers with an offset
 * each, that the offsets solve the input, and returns their height.
 */
function assertValidOutput(csv: string, inputPath: string, capacity?: number): number {
  const input = parseCsv(readFileSync(inputPath, "utf8"));
  const output = parseCsv(csv);
  assert.equal(csv.split("\n")[0], "id,lower,upper,size,offset");
  assert.deepEqual(
    output.buffers.map(({ id, lower, upper, size }) => ({ id, lower, upper, size })),
    input.buffers.map(({ id, lower, upper, size }) => ({ id, lower, upper, size })),
    "the output's buffers differ from the input's",
  );
  const offsets = output.buffers.map((b) => b.offset);
  assert.ok(offsets.every((o) => o !== undefined), "a buffer has no offset");
  return assertSolves(input, offsets as number[], capacity);
}

describe("the README's quick start", () => {
  it("cli.ts --capacity=12 on the example prints the README's CSV and the elapsed time, exit 0", async () => {
    const { code, stdout, stderr } = await cli(["--capacity=12", `--input=${EXAMPLE}`]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, README_OUTPUT);
    assert.match(stderr, ELAPSED);
    assert.deepEqual(otherLines(stderr), [], "unexpected lines on stderr");
  });

  it("mod.ts run as a program behaves exactly like cli.ts (same output and exit codes)", {
    skip: !IS_DENO && typeof import.meta.main !== "boolean"
      ? "this Bun does not support import.meta.main, which mod.ts needs to run as a program"
      : undefined,
  }, async () => {
    const [solved, infeasible, usage] = await Promise.all([
      run([...RUN, MOD, "--capacity=12", `--input=${EXAMPLE}`], { stdin: "" }),
      run([...RUN, MOD, "--capacity=11", `--input=${EXAMPLE}`], { stdin: "" }),
      run([...RUN, MOD, "--capacity=12", `--input=${EXAMPLE}`, "--nosuch_flag"], { stdin: "" }),
    ]);
    assert.equal(solved.code, 0, solved.stderr);
    assert.equal(solved.stdout, README_OUTPUT);
    assert.match(solved.stderr, ELAPSED);
    assert.equal(infeasible.code, 1, infeasible.stderr);
    assert.equal(infeasible.stdout, "");
    assert.match(infeasible.stderr, /^minimalloc: infeasible/m);
    assert.equal(usage.code, 2, usage.stderr);
    assert.match(usage.stderr, /^minimalloc: unknown flag --nosuch_flag/);
  });
});

describe("the reference tool's flag syntax", () => {
  it("--capacity 12 (a space), --novalidate, --validate=false and --validate=true", async () => {
    const [spaced, novalidate, validateFalse, validateTrue] = await Promise.all([
      cli(["--capacity", "12", "--input", EXAMPLE]),
      cli(["--capacity=12", `--input=${EXAMPLE}`, "--novalidate"]),
      cli(["--capacity=12", `--input=${EXAMPLE}`, "--validate=false"]),
      cli(["--capacity=12", `--input=${EXAMPLE}`, "--validate=true"]),
    ]);
    for (const [label, r] of Object.entries({ spaced, novalidate, validateFalse, validateTrue })) {
      assert.equal(r.code, 0, `${label}: ${r.stderr}`);
      assert.equal(r.stdout, README_OUTPUT, label);
      assert.match(r.stderr, ELAPSED, label);
    }
    for (const r of [spaced, novalidate, validateFalse]) {
      assert.doesNotMatch(r.stderr, /Validation/);
    }
    assert.match(validateTrue.stderr, /^Validation PASS, height 12$/m);
  });

  it("dashed spellings: --minimize-capacity --no-canonical-only --capacity=12", async () => {
    const { code, stdout, stderr } = await cli([
      "--minimize-capacity",
      "--no-canonical-only",
      "--capacity=12",
      `--input=${EXAMPLE}`,
    ]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /proved optimal/, "--minimize-capacity was not taken");
    assert.equal(assertValidOutput(stdout, EXAMPLE, 12), 12);
  });

  it("--input - reads standard input; --output=FILE writes the file and nothing on stdout", async () => {
    using temp = tempDir();
    const output = join(temp.dir, "out.csv");
    const [stdin, file] = await Promise.all([
      cli(["--capacity=12", "--input", "-"], readFileSync(EXAMPLE, "utf8")),
      cli(["--capacity=12", `--input=${EXAMPLE}`, `--output=${output}`]),
    ]);
    assert.equal(stdin.code, 0, stdin.stderr);
    assert.equal(stdin.stdout, README_OUTPUT);
    assert.equal(file.code, 0, file.stderr);
    assert.equal(file.stdout, "");
    assert.match(file.stderr, ELAPSED);
    assert.equal(readFileSync(output, "utf8"), README_OUTPUT);
    assert.deepEqual(readdirSync(temp.dir), ["out.csv"], "a temporary file was left behind");
  });

  it("--help (exit 0, lists --capacity) and --version (the version in deno.json)", async () => {
    const [help, version] = await Promise.all([cli(["--help"]), cli(["--version"])]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: minimalloc /);
    assert.match(help.stdout, /--capacity/);
    assert.equal(VERSION, "0.1.0");
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `minimalloc ${VERSION}\n`);
  });

  it("an unknown flag exits 2 with exactly one line on stderr and nothing on stdout", async () => {
    const { code, stdout, stderr } = await cli([
      "--capacity=12",
      `--input=${EXAMPLE}`,
      "--capacityy=3",
    ]);
    assert.equal(code, 2, stderr);
    assert.equal(stdout, "");
    assert.match(stderr, /^minimalloc: unknown flag --capacityy/);
    assert.equal(
      stderr.split("\n").filter((line) => line !== "").length,
      1,
      `stderr must be exactly one line: ${JSON.stringify(stderr)}`,
    );
  });
});

describe("solving", () => {
  it("an infeasible capacity (11 on the example) exits 1 with a one-line reason, nothing on stdout", async () => {
    const { code, stdout, stderr } = await cli(["--capacity=11", `--input=${EXAMPLE}`]);
    assert.equal(code, 1, stderr);
    assert.equal(stdout, "");
    const lines = otherLines(stderr);
    assert.equal(lines.length, 1, `expected one line besides the elapsed time: ${stderr}`);
    assert.match(
      lines[0],
      /^minimalloc: infeasible: no solution fits within capacity 11: the peak load is 12$/,
    );
  });

  it("--minimize_capacity without --capacity: exit 0, proved optimal, valid output of height 12", async () => {
    const { code, stdout, stderr } = await cli(["--minimize_capacity", `--input=${EXAMPLE}`]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /^Minimized height 12, proved optimal$/m);
    // The peak load of the example is 12, so 12 is the optimum.
    assert.equal(assertValidOutput(stdout, EXAMPLE), 12);
  });

  it("--minimize_capacity with --heuristic says the heuristic's height, not a minimized one", async () => {
    const { code, stderr } = await cli([
      "--minimize_capacity",
      "--heuristic=size",
      `--input=${EXAMPLE}`,
    ]);
    assert.equal(code, 0, stderr);
    assert.match(
      stderr,
      /^Height of the size heuristic \d+, (proved optimal|not proved optimal: .*)$/m,
    );
    assert.doesNotMatch(stderr, /Minimized/);
  });

  it("--heuristic=size and --heuristic=best give valid output; --heuristic=nope exits 2", async () => {
    const [size, best, nope] = await Promise.all(
      ["size", "best", "nope"].map((name) =>
        cli(["--capacity=12", `--input=${EXAMPLE}`, `--heuristic=${name}`])
      ),
    );
    for (const [name, r] of [["size", size], ["best", best]] as const) {
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assertValidOutput(r.stdout, EXAMPLE, 12);
    }
    assert.equal(nope.code, 2, nope.stderr);
    assert.equal(nope.stdout, "");
    assert.match(nope.stderr, /^minimalloc: --heuristic expects one of .*"nope"/);
  });

  it("--heuristic above the capacity fails like any solve: exit 1, nothing on stdout", async () => {
    // The example's peak load, 12, proves 8 infeasible.
    const { code, stdout, stderr } = await cli([
      "--capacity=8",
      `--input=${EXAMPLE}`,
      "--heuristic=best",
    ]);
    assert.equal(code, 1, stderr);
    assert.equal(stdout, "");
    assert.match(
      stderr,
      /^minimalloc: infeasible: no solution fits within capacity 8: the peak load is 12$/m,
    );
  });

  it("takes any time limit up to inf, past the 2^31 ms a timer holds", async () => {
    for (const timeout of ["597h", "100000h", "inf"]) {
      const { code, stdout, stderr } = await cli([
        "--capacity=12",
        `--input=${EXAMPLE}`,
        `--timeout=${timeout}`,
      ]);
      assert.equal(code, 0, `${timeout}: ${stderr}`);
      assert.equal(stdout, README_OUTPUT);
    }
  });
});

describe("with file permissions only (deno run --allow-read --allow-write)", () => {
  it("--output=/dev/stdout prints the solution", async () => {
    // Deno asks for --allow-all to look at /dev/fd: a standard stream it
    // cannot look at counts as open.
    const { code, stdout, stderr } = await cli([
      "--capacity=12",
      `--input=${EXAMPLE}`,
      "--output=/dev/stdout",
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, README_OUTPUT);
  });
});

describe("solving on the workers (generated problems above the worker threshold)", () => {
  /** Writes a generated problem as a CSV file; returns its path. */
  const write = (dir: string, name: string, problem: Problem): string => {
    const path = join(dir, name);
    const rows = problem.buffers.map((b) =>
      [b.id, b.lower, b.upper, b.size, (b.gaps ?? []).map((g) => `${g.lower}-${g.upper}`).join(" ")]
        .join(",")
    );
    writeFileSync(path, ["id,lower,upper,size,gaps", ...rows].join("\n") + "\n");
    return path;
  };

  /**
   * Runs the command with `flags` and --json on `problem`, written to `dir`
   * as `name`; asserts it succeeded. Its report, and the problem as read
   * back from the file.
   */
  const solvedByCli = async (dir: string, name: string, problem: Problem, flags: string[]) => {
    const input = write(dir, name, problem);
    const { code, stdout, stderr } = await cli([...flags, `--input=${input}`, "--json"]);
    assert.equal(code, 0, stderr);
    return { report: JSON.parse(stdout), read: parseCsv(readFileSync(input, "utf8")) };
  };

  /** A report's offsets, in the order of the problem's buffers. */
  const offsetsOf = (read: Problem, report: { offsets: Record<string, number> }) =>
    read.buffers.map((b) => report.offsets[b.id]);

  it("--minimize_capacity on 400 buffers: the workers' answer is solve()'s, byte for byte", async () => {
    using space = tempDir();
    const { problem } = generateProblem({
      seed: 9,
      buffers: 400,
      construction: "planted",
      gaps: 0.3,
      windows: 0,
    });
    const { capacity: _, ...uncapped } = problem;
    const { report, read } = await solvedByCli(space.dir, "in.csv", uncapped, [
      "--minimize_capacity",
    ]);
    // The command line's own thread runs searches too: one worker fewer.
    const cores = navigator.hardwareConcurrency ?? 2;
    assert.ok(report.workers > 0, "the solve ran on workers");
    assert.ok(report.workers <= Math.max(1, cores - 1), `${report.workers} workers`);
    const expected = solve(read, { minimizeCapacity: true });
    assert.equal(report.height, expected.height);
    assert.deepEqual(offsetsOf(read, report), expected.offsets);
  });

  it(`at a capacity: the command's own thread alone for ${WORKERS_JOIN_MS} ms, then a worker joins; solve()'s answer either side`, async () => {
    // Starting a worker holds the command about 30 ms and it answers its
    // first slice about 140 ms later: a solve done sooner never starts one.
    using space = tempDir();
    const sides = [
      // About 200 nodes: tens of milliseconds, cold.
      {
        problem: generateProblem({ seed: 1, buffers: 70, construction: "greedy" }).problem,
        workers: 0,
      },
      // About 300,000 nodes: a second here.
      {
        problem: generateProblem({ seed: 1, buffers: 300, construction: "planted", slack: 1.03 })
          .problem,
        workers: 1,
      },
    ];
    for (const [i, { problem, workers }] of sides.entries()) {
      const { report, read } = await solvedByCli(space.dir, `in${i}.csv`, problem, [
        `--capacity=${problem.capacity}`,
      ]);
      assert.equal(
        report.workers,
        workers,
        `${problem.buffers.length} buffers: ${report.milliseconds} ms`,
      );
      const expected = solve({ ...read, capacity: problem.capacity });
      assert.deepEqual(offsetsOf(read, report), expected.offsets);
    }
  });

  it("a perfect packing past the join: tight sections solve it, a worker joins, solve()'s answer", async () => {
    // About 360,000 nodes with tight sections (under a second in process);
    // without them 15 million nodes in 30 s did not finish. (A worker
    // bundle older than the search is what `deno task check` catches.)
    using space = tempDir();
    const problem = tiling({ seed: 11, pieces: 400 });
    const { report, read } = await solvedByCli(space.dir, "in.csv", problem, [
      `--capacity=${problem.capacity}`,
      "--timeout=20s",
    ]);
    assert.ok(report.workers > 0, `${report.milliseconds} ms, no worker`);
    assert.equal(report.height, problem.capacity);
    const expected = solve({ ...read, capacity: problem.capacity });
    assert.deepEqual(offsetsOf(read, report), expected.offsets);
  });

  it("--json after a failed solve counts the workers that ran, on both sides of the move", async () => {
    // Past SEARCH_MOVES_AFTER_MS a search waiting for the command's own
    // thread moves to a worker; before, none runs. The count once came
    // with a solution only: a failed solve said 0 either way.
    using space = tempDir();
    const { problem } = hardProblem();
    const input = write(space.dir, "in.csv", problem);
    for (const [timeout, worked] of [[SEARCH_MOVES_AFTER_MS / 2, false], [3_000, true]] as const) {
      const { code, stdout } = await cli([
        `--capacity=${problem.capacity}`,
        `--input=${input}`,
        `--timeout=${timeout}ms`,
        "--json",
      ]);
      assert.equal(code, 1);
      const report = JSON.parse(stdout);
      assert.equal(report.status, "timeout");
      assert.equal(report.workers > 0, worked, `${timeout} ms: ${report.workers} workers`);
    }
  });

  it("--reference: the round robin on the command's own thread, in slices, with no worker even past the join", async () => {
    // One search at a time either way: a worker would only add its start.
    using space = tempDir();
    // About 1.8 million nodes: two seconds here.
    const { problem } = generateProblem({
      seed: 4,
      buffers: 180,
      construction: "planted",
      slack: 1.02,
    });
    const { report, read } = await solvedByCli(space.dir, "in.csv", problem, [
      "--reference",
      `--capacity=${problem.capacity}`,
    ]);
    assert.equal(report.workers, 0, `${report.milliseconds} ms`);
    assert.ok(report.milliseconds > WORKERS_JOIN_MS, `${report.milliseconds} ms`);
    const expected = solve({ ...read, capacity: problem.capacity }, REFERENCE_OPTIONS);
    assert.equal(report.nodes, expected.stats!.nodes);
    assert.deepEqual(offsetsOf(read, report), expected.offsets);
  });

  it("--heuristic=best on 400 buffers: a worker's answer, checked by the command, is solve()'s", async () => {
    // The worker reads the columns and leaves the check to the command's
    // own thread; pins, gaps and windows all cross that way.
    using space = tempDir();
    const { problem } = generateProblem({
      seed: 10,
      buffers: 400,
      construction: "planted",
      gaps: 0.3,
      windows: 0.5,
    });
    const { capacity: _, ...uncapped } = problem;
    const expected = solve(uncapped, { heuristic: "best" });
    const pinned = {
      buffers: problem.buffers.map((b, i) =>
        i % 9 === 0 ? { ...b, offset: expected.offsets[i] } : b
      ),
    };
    const { report, read } = await solvedByCli(space.dir, "in.csv", pinned, ["--heuristic=best"]);
    assert.ok(report.workers > 0, "the heuristic ran on a worker");
    const again = solve(read, { heuristic: "best" });
    assert.equal(report.height, again.height);
    assert.deepEqual(offsetsOf(read, report), again.offsets);
  });

  it("--heuristic=best where only a gap makes room: the command checks with the gaps", async () => {
    // Each pair: a buffer with a gap, and one that fits only in that gap.
    // Best fit puts the second in the first's bytes, which is valid only
    // because of the gap; 80 buffers reach a worker, whose answer the
    // command's own thread checks.
    using space = tempDir();
    const buffers: Buffer[] = [];
    for (let c = 0; c < 40; c++) {
      const t = 12 * c;
      buffers.push({
        id: `a${c}`,
        lower: t,
        upper: t + 10,
        size: 10,
        gaps: [{ lower: t + 3, upper: t + 7 }],
      });
      buffers.push({ id: `b${c}`, lower: t + 3, upper: t + 7, size: 10 });
    }
    const { report } = await solvedByCli(space.dir, "in.csv", { buffers }, ["--heuristic=best"]);
    assert.ok(report.workers > 0, "the heuristic ran on a worker");
    assert.equal(report.height, 10);
    const offsets = buffers.map((b) => report.offsets[b.id]);
    assert.equal(validate({ buffers }, { offsets, height: 10 }), "good");
    const gapless = buffers.map(({ gaps: _, ...b }) => b);
    assert.equal(validate({ buffers: gapless }, { offsets, height: 10 }), "bad overlap");
  });

  it("--json after a time limit reports the nodes and backtracks the search spent", async () => {
    using space = tempDir();
    const hard = generateProblem({ seed: 1, buffers: 400, construction: "planted", slack: 1 });
    const input = write(space.dir, "hard.csv", hard.problem);
    const { code, stdout, stderr } = await cli([
      `--capacity=${hard.capacity}`,
      `--input=${input}`,
      "--timeout=500ms",
      "--json",
    ]);
    assert.equal(code, 1, stderr);
    const report = JSON.parse(stdout);
    assert.equal(report.status, "timeout");
    assert.ok(report.nodes > 0 && report.backtracks > 0, stdout);
  });
});

/** Large and hard inputs: generated, and from ../shared when present. */
const generatedInputs = mkdtempSync(join(tmpdir(), "minimalloc-cli-inputs-"));
after(() => rmSync(generatedInputs, { recursive: true, force: true }));
const [easy] = easyProblems();
const hard = hardProblem();
const LARGE = [{
  label: "a generated 400-buffer problem",
  path: join(generatedInputs, "easy.csv"),
  capacity: easy.capacity,
  flags: [] as string[],
}];
const HARD = [{
  label: "a generated 400-buffer problem at its planted height",
  path: join(generatedInputs, "hard.csv"),
  capacity: hard.capacity,
  flags: [] as string[],
}];
writeFileSync(LARGE[0].path, stringifyCsv(easy.problem));
writeFileSync(HARD[0].path, stringifyCsv(hard.problem));
if (SHARED_PRESENT) {
  LARGE.push({ label: "challenging K", path: challenging("K"), capacity: 1048576, flags: [] });
  HARD.push({
    label: "challenging A",
    path: challenging("A"),
    capacity: 1048576,
    flags: ["--nosection_inference", "--nocheck_dominance", "--nocanonical_only"],
  });
}

describe("large and hard inputs", () => {
  if (SHARED_PRESENT) {
    it("--reference on challenging K writes the reference's output byte for byte", async () => {
      using temp = tempDir();
      const output = join(temp.dir, "K.1048576.csv");
      const { code, stdout, stderr } = await cli([
        "--reference",
        "--capacity=1048576",
        `--input=${challenging("K")}`,
        `--output=${output}`,
      ]);
      assert.equal(code, 0, stderr);
      assert.equal(stdout, "");
      const expected = readFileSync(join(REFERENCE, "K.1048576.csv"));
      assert.ok(readFileSync(output).equals(expected), "the output differs from the reference's");
    });
  }

  for (const input of LARGE) {
    it(`--svg on ${input.label} has one data-id element per buffer; --json prints status, height and all offsets`, async () => {
      using temp = tempDir();
      const svgPath = join(temp.dir, "picture.svg");
      const { code, stdout, stderr } = await cli([
        `--capacity=${input.capacity}`,
        `--input=${input.path}`,
        "--json",
        `--svg=${svgPath}`,
      ]);
      assert.equal(code, 0, stderr);
      const read = parseCsv(readFileSync(input.path, "utf8"));
      const ids = read.buffers.map((b) => b.id);

      const svg = readFileSync(svgPath, "utf8");
      assert.match(svg, /^<svg/);
      const svgIds = [...svg.matchAll(/ data-id="([^"]*)"/g)].map((m) => m[1]);
      assert.equal(svgIds.length, ids.length);
      assert.deepEqual([...svgIds].sort(), [...ids].sort());

      const lines = stdout.split("\n").filter((line) => line !== "");
      assert.equal(lines.length, 1, "--json must print one line and no CSV");
      const json = JSON.parse(lines[0]);
      assert.equal(json.status, "solved");
      assert.equal(json.capacity, input.capacity);
      assert.ok(json.height <= input.capacity, `height ${json.height}`);
      assert.deepEqual(Object.keys(json.offsets).sort(), [...ids].sort());
      assert.equal(
        assertSolves(read, ids.map((id) => json.offsets[id]), input.capacity),
        json.height,
      );
    });
  }

  for (const input of HARD) {
    it(`--timeout=1s stops a hard search on ${input.label}: exit 1, the time limit on stderr, nothing on stdout`, async () => {
      const { code, stdout, stderr } = await cli(
        [`--input=${input.path}`, ...input.flags, "--timeout=1s", `--capacity=${input.capacity}`],
        "",
        10_000,
      );
      assert.equal(code, 1, stderr);
      // The solve's own clock: starting the process takes a varying share
      // of a second on shared machines (cli_hardening_test.ts bounds it).
      const elapsed = Number(stderr.match(/^Elapsed time (\d+\.\d+)s$/m)?.[1]);
      assert.ok(elapsed < 1.3, `the solve took ${elapsed} s`);
      assert.equal(stdout, "");
      assert.match(stderr, /^minimalloc: the time limit of 1s was hit/m);
    });
  }
});
