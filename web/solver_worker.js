// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The page's solver, off the main thread: reads the CSV and solves it with
// the synchronous solve(). The page cancels by terminating this worker, so
// the solve needs no AbortSignal.

import { parseCsv, solve } from "./minimalloc.js";

self.onmessage = ({ data }) => {
  try {
    const problem = parseCsv(data.csv, { file: data.file, capacity: data.capacity });
    const solution = solve(problem, { minimizeCapacity: data.minimizeCapacity });
    self.postMessage({ ok: true, solution });
  } catch (error) {
    self.postMessage({
      ok: false,
      name: error?.name ?? "Error",
      code: error?.code,
      message: String(error?.message ?? error),
    });
  }
};
