// Copyright the @x/minimalloc authors. Apache-2.0 license.
// A worker's side of a job (src/_worker_host.ts), driven in this thread: a
// job whose deadline has passed before it can start answers "out of time"
// at once, instead of holding the worker through a large problem's set-up
// until the pool replaces it, and the problem it brought stays for the
// next job.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  heuristicJob,
  outOfTime,
  packBuffers,
  WorkerHost,
  type WorkerJob,
  type WorkerSetup,
} from "../src/_worker_host.ts";
import { resolveOptions } from "../src/_options.ts";
import { type BufferSpec, peakLoad } from "../src/problem.ts";
import { validate } from "../src/validate.ts";
import { runHeuristic } from "../src/_heuristics_run.ts";
import type { Facts } from "../src/_prepared.ts";
import { generateProblem } from "../benchmarks/_generate.ts";
import { PROGRESS_INTERVAL_MS } from "../src/_limits.ts";

const buffers: BufferSpec[] = Array.from({ length: 40 }, (_, i) => ({
  id: `b${i}`,
  lower: i,
  upper: i + 3,
  size: 1 + (i % 5),
}));
const setup = () => ({
  buffers: packBuffers(buffers),
  switches: resolveOptions({}).switches,
  capacity: 100,
});
// Past 65,536 buffers the unpacking looks at the clock.
const manySetup = () => ({
  buffers: packBuffers(
    Array.from({ length: 70_000 }, (_, i) => ({ id: `m${i}`, lower: i, upper: i + 2, size: 1 })),
  ),
  switches: resolveOptions({}).switches,
});
const wallClock = (fromNow: number) => performance.timeOrigin + performance.now() + fromNow;

/** Hands a host one job due `fromNow` ms from now, with a set-up if given; its reply. */
function run(
  host: WorkerHost,
  id: number,
  key: number,
  job: WorkerJob,
  fromNow: number,
  setup?: WorkerSetup,
) {
  return host.handle({ type: "job", id, key, setup, deadline: wallClock(fromNow), job })?.reply;
}

/** A reply's result, for a reply that succeeded. */
const resultOf = (reply: ReturnType<typeof run>) => reply?.ok ? reply.result : undefined;

describe("a job that starts after its deadline", () => {
  it("answers out of time at once, and its problem serves the next job", () => {
    const host = new WorkerHost();
    const job: WorkerJob = { kind: "heuristic", name: "best", check: true };
    const late = run(host, 1, 7, job, -1, setup());
    assert.deepEqual(late, { id: 1, ok: true, result: { status: "timeout" } });
    // No set-up this time: the worker kept the one that came with the late job.
    const next = run(host, 2, 7, job, 60_000);
    assert.equal(next?.ok, true);
    assert.equal((resultOf(next) as { status: string }).status, "solved");
  });

  it("answers each kind as the pool's watchdog does", () => {
    const offsets = new Float64Array(buffers.length);
    const jobs: WorkerJob[] = [
      {
        kind: "probe",
        probe: { capacity: 10, heuristics: ["TWA"], buffers: 40, maxNodes: 10, restarts: false },
        portfolio: false,
      },
      {
        kind: "lns",
        offsets,
        lowerBound: 0,
        settings: { switches: setup().switches, heuristics: ["TWA"] },
      },
    ];
    for (const job of jobs) {
      const late = run(new WorkerHost(), 3, 1, job, -1, setup());
      assert.deepEqual(late, { id: 3, ok: true, result: outOfTime(job) });
      assert.equal((outOfTime(job) as { status: string }).status, "timeout");
    }
    // An LNS out of time keeps the solution it was given.
    const lns = outOfTime(jobs[1]) as { offsets: Float64Array };
    assert.equal(lns.offsets, offsets);
  });

  it("never cuts short the set-up of a facts job, which has no deadline", () => {
    const done = run(new WorkerHost(), 5, 3, { kind: "facts" }, -1, manySetup());
    assert.deepEqual(resultOf(done), { peakLoad: 2, lowerBound: 2, pairs: 69_999 });
  });

  it("answers out of time when its deadline passes while its problem unpacks", () => {
    // Past 65,536 buffers the unpacking looks at the clock: a clock that
    // jumps an hour after two looks (the deadline's, from now, and the
    // host's "is it late?") cuts it there, every time.
    const host = new WorkerHost();
    const real = performance.now.bind(performance);
    // Deno has now() on the prototype, Bun on the object itself.
    const own = Object.getOwnPropertyDescriptor(performance, "now");
    let looks = 0;
    Object.defineProperty(performance, "now", {
      value: () => real() + (looks++ < 2 ? 0 : 3_600_000),
      configurable: true,
      writable: true,
    });
    // A probe unpacks first (a heuristic reads the columns).
    const probe: WorkerJob = {
      kind: "probe",
      probe: { capacity: 2, heuristics: ["TWA"], buffers: 70_000, maxNodes: 10, restarts: false },
      portfolio: false,
    };
    let cut;
    try {
      cut = run(host, 6, 4, probe, 60_000, manySetup());
    } finally {
      if (own !== undefined) Object.defineProperty(performance, "now", own);
      else delete (performance as { now?: unknown }).now;
    }
    // It stopped at the unpacking's first look: nothing after it ran.
    assert.equal(looks, 3);
    assert.deepEqual(cut, { id: 6, ok: true, result: outOfTime(probe) });
    // The packed problem stayed: the next job, in time, unpacks it and
    // searches.
    const next = run(host, 7, 4, probe, 60_000);
    assert.ok((resultOf(next) as { nodes: number }).nodes > 0);
  });

  it("still runs when its deadline is ahead", () => {
    const job: WorkerJob = { kind: "heuristic", name: "size", check: true };
    const done = run(new WorkerHost(), 4, 2, job, 60_000, setup());
    assert.equal((resultOf(done) as { status: string }).status, "solved");
  });
});

describe("a heuristic job's round", () => {
  it("runs the round it is given, as the heuristic does on this thread", () => {
    const problem = generateProblem({ seed: 2, buffers: 300, construction: "planted" }).problem;
    const setup = { buffers: packBuffers(problem.buffers), switches: resolveOptions({}).switches };
    const here = (round?: number) =>
      runHeuristic(problem, {
        name: "best",
        deadline: Infinity,
        lowerBound: () => peakLoad(problem),
        round,
      })!.offsets;
    const there = (round?: number) => {
      const reply = run(
        new WorkerHost(),
        1,
        1,
        { kind: "heuristic", name: "best", round, check: true },
        60_000,
        setup,
      );
      return (resultOf(reply) as { offsets: Float64Array }).offsets;
    };
    assert.deepEqual(there(1), here(1));
    assert.deepEqual(there(), here());
    assert.notDeepEqual(there(1), there());
  });

  it("comes from the plan's request, as every field of it does", () => {
    const request = { kind: "heuristic", name: "best", deadline: 5, target: 7, round: 3 } as const;
    assert.deepEqual(heuristicJob(request, true), {
      kind: "heuristic",
      name: "best",
      target: 7,
      round: 3,
      check: true,
    });
    assert.equal(heuristicJob({ ...request, round: undefined }, false).round, undefined);
  });
});

describe("a heuristic job", () => {
  const solved = (reply: ReturnType<typeof run>) =>
    resultOf(reply) as { status: string; offsets: Float64Array; height: number; unchecked?: true };
  const valid = (result: ReturnType<typeof solved>) =>
    validate({ buffers }, { offsets: Array.from(result.offsets), height: result.height });
  /** "best" on a fresh host, the worker checking its answer or not. */
  const best = (check: boolean) =>
    solved(
      run(new WorkerHost(), 1, 1, { kind: "heuristic", name: "best", check }, 60_000, setup()),
    );

  it("checks its answer when asked to, and leaves it to the caller otherwise", () => {
    const checked = best(true);
    assert.equal(checked.status, "solved");
    assert.equal(checked.unchecked, undefined);
    assert.equal(valid(checked), "good");
    const unchecked = best(false);
    assert.equal(unchecked.unchecked, true);
    assert.deepEqual(unchecked.offsets, checked.offsets);
    assert.equal(valid(unchecked), "good");
  });

  it("checks its answer only when asked to on a problem already unpacked, too", () => {
    // A facts job unpacks the problem; the heuristic then runs on it and
    // used to check its answer whatever the job said (0.3 s past the
    // deadline on 50,000 buffers with gaps, which ended the worker).
    for (const check of [false, true]) {
      const host = new WorkerHost();
      assert.equal(
        (resultOf(run(host, 1, 1, { kind: "facts" }, 60_000, setup())) as Facts).pairs,
        77,
      );
      const result = solved(run(host, 2, 1, { kind: "heuristic", name: "best", check }, 60_000));
      assert.equal(result.status, "solved");
      assert.equal(result.unchecked, check ? undefined : true);
      assert.equal(valid(result), "good");
    }
  });

  it("leaves its answer to the caller where checking it would pass the deadline", () => {
    // With windows, checking takes time with the pairs live at once: a
    // a billion of them leave no time to check before a deadline 5 s away,
    // and a minute is enough.
    const windowed: BufferSpec[] = buffers.map((b, i) =>
      i % 4 === 0 && b.size > 1
        ? { ...b, gaps: [{ lower: b.lower + 1, upper: b.upper, window: { lower: 0, upper: 1 } }] }
        : b
    );
    const facts = { peakLoad: 0, lowerBound: 0, pairs: 1e9 };
    for (const [fromNow, unchecked] of [[5_000, true], [60_000, undefined]] as const) {
      for (const unpacked of [false, true]) {
        const host = new WorkerHost();
        const given = { ...setup(), buffers: packBuffers(windowed), facts };
        if (unpacked) run(host, 1, 1, { kind: "facts" }, 60_000, given);
        const job = { kind: "heuristic" as const, name: "best", check: true };
        const result = solved(run(host, 2, 1, job, fromNow, unpacked ? undefined : given));
        assert.equal(result.status, "solved");
        assert.equal(result.unchecked, unchecked, `${fromNow} ms, unpacked: ${unpacked}`);
        assert.equal(
          validate({ buffers: windowed }, {
            offsets: Array.from(result.offsets),
            height: result.height,
          }),
          "good",
        );
      }
    }
  });

  it("leaves its problem packed for the next job, which unpacks it", () => {
    const host = new WorkerHost();
    const first = solved(
      run(host, 1, 5, { kind: "heuristic", name: "size", check: false }, 60_000, setup()),
    );
    assert.equal(first.status, "solved");
    // No set-up with these: the host kept the packed one.
    assert.deepEqual(resultOf(run(host, 2, 5, { kind: "facts" }, 60_000)), {
      peakLoad: peakLoad({ buffers }),
      // No even alignment here: the bound is the peak load itself.
      lowerBound: peakLoad({ buffers }),
      pairs: 77,
    });
    const again = solved(run(host, 3, 5, { kind: "heuristic", name: "size", check: true }, 60_000));
    assert.deepEqual(again.offsets, first.offsets);
    assert.equal(again.unchecked, undefined);
  });
});

describe("a long job", () => {
  it("tells its nodes so far as it runs, at most every PROGRESS_INTERVAL_MS", () => {
    // A whole probe on one worker (and a neighbourhood search) is one job:
    // without these, a progress line said 0 nodes until it ended.
    const { problem } = generateProblem({ seed: 1, buffers: 400, construction: "planted" });
    const posted: { nodes: number; at: number }[] = [];
    const host = new WorkerHost((reply) => {
      assert.equal(reply.id, 7);
      assert.equal(reply.ok, undefined);
      if ("nodes" in reply) posted.push({ nodes: reply.nodes, at: performance.now() });
    });
    const probe = {
      capacity: problem.capacity!,
      heuristics: ["WAT", "TAW", "TWA"],
      buffers: problem.buffers.length,
      maxNodes: Infinity,
      restarts: true,
    };
    const reply = run(host, 7, 1, { kind: "probe", probe, portfolio: true }, 1_000, {
      buffers: packBuffers(problem.buffers),
      switches: resolveOptions({}).switches,
      capacity: problem.capacity,
    });
    const result = resultOf(reply) as { status: string; nodes: number };
    assert.equal(result.status, "timeout");
    assert.ok(posted.length >= 4, `${posted.length} reports in 1 s`);
    for (let k = 1; k < posted.length; k++) {
      assert.ok(posted[k].nodes > posted[k - 1].nodes, "nodes grow");
      assert.ok(posted[k].at - posted[k - 1].at >= PROGRESS_INTERVAL_MS - 1, "spaced out");
    }
    assert.ok(posted.at(-1)!.nodes <= result.nodes);
  });
});
