// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// Problems the solver has already checked, with their peak load on demand,
// for the duration of one heuristic run: solveHeuristic then neither checks
// them again nor recomputes the peak load (together over a second at 10^6
// buffers). Registered only around the call (see _prepared.ts), so a
// problem a caller changes later is checked again.

import type { Problem } from "./problem.ts";

const checked = new WeakMap<Problem, () => number>();

/**
 * Runs `run` with `problem` known to be checked, its peak load given by
 * `peakLoad`.
 */
export function withChecked<T>(problem: Problem, peakLoad: () => number, run: () => T): T {
  checked.set(problem, peakLoad);
  try {
    return run();
  } finally {
    checked.delete(problem);
  }
}

/** The peak load of a problem being run by withChecked, if it is one. */
export function checkedPeakLoad(problem: Problem): (() => number) | undefined {
  return checked.get(problem);
}
