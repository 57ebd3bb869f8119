// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The command line's host (src/_host.ts): Deno's own API under Deno, `fs`
// under Bun and Node. Its paths must be node:path's, and an event loop
// that runs dry before the answer must end the command with 70, on the
// runtime running these tests.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { host } from "../src/_host.ts";
import { run } from "./_process.ts";

const IS_DENO = "Deno" in globalThis;

describe("the host's paths", () => {
  const paths = [
    "out.csv",
    "./out.csv",
    "dir/out.csv",
    "dir//sub/",
    "/",
    "/out.csv",
    "/a/b/../c/./d.csv",
    "../up/out.csv",
    "/dev/stdout",
    "/dev/fd/1/",
    ".hidden",
    "",
    "a/",
    "a//",
    "//a",
    "///x//y//",
  ];

  it("name the directory and the base as node:path does", () => {
    for (const p of paths) {
      assert.equal(host().dirname(p), path.dirname(p), `dirname ${p}`);
      assert.equal(host().basename(p), path.basename(p), `basename ${p}`);
    }
  });

  it("resolve against the working directory as node:path does", () => {
    for (const p of paths) {
      assert.equal(host().resolve(p), path.resolve(p), `resolve ${p}`);
      assert.equal(host().resolve("/dev", p), path.resolve("/dev", p), `resolve /dev ${p}`);
    }
    assert.equal(host().join("dir", ".out.csv.1.tmp"), path.join("dir", ".out.csv.1.tmp"));
  });
});

describe("the host's files", () => {
  it("read, write, stat, link and remove as fs does", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "minimalloc-host-"));
    try {
      const files = host();
      const target = path.join(dir, "a.csv");
      const file = files.open(target, "create-new", 0o640);
      const bytes = new TextEncoder().encode("id,lower\n");
      assert.equal(file.write(bytes, 0, bytes.length), bytes.length);
      file.sync();
      file.close();
      assert.equal(readFileSync(target, "utf8"), "id,lower\n");
      assert.throws(() => files.open(target, "create-new"), { code: "EEXIST" });
      assert.throws(() => files.open(path.join(dir, "none", "x"), "read"), { code: "ENOENT" });
      const info = files.lstat(target);
      assert.ok(info.isFile && !info.isDirectory && !info.isSymlink);
      assert.equal(info.size, bytes.length);
      assert.equal(info.nlink, 1);
      const link = path.join(dir, "link");
      symlinkSync(target, link);
      assert.ok(files.lstat(link).isSymlink);
      assert.equal(files.readLink(link), target);
      assert.equal(files.realPath(link), files.realPath(target));
      writeFileSync(path.join(dir, "b.csv"), "new");
      files.rename(path.join(dir, "b.csv"), target);
      const reread = files.open(target, "read");
      const into = new Uint8Array(8);
      assert.equal(reread.read(into, 0, 8), 3);
      assert.equal(reread.read(into, 3, 5), 0);
      reread.close();
      files.remove(target);
      files.remove(target);
      assert.equal(files.exists(target), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("an event loop that runs dry before the answer", () => {
  it("ends the command with code 70 and says so", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "minimalloc-host-"));
    try {
      const script = path.join(dir, "drained.ts");
      const module = fileURLToPath(new URL("../src/_host.ts", import.meta.url));
      writeFileSync(
        script,
        `import { host } from ${JSON.stringify(module)};
const runtime = host();
const stop = runtime.onDrained(() => {
  runtime.setExitCode(70);
  console.error("drained");
});
(async () => {
  await new Promise(() => {});
  stop();
})();
`,
      );
      const command = IS_DENO
        ? [process.execPath, "run", "-A", script]
        : [process.execPath, script];
      const { code, stderr } = await run(command, { limitMs: 30_000 });
      assert.equal(code, 70, stderr);
      assert.match(stderr, /drained/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
