// Copyright the @x/minimalloc authors. Apache-2.0 license.

// Run as a process by solve_async_without_workers_test.ts: solveAsync in a
// runtime without Web Workers (Node 20, workerd, a page that forbids
// them), its Worker taken away before the library loads. Prints one JSON
// line. With the argument "hard": an easy problem's offsets from solve()
// and from solveAsync(), and how a hard solve without a time limit ended
// once aborted (see ABORT_MS). With "large": how a large problem's
// minimization without a time limit (its fast heuristics and its large
// neighbourhood search, not only probes) ended once aborted. Both with the
// timer ticks the event loop ran meanwhile, and the longest wait between
// two.

delete (globalThis as { Worker?: unknown }).Worker;
const { solve, solveAsync, SolveError } = await import("../mod.ts");
const { generateProblem } = await import("../benchmarks/_generate.ts");

// After the large minimization's heuristics, while its neighbourhood
// search runs (from about 0.4 s).
const ABORT_MS = { hard: 300, large: 1500 };
const TICK_MS = 50;
const scope = globalThis as { Deno?: { args: string[] }; process?: { argv: string[] } };
const mode = (scope.Deno?.args[0] ?? scope.process?.argv[2]) as "hard" | "large";

let same: boolean | undefined;
if (mode === "hard") {
  const easy = generateProblem({ seed: 2, buffers: 400, construction: "planted", slack: 1.05 });
  const here = solve(easy.problem).offsets;
  const async = (await solveAsync(easy.problem)).offsets;
  same = here.join() === async.join();
} else if (mode !== "large") {
  throw new TypeError(`Expected "hard" or "large", got ${mode}`);
}

const problem = mode === "hard"
  ? generateProblem({ seed: 1, buffers: 400, construction: "planted", slack: 1 }).problem
  : {
    buffers: generateProblem({ seed: 7, buffers: 2000, construction: "planted" }).problem.buffers,
  };
const controller = new AbortController();
let ticks = 0;
let last = performance.now();
let held = 0;
const ticker = setInterval(() => {
  const now = performance.now();
  held = Math.max(held, now - last);
  last = now;
  ticks++;
}, TICK_MS);
setTimeout(() => controller.abort(), ABORT_MS[mode]);
const start = performance.now();
let code = "solved";
try {
  await solveAsync(problem, { signal: controller.signal, minimizeCapacity: mode === "large" });
} catch (error) {
  code = error instanceof SolveError ? error.code : String(error);
}
const ms = performance.now() - start;
clearInterval(ticker);
console.log(JSON.stringify({ same, code, ms, ticks, held }));
