// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The first hour of a new user, in a copy of the project's files (what a
// fresh clone has, without node_modules): the README's quick start works
// without the npm registry and with an empty Deno cache, since the tool
// needs no package; and without the test-only packages the property tests
// skip with their reason (as `bun test` does before `bun install`) rather
// than failing to load.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const IS_DENO = "Deno" in globalThis;
/** Deno: the one running the tests, or the one on the PATH under Bun. */
const DENO = IS_DENO ? process.execPath : "deno";
/** The output README.md's "Quick start" shows for `deno task solve`. */
const README_OUTPUT = `id,lower,upper,size,offset
b1,0,3,4,8
b2,3,9,4,8
b3,0,9,4,4
b4,9,21,4,4
b5,0,21,4,0
`;

/** A fresh directory holding a copy of the given project files. */
function copyOf(paths: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "minimalloc-clone-"));
  mkdirSync(join(dir, "tests"));
  for (const path of paths) cpSync(join(ROOT, path), join(dir, path), { recursive: true });
  return {
    dir,
    [Symbol.dispose]() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The environment without anything pointing at a package cache or proxy. */
function isolatedEnv(denoDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(DENO_|NPM_CONFIG_|npm_config_)/.test(name)) env[name] = value;
  }
  // Nothing listens on port 9 (discard): any download fails at once.
  return { ...env, DENO_DIR: denoDir, NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/", NO_COLOR: "1" };
}

const hasDeno = IS_DENO || !spawnSync(DENO, ["--version"]).error;
/** Each test starts a runtime on a cold cache: seconds (Bun's default limit is 5 s). */
const OPTIONS = { skip: hasDeno ? false : "deno is not on the PATH", timeout: 120_000 };

describe("the first hour", () => {
  it(
    "deno task solve prints the example's solution with no npm registry and an empty Deno cache",
    OPTIONS,
    () => {
      using clone = copyOf([
        "deno.json",
        "package.json",
        "package-lock.json",
        "mod.ts",
        "cli.ts",
        "src",
        "examples",
        // The test-only packages' import map and lock file.
        "tests/import_map.json",
        "tests/deno.lock",
      ]);
      const cache = join(clone.dir, ".deno-cache");
      mkdirSync(cache);
      const result = spawnSync(DENO, ["task", "solve"], {
        cwd: clone.dir,
        env: isolatedEnv(cache),
        encoding: "utf8",
        timeout: 60_000,
      });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, README_OUTPUT);
      assert.doesNotMatch(result.stderr, /Download/, "the quick start downloaded something");
    },
  );

  it(
    "without fast-check the property tests skip and print why, and the run passes",
    OPTIONS,
    () => {
      // Only the tests' own files: no node_modules and no import map, as in a
      // fresh clone before `bun install`.
      using clone = copyOf(["deno.json", "package.json", "src", "tests/property_test.ts"]);
      // Under Deno, without the import map "fast-check" cannot even be type
      // checked: what is tested is the load at run time.
      const command = IS_DENO
        ? [DENO, "test", "-A", "--no-check", "tests/property_test.ts"]
        : [process.execPath, "test", "./tests/property_test.ts"];
      const result = spawnSync(command[0], command.slice(1), {
        cwd: clone.dir,
        env: isolatedEnv(join(clone.dir, ".deno-cache")),
        encoding: "utf8",
        timeout: 60_000,
      });
      const output = result.stdout + result.stderr;
      assert.equal(result.status, 0, output);
      assert.match(output, /property_test: skipped: fast-check cannot be loaded/);
    },
  );
});
