// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The public API as a user meets it: HeuristicOptions.timeout checked as
// SolverOptions.timeout is (timeLimit kept as a deprecated alias);
// findViolation names the buffers that break a rule, and so does the
// command line's "Validation FAIL" line; BufferSpec, which does not hide
// the runtimes' global Buffer (Buffer kept as a deprecated alias); public
// documentation that cites no SPEC section and lists every SolveError code
// solve and solveAsync can throw; and a package that `deno publish`
// analyzes without a warning while a browser bundle of mod.ts holds no
// `node:` import. The last three read `deno doc`, `deno publish` and
// `deno bundle`, from the deno running the tests or the one on the PATH.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  type Buffer,
  type BufferSpec,
  findViolation,
  type HeuristicOptions,
  type Problem,
  SolveError,
  solveHeuristic,
  validate,
} from "../mod.ts";
import { assertDenoOnlyInHost } from "./_bundle.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const IS_DENO = "Deno" in globalThis;
const DENO = IS_DENO ? process.execPath : "deno";
const NO_DENO = IS_DENO || !spawnSync(DENO, ["--version"]).error
  ? false
  : "deno is not on the PATH (it documents, publishes and bundles the package)";
/** For the tests that run deno: a cold cache takes seconds (Bun's default limit is 5 s). */
const SLOW = { skip: NO_DENO, timeout: 120_000 };

/** Runs deno with the given arguments in the repository. */
function deno(args: string[]) {
  const result = spawnSync(DENO, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    maxBuffer: 64 << 20,
    timeout: 120_000,
  });
  assert.equal(result.status, 0, `deno ${args.join(" ")}: ${result.stderr}`);
  return result;
}

const PROBLEM: Problem = {
  buffers: [
    { id: "a", lower: 0, upper: 4, size: 3 },
    { id: "b", lower: 2, upper: 6, size: 2 },
    { id: "c", lower: 5, upper: 9, size: 4, alignment: 2 },
  ],
};

describe("HeuristicOptions.timeout", () => {
  it("is checked as SolverOptions.timeout: a string is a TypeError, NaN or < 0 a RangeError", () => {
    const cases: [unknown, ErrorConstructor][] = [
      ["1s", TypeError],
      [null, TypeError],
      [NaN, RangeError],
      [-1, RangeError],
    ];
    for (const [timeout, type] of cases) {
      assert.throws(
        () => solveHeuristic(PROBLEM, { timeout } as unknown as HeuristicOptions),
        (error) =>
          error instanceof type && /^Cannot run the heuristic: option timeout must be/.test(
            (error as Error).message,
          ),
        `timeout ${String(timeout)}`,
      );
    }
    for (const timeout of [1000, Infinity]) {
      assert.equal(validate(PROBLEM, solveHeuristic(PROBLEM, { timeout })), "good");
    }
    // A limit that ends it before any placement completed: a timeout.
    assert.throws(
      () => solveHeuristic(PROBLEM, { timeout: 0 }),
      (error) => error instanceof SolveError && error.code === "timeout",
    );
  });

  it("timeLimit, its deprecated alias, means the same and is checked the same", () => {
    assert.equal(validate(PROBLEM, solveHeuristic(PROBLEM, { timeLimit: 10 })), "good");
    assert.throws(
      () => solveHeuristic(PROBLEM, { timeLimit: "1s" } as unknown as HeuristicOptions),
      (error) => error instanceof TypeError && /option timeLimit/.test((error as Error).message),
    );
    assert.throws(() => solveHeuristic(PROBLEM, { timeLimit: NaN }), RangeError);
  });
});

describe("findViolation names the buffers", () => {
  const problem: Problem = {
    capacity: 10,
    buffers: [
      { id: "first", lower: 0, upper: 4, size: 3 },
      { id: "second", lower: 2, upper: 6, size: 2, alignment: 2 },
      { id: "pinned", lower: 7, upper: 9, size: 4, offset: 6 },
    ],
  };
  const cases: [string, number[], number, string, number[], RegExp][] = [
    ["bad solution", [0, 4], 4, "bad solution", [], /^bad solution: 2 offsets for 3 buffers$/],
    ["bad fixed", [0, 4, 5], 9, "bad fixed", [2], /buffer "pinned" is fixed at 6, placed at 5/],
    ["bad offset", [0, 9, 6], 11, "bad offset", [1], /buffer "second" at 9 reaches 11, above/],
    ["bad height", [0, 4, 6], 9, "bad height", [2], /buffer "pinned" reaches 10, above .* 9$/],
    ["bad alignment", [0, 3, 6], 10, "bad alignment", [1], /buffer "second" is at 3, not a/],
    [
      "bad overlap",
      [0, 2, 6],
      10,
      "bad overlap",
      [0, 1],
      /buffer "first" at 0 and buffer "second" at 2 overlap/,
    ],
  ];
  for (const [label, offsets, height, kind, buffers, message] of cases) {
    it(label, () => {
      const violation = findViolation(problem, { offsets, height });
      assert.equal(violation?.kind, kind);
      assert.equal(validate(problem, { offsets, height }), kind, "validate agrees");
      assert.deepEqual(violation?.buffers, buffers);
      assert.match(violation!.message, message);
    });
  }

  it("a good solution has none; ids in messages are escaped and cut short", () => {
    assert.equal(findViolation(problem, { offsets: [0, 4, 6], height: 10 }), undefined);
    const hostile: Problem = {
      buffers: [
        { id: "\u001b[2J" + "x".repeat(100), lower: 0, upper: 2, size: 2 },
        { id: "b", lower: 1, upper: 3, size: 2 },
      ],
    };
    const { message } = findViolation(hostile, { offsets: [0, 1], height: 3 })!;
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(message, /[\u0000-\u001f\u007f-\u009f]/);
    assert.match(message, /\\u001b\[2J/);
    assert.ok(message.length < 200, message);
  });

  it("the command line's Validation FAIL line names them (a solver stubbed to overlap)", {
    ...SLOW,
  }, () => {
    // No input makes the solver return a bad solution, so an import map
    // swaps in one that does: the line is the command line's own.
    const dir = mkdtempSync(join(tmpdir(), "minimalloc-validate-"));
    try {
      const stub = join(dir, "solve_async_stub.ts");
      writeFileSync(
        stub,
        "export async function solveAsync(problem) {\n" +
          "  const offsets = problem.buffers.map(() => 0);\n" +
          "  return { offsets, height: Math.max(...problem.buffers.map((b) => b.size)) };\n" +
          "}\n",
      );
      const map = join(dir, "import_map.json");
      writeFileSync(
        map,
        JSON.stringify({
          imports: {
            [pathToFileURL(join(ROOT, "src", "solve_async.ts")).href]: pathToFileURL(stub).href,
          },
        }),
      );
      const result = spawnSync(DENO, [
        "run",
        "-A",
        "--no-check",
        `--import-map=${map}`,
        join(ROOT, "cli.ts"),
        "--capacity=12",
        `--input=${join(ROOT, "examples", "input.12.csv")}`,
        "--validate",
        "--quiet",
      ], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 });
      assert.equal(result.status, 1, result.stderr);
      assert.equal(result.stdout, "", "a solution that fails validation is not written");
      assert.match(
        result.stderr,
        /^Validation FAIL: bad overlap: buffer "b1" at 0 and buffer "b3" at 0 overlap while both are live\n$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("BufferSpec", () => {
  it("types a buffer without hiding the global Buffer; Buffer stays as a deprecated alias", {
    ...SLOW,
  }, () => {
    const spec: BufferSpec = { id: "x", lower: 0, upper: 1, size: 1 };
    const old: Buffer = spec;
    assert.equal(validate({ buffers: [old] }, { offsets: [0], height: 1 }), "good");
    const nodes = documented();
    const alias = nodes.find((node) => node.name === "Buffer");
    assert.ok(alias !== undefined, "Buffer is no longer exported");
    assert.ok(
      alias.jsDoc?.tags?.some((tag) => tag.kind === "deprecated"),
      "Buffer is not marked @deprecated",
    );
    const spec_ = nodes.find((node) => node.name === "BufferSpec");
    assert.match(spec_?.jsDoc?.doc ?? "", /global `Buffer`/);
  });
});

/** What `deno doc --json` says of a symbol (the parts these tests read). */
interface DocNode {
  name: string;
  kind: string;
  jsDoc?: { doc?: string; tags?: { kind: string; tsType?: { repr: string }; doc?: string }[] };
}

/** mod.ts's exported symbols, as `deno doc --json` describes them. */
function documented(): DocNode[] {
  const json = JSON.parse(deno(["doc", "--json", "mod.ts"]).stdout);
  const module = json.nodes[pathToFileURL(join(ROOT, "mod.ts")).href];
  return (module.symbols as { name: string; declarations: Omit<DocNode, "name">[] }[])
    .flatMap(({ name, declarations }) => declarations.map((d) => ({ ...d, name })));
}

describe("the public documentation", () => {
  it("cites no SPEC section, which users cannot look up", SLOW, () => {
    const text = deno(["doc", "mod.ts", "cli.ts"]).stdout;
    const cites = text.split("\n").filter((line) => /\bSPEC\b/.test(line));
    assert.deepEqual(cites, []);
  });

  it("solve and solveAsync list every SolveError code in @throws", SLOW, () => {
    const source = readFileSync(join(ROOT, "src", "errors.ts"), "utf8");
    const union = /export type SolveErrorCode =([^;]+);/.exec(source)?.[1] ?? "";
    const codes = [...union.matchAll(/"([a-z-]+)"/g)].map((m) => m[1]);
    assert.ok(codes.length >= 5, `codes read from errors.ts: ${codes}`);
    const nodes = documented();
    for (const name of ["solve", "solveAsync"]) {
      const node = nodes.find((n) => n.name === name && n.kind === "function");
      const throws = node?.jsDoc?.tags?.filter((tag) => tag.kind === "throws") ?? [];
      const solveError = throws.filter((tag) => tag.tsType?.repr === "SolveError")
        .map((tag) => tag.doc)
        .join(" ");
      for (const code of codes) {
        assert.ok(solveError.includes(`"${code}"`), `${name}'s @throws omits "${code}"`);
      }
    }
  });
});

describe("the package", () => {
  it("deno publish --dry-run warns about nothing (mod.ts's import of the command line included)", {
    ...SLOW,
  }, () => {
    const { stdout, stderr } = deno(["publish", "--dry-run", "--allow-dirty"]);
    const output = stdout + stderr;
    assert.doesNotMatch(output, /unanalyzable-dynamic-import|warning/i, output);
    assert.match(output, /Success/);
  });

  it(
    "a browser bundle of mod.ts has no node: import, and no Deno API but the command line's host",
    SLOW,
    () => {
      const dir = mkdtempSync(join(tmpdir(), "minimalloc-bundle-"));
      try {
        const path = join(dir, "minimalloc.js");
        deno(["bundle", "--quiet", "--platform=browser", "mod.ts", "-o", path]);
        const source = readFileSync(path, "utf8");
        assert.equal(source.match(/node:/g), null, "a node: import in the browser bundle");
        assertDenoOnlyInHost(source);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
