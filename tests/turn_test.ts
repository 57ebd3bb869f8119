// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The calling thread's hop from one search run to the next (src/_turn.ts)
// must let a worker's replies through: a command line races its searches
// there and on a worker, and in Deno a chain of `setImmediate` callbacks
// held each reply back for about half a second (the worker then ran a few
// runs a second). Timers must keep their turn too (progress lines, the
// time limit).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nextTurn } from "../src/_turn.ts";
import { workersAvailable } from "../src/_pool.ts";

const SKIP = workersAvailable() ? undefined : "this runtime has no Web Workers";

/** Busy for `ms` milliseconds, as a search run is. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* a search run */ }
}

/** The value below which a share `q` of some numbers lie. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

describe("hops from one 20 ms run to the next", { skip: SKIP }, () => {
  it("let a worker's replies and the timers through", { timeout: 30_000 }, async () => {
    // The worker answers each message after 20 ms of work of its own.
    const source = `self.onmessage = (e) => {
      const until = performance.now() + 20;
      while (performance.now() < until) {}
      self.postMessage(e.data);
    };`;
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const worker = new Worker(url, { type: "module" });
    const replies: number[] = [];
    const lateness: number[] = [];
    let running = true;
    try {
      await new Promise<void>((resolve) => {
        worker.onmessage = (event: MessageEvent<number>) => {
          replies.push(performance.now() - event.data);
          if (replies.length < 40) worker.postMessage(performance.now());
          else resolve();
        };
        worker.postMessage(performance.now());
        let due = performance.now() + 50;
        const tick = () => {
          lateness.push(performance.now() - due);
          due = performance.now() + 50;
          if (running) setTimeout(tick, 50);
        };
        setTimeout(tick, 50);
        const run = () => {
          if (!running) return;
          busy(20);
          nextTurn(run);
        };
        nextTurn(run);
      });
    } finally {
      running = false;
      worker.terminate();
      URL.revokeObjectURL(url);
    }
    // A reply waits for a run or two here (20-50 ms). Held back, a
    // quarter to all of them waited 0.5-1.1 s: the slowest tenth tells.
    const slow = quantile(replies, 0.9);
    assert.ok(slow < 200, `a tenth of the replies came after ${slow.toFixed(0)} ms or more`);
    const late = quantile(lateness, 0.5);
    assert.ok(late < 100, `timers late by ${late.toFixed(0)} ms`);
  });
});
