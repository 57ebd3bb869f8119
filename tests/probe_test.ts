// Copyright the @x/minimalloc authors. Apache-2.0 license.

// A probe's two schedules (src/_probe.ts): the reference's round robin and
// the race decide the same way, whatever the order in which the race's
// runs come back and however they are sliced. First on scripted searches
// (each finishes after a known number of nodes), against the rule written
// out directly; then on real problems, in this thread.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ProbeOutcome, type ProbeSchedule, Race, RoundRobin } from "../src/_probe.ts";
import type { SearchJob, SearchResult } from "../src/_prepared.ts";
import { mulberry32 } from "../src/_random.ts";
import { solve } from "../src/solve.ts";
import { generateProblem } from "../benchmarks/_generate.ts";
import { GAPPED, repeated } from "./_problems.ts";

/** A scripted search: it finishes after `nodes` nodes (Infinity: never). */
interface Script {
  nodes: number;
  status: "solved" | "infeasible";
  proof?: boolean;
}

/**
 * Runs a schedule against scripted searches: up to `lanes` runs out at a
 * time, answered in a random order, each run stopping at a random point of
 * its budget when it is a time slice.
 */
function execute(
  schedule: ProbeSchedule,
  scripts: Script[],
  lanes: number,
  seed: number,
): ProbeOutcome {
  const random = mulberry32(seed);
  const progress = scripts.map(() => 0);
  const relaxedScripts = new Map<number, Script>();
  const out: SearchJob[] = [];
  for (;;) {
    out.push(...schedule.next(lanes - schedule.running));
    if (out.length === 0) return schedule.outcome();
    const job = out.splice(Math.floor(random() * out.length), 1)[0];
    const script = job.begin?.relaxed || relaxedScripts.has(job.member)
      ? (relaxedScripts.get(job.member) ??
        { ...scripts[job.member], proof: true })
      : scripts[job.member];
    if (job.begin) progress[job.member] = 0;
    const left = script.nodes - progress[job.member];
    let result: SearchResult;
    if (left <= job.budget) {
      result = {
        status: script.status,
        nodes: left,
        backtracks: 0,
        proof: script.proof ?? true,
        offsets: script.status === "solved" ? Float64Array.of(job.member) : undefined,
      };
    } else {
      // A time slice may end the run early; a spent budget ends it too.
      const sliced = job.sliceMs !== Infinity && random() < 0.5;
      const spent = sliced ? Math.floor(random() * job.budget) : job.budget;
      progress[job.member] += spent;
      result = {
        status: job.giveUp && !sliced ? "budget" : "paused",
        nodes: spent,
        backtracks: 0,
        proof: true,
      };
    }
    schedule.report(job, result);
  }
}

/** The round robin's winner, written out: least (round, place) among finishers. */
function expected(scripts: Script[], buffers: number, maxNodes: number): number | undefined {
  let best: [number, number] | undefined;
  scripts.forEach((script, place) => {
    if (script.nodes > maxNodes) return;
    let round = 1;
    while (Math.max(1, buffers) * 2 ** round < script.nodes) round++;
    if (scripts.length === 1) round = 1;
    if (best === undefined || round < best[0]) best = [round, place];
  });
  return best?.[1];
}

const winner = (outcome: ProbeOutcome) =>
  outcome.status === "solved" ? outcome.offsets[0] : outcome.status;

describe("the race decides as the round robin does", () => {
  it("on 2,000 scripted probes, in any order and any slicing", () => {
    const random = mulberry32(7);
    for (let trial = 0; trial < 2000; trial++) {
      const k = 1 + Math.floor(random() * 4);
      const buffers = 1 + Math.floor(random() * 20);
      const maxNodes = random() < 0.3 ? 1 + Math.floor(random() * 400) : Infinity;
      const scripts: Script[] = Array.from({ length: k }, () => ({
        // Many ties: node counts from a small range, rounds shared.
        nodes: random() < 0.2 ? Infinity : 1 + Math.floor(random() * 300),
        status: "solved",
      }));
      if (maxNodes === Infinity && scripts.every((s) => s.nodes === Infinity)) {
        scripts[0].nodes = 50;
      }
      const probe = {
        capacity: 10,
        heuristics: scripts.map((_, i) => "WAT".slice(0, 1 + (i % 3))),
        buffers,
        maxNodes,
      };
      const want = expected(scripts, buffers, maxNodes);
      const robin = winner(execute(new RoundRobin(probe), scripts, 1, trial));
      const lanes = 1 + Math.floor(random() * 3);
      const race = winner(execute(new Race(probe), scripts, lanes, trial + 1));
      const label = `trial ${trial}: ${JSON.stringify({ scripts, buffers, maxNodes })}`;
      assert.equal(robin, want ?? "unknown", label);
      assert.equal(race, want ?? "unknown", label);
    }
  });

  it("goes to the earlier heuristic when two finish in the same round", () => {
    // Both finish in round 3 (buffers 10: budget 80); TWA in fewer nodes.
    const scripts: Script[] = [
      { nodes: 70, status: "solved" },
      { nodes: Infinity, status: "solved" },
      { nodes: 45, status: "solved" },
    ];
    const probe = { capacity: 10, heuristics: ["WAT", "TAW", "TWA"], buffers: 10, maxNodes: 1e6 };
    for (let seed = 0; seed < 20; seed++) {
      assert.equal(winner(execute(new Race(probe), scripts, 3, seed)), 0);
      assert.equal(winner(execute(new RoundRobin(probe), scripts, 1, seed)), 0);
    }
  });

  it("searches again without canonical order when its infeasible is no proof", () => {
    const scripts: Script[] = [
      { nodes: 5, status: "infeasible", proof: false },
      { nodes: 9, status: "infeasible", proof: false },
    ];
    const probe = { capacity: 10, heuristics: ["WAT", "TAW"], buffers: 10, maxNodes: Infinity };
    for (const schedule of [new RoundRobin(probe), new Race(probe)]) {
      const seen: boolean[] = [];
      const wrapped: ProbeSchedule = {
        next: (count) => {
          const jobs = schedule.next(count);
          for (const job of jobs) if (job.begin) seen.push(job.begin.relaxed);
          return jobs;
        },
        report: (job, result) => schedule.report(job, result),
        get running() {
          return schedule.running;
        },
        outcome: () => schedule.outcome(),
      };
      assert.equal(execute(wrapped, scripts, 2, 1).status, "infeasible");
      assert.ok(seen.includes(false) && seen.includes(true));
    }
  });

  it("keeps a solution found when another search hits the time limit", () => {
    const probe = { capacity: 10, heuristics: ["WAT", "TAW"], buffers: 10, maxNodes: Infinity };
    const race = new Race(probe);
    const [first, second] = race.next(2);
    race.report(second, {
      status: "solved",
      nodes: 3,
      backtracks: 0,
      proof: true,
      offsets: Float64Array.of(1),
    });
    race.report(first, { status: "timeout", nodes: 40, backtracks: 1, proof: true });
    assert.deepEqual(race.next(2), []);
    const outcome = race.outcome();
    assert.equal(outcome.status, "solved");
    assert.equal(outcome.nodes, 43);
  });
});

describe("portfolio on and off give the same offsets", () => {
  it("on generated problems, at their capacity and below it", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const { problem } = generateProblem({
        seed,
        buffers: 40 + seed * 5,
        construction: "planted",
        slack: 1.02,
      });
      for (const capacity of [problem.capacity!, problem.capacity! - 1]) {
        const at = { ...problem, capacity };
        const outcomes = [true, false].map((portfolio) => {
          try {
            return solve(at, { portfolio, timeout: 5000 }).offsets.join(",");
          } catch (error) {
            return String((error as { code?: string }).code);
          }
        });
        assert.equal(outcomes[0], outcomes[1], `seed ${seed} at ${capacity}`);
      }
    }
  });

  it("when minimizing a problem whose optimum is above its peak load", () => {
    const { capacity: _, ...problem } = repeated(GAPPED, 3);
    const race = solve(problem, { minimizeCapacity: true });
    const robin = solve(problem, { minimizeCapacity: true, portfolio: false });
    assert.equal(race.height, 19);
    assert.deepEqual(race.offsets, robin.offsets);
  });
});
