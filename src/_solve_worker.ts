// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible (it runs as a module Web Worker).

// The worker behind solveAsync: a portfolio member ("race": one heuristic,
// no budget, stopped by the shared node cap), a whole solve ("solve"), or
// the heuristic start of a minimization ("start").

import { SolveError } from "./errors.ts";
import { OutrunError, solveOnce } from "./_solve_core.ts";
import { minimizeStart } from "./_minimize.ts";
import { solve } from "./solve.ts";
import type { Problem, Solution } from "./problem.ts";
import type { SolverOptions } from "./solve.ts";

/**
 * A request to the worker; `stop` is the pool's shared stop flag, and
 * `buffersJson` the problem's buffers as JSON (then absent from `problem`).
 */
export type WorkerRequest =
  & { stop?: SharedArrayBuffer; buffersJson?: string }
  & (
    | {
      id: number;
      kind: "race";
      problem: Problem;
      options: SolverOptions;
      heuristic: string;
      cap: SharedArrayBuffer;
    }
    | { id: number; kind: "solve"; problem: Problem; options: SolverOptions }
    | { id: number; kind: "start"; problem: Problem; options: SolverOptions }
  );

/** The worker's answer. */
export type WorkerReply =
  | { id: number; kind: "ok"; solution: Solution }
  | { id: number; kind: "start"; heuristic?: Solution; lowerBound: number; exact: boolean }
  | {
    id: number;
    kind: "failed";
    code: "infeasible" | "timeout" | "cancelled" | "too-large" | "outrun";
    message: string;
    nodes: number;
    backtracks: number;
  }
  | { id: number; kind: "error"; message: string };

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  const id = request.id;
  let reply: WorkerReply;
  try {
    const start = performance.now();
    // Time limits arrive relative: each thread has its own clock origin.
    const deadline = start + (request.options.timeout ?? Infinity);
    if (request.stop !== undefined) request.options.signal = stopSignal(request.stop);
    if (request.buffersJson !== undefined) {
      request.problem = { ...request.problem, buffers: JSON.parse(request.buffersJson) };
    }
    if (request.kind === "race") {
      const solution = solveOnce(request.problem, request.options, {
        start,
        deadline,
        heuristic: request.heuristic,
        nodeCap: new Float64Array(request.cap),
      });
      reply = { id, kind: "ok", solution };
    } else if (request.kind === "solve") {
      reply = { id, kind: "ok", solution: solve(request.problem, request.options) };
    } else {
      const first = minimizeStart(request.problem, request.options, start, deadline);
      reply = {
        id,
        kind: "start",
        heuristic: first.heuristic,
        lowerBound: first.lowerBound,
        exact: first.exact,
      };
    }
  } catch (error) {
    if (error instanceof OutrunError) {
      reply = {
        id,
        kind: "failed",
        code: "outrun",
        message: error.message,
        nodes: error.nodes,
        backtracks: 0,
      };
    } else if (error instanceof SolveError) {
      reply = {
        id,
        kind: "failed",
        code: error.code,
        message: error.message,
        nodes: error.nodes,
        backtracks: error.backtracks,
      };
    } else {
      reply = { id, kind: "error", message: String(error) };
    }
  }
  scope.postMessage(reply);
};

/**
 * An abort signal raised by the pool's shared flag: the search reads only
 * `aborted`, at its clock checks, which is all this provides.
 */
function stopSignal(stop: SharedArrayBuffer): AbortSignal {
  const flag = new Int32Array(stop);
  return {
    get aborted(): boolean {
      return Atomics.load(flag, 0) !== 0;
    },
  } as AbortSignal;
}
