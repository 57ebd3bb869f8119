// Copyright the @x/minimalloc authors. Apache-2.0 license.

// Where the command line's outputs go, in real processes: a regular file is
// replaced atomically with its mode kept; a device, a FIFO, a process
// substitution, a symlink (a private /dev/stdout among them) and a file
// with another hard link are written in place, through the link; the
// outputs of one run are written together or not at all; SIGINT or
// SIGTERM during a 38 MB write leaves nothing behind; a reader that stops
// reading (`| head -1`) ends the run quietly, and a closed standard output
// (`>&-`, or a read-write /dev/null as Python's DEVNULL) gets a note. Nothing here touches the machine's own /dev: the device
// is a private null device where the tests may create one.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { type Run, run } from "./_process.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CLI = join(ROOT, "cli.ts");
const EXAMPLE = join(ROOT, "examples", "input.12.csv");
const EXAMPLE_OUTPUT = "id,lower,upper,size,offset\nb1,0,3,4,8\nb2,3,9,4,8\nb3,0,9,4,4\n" +
  "b4,9,21,4,4\nb5,0,21,4,0\n";
const IS_DENO = "Deno" in globalThis;
/** The command line under the runtime running the tests. */
const COMMAND = IS_DENO ? [process.execPath, "run", "-A", CLI] : [process.execPath, CLI];
const SOLVE = ["--capacity=12", `--input=${EXAMPLE}`, "--quiet"];
const BASH = spawnSync("bash", ["--version"]).error ? undefined : "bash";
/** Linux shows open descriptors in /proc: a link to standard output, and how it was opened. */
const NO_PROC = existsSync("/proc/self/fd") ? false : "no /proc/self/fd on this system";
/** Bytes no run would write: any change shows. */
const PRECIOUS = "precious\n";

function cli(args: string[], limitMs = 30_000): Promise<Run> {
  return run([...COMMAND, ...args], { stdin: "", limitMs });
}

/** A shell-quoted word. */
const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/** The command line inside bash, for redirections only a shell makes. */
function shell(script: string, limitMs = 30_000): Promise<Run> {
  return run([BASH!, "-c", script], { limitMs });
}

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "minimalloc-outputs-"));
  return {
    dir,
    [Symbol.dispose]() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A private null device (as root), or /dev/null, which only root could replace. */
function nullDevice(dir: string): string {
  if (process.getuid?.() === 0) {
    const path = join(dir, "null");
    if (spawnSync("mknod", [path, "c", "1", "3"]).status === 0) return path;
  }
  return "/dev/null";
}

describe("regular files are replaced atomically", () => {
  // 4755: set-user-ID survives (the owner is set before the mode, since
  // chown clears it).
  for (const mode of [0o600, 0o444, 0o640, 0o4755]) {
    it(`an output of mode ${mode.toString(8)} keeps its mode`, async () => {
      using temp = tempDir();
      const output = join(temp.dir, "out.csv");
      writeFileSync(output, PRECIOUS);
      chmodSync(output, mode);
      const writable = process.getuid?.() === 0 || (mode & 0o200) !== 0;
      const { code, stderr } = await cli([...SOLVE, `--output=${output}`]);
      if (writable) {
        assert.equal(code, 0, stderr);
        assert.equal(readFileSync(output, "utf8"), EXAMPLE_OUTPUT);
      } else {
        // Not ours to write (as a non-root user): refused, as writing it in
        // place would be, and left as it was.
        assert.equal(code, 2, stderr);
        assert.equal(readFileSync(output, "utf8"), PRECIOUS);
      }
      assert.equal(statSync(output).mode & 0o7777, mode);
      assert.deepEqual(readdirSync(temp.dir), ["out.csv"], "a temporary file was left behind");
    });
  }
});

describe("anything else is written in place", () => {
  it("a device stays a device", async () => {
    using temp = tempDir();
    const device = nullDevice(temp.dir);
    const { code, stderr } = await cli([...SOLVE, `--output=${device}`]);
    assert.equal(code, 0, stderr);
    assert.ok(lstatSync(device).isCharacterDevice(), `${device} is no longer a device`);
    assert.equal(readdirSync(temp.dir).filter((name) => name !== "null").length, 0);
  });

  it("a symlink is written through: the link stays, its target gets the output", async () => {
    using temp = tempDir();
    const target = join(temp.dir, "target.csv");
    const link = join(temp.dir, "link.csv");
    writeFileSync(target, PRECIOUS);
    symlinkSync(target, link);
    const { code, stderr } = await cli([...SOLVE, `--output=${link}`]);
    assert.equal(code, 0, stderr);
    assert.ok(lstatSync(link).isSymbolicLink(), "the link was replaced by a file");
    assert.equal(readlinkSync(link), target);
    assert.equal(readFileSync(target, "utf8"), EXAMPLE_OUTPUT);
    assert.deepEqual(readdirSync(temp.dir).sort(), ["link.csv", "target.csv"]);
  });

  it("a link to standard output (as /dev/stdout is) prints the output", {
    skip: NO_PROC,
  }, async () => {
    using temp = tempDir();
    const stdout = join(temp.dir, "stdout");
    symlinkSync("/proc/self/fd/1", stdout);
    const { code, stdout: printed, stderr } = await cli([...SOLVE, `--output=${stdout}`]);
    assert.equal(code, 0, stderr);
    assert.equal(printed, EXAMPLE_OUTPUT);
    assert.ok(lstatSync(stdout).isSymbolicLink(), "the link was replaced by a file");
  });

  it("a link to standard output redirected with >> appends, as the shell asked", {
    skip: BASH === undefined ? "bash is not on the PATH" : NO_PROC,
  }, async () => {
    using temp = tempDir();
    const stdout = join(temp.dir, "stdout");
    const log = join(temp.dir, "log");
    symlinkSync("/proc/self/fd/1", stdout);
    writeFileSync(log, PRECIOUS);
    const words = [...COMMAND, ...SOLVE, `--output=${stdout}`].map(quote).join(" ");
    const { code, stderr } = await shell(`${words} >> ${quote(log)}`);
    assert.equal(code, 0, stderr);
    assert.equal(readFileSync(log, "utf8"), PRECIOUS + EXAMPLE_OUTPUT);
  });

  it("a file with another hard link is written in place: both names see the output", async () => {
    using temp = tempDir();
    const first = join(temp.dir, "first.csv");
    const second = join(temp.dir, "second.csv");
    writeFileSync(first, PRECIOUS);
    linkSync(first, second);
    const { code, stderr } = await cli([...SOLVE, `--output=${first}`]);
    assert.equal(code, 0, stderr);
    assert.equal(readFileSync(second, "utf8"), EXAMPLE_OUTPUT);
    assert.equal(statSync(first).nlink, 2, "the hard link was broken");
    assert.equal(statSync(first).ino, statSync(second).ino);
  });

  it("a FIFO's reader gets the output", async () => {
    using temp = tempDir();
    const fifo = join(temp.dir, "fifo");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0, "mkfifo failed");
    const reader = run(["cat", fifo], { limitMs: 20_000 });
    const { code, stderr } = await cli([...SOLVE, `--output=${fifo}`], 20_000);
    assert.equal(code, 0, stderr);
    const read = await reader;
    assert.equal(read.stdout, EXAMPLE_OUTPUT, "the reader got nothing (the FIFO was replaced?)");
    assert.ok(lstatSync(fifo).isFIFO(), "the FIFO was replaced by a file");
  });

  it("a process substitution (--output >(cat)) gets the output", {
    skip: BASH === undefined ? "bash is not on the PATH" : false,
  }, async () => {
    // cat shares bash's standard output, which the test reads to its end.
    // (`--output=>(cat)` works from a terminal, but some bash invocations
    // split it into `--output=` and the path: the value as its own word is
    // the same flag.)
    const words = [...COMMAND, ...SOLVE].map(quote).join(" ");
    const script = `${words} --output >(cat)`;
    const { code, stdout, stderr } = await shell(script);
    assert.equal(code, 0, `${script}: ${stderr}`);
    assert.equal(stdout, EXAMPLE_OUTPUT);
  });
});

describe("the outputs of one run are written together or not at all", () => {
  it("--svg=ok.svg --output=missing_dir/x.csv leaves ok.svg as it was, exit 2", async () => {
    using temp = tempDir();
    const svg = join(temp.dir, "ok.svg");
    writeFileSync(svg, PRECIOUS);
    const { code, stdout, stderr } = await cli([
      ...SOLVE,
      `--svg=${svg}`,
      `--output=${join(temp.dir, "missing_dir", "x.csv")}`,
    ]);
    assert.equal(code, 2, stderr);
    assert.equal(stdout, "");
    assert.match(stderr, /^minimalloc: cannot write .*missing_dir.*x\.csv: no such directory\n$/);
    assert.equal(readFileSync(svg, "utf8"), PRECIOUS, "ok.svg was replaced");
    assert.deepEqual(readdirSync(temp.dir), ["ok.svg"], "a temporary file was left behind");
  });

  it("--output=ok.csv --svg=a_directory leaves ok.csv as it was, exit 2", async () => {
    using temp = tempDir();
    const csv = join(temp.dir, "ok.csv");
    writeFileSync(csv, PRECIOUS);
    const { code, stderr } = await cli([...SOLVE, `--output=${csv}`, `--svg=${temp.dir}`]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /: it is a directory\n$/);
    assert.equal(readFileSync(csv, "utf8"), PRECIOUS, "ok.csv was replaced");
    assert.deepEqual(readdirSync(temp.dir), ["ok.csv"]);
  });
});

describe("a signal during a 38 MB write leaves nothing behind", () => {
  /** 3,800 buffers with 10,000-byte ids: a 38 MB output, quick to solve. */
  const bigInput = (dir: string): string => {
    const path = join(dir, "big.csv");
    const rows = ["id,lower,upper,size"];
    for (let i = 0; i < 3800; i++) {
      rows.push(`${String(i).padStart(4, "0")}${"x".repeat(9996)},${i},${i + 2},${1 + (i % 7)}`);
    }
    writeFileSync(path, rows.join("\n") + "\n");
    return path;
  };

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`${signal} while the output is written: the old output stays, no temporary file`, {
      timeout: 120_000,
    }, async () => {
      using temp = tempDir();
      const input = bigInput(temp.dir);
      const outputs = join(temp.dir, "outputs");
      const output = join(outputs, "out.csv");
      spawnSync("mkdir", [outputs]);
      // On a busy machine the write can end between our seeing its
      // temporary file and the signal: then the output must be whole, and
      // we try again. One attempt in five must land during the write.
      let landed = false;
      for (let attempt = 0; attempt < 5 && !landed; attempt++) {
        writeFileSync(output, PRECIOUS);
        const child = spawn(COMMAND[0], [
          ...COMMAND.slice(1),
          "--heuristic=size",
          `--input=${input}`,
          `--output=${output}`,
          "--quiet",
        ], { stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr.setEncoding("utf8").on("data", (text: string) => stderr += text);
        const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
          child.on("close", (code, signal) => resolve({ code, signal }))
        );
        // Wait for the temporary file to appear, then signal at once.
        const deadline = performance.now() + 60_000;
        let sawTemporary = false;
        let done = false;
        exited.then(() => done = true);
        while (!done && performance.now() < deadline) {
          if (readdirSync(outputs).length > 1) {
            sawTemporary = true;
            child.kill(signal);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        const { code, signal: killedBy } = await exited;
        assert.ok(sawTemporary, `no temporary file was seen before the exit: ${stderr}`);
        assert.deepEqual(readdirSync(outputs), ["out.csv"], "a temporary file was left behind");
        const written = readFileSync(output, "utf8");
        const byTheSignal = code === 128 + (signal === "SIGINT" ? 2 : 15) || killedBy === signal;
        if (written === PRECIOUS) {
          assert.ok(byTheSignal, `exit ${code} (${killedBy}): ${stderr}`);
          landed = true;
        } else {
          // Done before the signal (exit 0), or ended by it once done.
          assert.ok(byTheSignal || code === 0, `exit ${code} (${killedBy}): ${stderr}`);
          // The signal came after the output was in place: it is whole.
          const rows = written.split("\n");
          assert.equal(rows.length, 3800 + 2, "the output is half-written");
          assert.ok(rows[3800].startsWith("3799x"), "the output is half-written");
        }
      }
      assert.ok(landed, "no signal landed during the write in five attempts");
    });
  }
});

describe("standard output", () => {
  it("a reader that stops reading (| head -1) ends the run quietly, exit 0", async () => {
    // 5,000 buffers: far more output than a pipe holds, so writes meet EPIPE.
    using temp = tempDir();
    const input = join(temp.dir, "many.csv");
    const rows = ["id,lower,upper,size"];
    for (let i = 0; i < 5000; i++) rows.push(`buffer${i},${i},${i + 3},${1 + (i % 5)}`);
    writeFileSync(input, rows.join("\n") + "\n");
    const child = spawn(COMMAND[0], [
      ...COMMAND.slice(1),
      "--heuristic=best",
      `--input=${input}`,
    ], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (text: string) => stderr += text);
    // Read the first chunk, then hang up, as head does.
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error|^\s+at /m);
    assert.deepEqual(stderr.split("\n").filter((line) => line !== ""), [
      stderr.match(/^Elapsed time \d+\.\d{3}s$/m)?.[0],
    ]);
  });

  for (const [how, redirect] of [[">&-", ">&-"], ["a read-write /dev/null", "1<>/dev/null"]]) {
    it(`closed (${how}): one line on stderr before solving, then solved, exit 0`, {
      skip: BASH === undefined ? "bash is not on the PATH" : NO_PROC,
    }, async () => {
      // A read-write /dev/null is what Python's subprocess.DEVNULL gives: a
      // harness that discards the CSV must still get its exit code.
      const loud = SOLVE.filter((arg) => arg !== "--quiet");
      const words = [...COMMAND, ...loud].map(quote).join(" ");
      const { code, stderr } = await shell(`${words} ${redirect}`);
      assert.equal(code, 0, stderr);
      const lines = stderr.trimEnd().split("\n");
      assert.match(lines[0], /^minimalloc: standard output is closed or a read-write \/dev\/null/);
      assert.match(lines[lines.length - 1], /^Elapsed time/);
      const quiet = await shell(`${words} --quiet ${redirect}`);
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.equal(quiet.stderr, "");
    });
  }

  it("closed, but the result goes to --output: that is fine, exit 0", {
    skip: BASH === undefined ? "bash is not on the PATH" : false,
  }, async () => {
    using temp = tempDir();
    const output = join(temp.dir, "out.csv");
    const words = [...COMMAND, ...SOLVE, `--output=${output}`].map(quote).join(" ");
    const { code, stderr } = await shell(`${words} >&-`);
    assert.equal(code, 0, stderr);
    assert.equal(readFileSync(output, "utf8"), EXAMPLE_OUTPUT);
  });

  it("redirected to /dev/null (>/dev/null) is not closed: exit 0, no note", {
    skip: BASH === undefined ? "bash is not on the PATH" : false,
  }, async () => {
    const words = [...COMMAND, ...SOLVE].map(quote).join(" ");
    const { code, stderr } = await shell(`${words} >/dev/null`);
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /closed/);
  });
});
