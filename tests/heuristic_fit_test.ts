// Copyright the @x/minimalloc authors. Apache-2.0 license.

// A fixed-capacity solve runs the reference's search first; once no search
// has finished within round 7 of its round robin (the fixed orders' heavy
// tail, which pinned buffers bring out), the fast heuristics try the
// capacity, and where one fits it answers (`heuristicFirst`, see
// HeuristicFit in src/_probe.ts). Both sides of that round, on problems
// the tests generate: on this thread, on workers, and from the command
// line.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Problem } from "../src/problem.ts";
import { solve } from "../src/solve.ts";
import { solveAsync } from "../src/solve_async.ts";
import { solveHeuristic } from "../src/heuristics.ts";
import { validate } from "../src/validate.ts";
import { parseCsv } from "../src/csv_parse.ts";
import { stringifyCsv } from "../src/csv_stringify.ts";
import { mulberry32 } from "../src/_random.ts";
import { RESTART_ROUND, WORKERS_MIN_BUFFERS } from "../src/_limits.ts";
import { workersAvailable } from "../src/_pool.ts";
import { generateProblem } from "../benchmarks/_generate.ts";
import { inProcess } from "./_in_process.ts";
import { SolveError } from "../src/errors.ts";
import { resolveOptions } from "../src/_options.ts";
import { probeOnPool } from "../src/_probe_pool.ts";
import type { Session } from "../src/_pool.ts";
import type { WorkerJob } from "../src/_worker_host.ts";
import type { SearchJob, SearchResult } from "../src/_prepared.ts";

/**
 * A generated problem with gaps and windows and about 30 % of its buffers
 * pinned where its witness has them, at the capacity the best heuristic
 * reaches.
 */
function pinned(buffers: number, seed: number): Problem {
  const generated = generateProblem({ buffers, seed, gaps: 0.3, windows: 0.5 });
  const witness = generated.witness!;
  const random = mulberry32(seed * 31 + 7);
  const copies = generated.problem.buffers.map((b, i) =>
    random() < 0.3 ? { ...b, offset: witness.offsets[i] } : { ...b }
  );
  const capacity = solveHeuristic({ buffers: copies }, { heuristic: "best" }).height;
  return { buffers: copies, capacity };
}

/** The nodes the race spends through round 7: each of the three heuristics, buffers × 2^7. */
function throughRound7(problem: Problem): number {
  return 3 * problem.buffers.length * 2 ** RESTART_ROUND;
}

describe("the fast heuristics answer a fixed-capacity solve past round 7", () => {
  it("at the end of round 7, where the search alone runs on (40 buffers, this thread)", () => {
    const problem = pinned(40, 10);
    const solution = solve(problem);
    assert.equal(validate(problem, solution), "good");
    assert.equal(solution.stats?.nodes, throughRound7(problem));
    // Node counts alone decide: the round robin, which repeats every
    // round's work, comes to the same answer.
    const robin = solve(problem, { portfolio: false });
    assert.deepEqual(robin.offsets, solution.offsets);
    // Without the heuristics, the search finds a packing of its own,
    // later.
    const alone = solve(problem, { heuristicFirst: false, timeout: 10_000 });
    assert.equal(validate(problem, alone), "good");
    assert.ok(alone.stats!.nodes > throughRound7(problem), `${alone.stats!.nodes} nodes`);
    assert.notDeepEqual(alone.offsets, solution.offsets);
  });

  it("before the end of round 7 the search's own answer stands (the reference's)", () => {
    let checked = 0;
    for (let seed = 1; seed <= 9; seed++) {
      const problem = pinned(40, seed);
      const solution = solve(problem);
      assert.ok(solution.stats!.nodes < throughRound7(problem), `seed ${seed}`);
      const alone = solve(problem, { heuristicFirst: false });
      assert.deepEqual(solution.offsets, alone.offsets, `seed ${seed}`);
      checked++;
    }
    assert.equal(checked, 9);
  });

  it("on workers and from the command line (120 buffers, which the search alone cannot settle in seconds)", async () => {
    const problem = pinned(120, 6);
    assert.ok(problem.buffers.length >= WORKERS_MIN_BUFFERS);
    const here = solve(problem, { timeout: 20_000 });
    assert.equal(validate(problem, here), "good");
    assert.equal(here.stats?.nodes, throughRound7(problem));
    const pooled = await solveAsync(problem, { timeout: 20_000 });
    assert.deepEqual(pooled.offsets, here.offsets);
    if (workersAvailable()) assert.ok((pooled.stats?.workers ?? 0) > 0, "the workers answered");
    // The command line: its own thread runs searches beside one worker.
    const { capacity, ...rest } = problem;
    const run = await inProcess(
      [`--capacity=${capacity}`, "--timeout=20s", "--input=-", "--quiet"],
      stringifyCsv(rest),
    );
    assert.equal(run.code, 0, run.stderr);
    const written = parseCsv(run.stdout);
    assert.deepEqual(written.buffers.map((b) => b.offset), Array.from(here.offsets));
  });
});

describe("the heuristics' run on a pool", () => {
  it("stopped, leaves the searches' own outcome (it used to reject the probe)", async () => {
    // A scripted pool: two searches of one buffer, the first finishing
    // after 1,000 nodes (round 10), the second never; the heuristics' run
    // comes back as the pool settles a stopped heuristic, rejected.
    const finishAt = [1_000, Infinity];
    const spent = [0, 0];
    let fits = 0;
    const session = {
      width: 2,
      callingThread: false,
      used: new Set(),
      beginsQuickly: true,
      facts: { peakLoad: 1, lowerBound: 1, pairs: 1 },
      claim: () => true,
      columns: () => assert.fail("nothing to check"),
      run: (job: WorkerJob) => {
        if (job.kind === "heuristic") {
          fits++;
          return { result: Promise.reject(new SolveError("cancelled", "Stopped")) };
        }
        assert.equal(job.kind, "search");
        const { member, begin, budget } = (job as { search: SearchJob }).search;
        if (begin !== undefined) spent[member] = 0;
        const nodes = Math.min(budget, 50, finishAt[member] - spent[member]);
        spent[member] += nodes;
        const result: SearchResult = spent[member] >= finishAt[member]
          ? { status: "solved", nodes, backtracks: 0, proof: true, offsets: Float64Array.of(7) }
          : { status: "paused", nodes, backtracks: 0, proof: true };
        return { result: Promise.resolve(result) };
      },
    } as unknown as Session;
    const settings = resolveOptions({ preorderingHeuristics: ["WAT", "TAW"], restarts: false });
    const request = {
      kind: "probe" as const,
      capacity: 1,
      maxNodes: Infinity,
      deadline: performance.now() + 10_000,
      fit: true,
    };
    const outcome = await probeOnPool(session, settings, 1, request, performance.now());
    assert.equal(fits, 1, "the heuristics ran once");
    assert.equal(outcome.status, "solved");
    assert.deepEqual(outcome.status === "solved" && [...outcome.offsets], [7]);
  });
});
