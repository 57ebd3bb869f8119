// Copyright the @x/minimalloc authors. Apache-2.0 license.

// Run as a process by solve_async_without_workers_test.ts: solveAsync in a
// runtime without Web Workers (Node 20, workerd, a page that forbids
// them), its Worker taken away before the library loads. Prints one JSON
// line: an easy problem's offsets from solve() and from solveAsync(), and
// how a hard solve without a time limit ended once aborted after
// ABORT_MS, with the timer ticks the event loop ran meanwhile.

delete (globalThis as { Worker?: unknown }).Worker;
const { solve, solveAsync, SolveError } = await import("../mod.ts");
const { generateProblem } = await import("../benchmarks/_generate.ts");

const ABORT_MS = 300;
const easy = generateProblem({ seed: 2, buffers: 400, construction: "planted", slack: 1.05 });
const here = solve(easy.problem).offsets;
const async = (await solveAsync(easy.problem)).offsets;

const hard = generateProblem({ seed: 1, buffers: 400, construction: "planted", slack: 1 });
const controller = new AbortController();
let ticks = 0;
const ticker = setInterval(() => ticks++, 50);
setTimeout(() => controller.abort(), ABORT_MS);
const start = performance.now();
let code = "solved";
try {
  await solveAsync(hard.problem, { signal: controller.signal });
} catch (error) {
  code = error instanceof SolveError ? error.code : String(error);
}
const ms = performance.now() - start;
clearInterval(ticker);
console.log(JSON.stringify({ same: here.join() === async.join(), code, ms, ticks }));
