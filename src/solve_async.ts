// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * {@linkcode solveAsync}: the solver off the calling thread, on a pool of
 * Web Workers shared by every call.
 *
 * @module
 */

import type { Problem, Solution } from "./problem.ts";
import type { MinimizeProgress, SolverOptions } from "./options.ts";
import { solve } from "./solve.ts";
import { SolveError } from "./errors.ts";
import { checkInput, type Settings } from "./_options.ts";
import { type Facts, type HeuristicResult, Prepared } from "./_prepared.ts";
import type { LnsResult } from "./_lns.ts";
import { deltas, probeOnPool } from "./_probe_pool.ts";
import { bestResult, eachRound, plan, type Reply, type Request } from "./_plan.ts";
import { isValidColumns } from "./_validate_columns.ts";
import {
  markWorkersUnavailable,
  type Session,
  sharedPool,
  WorkersUnavailableError,
} from "./_pool.ts";
import {
  PROGRESS_INTERVAL_MS,
  SMALL_ON_CALLING_THREAD_MS,
  WORKERS_MIN_BUFFERS,
  WORKERS_MIN_TIMEOUT_MS,
} from "./_limits.ts";
import { heuristicJob } from "./_worker_host.ts";
import { answerInTurns } from "./_here.ts";
import { turn } from "./_turn.ts";

/**
 * Solves like {@linkcode solve}, returning a promise, with the work on Web
 * Workers where the runtime has them: one pool per process (or page),
 * sized to the cores and shared by concurrent calls, which queue. With
 * `portfolio` on (the default) the round robin's searches run in
 * parallel, one preordering heuristic per worker; the answer is the same
 * as {@linkcode solve}'s, since the winner is decided by the round robin's
 * order, not by the clock. The time limit counts from the call; it and
 * the abort signal stop the workers promptly, wherever they are. Small
 * problems (under 64 buffers) solve on the calling thread for up to
 * 100 ms, and go to the workers if they need longer; time limits under
 * 200 ms, and runtimes without workers, solve on the calling thread,
 * where the event loop gets a turn after each run of a search (20 ms at
 * most), so that the abort signal is seen there too (the fast heuristics
 * and a large problem's neighbourhood search hold the thread while they
 * run).
 *
 * @example Usage
 * ```ts
 * import { solveAsync } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const solution = await solveAsync({
 *   capacity: 8,
 *   buffers: [
 *     { id: "a", lower: 0, upper: 2, size: 4 },
 *     { id: "b", lower: 1, upper: 3, size: 4 },
 *   ],
 * });
 * deepEqual(solution.height, 8);
 * ```
 *
 * @param problem The buffers and the capacity.
 * @param options Search switches, time limit and cancellation.
 * @returns One offset per buffer and the height reached.
 * @throws {SolveError} With code `"infeasible"`, `"timeout"`, `"cancelled"`,
 * `"too-large"` or (with a heuristic alone) `"no-fit"`, and the counters spent.
 * @throws {TypeError} If the problem or the options have the wrong types, or an
 * option is unknown (a misspelt name would otherwise be ignored).
 * @throws {RangeError} If the problem or the options are out of range.
 */
export async function solveAsync(
  problem: Problem,
  options: SolverOptions = {},
): Promise<Solution> {
  const start = performance.now();
  const settings = checkInput(problem, options, start);
  const workersPay = settings.timeout >= WORKERS_MIN_TIMEOUT_MS;
  if (workersPay && problem.buffers.length < WORKERS_MIN_BUFFERS) {
    // The caller has its promise before any work is done.
    await Promise.resolve();
    const quick = onThisThreadBriefly(problem, options, settings, start);
    if (!quick.cut) return quick.outcome();
    // An abort the caller made while this thread was held (a timer due
    // meanwhile) fires now: the run cut short ended as cancelled runs end,
    // with the best solution found, which is then the answer.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (options.signal?.aborted) return quick.outcome();
  }
  const pool = workersPay ? sharedPool() : undefined;
  if (pool !== undefined) {
    let session: Session | undefined;
    try {
      session = pool.open(problem, settings.switches, options.signal);
      return await runOnPool(problem, settings, options, session, start);
    } catch (error) {
      // No worker can start here: solve on this thread instead.
      if (session === undefined) markWorkersUnavailable();
      else if (!(error instanceof WorkersUnavailableError)) throw error;
    } finally {
      session?.close();
    }
  }
  return await inTurns(problem, options, settings, start);
}

/**
 * The plan on this thread where no worker can run (Node 20, workerd, a
 * page that forbids them): a probe's searches run in time slices with a
 * turn of the event loop after each, so that the caller's timers and its
 * abort signal are seen (solve() held the thread to the end, and an abort
 * never came). The same answer as solve()'s.
 */
async function inTurns(
  problem: Problem,
  options: SolverOptions,
  settings: Settings,
  start: number,
): Promise<Solution> {
  // The caller has its promise before any work is done.
  await turn();
  const signal = options.signal;
  const prepared = new Prepared(problem, settings.switches);
  const here = { prepared, settings, start, signal };
  const steps = plan({ problem, settings, start, signal, onProgress: options.onProgress });
  for (let step = steps.next();; step = steps.next(await answerInTurns(here, step.value))) {
    if (step.done) return step.value;
  }
}

/**
 * Solves a small problem on the calling thread for at most
 * SMALL_ON_CALLING_THREAD_MS: most take milliseconds, less than a round
 * trip to a worker. Returns its outcome (a function that returns the
 * solution or throws), and whether that time ran out (`cut`): the problem
 * then goes to the workers, where neither the caller's event loop nor its
 * abort signal is held (a 60-buffer minimization held both for its whole
 * 8 s limit). A run the cut never reached is the run the caller asked
 * for, so its answer stands as it is. Its progress reports are passed on
 * when its outcome is taken, since a run cut short would report bounds
 * the workers' run starts over from.
 */
function onThisThreadBriefly(
  problem: Problem,
  options: SolverOptions,
  settings: Settings,
  start: number,
): { cut: boolean; outcome: () => Solution } {
  const signal = options.signal;
  const until = performance.now() + SMALL_ON_CALLING_THREAD_MS;
  let cut = false;
  const flag = {
    get aborted(): boolean {
      if (signal?.aborted) return true;
      if (performance.now() <= until) return false;
      cut = true;
      return true;
    },
  };
  const held: MinimizeProgress[] = [];
  const report = options.onProgress;
  let result: () => Solution;
  try {
    const solution = solve(problem, {
      ...options,
      signal: flag as AbortSignal,
      onProgress: report === undefined ? undefined : (progress) => held.push(progress),
      timeout: remaining(settings, start),
    });
    result = () => solution;
  } catch (error) {
    result = () => {
      throw error;
    };
  }
  const outcome = () => {
    for (const progress of held) report!(progress);
    return result();
  };
  return { cut, outcome };
}

/** The plan, with each request answered by the pool. */
async function runOnPool(
  problem: Problem,
  settings: Settings,
  options: SolverOptions,
  session: Session,
  start: number,
): Promise<Solution> {
  const progress = options.onProgress === undefined
    ? undefined
    : new NodeProgress(options.onProgress, start, () => session.facts?.lowerBound ?? 0);
  const steps = plan({
    problem,
    settings,
    start,
    signal: options.signal,
    onProgress: progress?.bounds,
    isValid: (offsets, height) => isValidColumns(session.columns(), offsets, height),
    heuristicsAtOnce: session.width,
  });
  // O(n log n): computed here while the workers start, or while a
  // heuristic alone runs.
  const facts = (deadline = start + settings.timeout): Facts =>
    session.facts ??= new Prepared(problem, settings.switches).facts(deadline);
  const answer = async (request: Request): Promise<Reply> => {
    switch (request.kind) {
      case "facts":
        return facts(request.deadline);
      case "heuristic": {
        // A thread that runs searches too (a command line's) has nothing
        // to do once the answer comes: it checks it, and the worker
        // answers as soon as it has it.
        const check = !session.callingThread;
        // Several rounds: on as many workers at once.
        const result = Promise.all(
          eachRound(request).map((one) =>
            session.run(heuristicJob(one, check), one.deadline).result as Promise<HeuristicResult>
          ),
        ).then(bestResult);
        try {
          facts();
        } catch (error) {
          // Out of time: measured again if the heuristic answers after all.
          if (!(error instanceof SolveError && error.code === "timeout")) {
            result.catch(() => {});
            throw error;
          }
        }
        return await result as HeuristicResult;
      }
      case "probe": {
        const outcome = await probeOnPool(
          session,
          settings,
          problem.buffers.length,
          request,
          start,
          progress?.slice,
        );
        progress?.done(outcome.nodes);
        return outcome;
      }
      case "lns": {
        const job = {
          kind: "lns" as const,
          offsets: request.offsets,
          lowerBound: request.lowerBound,
          settings: { switches: settings.switches, heuristics: settings.heuristics },
        };
        const onNodes = deltas(progress?.slice);
        const result = await session.run(job, request.deadline, onNodes).result as LnsResult;
        progress?.done(result.nodes);
        return result;
      }
    }
  };
  try {
    for (let step = steps.next();; step = steps.next(await answer(step.value))) {
      if (step.done) {
        const solution = step.value;
        if (solution.stats) solution.stats.workers = session.used.size;
        return solution;
      }
    }
  } catch (error) {
    // A failed solve says how many workers ran too (the command line's
    // `--json` said 0 where they had).
    if (!(error instanceof SolveError) || session.used.size === 0) throw error;
    const { code, message, nodes, backtracks, cause } = error;
    const counted = new SolveError(code, message, {
      nodes,
      backtracks,
      workers: session.used.size,
      cause,
    });
    counted.stack = error.stack;
    throw counted;
  }
}

/**
 * Progress with the nodes counted: the plan's bounds as they improve, and
 * the searches' nodes as their runs end, at most every
 * PROGRESS_INTERVAL_MS between bounds.
 */
class NodeProgress {
  readonly #listener: (progress: MinimizeProgress) => void;
  readonly #start: number;
  readonly #lowerBound: () => number;
  #last: MinimizeProgress | undefined;
  // Nodes of the requests answered, and of the current probe's runs.
  #done = 0;
  #live = 0;
  #said = -Infinity;

  constructor(
    listener: (progress: MinimizeProgress) => void,
    start: number,
    lowerBound: () => number,
  ) {
    this.#listener = listener;
    this.#start = start;
    this.#lowerBound = lowerBound;
  }

  /** The plan's bounds, passed on at once. */
  bounds = (progress: MinimizeProgress): void => {
    this.#last = progress;
    this.#say(performance.now());
  };

  /** A run of the current probe ended, with these nodes. */
  slice = (nodes: number): void => {
    this.#live += nodes;
    const now = performance.now();
    if (now - this.#said >= PROGRESS_INTERVAL_MS) this.#say(now);
  };

  /**
   * A request ended, with these nodes in all (its runs' included; fewer
   * where a job ended out of time or stopped, whose reports still count:
   * the count never falls).
   */
  done(nodes: number): void {
    this.#done += Math.max(nodes, this.#live);
    this.#live = 0;
  }

  #say(now: number): void {
    this.#said = now;
    this.#listener({
      elapsedMs: now - this.#start,
      lowerBound: this.#last?.lowerBound ?? this.#lowerBound(),
      bestHeight: this.#last?.bestHeight,
      nodes: this.#done + this.#live,
    });
  }
}

/** The time left of the call's limit. */
function remaining(settings: Settings, start: number): number {
  return Math.max(0, settings.timeout - (performance.now() - start));
}
