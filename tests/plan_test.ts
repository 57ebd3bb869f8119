// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The solve plan (src/_plan.ts) on its own, with a scripted prober: which
// capacities it probes, with what budgets, what it proves, and what it
// returns at a time limit, whatever runs the probes. A fake problem of one
// buffer of size 1 makes a solution of height h simply the offset h - 1.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SolveError } from "../src/errors.ts";
import type { Problem, Solution } from "../src/problem.ts";
import { REFERENCE_OPTIONS, type SolverOptions } from "../src/options.ts";
import { resolveOptions } from "../src/_options.ts";
import {
  AnytimeBisection,
  bestResult,
  DescentTargets,
  eachRound,
  grainOf,
  plan,
  probeDeadline,
  type ProbeRequest,
  type Reply,
  type Request,
} from "../src/_plan.ts";
import type { Facts, HeuristicResult } from "../src/_prepared.ts";
import type { ProbeOutcome } from "../src/_probe.ts";
import type { LnsResult } from "../src/_lns.ts";
import {
  ANYTIME_BUDGET_GROWTH,
  ANYTIME_BUDGET_PER_BUFFER,
  BOUND_PROBE_BUDGET,
  BOUND_PROBE_MS_PER_PAIR,
  BOUND_PROBE_UNLIMITED_MAX_MS,
  DESCENT_BATCH,
  DESCENT_BUDGET_PER_BUFFER,
  DESCENT_TRIES_PER_STEP,
  EXACT_SEARCH_MAX_PAIRS,
  EXACT_SEARCH_PAYS_MAX_PAIRS,
  HEURISTIC_ROUNDS_AFTER_PROBE_SHARE,
  HEURISTIC_ROUNDS_AT_ONCE,
  HEURISTIC_ROUNDS_MAX,
  HEURISTIC_TIME_SHARE,
  LOWER_BOUND_PROBE_BUDGET,
  LOWER_BOUND_PROBE_MAX_SHARE,
  LOWER_BOUND_PROBE_MIN_MS,
  LOWER_BOUND_PROBE_TIME_SHARE,
  WINDOW_DIVE_MS_PER_PAIR,
} from "../src/_limits.ts";

/** One buffer of size 1: a solution of height h puts it at h - 1. */
const ONE: Problem = { buffers: [{ id: "a", lower: 0, upper: 1, size: 1 }] };

/** A world the scripted prober answers from. */
interface World {
  peakLoad: number;
  /** The peak load with alignment padding (default: the peak load). */
  lowerBound?: number;
  pairs?: number;
  /**
   * The heuristic's height, "infeasible" (pinned buffers collide), or how
   * it was cut before any placement completed.
   */
  heuristic?: number | "infeasible" | "timeout" | "cancelled";
  /** The quick heuristic's (the skyline's) height, where it differs. */
  quick?: number;
  /**
   * The heuristic's answer comes unchecked (found at its deadline), with
   * valid offsets or with the buffer placed below 0.
   */
  unchecked?: "valid" | "invalid";
  /** What a probe at this capacity and budget finds. */
  probe: (capacity: number, maxNodes: number, request: ProbeRequest) => ProbeOutcome["status"];
  /** After this many probes (descents' batches counted), each hits the time limit. */
  probes?: number;
  /** What a batch of descents at this capacity finds (default: "unknown"). */
  descend?: (capacity: number) => ProbeOutcome["status"];
  /** The height of a solution found at this capacity (default: the capacity). */
  height?: (capacity: number) => number;
  /** Nodes each probe reports. */
  nodes?: number;
  /**
   * What a large neighbourhood search from a height ends with (default:
   * stuck where it started).
   */
  lns?: (height: number) => { height: number; status: LnsResult["status"] };
  /**
   * What the heuristic's later round k ends with (default: the same as
   * the first).
   */
  round?: (round: number) => number | "timeout";
  /** How many heuristics can run at once (default: the plan's default). */
  atOnce?: number;
}

interface Trace {
  requests: Request[];
  result?: Solution;
  error?: unknown;
}

const solved = (height: number): ProbeOutcome => ({
  status: "solved",
  offsets: Float64Array.of(height - 1),
  nodes: 0,
  backtracks: 0,
});

/** Runs the plan to the end against a world; records every request. */
function runPlan(
  world: World,
  options: SolverOptions,
  problem: Problem = ONE,
  isValid?: (offsets: Float64Array, height: number) => boolean,
): Trace {
  const trace: Trace = { requests: [] };
  const settings = resolveOptions(options);
  const steps = plan({
    problem,
    settings,
    start: performance.now(),
    signal: options.signal,
    onProgress: options.onProgress,
    isValid,
    heuristicsAtOnce: world.atOnce,
  });
  const answer = (request: Request): Reply => {
    trace.requests.push(request);
    // A plan that would not end fails rather than hangs.
    if (trace.requests.length > 20_000) throw new Error("The plan asked for 20,000 requests");
    if (request.kind === "facts") {
      return {
        peakLoad: world.peakLoad,
        lowerBound: world.lowerBound ?? world.peakLoad,
        pairs: world.pairs ?? 10,
      } satisfies Facts;
    }
    if (request.kind === "heuristic") {
      if (world.heuristic === "infeasible") {
        return { status: "infeasible", message: "Two pinned buffers overlap" };
      }
      if (world.heuristic === "timeout") return { status: "timeout" } satisfies HeuristicResult;
      if (world.heuristic === "cancelled") return { status: "cancelled" } satisfies HeuristicResult;
      if (request.round !== undefined && world.round !== undefined) {
        // Several rounds at once: the best of them.
        const results = eachRound(request).map((one) => {
          const height = world.round!(one.round!);
          return height === "timeout"
            ? { status: "timeout" as const }
            : { status: "solved" as const, offsets: Float64Array.of(height - 1), height };
        });
        return bestResult(results);
      }
      const height = (request.name === "skyline" ? world.quick : undefined) ?? world.heuristic ??
        world.peakLoad;
      if (world.unchecked !== undefined) {
        const offset = world.unchecked === "valid" ? height - 1 : -1;
        return {
          status: "solved",
          offsets: Float64Array.of(offset),
          height,
          unchecked: true,
        } satisfies HeuristicResult;
      }
      return {
        status: "solved",
        offsets: Float64Array.of(height - 1),
        height,
      } satisfies HeuristicResult;
    }
    if (request.kind === "lns") {
      const from = request.offsets[0] + 1;
      const { height, status } = world.lns?.(from) ?? { height: from, status: "stuck" as const };
      return {
        status,
        offsets: Float64Array.of(height - 1),
        height,
        nodes: world.nodes ?? 1,
        backtracks: 0,
      } satisfies LnsResult;
    }
    const status = world.probes !== undefined &&
        trace.requests.filter((r) => r.kind === "probe").length > world.probes
      ? "timeout"
      : request.descents !== undefined
      ? world.descend?.(request.capacity) ?? "unknown"
      : world.probe(request.capacity, request.maxNodes, request);
    const counters = { nodes: world.nodes ?? 1, backtracks: world.nodes ?? 1 };
    if (status === "solved") {
      return { ...solved(world.height?.(request.capacity) ?? request.capacity), ...counters };
    }
    return { status, ...counters };
  };
  try {
    for (let step = steps.next();; step = steps.next(answer(step.value))) {
      if (step.done) {
        trace.result = step.value;
        break;
      }
    }
  } catch (error) {
    trace.error = error;
  }
  return trace;
}

/** Where the first request for a later round is (-1: none). */
const firstRound = (trace: Trace) =>
  trace.requests.findIndex((r) => r.kind === "heuristic" && r.round !== undefined);

/** The rounds of the heuristic's later improvement asked for. */
const rounds = (trace: Trace) =>
  trace.requests.flatMap((r) =>
    r.kind === "heuristic" && r.round !== undefined
      ? Array.from({ length: r.rounds ?? 1 }, (_, k) => r.round! + k)
      : []
  );

/** The capacities of the bisection's probes (descents left out). */
const probes = (trace: Trace) =>
  trace.requests.flatMap((r) => r.kind === "probe" && r.descents === undefined ? [r.capacity] : []);

/** The descents' batches: capacity, and the first descent's number. */
const descents = (trace: Trace) =>
  trace.requests.flatMap((r) =>
    r.kind === "probe" && r.descents !== undefined ? [[r.capacity, r.descents.first]] : []
  );

/** The heights each large neighbourhood search started from. */
const searches = (trace: Trace) =>
  trace.requests.flatMap((r) => r.kind === "lns" ? [r.offsets[0] + 1] : []);

describe("the anytime minimization", () => {
  it("proves capacity + 1 when a probe is infeasible, and finds the optimum", () => {
    // Optimum 13, peak load 10, heuristic 14: the bisection probes 10 (the
    // lower bound first), then 12, then 13. Were an infeasible probe at 12
    // to prove 14, 14 would pass for optimal.
    const trace = runPlan(
      { peakLoad: 10, heuristic: 14, probe: (c) => c >= 13 ? "solved" : "infeasible" },
      { minimizeCapacity: true },
    );
    assert.equal(trace.error, undefined);
    assert.deepEqual(probes(trace), [10, 12, 13]);
    assert.equal(trace.result?.height, 13);
    assert.equal(trace.result?.lowerBound, 13);
    assert.equal(trace.result?.optimal, true);
  });

  it("starts at the peak load itself, which real problems often fit", () => {
    // Solutions come out exactly at the capacity probed: starting one above
    // the peak load would end one above the optimum and call it optimal.
    const trace = runPlan(
      { peakLoad: 10, heuristic: 12, probe: (c) => c >= 10 ? "solved" : "infeasible" },
      { minimizeCapacity: true },
    );
    assert.deepEqual(probes(trace), [10]);
    assert.equal(trace.result?.height, 10);
    assert.equal(trace.result?.optimal, true);
  });

  it("probes the lower bound after a quick heuristic and before the best one", () => {
    // The best heuristic's improvement takes longest: where the probe at
    // the lower bound solves, it never runs.
    const kinds = (trace: Trace) =>
      trace.requests.flatMap((r) =>
        r.kind === "heuristic" ? [r.name] : r.kind === "probe" && !r.descents ? ["probe"] : []
      );
    // At the most pairs where the exact search pays.
    const pairs = EXACT_SEARCH_PAYS_MAX_PAIRS;
    const fits = runPlan(
      { peakLoad: 10, pairs, heuristic: 12, probe: (c) => c >= 10 ? "solved" : "infeasible" },
      { minimizeCapacity: true },
    );
    assert.deepEqual(kinds(fits), ["skyline", "probe"]);
    assert.equal(fits.result?.optimal, true);
    const above = runPlan(
      { peakLoad: 10, pairs, heuristic: 14, probe: (c) => c >= 13 ? "solved" : "infeasible" },
      { minimizeCapacity: true },
    );
    assert.deepEqual(kinds(above).slice(0, 3), ["skyline", "probe", "best"]);
    assert.ok(descents(above).length > 0);
    // One pair more: the best heuristic first (then the exact search at the
    // lower bound, once), and no descents.
    const large = runPlan(
      { peakLoad: 10, pairs: pairs + 1, heuristic: 12, probe: () => "unknown" },
      { minimizeCapacity: true },
    );
    assert.deepEqual(kinds(large), ["best", "probe"]);
    assert.deepEqual(descents(large), []);
  });

  it("runs the best heuristic before the probe where the quick one misses the capacity", () => {
    // So a cancel during the probe still finds a solution in hand.
    const controller = new AbortController();
    const trace = runPlan(
      {
        peakLoad: 10,
        quick: 14,
        heuristic: 11,
        probe: () => {
          controller.abort();
          return "cancelled";
        },
      },
      { minimizeCapacity: true, signal: controller.signal },
      { ...ONE, capacity: 12 },
    );
    assert.equal(trace.result?.height, 11);
  });

  it("gives the best heuristic the time to the limit after the probe, a share before it", () => {
    // After the probe at the lower bound it ends on its own; cut by a short
    // limit it would leave less than the heuristic's own answer. Before the
    // probe (the quick heuristic misses the capacity), the probe needs time.
    const bestDeadline = (problem: Problem) => {
      const before = performance.now();
      const trace = runPlan(
        { peakLoad: 10, quick: 14, heuristic: 12, probe: () => "unknown", probes: 3 },
        { minimizeCapacity: true, timeout: 60_000 },
        problem,
      );
      const best = trace.requests.find((r) => r.kind === "heuristic" && r.name === "best");
      assert.ok(best?.kind === "heuristic");
      const kinds = trace.requests.map((r) => r.kind === "heuristic" ? r.name : r.kind);
      return { own: best.deadline - before, kinds };
    };
    const after = bestDeadline(ONE);
    assert.deepEqual(after.kinds.slice(0, 4), ["facts", "skyline", "probe", "best"]);
    assert.ok(Math.abs(after.own - 60_000) < 1000, `${after.own}`);
    const first = bestDeadline({ ...ONE, capacity: 13 });
    assert.deepEqual(first.kinds.slice(0, 4), ["facts", "skyline", "best", "probe"]);
    assert.ok(Math.abs(first.own - 60_000 * HEURISTIC_TIME_SHARE) < 1000, `${first.own}`);
  });

  it("aims its descents at the capacity given while no solution fits it", () => {
    // Neither heuristic fits the capacity and the bisection's probes find
    // nothing: a descent may still fit, and the first aims at the capacity.
    const trace = runPlan(
      {
        peakLoad: 100,
        quick: 320,
        heuristic: 300,
        probe: () => "unknown",
        descend: (c) => c <= 250 ? "solved" : "unknown",
        probes: 200,
      },
      { minimizeCapacity: true, timeout: 60_000 },
      { ...ONE, capacity: 250 },
    );
    assert.equal(descents(trace)[0]?.[0], 250);
    assert.ok(trace.result !== undefined && trace.result.height <= 250, `${trace.error}`);
    // Then below the solution, as ever.
    assert.ok(descents(trace).slice(1).every(([c]) => c < 250), `${descents(trace)}`);
  });

  it("aims at the capacity given on the problem's grain, never below a proved bound", () => {
    // Sizes of 4: the largest multiple of 4 within 250 is 248.
    const FOURS: Problem = { buffers: [{ id: "a", lower: 0, upper: 1, size: 4 }], capacity: 250 };
    const grained = runPlan(
      { peakLoad: 100, quick: 320, heuristic: 300, probe: () => "unknown", probes: 40 },
      { minimizeCapacity: true, timeout: 60_000 },
      FOURS,
    );
    assert.equal(descents(grained)[0]?.[0], 248);
    // Every probe infeasible: no descent at a capacity already proved so.
    const proved = runPlan(
      { peakLoad: 240, quick: 320, heuristic: 300, probe: () => "infeasible", probes: 40 },
      { minimizeCapacity: true, timeout: 60_000 },
      FOURS,
    );
    let infeasibleUpTo = -Infinity;
    for (const request of proved.requests) {
      if (request.kind !== "probe") continue;
      if (request.descents !== undefined) {
        assert.ok(request.capacity > infeasibleUpTo, `${request.capacity} <= ${infeasibleUpTo}`);
      } else infeasibleUpTo = Math.max(infeasibleUpTo, request.capacity);
    }
    assert.ok(descents(proved).length > 0);
    assert.ok(proved.error instanceof SolveError && proved.error.code === "infeasible");
  });

  it("without a capacity, runs no descent before it has a solution, nor at a capacity that is not one", () => {
    // Both heuristics cut by the time limit, no capacity: the bisection
    // alone finds the first solution (a descent at best - step would aim
    // at NaN, and its "infeasible" would poison every bound).
    const trace = runPlan(
      {
        peakLoad: 10,
        heuristic: "timeout",
        probe: (c) => c >= 13 ? "solved" : "infeasible",
        // Solved with no capacity, the search's answer is 20 high.
        height: (c) => Number.isFinite(c) ? c : 20,
        descend: (c) => c >= 13 ? "unknown" : "infeasible",
      },
      { minimizeCapacity: true, timeout: 60_000 },
    );
    assert.equal(trace.result?.height, 13);
    assert.equal(trace.result?.optimal, true);
    assert.ok(descents(trace).every(([c]) => Number.isFinite(c)), `${descents(trace)}`);
  });

  it("gives the lower bound's probe a larger budget, and retries unknown probes with more", () => {
    // Every probe below 20000 nodes is unknown: the budgets must grow.
    const first = ANYTIME_BUDGET_PER_BUFFER * ONE.buffers.length;
    const trace = runPlan(
      {
        peakLoad: 10,
        heuristic: 12,
        probe: (c, maxNodes) => maxNodes < 20_000 ? "unknown" : c >= 11 ? "solved" : "infeasible",
      },
      { minimizeCapacity: true },
    );
    const budgets = trace.requests.flatMap((r) =>
      r.kind === "probe" && r.descents === undefined ? [r.maxNodes] : []
    );
    assert.equal(budgets[0], first * LOWER_BOUND_PROBE_BUDGET);
    assert.equal(budgets[1], first);
    assert.ok(budgets.includes(first * ANYTIME_BUDGET_GROWTH));
    assert.equal(trace.result?.height, 11);
    assert.equal(trace.result?.optimal, true);
  });

  it("returns the best solution at a time limit, not proved optimal", () => {
    const trace = runPlan(
      { peakLoad: 10, heuristic: 14, probe: () => "timeout" },
      { minimizeCapacity: true, timeout: 1000 },
    );
    assert.equal(trace.result?.height, 14);
    assert.equal(trace.result?.optimal, false);
    assert.equal(trace.result?.lowerBound, 10);
  });

  it("counts a probe that runs out of its own share of the time as unknown", () => {
    // The lower bound's probe has a share of the time; its timeout is not
    // the solve's, so the bisection goes on.
    let first = true;
    const trace = runPlan(
      {
        peakLoad: 10,
        heuristic: 14,
        probe: (c) => {
          if (first) {
            first = false;
            return "timeout";
          }
          return c >= 12 ? "solved" : "infeasible";
        },
      },
      { minimizeCapacity: true, timeout: 60_000 },
    );
    // 11 proved infeasible proves 10 too.
    assert.deepEqual(probes(trace), [10, 12, 11]);
    assert.equal(trace.result?.height, 12);
    assert.equal(trace.result?.optimal, true);
  });

  it("gives the probe at the lower bound its least time under a short limit, its share under a long one", () => {
    // Where most minimizations end: a short limit must not cut it to a
    // tenth, a long one must not give it more than its share.
    const deadlines = (timeout: number) => {
      const seen: number[] = [];
      let before = 0;
      runPlan(
        {
          peakLoad: 10,
          heuristic: 14,
          probe: (_c, _n, request) => {
            if (seen.length === 0) before = performance.now();
            seen.push(request.deadline);
            return "solved";
          },
        },
        { minimizeCapacity: true, timeout },
      );
      return { own: seen[0] - before, before };
    };
    // 1 s: more than a tenth, at most the largest share (of what is left).
    const short = deadlines(1000);
    assert.ok(short.own > 1000 * LOWER_BOUND_PROBE_TIME_SHARE + 100, `${short.own}`);
    assert.ok(short.own <= 1000 * LOWER_BOUND_PROBE_MAX_SHARE, `${short.own}`);
    // 3 s: the least time, where a tenth would be less.
    const middle = deadlines(3000);
    assert.ok(Math.abs(middle.own - LOWER_BOUND_PROBE_MIN_MS) < 100, `${middle.own}`);
    // 60 s: a tenth, more than the least time.
    const long = deadlines(60_000);
    assert.ok(Math.abs(long.own - 60_000 * LOWER_BOUND_PROBE_TIME_SHARE) < 100, `${long.own}`);
  });

  it("says infeasible only when every capacity up to the limit is proved infeasible", () => {
    const trace = runPlan(
      { peakLoad: 10, heuristic: 30, probe: () => "infeasible" },
      { minimizeCapacity: true },
      { ...ONE, capacity: 20 },
    );
    assert.ok(trace.error instanceof SolveError);
    assert.equal(trace.error.code, "infeasible");
  });

  it("returns the best so far when cancelled, and throws when cancelled before any", () => {
    const controller = new AbortController();
    const trace = runPlan(
      {
        peakLoad: 10,
        heuristic: 14,
        probe: () => {
          controller.abort();
          return "cancelled";
        },
      },
      { minimizeCapacity: true, signal: controller.signal },
    );
    assert.equal(trace.result?.height, 14);
    const aborted = runPlan(
      { peakLoad: 10, probe: () => "solved" },
      { minimizeCapacity: true, signal: AbortSignal.abort() },
    );
    assert.ok(aborted.error instanceof SolveError);
    assert.equal(aborted.error.code, "cancelled");
  });

  it("adds up the counters of every probe", () => {
    const trace = runPlan(
      { peakLoad: 10, heuristic: 14, nodes: 7, probe: (c) => c >= 13 ? "solved" : "infeasible" },
      { minimizeCapacity: true },
    );
    // The descents' batches are probes too.
    const all = trace.requests.filter((r) => r.kind === "probe").length;
    assert.ok(descents(trace).length > 0);
    assert.equal(trace.result?.stats?.nodes, 7 * all);
    assert.equal(trace.result?.stats?.backtracks, 7 * all);
  });

  it("relies on the heuristics alone above the pairs where the exact search pays", () => {
    for (
      const [pairs, exact] of [[EXACT_SEARCH_PAYS_MAX_PAIRS, true], [
        EXACT_SEARCH_PAYS_MAX_PAIRS + 1,
        false,
      ]] as const
    ) {
      const trace = runPlan(
        { peakLoad: 10, pairs, heuristic: 12, probe: () => "solved" },
        { minimizeCapacity: true, boundProbe: false },
      );
      assert.equal(probes(trace).length > 0, exact, `${pairs} pairs`);
      assert.equal(trace.result?.height, exact ? 10 : 12);
    }
  });

  it("above the pairs where the exact search pays, probes the capacity given when no heuristic fits it", () => {
    // It used to end at once with "not a proof that none fits", its time
    // unused, where a solve at that capacity searches.
    const pairs = EXACT_SEARCH_PAYS_MAX_PAIRS + 1;
    const world = (probe: ProbeOutcome["status"]): World => ({
      peakLoad: 10,
      pairs,
      heuristic: 30,
      probe: () => probe,
      lns: (height) =>
        height > 15 ? { height: 15, status: "improved" } : { height, status: "stuck" },
    });
    const options = { minimizeCapacity: true, boundProbe: false, timeout: 60_000 };
    const found = runPlan(world("solved"), options, { ...ONE, capacity: 20 });
    assert.deepEqual(probes(found), [20]);
    // What the probe found is lowered from there.
    assert.deepEqual(searches(found), [20, 15]);
    assert.equal(found.result?.height, 15);
    const none = runPlan(world("infeasible"), options, { ...ONE, capacity: 20 });
    assert.equal((none.error as SolveError).code, "infeasible");
    const late = runPlan(world("timeout"), options, { ...ONE, capacity: 20 });
    assert.equal((late.error as SolveError).code, "timeout");
    // Where a heuristic fits, no such probe; nor above the pairs the exact
    // search can take, nor without a capacity.
    assert.deepEqual(probes(runPlan(world("solved"), options, { ...ONE, capacity: 40 })), []);
    const huge = { ...world("solved"), pairs: EXACT_SEARCH_MAX_PAIRS + 1 };
    const refused = runPlan(huge, options, { ...ONE, capacity: 20 });
    assert.deepEqual(probes(refused), []);
    assert.equal((refused.error as SolveError).code, "no-fit");
    assert.deepEqual(probes(runPlan(world("solved"), options)), []);
  });

  it("reports progress as the bounds move", () => {
    const seen: [number, number | undefined][] = [];
    runPlan(
      { peakLoad: 10, heuristic: 14, probe: (c) => c >= 13 ? "solved" : "infeasible" },
      { minimizeCapacity: true, onProgress: (p) => seen.push([p.lowerBound, p.bestHeight]) },
    );
    assert.deepEqual(seen, [[10, 14], [11, 14], [13, 14], [13, 13]]);
  });
});

describe("the anytime minimization's dive where windows are", () => {
  // One buffer with a windowed gap: its solutions are heights as for ONE.
  const WINDOWED: Problem = {
    buffers: [{
      id: "a",
      lower: 0,
      upper: 2,
      size: 1,
      gaps: [{ lower: 1, upper: 2, window: { lower: 0, upper: 1 } }],
    }],
  };
  const LARGE = EXACT_SEARCH_PAYS_MAX_PAIRS + 1;
  /** A world where a dive fits at 80, the heuristic ends at 100. */
  const world = (pairs: number): World => ({
    peakLoad: 50,
    heuristic: 100,
    pairs,
    probe: (capacity) => capacity >= 80 ? "solved" : "unknown",
    height: () => 80,
  });
  /** The dives' capacities: probes of twice as many nodes as buffers. */
  const dives = (trace: Trace) =>
    trace.requests.flatMap((r) => r.kind === "probe" && r.maxNodes === 2 ? [r.capacity] : []);
  const minimize = { minimizeCapacity: true, timeout: 60_000 };

  it("dives below the best heuristic's height, before the neighbourhood search", () => {
    const trace = runPlan(world(LARGE), minimize, WINDOWED);
    assert.deepEqual(dives(trace), [99]);
    const dive = trace.requests.findIndex((r) => r.kind === "probe" && r.maxNodes === 2);
    assert.ok(dive < trace.requests.findIndex((r) => r.kind === "lns"));
    assert.equal(trace.result?.height, 80);
  });

  it("leaves the neighbourhood search to start from the heuristic's solution", () => {
    // From a dive's solution it once ran to the limit for nothing, where
    // from the heuristic's it stopped and the heuristic's rounds gained.
    // Each search goes on from what the last one reached, down to `floor`:
    // above the dive's height (100, 95, 90, 85), or below it (100, 70).
    const cases: [number, number, number[], number][] = [
      [5, 85, [100, 95, 90, 85], 80],
      [30, 70, [100, 70], 70],
    ];
    for (const [step, floor, reached, answer] of cases) {
      const trace = runPlan(
        {
          ...world(LARGE),
          lns: (from) =>
            from - step >= floor
              ? { height: from - step, status: "improved" }
              : { height: from, status: "stuck" },
        },
        { ...minimize, heuristicRounds: false, boundProbe: false },
        WINDOWED,
      );
      assert.deepEqual(searches(trace), reached);
      assert.equal(trace.result?.height, answer);
    }
  });

  it("does not without windows, where the exact search pays, or switched off", () => {
    for (
      const [pairs, problem, options] of [
        [LARGE, ONE, minimize],
        [10, WINDOWED, minimize],
        [LARGE, WINDOWED, { ...minimize, windowDive: false }],
        [LARGE, WINDOWED, { ...minimize, ...REFERENCE_OPTIONS }],
      ] as const
    ) {
      const trace = runPlan(world(pairs), options, problem);
      assert.deepEqual(dives(trace), []);
    }
  });

  it("only where it is expected to fit in the time left, and the exact search in memory", () => {
    const fits = (pairs: number, options: SolverOptions) =>
      dives(runPlan(world(pairs), { minimizeCapacity: true, ...options }, WINDOWED)).length === 1;
    // 10 million pairs: 2.5 s expected.
    assert.equal(fits(10_000_000, { timeout: 60_000 }), true);
    assert.equal(fits(10_000_000, { timeout: 2_000 }), false);
    // Without a time limit, up to BOUND_PROBE_UNLIMITED_MAX_MS expected.
    const most = Math.floor(BOUND_PROBE_UNLIMITED_MAX_MS / WINDOW_DIVE_MS_PER_PAIR);
    assert.equal(fits(most, {}), true);
    assert.equal(fits(most + 1_000, {}), false);
    // Past the pairs the exact search takes, never.
    assert.equal(fits(EXACT_SEARCH_MAX_PAIRS + 1, { timeout: 3_600_000 }), false);
  });
});

describe("probeDeadline", () => {
  const lowerBound = { capacity: 10, maxNodes: 1, share: 0.1, leastMs: 600 };
  it("gives a probe without a share the solve's deadline", () => {
    assert.equal(probeDeadline(5000, { capacity: 10, maxNodes: 1 }, 0), 5000);
    assert.equal(probeDeadline(Infinity, { capacity: 10, maxNodes: 1 }, 0), Infinity);
  });
  it("gives its share where that is more than its least time", () => {
    assert.equal(probeDeadline(60_000, lowerBound, 0), 6000);
    assert.equal(probeDeadline(Infinity, lowerBound, 0), Infinity);
  });
  it("gives its least time where its share is less, within the largest share", () => {
    assert.equal(probeDeadline(2000, lowerBound, 0), 600);
    assert.equal(probeDeadline(1100, lowerBound, 100), 700);
    assert.equal(probeDeadline(1000, lowerBound, 0), 1000 * LOWER_BOUND_PROBE_MAX_SHARE);
    assert.equal(probeDeadline(100, lowerBound, 0), 100 * LOWER_BOUND_PROBE_MAX_SHARE);
  });
  it("never passes the solve's deadline", () => {
    assert.equal(probeDeadline(1000, { ...lowerBound, share: 2 }, 0), 1000);
    assert.equal(probeDeadline(1000, lowerBound, 1500), 1000);
  });
});

describe("the anytime minimization's descents", () => {
  // ONE has one buffer: a batch is DESCENT_BATCH descents of
  // DESCENT_BUDGET_PER_BUFFER nodes, and the lower bound's probe allows
  // its three searches LOWER_BOUND_PROBE_BUDGET times the first budget.
  const perBatch = DESCENT_BATCH * DESCENT_BUDGET_PER_BUFFER;
  const firstBudget = ANYTIME_BUDGET_PER_BUFFER * LOWER_BOUND_PROBE_BUDGET;

  it("follow each probe, for as many nodes as its searches were allowed", () => {
    const trace = runPlan(
      { peakLoad: 100, heuristic: 300, probe: () => "unknown", probes: 200 },
      { minimizeCapacity: true, timeout: 60_000 },
    );
    // Up to the first bisection probe: the lower bound's, then its descents.
    const kinds = trace.requests.filter((r) => r.kind === "probe").map((r) =>
      r.kind === "probe" && r.descents ? "d" : "p"
    );
    const batches = Math.ceil(firstBudget * 3 / perBatch);
    assert.equal(kinds.slice(0, 2 + batches).join(""), "p" + "d".repeat(batches) + "p");
    // Numbered on from batch to batch, so no descent repeats another.
    const firsts = descents(trace).map(([, first]) => first);
    assert.deepEqual(firsts.slice(0, 4), [0, 1, 2, 3].map((k) => k * DESCENT_BATCH));
    // Below the best, at or above the lower bound.
    assert.ok(descents(trace).every(([c]) => c >= 100 && c < 300), `${descents(trace)}`);
  });

  it("lower the best height where the bisection's probes cannot", () => {
    const trace = runPlan(
      {
        peakLoad: 100,
        heuristic: 300,
        probe: (c) => c >= 250 ? "solved" : "unknown",
        descend: (c) => c >= 150 ? "solved" : "unknown",
        probes: 500,
      },
      { minimizeCapacity: true, timeout: 60_000 },
    );
    assert.equal(trace.result?.height, 150);
    assert.equal(trace.result?.optimal, false);
  });

  it("prove what an infeasible descent proves", () => {
    const trace = runPlan(
      {
        peakLoad: 100,
        heuristic: 300,
        probe: (c) => c >= 200 ? "solved" : "unknown",
        descend: (c) => c >= 200 ? "solved" : "infeasible",
        probes: 500,
      },
      { minimizeCapacity: true, timeout: 60_000 },
    );
    assert.equal(trace.result?.height, 200);
    assert.equal(trace.result?.optimal, true);
  });

  it("end at the time limit with the best so far", () => {
    const trace = runPlan(
      {
        peakLoad: 100,
        heuristic: 300,
        probe: () => "unknown",
        descend: (c) => c >= 200 ? "solved" : "timeout",
        probes: 500,
      },
      { minimizeCapacity: true, timeout: 60_000 },
    );
    assert.equal(trace.result?.height, 200);
    const after = trace.requests.findIndex((r) =>
      r.kind === "probe" && r.descents !== undefined && r.capacity < 200
    );
    assert.equal(after, trace.requests.length - 1, "nothing after the timeout");
  });

  it("do not run when switched off, nor in the reference's settings", () => {
    for (const off of [{ descents: false }, { anytimeMinimize: false }]) {
      const trace = runPlan(
        { peakLoad: 10, heuristic: 14, probe: (c) => c >= 13 ? "solved" : "infeasible" },
        { minimizeCapacity: true, ...off },
        { ...ONE, capacity: 20 },
      );
      assert.equal(trace.result?.height, 13);
      assert.deepEqual(descents(trace), []);
    }
  });
});

describe("DescentTargets", () => {
  it("aims half the gap below the best first, on the grain", () => {
    const targets = new DescentTargets(8);
    assert.equal(targets.target(1000, 1400), 1200);
    assert.equal(targets.target(1000, 1401), 1200);
    assert.equal(targets.target(1000, 1017)! % 8, 0);
  });

  it("comes nearer after failures, down to one grain below, then far again", () => {
    const targets = new DescentTargets(1);
    const seen: number[] = [];
    for (let batch = 0; batch < 40; batch++) {
      seen.push(targets.target(1000, 1400)!);
      targets.report(DESCENT_TRIES_PER_STEP / 2, false);
    }
    const distinct = seen.filter((t, i) => i === 0 || t !== seen[i - 1]);
    assert.deepEqual(distinct.slice(0, 11), [
      1200,
      1300,
      1350,
      1375,
      1388,
      1394,
      1397,
      1399,
      1200,
      1300,
      1350,
    ]);
    assert.equal(targets.begun, 40 * DESCENT_TRIES_PER_STEP / 2);
  });

  it("starts from half the new gap after a success", () => {
    const targets = new DescentTargets(1);
    targets.target(1000, 1400);
    targets.report(DESCENT_TRIES_PER_STEP, false);
    assert.equal(targets.target(1000, 1400), 1300);
    targets.report(1, true);
    assert.equal(targets.target(1000, 1300), 1150);
  });

  it("has no target when the best is at the lower bound", () => {
    const targets = new DescentTargets(4);
    assert.equal(targets.target(1000, 1000), undefined);
    assert.equal(targets.target(1000, 1004), 1000);
    // Off the grain, the multiple below is still lower.
    assert.equal(targets.target(1000, 1003), 1000);
  });
});

describe("AnytimeBisection", () => {
  it("never proves more than an infeasible probe shows", () => {
    const bisection = new AnytimeBisection(5, 100, 10);
    bisection.offer(Float64Array.of(0), 50);
    const first = bisection.next()!;
    assert.equal(first.capacity, 5);
    bisection.report("infeasible");
    assert.equal(bisection.provedLower, 6);
    const second = bisection.next()!;
    bisection.report("infeasible");
    assert.equal(bisection.provedLower, second.capacity + 1);
  });

  it("ignores an offered solution above the limit", () => {
    const bisection = new AnytimeBisection(5, 20, 10);
    bisection.offer(Float64Array.of(0), 30);
    assert.equal(bisection.best, undefined);
  });

  it("on a grain, probes its multiples and proves up to the next one", () => {
    const bisection = new AnytimeBisection(1000, 9000, 10, 1024);
    assert.equal(bisection.provedLower, 1024);
    bisection.offer(Float64Array.of(0), 8000);
    const capacities: number[] = [];
    for (let probe = bisection.next(); probe !== undefined; probe = bisection.next()) {
      capacities.push(probe.capacity);
      // Feasible from 5000 up: a solution there is 5120 high, the grain's.
      bisection.report(probe.capacity >= 5000 ? Float64Array.of(0) : "infeasible", 5120);
    }
    assert.ok(capacities.every((c) => c % 1024 === 0), `${capacities}`);
    assert.ok(capacities.every((c) => c < 8000), `${capacities}`);
    assert.equal(bisection.best?.height, 5120);
    assert.equal(bisection.provedLower, 5120);
    assert.ok(bisection.optimal);
  });

  it("on a grain, lifts a proof from elsewhere to the next multiple", () => {
    const bisection = new AnytimeBisection(0, 100, 10, 8);
    bisection.infeasibleAt(17);
    assert.equal(bisection.provedLower, 24);
    assert.equal(bisection.next()?.capacity, 24);
  });
});

describe("grainOf", () => {
  let ids = 0;
  const b = (size: number, more: Partial<Problem["buffers"][number]> = {}) => ({
    id: `b${ids++}`,
    lower: 0,
    upper: 2,
    size,
    ...more,
  });
  it("is the sizes' greatest common divisor", () => {
    assert.equal(grainOf({ buffers: [b(1024), b(3072), b(2048)] }), 1024);
    assert.equal(grainOf({ buffers: [b(6), b(0), b(4)] }), 2);
    assert.equal(grainOf({ buffers: [b(7)] }), 7);
    assert.equal(grainOf({ buffers: [] }), 1);
    assert.equal(grainOf({ buffers: [b(0)] }), 1);
  });

  it("divides pinned offsets and windows' bounds", () => {
    assert.equal(grainOf({ buffers: [b(64), b(64, { offset: 96 })] }), 32);
    const gaps = [{ lower: 0, upper: 1, window: { lower: 16, upper: 48 } }];
    assert.equal(grainOf({ buffers: [b(64, { gaps })] }), 16);
    assert.equal(grainOf({ buffers: [b(64, { gaps: [{ lower: 0, upper: 1 }] })] }), 64);
    // A gap outside the lifespan has no effect, nor has its window.
    const outside = [{ lower: 5, upper: 6, window: { lower: 1, upper: 2 } }];
    assert.equal(grainOf({ buffers: [b(64, { gaps: outside })] }), 64);
  });

  it("leaves out a buffer of size 0 but for its pin", () => {
    assert.equal(grainOf({ buffers: [b(1024), b(2048), b(0, { alignment: 3 })] }), 1024);
    assert.equal(grainOf({ buffers: [b(1024), b(0, { offset: 512 })] }), 512);
  });

  it("keeps alignments that divide it or that it divides, and shrinks for others", () => {
    assert.equal(grainOf({ buffers: [b(1024, { alignment: 4 }), b(2048)] }), 1024);
    assert.equal(grainOf({ buffers: [b(1024, { alignment: 4096 })] }), 1024);
    // 6 neither divides 4 nor is a multiple of it: 2, and 4 | 6's multiples of 2.
    assert.equal(grainOf({ buffers: [b(4, { alignment: 6 }), b(8)] }), 2);
    // 4 divides 8, then 6 brings it to 2, which 4 is a multiple of.
    assert.equal(grainOf({ buffers: [b(8, { alignment: 4 }), b(16, { alignment: 6 })] }), 2);
    assert.equal(grainOf({ buffers: [b(9, { alignment: 2 })] }), 1);
  });
});

describe("the reference's minimization", () => {
  it("bisects from 0 up to the capacity", () => {
    const trace = runPlan(
      { peakLoad: 10, probe: (c) => c >= 13 ? "solved" : "infeasible" },
      { minimizeCapacity: true, anytimeMinimize: false },
      { ...ONE, capacity: 16 },
    );
    assert.deepEqual(probes(trace), [8, 12, 14, 13]);
    assert.equal(trace.result?.height, 13);
    // Its search's "infeasible" is not a proof (it misses solutions with
    // windows): only the lower bound proves a height optimal.
    assert.equal(trace.result?.lowerBound, 10);
    assert.equal(trace.result?.optimal, false);
    const atBound = runPlan(
      { peakLoad: 13, probe: (c) => c >= 13 ? "solved" : "infeasible" },
      { minimizeCapacity: true, anytimeMinimize: false },
      { ...ONE, capacity: 16 },
    );
    assert.equal(atBound.result?.lowerBound, 13);
    assert.equal(atBound.result?.optimal, true);
  });

  it("says timeout when the time limit stops it before any solution", () => {
    const trace = runPlan(
      { peakLoad: 10, probe: () => "timeout" },
      { minimizeCapacity: true, anytimeMinimize: false, timeout: 1000 },
      { ...ONE, capacity: 16 },
    );
    assert.ok(trace.error instanceof SolveError);
    assert.equal(trace.error.code, "timeout");
    assert.equal(trace.error.nodes, 1);
  });
});

describe("a fixed capacity", () => {
  it("tries the heuristics first only above the pairs where the exact search pays", () => {
    for (
      const [pairs, first] of [[EXACT_SEARCH_PAYS_MAX_PAIRS, "probe"], [
        EXACT_SEARCH_PAYS_MAX_PAIRS + 1,
        "heuristic",
      ]] as const
    ) {
      const trace = runPlan(
        { peakLoad: 10, pairs, heuristic: 12, probe: () => "solved" },
        {},
        { ...ONE, capacity: 12 },
      );
      assert.equal(trace.requests[1].kind, first, `${pairs} pairs`);
      assert.equal(trace.result?.stats?.nodes, first === "heuristic" ? 0 : 1);
    }
  });

  it("probes when the heuristics miss the capacity", () => {
    const trace = runPlan(
      {
        peakLoad: 10,
        pairs: EXACT_SEARCH_PAYS_MAX_PAIRS + 1,
        heuristic: 14,
        probe: () => "solved",
      },
      {},
      { ...ONE, capacity: 12 },
    );
    assert.deepEqual(trace.requests.map((r) => r.kind), ["facts", "heuristic", "probe"]);
    assert.equal(trace.result?.height, 12);
  });

  it("answers with a heuristic that fits when the exact search is too large", () => {
    const trace = runPlan(
      { peakLoad: 10, heuristic: 12, probe: () => "too-large" },
      {},
      { ...ONE, capacity: 12 },
    );
    assert.deepEqual(trace.requests.map((r) => r.kind), ["facts", "probe", "heuristic"]);
    assert.equal(trace.result?.height, 12);
    const off = runPlan(
      { peakLoad: 10, heuristic: 12, probe: () => "too-large" },
      { heuristicFirst: false },
      { ...ONE, capacity: 12 },
    );
    assert.ok(off.error instanceof SolveError);
    assert.equal(off.error.code, "too-large");
  });

  it("gives the heuristics the whole time where the exact search cannot run", () => {
    const trace = runPlan(
      { peakLoad: 10, pairs: EXACT_SEARCH_MAX_PAIRS + 1, heuristic: 12, probe: () => "solved" },
      { timeout: 10_000 },
      { ...ONE, capacity: 12 },
    );
    const request = trace.requests[1];
    assert.equal(request.kind, "heuristic");
    assert.ok(request.kind === "heuristic" && request.deadline - performance.now() > 9_000);
  });

  it("says how high the heuristics reached where the exact search cannot run", () => {
    const trace = runPlan(
      { peakLoad: 10, pairs: EXACT_SEARCH_MAX_PAIRS + 1, heuristic: 14, probe: () => "too-large" },
      {},
      { ...ONE, capacity: 12 },
    );
    assert.ok(trace.error instanceof SolveError);
    assert.equal(trace.error.code, "too-large");
    assert.match(trace.error.message, /; the fast heuristics reached 14, above the capacity 12$/);
  });

  it("says how the heuristics were cut where the exact search cannot run, not too-large", () => {
    for (const cut of ["timeout", "cancelled"] as const) {
      const trace = runPlan(
        {
          peakLoad: 10,
          pairs: EXACT_SEARCH_MAX_PAIRS + 1,
          heuristic: cut,
          probe: () => "too-large",
        },
        { timeout: 1000 },
        { ...ONE, capacity: 12 },
      );
      assert.ok(trace.error instanceof SolveError);
      assert.equal(trace.error.code, cut);
    }
  });

  it("throws the probe's failure with its counters", () => {
    for (const status of ["infeasible", "timeout", "cancelled"] as const) {
      const trace = runPlan(
        { peakLoad: 10, nodes: 42, probe: () => status },
        { timeout: 1000 },
        { ...ONE, capacity: 12 },
      );
      assert.ok(trace.error instanceof SolveError);
      assert.equal(trace.error.code, status);
      assert.equal(trace.error.nodes, 42);
    }
  });
});

describe("a heuristic alone", () => {
  it("says infeasible above the capacity when the peak load proves it", () => {
    const trace = runPlan(
      { peakLoad: 12, heuristic: 12, probe: () => "solved" },
      { heuristic: "best" },
      { ...ONE, capacity: 8 },
    );
    assert.ok(trace.error instanceof SolveError);
    assert.equal(trace.error.code, "infeasible");
  });

  it("says no-fit above the capacity when nothing proves it", () => {
    const trace = runPlan(
      { peakLoad: 10, heuristic: 12, probe: () => "solved" },
      { heuristic: "size" },
      { ...ONE, capacity: 11 },
    );
    assert.ok(trace.error instanceof SolveError);
    assert.equal(trace.error.code, "no-fit");
  });

  it("says infeasible above the capacity when a fixed offset reaches past it", () => {
    // It said "not a proof that none fits" where the search says infeasible.
    const pinned: Problem = {
      capacity: 12,
      buffers: [
        { id: "b1", lower: 0, upper: 3, size: 4, offset: 10 },
        { id: "b2", lower: 0, upper: 3, size: 4 },
      ],
    };
    const trace = runPlan({ peakLoad: 8, heuristic: 14, probe: () => "solved" }, {
      heuristic: "best",
    }, pinned);
    assert.ok(trace.error instanceof SolveError);
    assert.equal(trace.error.code, "infeasible");
    assert.match(trace.error.message, /"b1" is fixed at 10 and reaches 14/);
    // Fixed within it, nothing is proved.
    const within = runPlan({ peakLoad: 8, heuristic: 14, probe: () => "solved" }, {
      heuristic: "best",
    }, {
      ...pinned,
      capacity: 13,
      buffers: [{ ...pinned.buffers[0], offset: 9 }, pinned.buffers[1]],
    });
    assert.equal((within.error as SolveError).code, "no-fit");
  });

  it("checks an answer that comes unchecked: keeps it when valid, never returns it when not", () => {
    const good = runPlan(
      { peakLoad: 10, heuristic: 12, unchecked: "valid", probe: () => "solved" },
      { heuristic: "best" },
    );
    assert.equal(good.result?.height, 12);
    const bad = runPlan(
      { peakLoad: 10, heuristic: 12, unchecked: "invalid", probe: () => "solved" },
      { heuristic: "best" },
    );
    assert.equal(bad.result, undefined);
    assert.match(String(bad.error), /invalid solution/);
  });

  it("checks an unchecked answer with the check it is given (the pool's, on its columns)", () => {
    const asked: number[] = [];
    const check = (verdict: boolean) => (offsets: Float64Array, height: number) => {
      asked.push(offsets[0], height);
      return verdict;
    };
    // Valid offsets that the given check refuses are refused...
    const refused = runPlan(
      { peakLoad: 10, heuristic: 12, unchecked: "valid", probe: () => "solved" },
      { heuristic: "best" },
      ONE,
      check(false),
    );
    assert.equal(refused.result, undefined);
    assert.match(String(refused.error), /invalid solution/);
    assert.deepEqual(asked, [11, 12]);
    // ...and an answer the worker checked is not checked again.
    asked.length = 0;
    const checked = runPlan(
      { peakLoad: 10, heuristic: 12, probe: () => "solved" },
      { heuristic: "best" },
      ONE,
      check(false),
    );
    assert.equal(checked.result?.height, 12);
    assert.deepEqual(asked, []);
  });

  it("never probes, and reports its lower bound", () => {
    const trace = runPlan(
      { peakLoad: 10, heuristic: 12, probe: () => "solved" },
      { heuristic: "best" },
    );
    // The facts after the heuristic: the pool computes them while it runs.
    assert.deepEqual(trace.requests.map((r) => r.kind), ["heuristic", "facts"]);
    // Measured to the end, whatever the clock: the answer is in hand.
    assert.deepEqual(trace.requests[1], { kind: "facts", deadline: Infinity });
    assert.equal(trace.result?.height, 12);
    assert.equal(trace.result?.lowerBound, 10);
    assert.equal(trace.result?.optimal, false);
  });

  it("fails as the heuristic was cut when it completed no placement", () => {
    for (const cut of ["timeout", "cancelled"] as const) {
      const trace = runPlan({ peakLoad: 10, heuristic: cut, probe: () => "solved" }, {
        heuristic: "skyline",
      });
      assert.ok(trace.error instanceof SolveError);
      assert.equal(trace.error.code, cut);
    }
  });

  it("does not ask for a heuristic whose deadline has passed", () => {
    const trace = runPlan({ peakLoad: 10, heuristic: 12, probe: () => "solved" }, {
      heuristic: "best",
      timeout: 0,
    });
    assert.deepEqual(trace.requests.map((r) => r.kind), []);
    assert.ok(trace.error instanceof SolveError);
    assert.equal(trace.error.code, "timeout");
  });
});

describe("a minimization whose heuristic is cut", () => {
  it("fails with the cut where the exact search does not run", () => {
    for (const cut of ["timeout", "cancelled"] as const) {
      const trace = runPlan({
        peakLoad: 10,
        pairs: EXACT_SEARCH_PAYS_MAX_PAIRS + 1,
        heuristic: cut,
        probe: () => "solved",
      }, { minimizeCapacity: true });
      assert.ok(trace.error instanceof SolveError);
      assert.equal(trace.error.code, cut);
    }
  });

  it("still probes where the exact search runs", () => {
    const trace = runPlan({ peakLoad: 10, heuristic: "timeout", probe: () => "solved" }, {
      minimizeCapacity: true,
    });
    assert.equal(trace.error, undefined);
    assert.deepEqual(probes(trace), [10]);
    assert.equal(trace.result?.optimal, true);
  });
});

describe("the large neighbourhood search in a minimization", () => {
  const large = EXACT_SEARCH_PAYS_MAX_PAIRS + 1;
  const descent = (height: number) =>
    height > 14 ? { height: height - 2, status: "improved" as const } : {
      height,
      status: "stuck" as const,
    };

  it("starts from the heuristic, again after each improvement, and keeps the best", () => {
    const trace = runPlan(
      { peakLoad: 10, pairs: large, heuristic: 20, probe: () => "solved", lns: descent, nodes: 3 },
      { minimizeCapacity: true, boundProbe: false },
    );
    assert.equal(trace.error, undefined);
    assert.deepEqual(searches(trace), [20, 18, 16, 14]);
    assert.deepEqual(probes(trace), []);
    assert.equal(trace.result?.height, 14);
    assert.equal(trace.result?.lowerBound, 10);
    assert.equal(trace.result?.optimal, false);
    assert.equal(trace.result?.stats?.nodes, 12);
  });

  it("stops at the lower bound, proved optimal", () => {
    const trace = runPlan(
      {
        peakLoad: 10,
        pairs: large,
        heuristic: 20,
        probe: () => "solved",
        lns: (h) => ({ height: Math.max(10, h - 4), status: "improved" }),
      },
      { minimizeCapacity: true },
    );
    assert.deepEqual(searches(trace), [20, 16, 12]);
    assert.equal(trace.result?.height, 10);
    assert.equal(trace.result?.optimal, true);
  });

  it("keeps what a search found before a time limit or a cancel", () => {
    for (const cut of ["timeout", "stopped"] as const) {
      const trace = runPlan(
        {
          peakLoad: 10,
          pairs: large,
          heuristic: 20,
          probe: () => "solved",
          lns: (h) => ({ height: h - 1, status: cut }),
        },
        { minimizeCapacity: true },
      );
      assert.equal(trace.error, undefined);
      assert.deepEqual(searches(trace), [20]);
      assert.equal(trace.result?.height, 19);
    }
  });

  it("runs only when switched on, and only where the exact search does not pay", () => {
    const off = runPlan(
      { peakLoad: 10, pairs: large, heuristic: 20, probe: () => "solved", lns: descent },
      { minimizeCapacity: true, neighbourhoodSearch: false, boundProbe: false },
    );
    assert.deepEqual(searches(off), []);
    assert.equal(off.result?.height, 20);
    const exact = runPlan(
      { peakLoad: 10, heuristic: 20, probe: () => "solved", lns: descent },
      { minimizeCapacity: true },
    );
    assert.deepEqual(searches(exact), []);
    assert.equal(exact.result?.height, 10);
  });
});

describe("the exact search at the lower bound after the neighbourhood search", () => {
  const large = EXACT_SEARCH_PAYS_MAX_PAIRS + 1;
  const stuck = (height: number) => ({ height, status: "stuck" as const });
  /** A minimization of 20 by the heuristic, stuck there, whose probes say `probe`. */
  const stuckAt20 = (
    probe: World["probe"],
    options: SolverOptions = { minimizeCapacity: true, timeout: 60_000 },
    pairs = large,
  ) => runPlan({ peakLoad: 10, pairs, heuristic: 20, probe, lns: stuck }, options);

  it("runs with the time left, and a solution there is optimal", () => {
    const trace = stuckAt20(() => "solved");
    assert.deepEqual(searches(trace), [20]);
    assert.deepEqual(probes(trace), [10]);
    const probe = trace.requests.find((r) => r.kind === "probe");
    assert.equal(probe?.kind === "probe" && probe.maxNodes, Infinity);
    assert.equal(trace.result?.height, 10);
    assert.equal(trace.result?.optimal, true);
  });

  it("without a time limit, only where its budget is a few seconds", () => {
    // 21.6 s of budget (S_1's 43 million pairs): not run.
    const pairs = 43_218_991;
    assert.ok(pairs * BOUND_PROBE_MS_PER_PAIR * BOUND_PROBE_BUDGET > BOUND_PROBE_UNLIMITED_MAX_MS);
    const trace = stuckAt20(() => "solved", { minimizeCapacity: true }, pairs);
    assert.deepEqual(probes(trace), []);
  });

  it("runs without a time limit too, within its own budget", () => {
    // Without it, pangu_2.6B ended 0.76 % above where --timeout=10s proved it.
    const trace = stuckAt20(() => "solved", { minimizeCapacity: true });
    assert.deepEqual(probes(trace), [10]);
    const probe = trace.requests.find((r) => r.kind === "probe");
    assert.ok(probe?.kind === "probe" && Number.isFinite(probe.deadline), "its budget ends it");
    assert.equal(trace.result?.optimal, true);
  });

  it("raises the lower bound when it proves the bound infeasible", () => {
    const trace = stuckAt20(() => "infeasible");
    assert.deepEqual(probes(trace), [10]);
    assert.equal(trace.result?.height, 20);
    assert.equal(trace.result?.lowerBound, 11);
    assert.equal(trace.result?.optimal, false);
  });

  it("keeps the best solution when it runs out of time", () => {
    const trace = stuckAt20(() => "timeout");
    assert.equal(trace.error, undefined);
    assert.equal(trace.result?.height, 20);
    assert.equal(trace.result?.optimal, false);
  });

  it("runs for at most its budget over its expected need, then leaves the time to the rounds", () => {
    const pairs = 10_000_000;
    const expected = pairs * BOUND_PROBE_MS_PER_PAIR;
    const before = performance.now();
    const trace = runPlan(
      { peakLoad: 10, pairs, heuristic: 20, probe: () => "timeout", lns: stuck, round: () => 18 },
      { minimizeCapacity: true, timeout: 600_000 },
    );
    const probe = trace.requests.find((r) => r.kind === "probe");
    assert.ok(probe?.kind === "probe");
    assert.ok(probe.deadline >= before + expected * BOUND_PROBE_BUDGET);
    assert.ok(probe.deadline <= performance.now() + expected * BOUND_PROBE_BUDGET);
    assert.ok(probe.deadline < before + 600_000 / 2);
    // Out of its own time, not the solve's: the rounds go on after it.
    const index = trace.requests.indexOf(probe);
    assert.ok(
      trace.requests.slice(index).some((r) => r.kind === "heuristic" && r.round !== undefined),
    );
    assert.equal(trace.result?.height, 18);
  });

  it(`runs up to ${EXACT_SEARCH_MAX_PAIRS} pairs, where the exact search fits in memory`, () => {
    for (
      const [pairs, runs] of [[EXACT_SEARCH_MAX_PAIRS, true], [EXACT_SEARCH_MAX_PAIRS + 1, false]]
    ) {
      const trace = stuckAt20(() => "solved", undefined, pairs as number);
      assert.deepEqual(probes(trace), runs ? [10] : [], `${pairs} pairs`);
      assert.equal(trace.result?.height, runs ? 10 : 20);
    }
  });

  it("is not started with less time left than its budget over its expected need", () => {
    const pairs = 10_000_000;
    // 4 s expected, 5 s of budget: 4.5 s is enough for the one, not the other.
    assert.equal(pairs * BOUND_PROBE_MS_PER_PAIR * BOUND_PROBE_BUDGET, 5_000);
    for (const [timeout, runs] of [[1_000, false], [4_500, false], [60_000, true]] as const) {
      const trace = stuckAt20(() => "solved", { minimizeCapacity: true, timeout }, pairs);
      assert.ok(
        pairs * BOUND_PROBE_MS_PER_PAIR > 1_000 && pairs * BOUND_PROBE_MS_PER_PAIR < 50_000,
      );
      assert.deepEqual(probes(trace), runs ? [10] : [], `${timeout} ms`);
    }
  });

  it("runs only when switched on, and not where the neighbourhood search proved the optimum", () => {
    const off = stuckAt20(() => "solved", {
      minimizeCapacity: true,
      timeout: 60_000,
      boundProbe: false,
    });
    assert.deepEqual(probes(off), []);
    assert.equal(off.result?.height, 20);
    const proved = runPlan(
      {
        peakLoad: 10,
        pairs: large,
        heuristic: 20,
        probe: () => "solved",
        lns: () => ({ height: 10, status: "improved" }),
      },
      { minimizeCapacity: true, timeout: 60_000 },
    );
    assert.deepEqual(probes(proved), []);
    assert.equal(proved.result?.optimal, true);
  });
});

describe("the heuristic's later rounds with the time left", () => {
  const large = EXACT_SEARCH_PAYS_MAX_PAIRS + 1;
  const stuck = (height: number) => ({ height, status: "stuck" as const });
  const timed = { minimizeCapacity: true, timeout: 60_000 } as const;
  // Rounds 1 and 3 find lower solutions (18, then 15), round 2 does not.
  const lower = (round: number) => [18, 19, 15][round - 1] ?? 20;
  /** A heuristic at 20, stuck there, whose bound probe is infeasible. */
  const base = {
    peakLoad: 10,
    pairs: large,
    heuristic: 20,
    probe: () => "infeasible" as const,
    lns: stuck,
  };

  it("run after a bound probe of a moment's budget, in pairs, each lower answer lowered again", () => {
    const trace = runPlan(
      {
        ...base,
        round: lower,
        atOnce: 2,
      },
      timed,
    );
    assert.equal(trace.error, undefined);
    // A probe of a moment's budget comes first.
    const probe = trace.requests.findIndex((r) => r.kind === "probe");
    assert.ok(probe >= 0 && probe < firstRound(trace));
    assert.deepEqual(searches(trace), [20, 18, 15]);
    // With nothing to stop them, every round runs, HEURISTIC_ROUNDS_AT_ONCE
    // at a time.
    assert.deepEqual(rounds(trace), Array.from({ length: HEURISTIC_ROUNDS_MAX }, (_, k) => k + 1));
    for (const request of trace.requests) {
      if (request.kind === "heuristic" && request.round !== undefined) {
        assert.equal(request.rounds, HEURISTIC_ROUNDS_AT_ONCE);
      }
    }
    assert.equal(trace.result?.height, 15);
    assert.equal(trace.result?.lowerBound, 11);
    assert.equal(trace.result?.optimal, false);
  });

  it("come first where the bound probe's budget would leave them less than their share", () => {
    // 10 million pairs: 5 s of budget.
    const pairs = 10_000_000;
    const budget = pairs * BOUND_PROBE_MS_PER_PAIR * BOUND_PROBE_BUDGET;
    for (const [timeout, first] of [[6_000, true], [60_000, false]] as const) {
      // 6 s: the budget fits, but leaves 1 s, less than a fifth of 6 s.
      assert.equal(
        timeout - budget < HEURISTIC_ROUNDS_AFTER_PROBE_SHARE * timeout,
        first,
        `${timeout} ms`,
      );
      const trace = runPlan(
        { peakLoad: 10, pairs, heuristic: 20, probe: () => "timeout", lns: stuck, round: lower },
        { minimizeCapacity: true, timeout },
      );
      const probe = trace.requests.findIndex((r) => r.kind === "probe");
      assert.ok(probe >= 0, `${timeout} ms`);
      assert.equal(firstRound(trace) < probe, first, `${timeout} ms`);
    }
  });

  it("run one at a time where heuristics cannot run at once (the calling thread)", () => {
    for (const atOnce of [undefined, 1]) {
      const trace = runPlan(
        {
          ...base,
          atOnce,
        },
        timed,
      );
      const asked = trace.requests.filter((r) => r.kind === "heuristic" && r.round !== undefined);
      assert.equal(asked.length, HEURISTIC_ROUNDS_MAX);
      assert.ok(asked.every((r) => r.kind === "heuristic" && r.rounds === 1));
    }
  });

  it("end at a round cut by the time limit, and at the lower bound, proved optimal", () => {
    const cut = runPlan(
      {
        ...base,
        // Out of time from round 2 on: its pair still brings round 1's.
        round: (k) => k >= 2 ? "timeout" : lower(k),
        atOnce: 2,
      },
      timed,
    );
    assert.deepEqual(rounds(cut), [1, 2, 3, 4]);
    assert.equal(cut.result?.height, 18);
    const proved = runPlan(
      {
        ...base,
        round: () => 11,
        atOnce: 2,
      },
      timed,
    );
    assert.deepEqual(rounds(proved), [1, 2]);
    assert.equal(proved.result?.height, 11);
    assert.equal(proved.result?.optimal, true);
  });

  it("need a time limit, the switch, and a problem where the exact search does not pay", () => {
    const world = (pairs: number): World => ({ ...base, pairs, round: lower });
    assert.deepEqual(rounds(runPlan(world(large), { minimizeCapacity: true })), []);
    assert.deepEqual(rounds(runPlan(world(large), { ...timed, heuristicRounds: false })), []);
    assert.deepEqual(rounds(runPlan(world(EXACT_SEARCH_PAYS_MAX_PAIRS), timed)), []);
    assert.ok(rounds(runPlan(world(large), timed)).length > 0);
  });

  it("do not start once the neighbourhood search has run out of time", () => {
    const trace = runPlan(
      { ...base, lns: (h) => ({ height: h - 1, status: "timeout" }), round: lower },
      timed,
    );
    assert.deepEqual(rounds(trace), []);
    assert.equal(trace.result?.height, 19);
  });
});

describe("a request for several rounds", () => {
  it("is one request per round, and one without a round is itself", () => {
    const request = { kind: "heuristic", name: "best", deadline: 9, round: 3, rounds: 2 } as const;
    assert.deepEqual(eachRound(request), [
      { ...request, round: 3, rounds: 1 },
      { ...request, round: 4, rounds: 1 },
    ]);
    const first = { kind: "heuristic", name: "best", deadline: 9 } as const;
    assert.deepEqual(eachRound(first), [first]);
  });
});

describe("the best of several heuristics' results", () => {
  const solvedAt = (height: number, mark = 0) => ({
    status: "solved" as const,
    offsets: Float64Array.of(mark),
    height,
  });

  it("is the lowest solution, the first of equals", () => {
    const best = bestResult([
      solvedAt(5, 1),
      { status: "timeout" },
      solvedAt(4, 2),
      solvedAt(4, 3),
    ]);
    assert.deepEqual(best, solvedAt(4, 2));
  });

  it("is, without a solution, the first that found none, else the first", () => {
    assert.deepEqual(bestResult([{ status: "timeout" }, { status: "none" }]), { status: "none" });
    assert.deepEqual(bestResult([{ status: "cancelled" }, { status: "timeout" }]), {
      status: "cancelled",
    });
  });
});
