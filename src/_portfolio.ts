// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// The parallel portfolio: one Web Worker per preordering heuristic, each
// searching without a budget. The heuristics' search times are heavy-tailed
// (on the challenging suite each instance has one heuristic that solves it
// in well under a second while another runs for minutes), so racing them
// beats the reference's round robin of growing budgets.
//
// The race is decided by node counts, not by the clock, so the answer is
// the same on every run: the member that finishes (solved or proved
// infeasible) in the fewest nodes wins, ties going to the earlier
// heuristic. A finisher lowers a shared node cap; the others stop once they
// pass it, since they can no longer win.

import type { Problem, Solution } from "./problem.ts";
import { SolveError } from "./errors.ts";
import type { SolverOptions } from "./solve.ts";

/** A request to a portfolio worker. */
export interface PortfolioRequest {
  id: number;
  problem: Problem;
  options: SolverOptions;
  heuristic: string;
  cap: SharedArrayBuffer | undefined;
}

/** A portfolio worker's answer. */
export interface PortfolioReply {
  id: number;
  kind: "ok" | "infeasible" | "outrun" | "error";
  nodes: number;
  backtracks: number;
  offsets?: number[];
  height?: number;
  message?: string;
}

/** Whether this runtime can run the portfolio. */
export function portfolioAvailable(): boolean {
  return typeof Worker !== "undefined";
}

/** A pool of workers, one per heuristic, reused across probes. */
export class Portfolio {
  readonly #workers: Worker[] = [];
  readonly #heuristics: string[];
  #nextId = 0;
  #closed = false;

  /** @param heuristics One worker per heuristic. */
  constructor(heuristics: string[]) {
    this.#heuristics = heuristics;
    for (let i = 0; i < heuristics.length; i++) {
      this.#workers.push(
        new Worker(new URL("./_solve_worker.ts", import.meta.url).href, { type: "module" }),
      );
    }
  }

  /** Stops every worker at once, wherever it is. */
  close(): void {
    this.#closed = true;
    for (const worker of this.#workers) worker.terminate();
  }

  /**
   * Solves the problem at its capacity; resolves with the winner's
   * solution, rejects with the winner's SolveError (infeasible), or with
   * `abort`'s reason when it settles first.
   */
  solve(
    problem: Problem,
    options: SolverOptions,
    abort: Promise<never>,
    start: number,
  ): Promise<Solution> {
    if (this.#closed) throw new Error("Internal error: the portfolio is closed");
    const id = this.#nextId++;
    const shared = typeof SharedArrayBuffer === "function" ? new SharedArrayBuffer(8) : undefined;
    const cap = shared ? new Float64Array(shared) : undefined;
    if (cap) cap[0] = Infinity;
    // Options cross the thread boundary by structured clone: no signal.
    const { signal: _signal, timeout: _timeout, ...plain } = options;
    const replies: (PortfolioReply | undefined)[] = this.#heuristics.map(() => undefined);
    const race = new Promise<Solution>((resolve, reject) => {
      let pending = this.#workers.length;
      const settle = () => {
        let best: PortfolioReply | undefined;
        let nodes = 0;
        let backtracks = 0;
        for (const reply of replies) {
          nodes += reply!.nodes;
          backtracks += reply!.backtracks;
          if (reply!.kind === "error") {
            reject(new Error(`Internal error in a portfolio worker: ${reply!.message}`));
            return;
          }
          if (reply!.kind === "outrun") continue;
          if (best === undefined || reply!.nodes < best.nodes) best = reply;
        }
        if (best === undefined) {
          reject(new Error("Internal error: no portfolio member finished"));
        } else if (best.kind === "ok") {
          resolve({
            offsets: best.offsets!,
            height: best.height!,
            stats: { nodes, backtracks, elapsedMs: performance.now() - start },
          });
        } else {
          reject(
            new SolveError(
              "infeasible",
              `No solution exists within capacity ${problem.capacity}`,
              { nodes, backtracks },
            ),
          );
        }
      };
      this.#workers.forEach((worker, i) => {
        worker.onmessage = (event: MessageEvent<PortfolioReply>) => {
          const reply = event.data;
          if (reply.id !== id) return;
          replies[i] = reply;
          if (reply.kind === "ok" || reply.kind === "infeasible") {
            if (cap) {
              if (reply.nodes < cap[0]) cap[0] = reply.nodes;
            } else {
              // Without shared memory the others cannot be capped: the
              // first finisher wins, which may vary from run to run.
              for (let j = 0; j < replies.length; j++) {
                replies[j] ??= { id, kind: "outrun", nodes: 0, backtracks: 0 };
              }
              pending = 1;
            }
          }
          if (--pending === 0) settle();
        };
        worker.onerror = (event: ErrorEvent) => {
          event.preventDefault();
          reject(new Error(`Internal error in a portfolio worker: ${event.message}`));
        };
        const request: PortfolioRequest = {
          id,
          problem,
          options: plain,
          heuristic: this.#heuristics[i],
          cap: shared,
        };
        worker.postMessage(request);
      });
    });
    return Promise.race([race, abort]);
  }
}
