// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The page: reads the form, solves with the library's solveAsync (on its
// pool of Web Workers, off this thread) with an elapsed-time ticker and a
// Cancel button that aborts the solve, then draws the solution (renderSvg)
// and offers the solved CSV (stringifyCsv). minimalloc.js is the library
// bundled for the browser by `deno task bundle:web`; its workers travel
// inside it.

import { parseCsv, renderSvg, solveAsync, stringifyCsv } from "./minimalloc.js";

const $ = (id) => document.getElementById(id);

// Lines of the output CSV shown on the page; the download has them all.
const SHOWN_LINES = 2000;

// The name of the file the CSV came from, for messages and downloads; the
// page opens with examples/input.12.csv.
const EXAMPLE_NAME = "input.12.csv";
let fileName = EXAMPLE_NAME;
// The solve under way: aborting it stops the workers.
let controller = undefined;
let ticker = undefined;
let started = 0;
let outputCsv = "";
let outputSvg = "";

// "resnet50.1048576.csv" says its capacity, as the benchmark files do.
function capacityFromName(name) {
  return /\.(\d+)\.csv$/i.exec(name)?.[1];
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

function setStatus(text, kind = "") {
  const status = $("status");
  status.textContent = text;
  status.className = `status ${kind}`;
}

function setBusy(busy) {
  $("solve").disabled = busy;
  $("cancel").disabled = !busy;
}

// Ends the current solve, if any.
function stop() {
  controller?.abort();
  controller = undefined;
  clearInterval(ticker);
  ticker = undefined;
  setBusy(false);
}

async function start() {
  stop();
  const csv = $("csv").value;
  const minimizeCapacity = $("minimize").checked;
  const text = $("capacity").value.trim();
  // Minimizing needs no capacity: empty means no upper limit.
  const capacity = text === "" && minimizeCapacity ? undefined : Number(text);
  if (capacity !== undefined && (text === "" || !Number.isSafeInteger(capacity) || capacity < 0)) {
    fail(`Capacity: expected a whole number ≥ 0, got "${text}"`);
    return;
  }
  let problem;
  try {
    // Edited text names no file: its errors say "line 2: …".
    problem = parseCsv(csv, { file: fileName, capacity });
  } catch (error) {
    fail(error.message);
    return;
  }
  const n = problem.buffers.length;
  // The last solve's picture and CSV go: a cancelled solve without a
  // solution would leave them under its status.
  $("result").hidden = true;
  const mine = new AbortController();
  controller = mine;
  started = performance.now();
  const tick = () => {
    setStatus(`Solving ${n} buffer${n === 1 ? "" : "s"}… ${seconds(performance.now() - started)}`);
  };
  tick();
  ticker = setInterval(tick, 100);
  setBusy(true);
  let solution;
  try {
    solution = await solveAsync(problem, { minimizeCapacity, signal: mine.signal });
  } catch (error) {
    if (controller !== mine) return; // Cancelled, or another solve started.
    stop();
    fail(error.message);
    return;
  }
  const elapsed = performance.now() - started;
  const cancelled = mine.signal.aborted;
  if (controller !== undefined && controller !== mine) return; // A newer solve runs.
  if (controller === mine) stop();
  show(problem, solution);
  if (cancelled) {
    // A cancelled minimization returns the best solution it had found.
    setStatus(`Stopped after ${seconds(elapsed)}: the best solution so far.`, "ok");
  } else {
    setStatus(`Solved ${n} buffer${n === 1 ? "" : "s"} in ${seconds(elapsed)}.`, "ok");
  }
}

// An error: the message, and no picture of an earlier solve under it.
function fail(message) {
  setStatus(message, "error");
  $("result").hidden = true;
}

function show(problem, solution) {
  outputSvg = renderSvg(problem, solution, { width: 960, height: 480, title: fileName });
  outputCsv = stringifyCsv(problem, solution);
  $("picture").innerHTML = outputSvg;
  const stats = solution.stats;
  $("summary").textContent = [
    `height ${solution.height}`,
    solution.optimal ? "optimal" : undefined,
    stats ? `${stats.nodes} search node${stats.nodes === 1 ? "" : "s"}` : undefined,
  ].filter(Boolean).join(" · ");
  const lines = outputCsv.split("\n");
  $("output").textContent = lines.length > SHOWN_LINES + 1
    ? `${lines.slice(0, SHOWN_LINES).join("\n")}\n… ${lines.length - 1 - SHOWN_LINES} more lines`
    : outputCsv;
  $("result").hidden = false;
}

function download(text, type, name) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// "input.12.csv" → "input.12.solution.csv".
function outputName(extension) {
  const base = (fileName ?? "input.csv").replace(/\.csv$/i, "");
  return `${base}.solution.${extension}`;
}

$("file").addEventListener("change", async () => {
  const file = $("file").files[0];
  if (!file) return;
  $("csv").value = await file.text();
  fileName = file.name;
  $("file-name").textContent = file.name;
  const capacity = capacityFromName(file.name);
  if (capacity !== undefined) $("capacity").value = capacity;
  setStatus("Ready.");
});

// Once edited, the text is no longer the example or the file opened:
// errors name no file, and downloads take a generic name.
$("csv").addEventListener("input", () => {
  if (fileName === undefined) return;
  fileName = undefined;
  $("file-name").textContent = "or edit the buffers below";
});

$("form").addEventListener("submit", (event) => {
  event.preventDefault();
  start();
});

$("cancel").addEventListener("click", () => {
  const elapsed = performance.now() - started;
  stop();
  setStatus(`Cancelled after ${seconds(elapsed)}.`);
});

$("download").addEventListener("click", () => {
  download(outputCsv, "text/csv", outputName("csv"));
});

$("download-svg").addEventListener("click", () => {
  download(outputSvg, "image/svg+xml", outputName("svg"));
});
