// Copyright the @x/minimalloc authors. Apache-2.0 license.
// A worker's side of a job (src/_worker_host.ts), driven in this thread: a
// job whose deadline has passed before it can start answers "out of time"
// at once, instead of holding the worker through a large problem's set-up
// until the pool replaces it, and the problem it brought stays for the
// next job.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { outOfTime, packBuffers, WorkerHost, type WorkerJob } from "../src/_worker_host.ts";
import { resolveOptions } from "../src/_options.ts";
import type { BufferSpec } from "../src/problem.ts";

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
const wallClock = (fromNow: number) => performance.timeOrigin + performance.now() + fromNow;

describe("a job that starts after its deadline", () => {
  it("answers out of time at once, and its problem serves the next job", () => {
    const host = new WorkerHost();
    const job: WorkerJob = { kind: "heuristic", name: "best" };
    const late = host.handle({
      type: "job",
      id: 1,
      key: 7,
      setup: setup(),
      deadline: wallClock(-1),
      job,
    });
    assert.deepEqual(late?.reply, { id: 1, ok: true, result: { status: "timeout" } });
    // No set-up this time: the worker kept the one that came with the late job.
    const next = host.handle({ type: "job", id: 2, key: 7, deadline: wallClock(60_000), job });
    assert.equal(next?.reply.ok, true);
    const result = next?.reply.ok ? next.reply.result : undefined;
    assert.equal((result as { status: string }).status, "solved");
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
      const host = new WorkerHost();
      const late = host.handle({
        type: "job",
        id: 3,
        key: 1,
        setup: setup(),
        deadline: wallClock(-1),
        job,
      });
      assert.deepEqual(late?.reply, { id: 3, ok: true, result: outOfTime(job) });
      assert.equal((outOfTime(job) as { status: string }).status, "timeout");
    }
    // An LNS out of time keeps the solution it was given.
    const lns = outOfTime(jobs[1]) as { offsets: Float64Array };
    assert.equal(lns.offsets, offsets);
  });

  it("never cuts short the set-up of a facts job, which has no deadline", () => {
    // Past 65,536 buffers the unpacking looks at the clock.
    const many: BufferSpec[] = Array.from({ length: 70_000 }, (_, i) => ({
      id: `m${i}`,
      lower: i,
      upper: i + 2,
      size: 1,
    }));
    const host = new WorkerHost();
    const done = host.handle({
      type: "job",
      id: 5,
      key: 3,
      setup: { buffers: packBuffers(many), switches: resolveOptions({}).switches },
      deadline: wallClock(-1),
      job: { kind: "facts" },
    });
    const result = done?.reply.ok ? done.reply.result : undefined;
    assert.deepEqual(result, { peakLoad: 2, pairs: 69_999 });
  });

  it("still runs when its deadline is ahead", () => {
    const host = new WorkerHost();
    const job: WorkerJob = { kind: "heuristic", name: "size" };
    const done = host.handle({
      type: "job",
      id: 4,
      key: 2,
      setup: setup(),
      deadline: wallClock(60_000),
      job,
    });
    const result = done?.reply.ok ? done.reply.result : undefined;
    assert.equal((result as { status: string }).status, "solved");
  });
});
