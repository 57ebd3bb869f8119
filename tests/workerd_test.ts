// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The library inside workerd (Cloudflare's open-source edge runtime), as a
// test of web-standard purity: mod.ts bundled for the browser, loaded by a
// worker WITHOUT nodejs_compat (so any node:* import would fail to load),
// answering a POSTed CSV with the solved CSV.
//
// Needs the test-only npm package workerd (`deno task test` gets it through
// tests/import_map.json; or npm install, bun install) and deno on the PATH
// for bundling; skips with a message when one is missing.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseCsv, solve, stringifyCsv } from "../mod.ts";
import { assertDenoOnlyInHost } from "./_bundle.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const EXAMPLE = readFileSync(join(ROOT, "examples", "input.12.csv"), "utf8");

const WORKER_JS = `import { parseCsv, solve, stringifyCsv } from "./lib.js";

export default {
  async fetch(request) {
    if (request.method !== "POST") return new Response("POST a CSV\\n", { status: 405 });
    const capacity = Number(new URL(request.url).searchParams.get("capacity"));
    try {
      const problem = parseCsv(await request.text(), { file: "request.csv", capacity });
      return new Response(stringifyCsv(problem, solve(problem)), {
        headers: { "content-type": "text/csv" },
      });
    } catch (error) {
      return new Response(\`\${error.name}: \${error.message}\\n\`, { status: 422 });
    }
  },
};
`;

function configCapnp(port: number): string {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.js"),
              (name = "./lib.js", esModule = embed "lib.js") ],
  compatibilityDate = "2025-01-01",
);
`;
}

/**
 * The workerd binary: where the workerd package says it is (Deno installs
 * the package on first import, through tests/import_map.json), or where npm
 * puts it.
 */
async function findWorkerd(): Promise<string | undefined> {
  try {
    // Bun gives the CommonJS module's default export, Deno the module.
    const exported = (await import("workerd")).default as unknown;
    const path = typeof exported === "string"
      ? exported
      : (exported as { default?: unknown } | undefined)?.default;
    if (typeof path === "string" && existsSync(path)) return path;
  } catch {
    // Not installed: try the usual places below.
  }
  const os = { linux: "linux", darwin: "darwin", win32: "windows" }[process.platform as string];
  const arch = { x64: "64", arm64: "arm64" }[process.arch as string];
  const exe = process.platform === "win32" ? "workerd.exe" : "workerd";
  const candidates = [
    join(ROOT, "node_modules", "@cloudflare", `workerd-${os}-${arch}`, "bin", exe),
    join(ROOT, "node_modules", ".bin", "workerd"),
  ];
  return candidates.find((path) => existsSync(path));
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** The Deno permissions this test lacks (none outside Deno). */
function missingPermissions(names: string[]): string[] {
  // deno-lint-ignore no-explicit-any
  const permissions = (globalThis as any).Deno?.permissions;
  if (!permissions) return [];
  return names.filter((name) => permissions.querySync({ name }).state !== "granted");
}

function hasDeno(): boolean {
  if (process.versions.deno) return true;
  return !spawnSync("deno", ["--version"]).error;
}

const missing = missingPermissions(["read", "write", "net", "env", "run"]);
const workerd = missing.length > 0 ? undefined : await findWorkerd();
const skip = missing.length > 0
  ? `needs --allow-${missing.join(" --allow-")} (deno test -A)`
  : workerd === undefined
  ? "workerd is not installed (deno task test maps it to npm; or npm install, bun install)"
  : !hasDeno()
  ? "deno is not on the PATH (it bundles the library)"
  : false;
if (skip) console.warn(`workerd_test: skipped: ${skip}`);

describe("the library in workerd, without nodejs_compat", { skip }, () => {
  let tmp = "";
  let child: ChildProcess | undefined;
  let output = "";
  let base = "";

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "minimalloc-workerd-"));
    const deno = process.versions.deno ? process.execPath : "deno";
    const bundled = spawnSync(
      deno,
      ["bundle", "--quiet", "--platform=browser", join(ROOT, "mod.ts"), "-o", join(tmp, "lib.js")],
      { encoding: "utf8", cwd: ROOT },
    );
    assert.equal(bundled.status, 0, `deno bundle failed:\n${bundled.stderr}`);
    writeFileSync(join(tmp, "worker.js"), WORKER_JS);
    const port = await freePort();
    writeFileSync(join(tmp, "config.capnp"), configCapnp(port));
    base = `http://127.0.0.1:${port}`;

    child = spawn(workerd!, ["serve", "config.capnp"], { cwd: tmp, stdio: "pipe" });
    child.stdout!.on("data", (chunk) => output += chunk);
    child.stderr!.on("data", (chunk) => output += chunk);
    let exited = false;
    child.once("exit", () => exited = true);
    // Wait until it answers (any answer: a GET gets 405).
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const response = await fetch(`${base}/`);
        await response.body?.cancel();
        break;
      } catch {
        if (exited) throw new Error(`workerd exited:\n${output}`);
        if (Date.now() > deadline) throw new Error(`workerd did not answer in 30 s:\n${output}`);
        await new Promise((wait) => setTimeout(wait, 100));
      }
    }
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exit = new Promise((done) => child!.once("exit", done));
      child.kill("SIGTERM");
      await exit;
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("bundles without node: imports, and without Deno APIs but the command line's host", () => {
    const source = readFileSync(join(tmp, "lib.js"), "utf8");
    assert.equal(source.match(/node:/g), null);
    assertDenoOnlyInHost(source);
  });

  it("answers a POSTed CSV with the solved CSV", async () => {
    const response = await fetch(`${base}/?capacity=12`, { method: "POST", body: EXAMPLE });
    const text = await response.text();
    assert.equal(response.status, 200, `${text}\n${output}`);
    assert.equal(response.headers.get("content-type"), "text/csv");
    const problem = parseCsv(EXAMPLE, { file: "input.12.csv", capacity: 12 });
    assert.equal(text, stringifyCsv(problem, solve(problem)));
    assert.ok(text.split("\n")[0].split(",").includes("offset"));
  });

  it("reports an infeasible capacity and a malformed CSV", async () => {
    const infeasible = await fetch(`${base}/?capacity=11`, { method: "POST", body: EXAMPLE });
    assert.equal(infeasible.status, 422);
    assert.match(await infeasible.text(), /^SolveError: .*11/);
    const malformed = await fetch(`${base}/?capacity=12`, {
      method: "POST",
      body: "id,lower,upper,size\nb1,0,3,4x\n",
    });
    assert.equal(malformed.status, 422);
    assert.match(await malformed.text(), /size/);
  });
});
