// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible (it runs as a module Web Worker).

// A portfolio member: solves with one preordering heuristic until it
// finishes or another member finishes in fewer nodes (the shared node cap).

import { SolveError } from "./errors.ts";
import { OutrunError, solveOnce } from "./_solve_core.ts";
import type { PortfolioReply, PortfolioRequest } from "./_portfolio.ts";

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;

scope.onmessage = (event: MessageEvent<PortfolioRequest>) => {
  const { id, problem, options, heuristic, cap } = event.data;
  const nodeCap = cap ? new Float64Array(cap) : undefined;
  let reply: PortfolioReply;
  try {
    const start = performance.now();
    const solution = solveOnce(problem, options, {
      start,
      deadline: Infinity,
      heuristic,
      nodeCap,
    });
    reply = {
      id,
      kind: "ok",
      offsets: solution.offsets,
      height: solution.height,
      nodes: solution.stats!.nodes,
      backtracks: solution.stats!.backtracks,
    };
  } catch (error) {
    if (error instanceof OutrunError) {
      reply = { id, kind: "outrun", nodes: error.nodes, backtracks: 0 };
    } else if (error instanceof SolveError && error.code === "infeasible") {
      reply = { id, kind: "infeasible", nodes: error.nodes, backtracks: error.backtracks };
    } else {
      reply = { id, kind: "error", message: String(error), nodes: 0, backtracks: 0 };
    }
  }
  scope.postMessage(reply);
};
