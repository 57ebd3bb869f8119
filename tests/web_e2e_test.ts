// Copyright the @x/minimalloc authors. Apache-2.0 license.
/// <reference lib="dom" />

// The web page (web/) end to end, in a real headless Chromium driven by
// playwright-core: solve the example, see the picture, download the CSV,
// cancel a long solve, minimize without a capacity, show errors; and the
// bundled library's solveAsync on its Web Workers, in a cross-origin
// isolated page, giving solve()'s answer on a generated 400-buffer
// problem. The test bundles the library afresh (as `deno task bundle:web`
// does) and serves web/ from 127.0.0.1 itself, with the fresh bundle as
// /minimalloc.js and the headers that isolate the page, so it tests the
// current sources.
//
// Needs /usr/bin/chromium (Debian: `apt-get install -y chromium`), the
// test-only npm package playwright-core (`deno task test` gets it through
// tests/import_map.json; or npm install, bun install) and deno on the PATH
// for bundling; skips with a message when one is missing. A screenshot of
// the solved page is written to /tmp/minimalloc_web.png.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, resolve, sep } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseCsv, type Problem, solve, stringifyCsv, validate } from "../mod.ts";
import { generateProblem } from "../benchmarks/_generate.ts";
import { assertDenoOnlyInHost } from "./_bundle.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];
const SCREENSHOT = "/tmp/minimalloc_web.png";
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WEB = join(ROOT, "web");
const EXAMPLE = readFileSync(join(ROOT, "examples", "input.12.csv"), "utf8");

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".csv": "text/csv; charset=utf-8",
  ".png": "image/png",
};

/** A problem the search does not settle for many seconds: to cancel. */
const HARD = generateProblem({ seed: 1, buffers: 400, construction: "planted", slack: 1 });
/** A problem the search settles quickly, above the worker threshold. */
const EASY = generateProblem({ seed: 2, buffers: 400, construction: "planted", slack: 1.05 });

/** A problem as the CSV a user pastes. */
function csvOf(problem: Problem): string {
  const rows = problem.buffers.map((b) => `${b.id},${b.lower},${b.upper},${b.size}`);
  return ["id,lower,upper,size", ...rows].join("\n") + "\n";
}

type Playwright = typeof import("playwright-core");

async function loadPlaywright(): Promise<Playwright | string> {
  try {
    return await import("playwright-core");
  } catch (error) {
    return String(error);
  }
}

/** The Deno permissions this test lacks (none outside Deno). */
function missingPermissions(names: string[]): string[] {
  // deno-lint-ignore no-explicit-any
  const permissions = (globalThis as any).Deno?.permissions;
  if (!permissions) return [];
  return names.filter((name) => permissions.querySync({ name }).state !== "granted");
}

/** Bundles mod.ts for the browser into `dir`; a skip reason if deno is missing. */
function bundle(dir: string): { path: string } | { skip: string } {
  const path = join(dir, "minimalloc.js");
  const deno = process.versions.deno ? process.execPath : "deno";
  const run = spawnSync(
    deno,
    ["bundle", "--quiet", "--platform=browser", join(ROOT, "mod.ts"), "-o", path],
    { encoding: "utf8", cwd: ROOT },
  );
  if (run.error && (run.error as { code?: string }).code === "ENOENT") {
    return { skip: "deno is not on the PATH (it bundles the library)" };
  }
  if (run.status !== 0) throw new Error(`deno bundle failed:\n${run.stderr}`);
  return { path };
}

const missing = missingPermissions(["read", "write", "net", "env", "run", "sys"]);
const loaded = missing.length > 0 ? undefined : await loadPlaywright();
const playwright = typeof loaded === "object" ? loaded : undefined;
const skip = missing.length > 0
  ? `needs --allow-${missing.join(" --allow-")} (deno test -A)`
  : !existsSync(CHROMIUM)
  ? `${CHROMIUM} is absent (apt-get install -y chromium)`
  : typeof loaded === "string"
  ? `playwright-core cannot be loaded (deno task test maps it to npm; or npm install, bun install): ${loaded}`
  : false;
if (skip) console.warn(`web_e2e_test: skipped: ${skip}`);

describe("the web page", { skip }, () => {
  let tmp = "";
  let bundlePath = "";
  let server: Server;
  let base = "";
  // deno-lint-ignore no-explicit-any
  let context: any;
  // deno-lint-ignore no-explicit-any
  let page: any;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "minimalloc-web-"));
    const built = bundle(tmp);
    if ("skip" in built) throw new Error(built.skip);
    bundlePath = built.path;
    const source = readFileSync(bundlePath, "utf8");
    assert.equal(source.match(/node:/g), null, "no node: imports in the browser bundle");
    assertDenoOnlyInHost(source);

    server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      let file = resolve(WEB, `.${path === "/" ? "/index.html" : path}`);
      if (path === "/minimalloc.js") file = bundlePath;
      else if (!file.startsWith(WEB + sep)) file = "";
      // Cross-origin isolation: the page may share memory with its workers.
      const headers: Record<string, string> = {
        "cache-control": "no-store",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-embedder-policy": "require-corp",
      };
      if (path === "/no-workers.html") {
        // A page whose security policy forbids every worker.
        res.writeHead(200, {
          ...headers,
          "content-security-policy": "worker-src 'none'",
          "content-type": MIME[".html"],
        }).end("<!doctype html><title>no workers</title>");
        return;
      }
      if (!file || !existsSync(file)) {
        res.writeHead(404, headers).end("not found");
        return;
      }
      const type = MIME[extname(file)] ?? "application/octet-stream";
      res.writeHead(200, { ...headers, "content-type": type }).end(readFileSync(file));
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    context = await playwright!.chromium.launchPersistentContext(join(tmp, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      acceptDownloads: true,
      viewport: { width: 1100, height: 900 },
    });
    // Counts the workers the page starts.
    await context.addInitScript(() => {
      const Base = globalThis.Worker;
      // deno-lint-ignore no-explicit-any
      (globalThis as any).__workersStarted = 0;
      globalThis.Worker = class extends Base {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(url, options);
          // deno-lint-ignore no-explicit-any
          (globalThis as any).__workersStarted++;
        }
      };
    });
    page = context.pages()[0] ?? await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error: Error) => errors.push(error.message));
    await page.goto(`${base}/`);
    await page.waitForLoadState("load");
    assert.deepEqual(errors, []);
  });

  after(async () => {
    await context?.close();
    await new Promise((done) => server?.close(done));
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("opens with the example and capacity 12", async () => {
    assert.equal((await page.inputValue("#csv")).trim(), EXAMPLE.trim());
    assert.equal(await page.inputValue("#capacity"), "12");
  });

  it("solves the example, draws it and offers the solved CSV", async () => {
    await page.fill("#capacity", "12");
    await page.click("#solve");
    await page.waitForSelector("#picture svg [data-id]");
    assert.match(await page.textContent("#status"), /^Solved 5 buffers in \d+\.\d s\.$/);

    const ids: string[] = await page.$$eval(
      "#picture svg [data-id]",
      (nodes: Element[]) => nodes.map((node) => node.getAttribute("data-id")),
    );
    assert.deepEqual([...new Set(ids)].sort(), ["b1", "b2", "b3", "b4", "b5"]);
    assert.equal(ids.length, 5);
    // The picture is laid out: each buffer has a visible box.
    const boxes: { width: number; height: number }[] = await page.$$eval(
      "#picture svg [data-id]",
      (nodes: Element[]) =>
        nodes.map((node) => {
          const box = node.getBoundingClientRect();
          return { width: box.width, height: box.height };
        }),
    );
    for (const box of boxes) assert.ok(box.width > 10 && box.height > 10, JSON.stringify(box));

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#download"),
    ]);
    const csv = readFileSync(await download.path(), "utf8");
    const header = csv.split("\n")[0].split(",");
    assert.ok(header.includes("offset"), `an offset column in ${JSON.stringify(header)}`);
    const problem = parseCsv(EXAMPLE, { file: "input.12.csv", capacity: 12 });
    assert.equal(csv, stringifyCsv(problem, solve(problem)));
    assert.equal(download.suggestedFilename(), "input.12.solution.csv");
    assert.equal((await page.textContent("#output")).trim(), csv.trim());

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it("writes SVG that the browser's XML parser accepts, odd ids included", async () => {
    const result = await page.evaluate(async () => {
      const lib = await import("/minimalloc.js");
      const ids = [`a&b<c>"d'e`, "line\nbreak", "ctrl\u0001", "🧠"];
      const problem = {
        capacity: 40,
        buffers: ids.map((id, i) => ({ id, lower: i, upper: i + 2, size: 10 })),
      };
      const svg = lib.renderSvg(problem, { offsets: [0, 10, 20, 30], height: 40 });
      const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
      return {
        error: doc.querySelector("parsererror")?.textContent ?? null,
        ids: [...doc.querySelectorAll("[data-id]")].map((node) => node.getAttribute("data-id")),
      };
    });
    assert.equal(result.error, null);
    assert.deepEqual(result.ids, [`a&b<c>"d'e`, "line\nbreak", "ctrl\ufffd", "🧠"]);
  });

  it("solves 400 buffers with the bundle's solveAsync on workers, as solve() does", async () => {
    const result = await page.evaluate(async (problem: Problem) => {
      const lib = await import("/minimalloc.js");
      // deno-lint-ignore no-explicit-any
      const before = (globalThis as any).__workersStarted;
      const solution = await lib.solveAsync(problem);
      return {
        isolated: globalThis.crossOriginIsolated,
        offsets: solution.offsets,
        height: solution.height,
        // deno-lint-ignore no-explicit-any
        workers: (globalThis as any).__workersStarted - before,
      };
    }, EASY.problem);
    assert.equal(result.isolated, true, "the page is cross-origin isolated");
    assert.ok(result.workers > 0, "solveAsync started workers");
    const expected = solve(EASY.problem);
    assert.deepEqual(result.offsets, expected.offsets);
    assert.equal(validate(EASY.problem, result), "good");
  });

  it("solves with solveAsync on the page's own thread where its policy forbids workers", async () => {
    // No worker can start there: solveAsync falls back to solve() on the
    // page's thread, with the same answer.
    const other = await context.newPage();
    try {
      await other.goto(`${base}/no-workers.html`);
      const result = await other.evaluate(async (problem: Problem) => {
        const lib = await import("/minimalloc.js");
        const solution = await lib.solveAsync(problem);
        return { offsets: solution.offsets, height: solution.height, stats: solution.stats };
      }, EASY.problem);
      assert.deepEqual(result.offsets, solve(EASY.problem).offsets);
      assert.equal(result.stats?.workers ?? 0, 0);
    } finally {
      await other.close();
    }
  });

  it("ticks while solving a hard problem and cancels it", async () => {
    // A solve's picture on the page first: the cancelled solve, which has
    // none, must not leave it under its status.
    await page.fill("#csv", EXAMPLE);
    await page.fill("#capacity", "12");
    await page.click("#solve");
    await page.waitForSelector("#status.ok");
    assert.equal(await page.isVisible("#result"), true);
    await page.fill("#csv", csvOf(HARD.problem));
    await page.fill("#capacity", String(HARD.capacity));
    await page.click("#solve");
    await page.waitForFunction(() =>
      /Solving 400 buffers… [1-9]\d*\.\d s|Solving 400 buffers… 0\.[5-9] s/.test(
        document.getElementById("status")!.textContent!,
      )
    );
    assert.equal(await page.isDisabled("#solve"), true);
    assert.equal(await page.isEnabled("#cancel"), true);
    await page.click("#cancel");
    assert.match(await page.textContent("#status"), /^Cancelled after \d+\.\d s\.$/);
    assert.equal(await page.isHidden("#result"), true);
    assert.equal(await page.isEnabled("#solve"), true);
    assert.equal(await page.isDisabled("#cancel"), true);
    // A new solve after a cancel works.
    await page.fill("#csv", EXAMPLE);
    await page.fill("#capacity", "12");
    await page.click("#solve");
    await page.waitForFunction(() =>
      document.getElementById("status")!.textContent!.startsWith("Solved")
    );
  });

  it("minimizes without a capacity", async () => {
    await page.fill("#csv", EXAMPLE);
    await page.fill("#capacity", "");
    await page.check("#minimize");
    try {
      await page.click("#solve");
      await page.waitForSelector("#status.ok");
      assert.match(await page.textContent("#summary"), /height 12 · optimal/);
    } finally {
      await page.uncheck("#minimize");
      await page.fill("#capacity", "12");
    }
  });

  it("reports a malformed CSV and an infeasible capacity", async () => {
    await page.fill("#csv", "id,lower,upper,size\nb1,0,3,4x\n");
    await page.click("#solve");
    assert.equal(await page.getAttribute("#status", "class"), "status error");
    assert.match(await page.textContent("#status"), /size/);

    await page.fill("#csv", EXAMPLE);
    await page.fill("#capacity", "12");
    await page.click("#solve");
    await page.waitForSelector("#status.ok");
    await page.fill("#capacity", "11");
    await page.click("#solve");
    await page.waitForSelector("#status.error");
    assert.match(await page.textContent("#status"), /11/);
    // The picture of the earlier solve does not stay under the error.
    assert.equal(await page.isHidden("#result"), true);
    await page.fill("#capacity", "12");
  });

  it("names an opened file in its errors until its text is edited", async () => {
    // A file chosen in the page: its errors point at its own lines.
    await page.setInputFiles("#file", {
      name: "mine.12.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("id,lower,upper,size\nb1,0,3,4x\n"),
    });
    // The page reads the file in the background: wait for its text.
    await page.waitForFunction(() =>
      document.getElementById("file-name")?.textContent === "mine.12.csv" &&
      (document.getElementById("csv") as HTMLTextAreaElement).value.includes("4x")
    );
    await page.click("#solve");
    await page.waitForSelector("#status.error");
    assert.match(await page.textContent("#status") ?? "", /mine\.12\.csv/);
    // Typed over, the text is no longer that file's: its errors name none.
    await page.fill("#csv", "id,lower,upper,size\nb1,0,3,5y\n");
    await page.waitForFunction(() =>
      !document.getElementById("file-name")?.textContent?.includes("mine")
    );
    await page.click("#solve");
    await page.waitForSelector("#status.error");
    const status = await page.textContent("#status") ?? "";
    assert.match(status, /^line 2: size: .*5y/);
    await page.fill("#csv", EXAMPLE);
  });
});
