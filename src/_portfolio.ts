// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// Workers for solveAsync, and the parallel portfolio: one worker per
// preordering heuristic, each searching without a budget. The heuristics'
// search times are heavy-tailed (on the challenging suite each instance
// has a heuristic that solves it in well under a second while another runs
// for minutes), so racing them beats the reference's round robin.
//
// The race is decided by node counts, not by the clock, so the answer is
// the same on every run: the member that finishes (solved or proved
// infeasible) in the fewest nodes wins, ties going to the earlier
// heuristic. A finisher lowers a shared node cap; the others stop once they
// pass it, since they can no longer win.

import type { Problem, Solution } from "./problem.ts";
import { SolveError } from "./errors.ts";
import type { SolverOptions } from "./solve.ts";
import { OutrunError } from "./_solve_core.ts";
import type { WorkerReply, WorkerRequest } from "./_solve_worker.ts";

/**
 * Whether this runtime can run solves on workers: it needs workers, and
 * shared memory for the node cap that keeps the race deterministic
 * (browsers share memory only on cross-origin isolated pages).
 */
export function workersAvailable(): boolean {
  return typeof Worker !== "undefined" && typeof SharedArrayBuffer === "function";
}

/** Options that can cross to a worker: no signal, no callback. */
export function plainOptions(options: SolverOptions): SolverOptions {
  const { signal: _signal, onProgress: _onProgress, ...plain } = options;
  return plain;
}

/** The failure a worker reported, as the error to throw. */
export function failureOf(reply: WorkerReply): Error {
  if (reply.kind === "error") return new Error(`Internal error in a worker: ${reply.message}`);
  if (reply.kind !== "failed") return new Error("Internal error: not a failure");
  const counters = { nodes: reply.nodes, backtracks: reply.backtracks };
  if (reply.code === "outrun") return new OutrunError(reply.nodes);
  return new SolveError(reply.code, reply.message, counters);
}

/** Workers that stop at once, wherever they are, when closed. */
export class WorkerPool {
  readonly #workers: Worker[] = [];
  readonly #waiting = new Map<number, (reply: WorkerReply) => void>();
  // Raised on close: some runtimes (Deno 2.9) do not stop a busy worker on
  // terminate(), so the searches also poll this flag at their clock checks.
  readonly #stop = new SharedArrayBuffer(4);
  // Buffers travel as JSON text, made once per list: structured cloning
  // 10^4 objects for every worker and probe blocks this thread for longer
  // than a time limit may allow, while a string copies fast.
  readonly #json = new WeakMap<Problem["buffers"], string>();
  #nextId = 0;

  /** @param size How many workers. */
  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL("./_solve_worker.ts", import.meta.url).href, {
        type: "module",
      });
      worker.onmessage = (event: MessageEvent<WorkerReply>) => {
        const resolve = this.#waiting.get(event.data.id);
        this.#waiting.delete(event.data.id);
        resolve?.(event.data);
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        for (const [id, resolve] of this.#waiting) {
          resolve({ id, kind: "error", message: event.message });
        }
        this.#waiting.clear();
      };
      this.#workers.push(worker);
    }
  }

  /** How many workers. */
  get size(): number {
    return this.#workers.length;
  }

  /** Stops every worker. */
  close(): void {
    Atomics.store(new Int32Array(this.#stop), 0, 1);
    for (const worker of this.#workers) worker.terminate();
  }

  /**
   * Sends a request to one worker.
   *
   * @param index Which worker.
   * @param request The request, without its id.
   */
  call(index: number, request: DistributiveOmit<WorkerRequest, "id">): Promise<WorkerReply> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      const { problem, ...rest } = request;
      let json = this.#json.get(problem.buffers);
      if (json === undefined) {
        json = JSON.stringify(problem.buffers);
        this.#json.set(problem.buffers, json);
      }
      const { buffers: _, ...shell } = problem;
      this.#workers[index].postMessage({
        ...rest,
        problem: shell,
        buffersJson: json,
        id,
        stop: this.#stop,
      });
    });
  }

  /**
   * Races the heuristics, one per worker, at the problem's capacity;
   * resolves with the winner's solution or rejects with its failure
   * (infeasible), or with {@linkcode OutrunError} when all pass `maxNodes`.
   */
  async race(
    problem: Problem,
    options: SolverOptions,
    heuristics: string[],
    start: number,
    maxNodes = Infinity,
  ): Promise<Solution> {
    const shared = new SharedArrayBuffer(8);
    const cap = new Float64Array(shared);
    cap[0] = maxNodes;
    const plain = plainOptions(options);
    const replies = await Promise.all(heuristics.map(async (heuristic, i) => {
      const reply = await this.call(i, {
        kind: "race",
        problem,
        options: plain,
        heuristic,
        cap: shared,
      });
      if (reply.kind === "ok" || (reply.kind === "failed" && reply.code === "infeasible")) {
        const nodes = reply.kind === "ok" ? reply.solution.stats!.nodes : reply.nodes;
        if (nodes < cap[0]) cap[0] = nodes;
      }
      return reply;
    }));
    let best: { reply: WorkerReply; nodes: number } | undefined;
    let stopped: WorkerReply | undefined;
    let nodes = 0;
    let backtracks = 0;
    for (const reply of replies) {
      if (reply.kind === "error" || reply.kind === "start") throw failureOf(reply);
      const own = reply.kind === "ok" ? reply.solution.stats! : reply;
      nodes += own.nodes;
      backtracks += own.backtracks;
      if (reply.kind === "failed" && reply.code !== "infeasible") {
        // Outrun by a winner, or stopped by the time limit.
        if (reply.code !== "outrun") stopped = reply;
        continue;
      }
      if (best === undefined || own.nodes < best.nodes) best = { reply, nodes: own.nodes };
    }
    if (best === undefined) throw stopped ? failureOf(stopped) : new OutrunError(nodes);
    if (best.reply.kind !== "ok") {
      throw new SolveError("infeasible", `No solution exists within capacity ${problem.capacity}`, {
        nodes,
        backtracks,
      });
    }
    const { offsets, height } = best.reply.solution;
    return { offsets, height, stats: { nodes, backtracks, elapsedMs: performance.now() - start } };
  }
}

/** Omit over each member of a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
