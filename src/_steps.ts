// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// Long work written as a generator of steps (a fast heuristic's passes, a
// large neighbourhood search's sub-problems), driven either to the end at
// once (solve(), a worker) or in slices with a turn of the event loop
// between them (solveAsync where no worker can run, whose caller's timers
// and abort signal must be seen). The steps are the same either way, so
// is the result.

import { turn } from "./_turn.ts";

/** Runs every step; returns the result. */
export function finish<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs the steps in slices of about `sliceMs` milliseconds, with a turn
 * of the event loop after each; resolves with the result.
 */
export async function inSlices<T>(steps: Generator<void, T>, sliceMs: number): Promise<T> {
  let until = performance.now() + sliceMs;
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() >= until) {
      await turn();
      until = performance.now() + sliceMs;
    }
  }
}
