// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// One probe on a pool of workers (solveAsync's): the search stage spread
// over the pool's executors, the same schedules (src/_probe.ts) as on one
// thread, so the same outcome.

import type { Settings } from "./_options.ts";
import { fitResult, type HeuristicResult, type SearchResult } from "./_prepared.ts";
import { heuristicJob } from "./_worker_host.ts";
import { isValidColumns } from "./_validate_columns.ts";
import { SolveError } from "./errors.ts";
import type { ProbeRequest } from "./_plan.ts";
import { type ProbeOutcome, probeSettingsOf, races, scheduleOf } from "./_probe.ts";
import type { Session } from "./_pool.ts";
import { SEARCH_MOVES_AFTER_MS, WORKERS_JOIN_MS } from "./_limits.ts";

/**
 * A probe on the pool: with one search at a time (the round robin, or a
 * pool of one), the whole probe on one worker; else the race's runs, round
 * by round, as many at once as there are workers, each search resumed on
 * the worker that holds it. Where the calling thread runs searches, a
 * probe that begins before any worker served the call runs there alone
 * until WORKERS_JOIN_MS from the call's `start` (one search at a time, for
 * good). `onSlice` hears each run's nodes as it ends.
 */
export function probeOnPool(
  session: Session,
  settings: Settings,
  buffers: number,
  request: ProbeRequest,
  start: number,
  onSlice?: (nodes: number) => void,
): Promise<ProbeOutcome> {
  const probe = probeSettingsOf(request, settings, buffers);
  // With too many pairs for a model and a search's trails per worker, one
  // search at a time (the same answer).
  const pairs = session.facts?.pairs;
  const portfolio = races(settings.portfolio, pairs ?? 0);
  const width = portfolio ? session.width : 1;
  const alone = session.callingThread && session.used.size === 0 && session.beginsQuickly;
  if (width === 1 && !alone) {
    // One search at a time: the whole probe on one worker, one message;
    // its nodes so far come as it runs.
    const job = { kind: "probe" as const, probe, portfolio };
    return session.run(job, request.deadline, deltas(onSlice)).result as Promise<ProbeOutcome>;
  }
  // Alone, one search at a time stays on the calling thread, in slices.
  const schedule = scheduleOf(probe, portfolio, true);
  const join = alone ? start + WORKERS_JOIN_MS : -Infinity;
  return new Promise((resolve, reject) => {
    const fill = (): void => {
      const now = performance.now();
      const lanes = now < join ? 1 : width;
      // While runs of this probe are out, a paused search waits for its
      // own executor to be free rather than take another's place.
      const claimed = new Set<object>();
      // Past SEARCH_MOVES_AFTER_MS, a search that waits for the busy
      // calling thread may move to an idle worker (see Session.claim).
      const move = now >= start + SEARCH_MOVES_AFTER_MS;
      const ready = schedule.running > 0
        ? (member: number) => session.claim(member, claimed, move)
        : undefined;
      for (const job of schedule.next(lanes - schedule.running, ready)) {
        if (job.fit) {
          // The fast heuristics, on a worker (the calling thread takes
          // only searches, which pause): checked there, or here where the
          // deadline was too near. Stopped (the pool settles a stopped
          // heuristic as a failure), the searches' own outcome stands.
          const capacity = request.capacity;
          const run = heuristicJob({ name: "best", target: capacity }, true);
          const check = (offsets: Float64Array, height: number) =>
            isValidColumns(session.columns(), offsets, height);
          session.run(run, request.deadline).result.then(
            (found) => schedule.report(job, fitResult(found as HeuristicResult, capacity, check)),
            (error) => {
              if (!(error instanceof SolveError && error.code === "cancelled")) throw error;
              schedule.report(job, fitResult({ status: "cancelled" }, capacity));
            },
          ).then(fill, reject);
          continue;
        }
        session.run({ kind: "search", search: job }, request.deadline).result.then((result) => {
          schedule.report(job, result as SearchResult);
          onSlice?.((result as SearchResult).nodes);
          fill();
        }, reject);
      }
      if (schedule.running === 0) resolve(schedule.outcome());
    };
    fill();
  });
}

/**
 * A long job's nodes so far, passed on as the nodes since the last report
 * (as `onSlice` hears a run's); undefined without a listener.
 */
export function deltas(
  onSlice?: (nodes: number) => void,
): ((nodes: number) => void) | undefined {
  if (onSlice === undefined) return undefined;
  let seen = 0;
  return (nodes) => {
    onSlice(nodes - seen);
    seen = nodes;
  };
}
