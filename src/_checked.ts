// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// Problems the solver has already checked, with their peak load on demand,
// for the duration of one heuristic run: solveHeuristic then neither checks
// them again nor recomputes the peak load (together over a second at 10^6
// buffers). Registered only around the call (see _prepared.ts), so a
// problem a caller changes later is checked again.

import type { Problem } from "./problem.ts";

/** What the solver knows of a problem it runs a heuristic on. */
export interface Checked {
  /**
   * The problem's peak load, or a lower bound on it (0 at worst) where
   * there is no time left to measure it: it only stops improving early.
   */
  peakLoad: () => number;
  /**
   * The `performance.now()` after which the heuristic stops improving a
   * complete placement (its first placement may run to its time limit):
   * the caller keeps the time left to check the answer.
   */
  improveUntil?: number;
}

const checked = new WeakMap<Problem, Checked>();

/**
 * Runs `run` with `problem` known to be checked. A heuristic run so
 * returns a `lowerBound` only where it measured the peak load for its own
 * use (its stop test): the solver's worker never reports it.
 */
export function withChecked<T>(problem: Problem, known: Checked, run: () => T): T {
  checked.set(problem, known);
  try {
    return run();
  } finally {
    checked.delete(problem);
  }
}

/** What is known of a problem being run by withChecked, if it is one. */
export function checkedOf(problem: Problem): Checked | undefined {
  return checked.get(problem);
}
