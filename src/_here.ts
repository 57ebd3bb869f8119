// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// The plan's requests answered on the calling thread: solve()'s, and
// solveAsync's where no worker can run, which gives the event loop a turn
// after each run of a search (answerInTurns) so that the caller's timers
// and abort signal are seen. One copy of the answers for both.

import type { Settings } from "./_options.ts";
import type { Facts, Prepared, StopFlag } from "./_prepared.ts";
import {
  type ProbeOutcome,
  type ProbeSettings,
  probeSettingsOf,
  probeSteps,
  RACE_SLICE_MS,
  races,
  runProbe,
} from "./_probe.ts";
import { bestResult, eachRound, type ProbeRequest, type Reply, type Request } from "./_plan.ts";
import { improveByLns, type LnsResult, lnsSteps } from "./_lns.ts";
import { turn } from "./_turn.ts";
import { inSlices } from "./_steps.ts";

// How long a heuristic or a neighbourhood search runs between two turns:
// a probe's slice.
const SLICE_MS = RACE_SLICE_MS;

/** What a solve on this thread answers with. */
export interface Here {
  /** The prepared problem. */
  prepared: Prepared;
  /** The solve's settings. */
  settings: Settings;
  /** The `performance.now()` at which the solve began. */
  start: number;
  /** Stops its work when raised. */
  signal?: StopFlag;
}

/** Answers one of the plan's requests on this thread. */
export function answerHere(here: Here, request: Request): Reply {
  const { prepared, settings, start, signal } = here;
  switch (request.kind) {
    case "facts":
      return prepared.facts(request.deadline ?? start + settings.timeout) satisfies Facts;
    case "heuristic":
      // Several rounds (the plan asks for one at a time here): one
      // after another.
      return bestResult(
        eachRound(request).map((one) => prepared.heuristic(one, one.deadline, signal)),
      );
    case "probe":
      return probeHere(prepared, settings, request, signal);
    case "lns":
      return improveByLns(
        prepared.problem,
        settings,
        request,
        request.deadline,
        signal,
        prepared,
      ) satisfies LnsResult;
  }
}

/** A probe on this thread. */
export function probeHere(
  prepared: Prepared,
  settings: Settings,
  request: Omit<ProbeRequest, "kind">,
  signal: StopFlag | undefined,
): ProbeOutcome {
  const { probe, portfolio } = probeOf(prepared, settings, request);
  return runProbe(prepared, probe, portfolio, request.deadline, signal);
}

/** What a probe request asks of this thread, and whether its searches race. */
function probeOf(
  prepared: Prepared,
  settings: Settings,
  request: Omit<ProbeRequest, "kind">,
): { probe: ProbeSettings; portfolio: boolean } {
  return {
    probe: probeSettingsOf(request, settings, prepared.problem.buffers.length),
    portfolio: races(settings.portfolio, prepared.knownFacts?.pairs ?? 0),
  };
}

/**
 * Answers one of the plan's requests on this thread, in turns: the event
 * loop gets one before each request, after each time slice of a probe's
 * searches, and about every SLICE_MS of a heuristic's passes or of a
 * neighbourhood search's sub-problems. The same outcome: the schedules
 * decide by node counts, and the steps do not depend on the slicing.
 */
export async function answerInTurns(here: Here, request: Request): Promise<Reply> {
  await turn();
  const { prepared, settings, signal } = here;
  if (request.kind === "heuristic") {
    const results = [];
    for (const one of eachRound(request)) {
      results.push(await inSlices(prepared.heuristicSteps(one, one.deadline, signal), SLICE_MS));
    }
    return bestResult(results);
  }
  if (request.kind === "lns") {
    const steps = lnsSteps(prepared.problem, settings, request, request.deadline, signal, prepared);
    return await inSlices(steps, SLICE_MS);
  }
  if (request.kind !== "probe") return answerHere(here, request);
  const { probe, portfolio } = probeOf(prepared, settings, request);
  const options = { deadline: request.deadline, stop: signal, sliced: true };
  return await inSlices(probeSteps(prepared, probe, portfolio, options), SLICE_MS);
}
