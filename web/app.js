// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The page: reads the form, solves in a Web Worker (solver_worker.js) with
// an elapsed-time ticker and a Cancel button that terminates the worker,
// then draws the solution (renderSvg) and offers the solved CSV
// (stringifyCsv). minimalloc.js is the library bundled for the browser by
// `deno task bundle:web`.

import { parseCsv, renderSvg, stringifyCsv } from "./minimalloc.js";

const $ = (id) => document.getElementById(id);

// Lines of the output CSV shown on the page; the download has them all.
const SHOWN_LINES = 2000;

// The name of the file the CSV came from, for messages and downloads; the
// page opens with examples/input.12.csv.
const EXAMPLE_NAME = "input.12.csv";
let fileName = EXAMPLE_NAME;
let worker = undefined;
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

// Ends the current solve, if any, wherever it is.
function stop() {
  if (worker) worker.terminate();
  worker = undefined;
  clearInterval(ticker);
  ticker = undefined;
  setBusy(false);
}

function start() {
  stop();
  const csv = $("csv").value;
  const capacity = Number($("capacity").value);
  if ($("capacity").value.trim() === "" || !Number.isSafeInteger(capacity) || capacity < 0) {
    setStatus(`Capacity: expected a whole number ≥ 0, got "${$("capacity").value}"`, "error");
    return;
  }
  const file = fileName ?? "input.csv";
  const minimizeCapacity = $("minimize").checked;
  let problem;
  try {
    problem = parseCsv(csv, { file, capacity });
  } catch (error) {
    setStatus(error.message, "error");
    return;
  }
  const n = problem.buffers.length;
  worker = new Worker(new URL("./solver_worker.js", import.meta.url), { type: "module" });
  worker.onmessage = ({ data }) => {
    const elapsed = performance.now() - started;
    stop();
    if (data.ok) {
      show(problem, data.solution);
      setStatus(`Solved ${n} buffer${n === 1 ? "" : "s"} in ${seconds(elapsed)}.`, "ok");
    } else {
      setStatus(data.message, "error");
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    stop();
    setStatus(`The solver failed: ${event.message ?? "unknown error"}`, "error");
  };
  worker.postMessage({ csv, file, capacity, minimizeCapacity });
  started = performance.now();
  const tick = () => {
    setStatus(`Solving ${n} buffer${n === 1 ? "" : "s"}… ${seconds(performance.now() - started)}`);
  };
  tick();
  ticker = setInterval(tick, 100);
  setBusy(true);
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

// Once the example is edited it is no longer the example.
$("csv").addEventListener("input", () => {
  if (fileName !== EXAMPLE_NAME) return;
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
