// Copyright the @x/minimalloc authors. Apache-2.0 license.

// Sound pruning where windows make effective sizes negative: after the
// search in offset order (which proves nothing there), the proof runs in
// canonical order on offset + shift (src/search.ts, SearchModel#shifts)
// instead of without canonical order, so "infeasible" costs about what the
// reference's search (unsound there) takes to say it.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseCsv } from "../src/csv_parse.ts";
import { SolveError } from "../src/errors.ts";
import { REFERENCE_OPTIONS, type SolverOptions } from "../src/options.ts";
import type { Buffer, Problem } from "../src/problem.ts";
import { solve } from "../src/solve.ts";
import { SearchModel } from "../src/search.ts";
import { sweepArrays } from "../src/_sweep_arrays.ts";
import { validate } from "../src/validate.ts";
import { resolveOptions } from "../src/_options.ts";
import { mulberry32 } from "../src/_random.ts";
import { bruteForce } from "./_brute_force.ts";
import { windowedPlanted } from "./_problems.ts";

// tests/data/conformance/cases.jsonl line 73 (family gaps): its smallest
// height is 48, and effective sizes down to -10.
const LINE_73 = `id,lower,upper,size,gaps
b0,28,31,10,
b1,26,29,13,27-28
b2,24,32,8,27-29@6:8
b3,31,33,9,
b4,30,44,12,37-42@11:12
b5,7,8,15,
b6,24,26,2,
b7,11,39,12,36-37
b8,33,34,6,
b9,2,5,15,
b10,41,43,16,
b11,8,10,14,
b12,42,44,12,
b13,13,15,15,
b14,36,41,14,37-39
b15,18,22,3,20-21@1:2
b16,7,11,10,9-10
b17,33,36,11,
b18,15,16,9,
b19,15,42,1,18-41
b20,27,35,5,
b21,4,5,15,
`;

function modelOf(problem: Problem): SearchModel {
  return new SearchModel(problem, sweepArrays(problem), resolveOptions({}).switches);
}

function minEffectiveSize(model: SearchModel): number {
  // Without gaps, each of buffer b's effective sizes is b's size.
  if (model.ovEs !== undefined) return Math.min(...model.ovEs);
  let min = Infinity;
  for (let b = 0; b < model.n; b++) {
    if (model.ovStart[b] < model.ovStart[b + 1]) min = Math.min(min, model.size[b]);
  }
  return min;
}

function nodesToFail(problem: Problem, options: SolverOptions): number {
  try {
    solve(problem, options);
  } catch (error) {
    if (error instanceof SolveError && error.code === "infeasible") return error.nodes;
    throw error;
  }
  assert.fail(`capacity ${problem.capacity} was solved`);
}

/** Small problems with windowed gaps, seeded (the conformance gaps family's shape). */
function windowed(seed: number): Problem {
  const random = mulberry32(seed);
  const int = (a: number, z: number) => a + Math.floor(random() * (z - a + 1));
  const buffers: Buffer[] = [];
  const n = int(4, 8);
  for (let i = 0; i < n; i++) {
    const lower = int(0, 10);
    const upper = lower + int(1, 7);
    const size = int(1, 9);
    const buffer: Buffer = { id: `b${i}`, lower, upper, size };
    if (upper - lower >= 3 && random() < 0.8) {
      const gapLower = int(lower + 1, upper - 2);
      const gapUpper = int(gapLower + 1, upper - 1);
      const window = int(0, size - 1);
      buffer.gaps = [{
        lower: gapLower,
        upper: gapUpper,
        window: { lower: window, upper: int(window + 1, size) },
      }];
    }
    buffers.push(buffer);
  }
  return { buffers };
}

describe("sound pruning with negative effective sizes", () => {
  it("proves conformance line 73 infeasible below 48 within twice the reference's nodes", () => {
    const problem = parseCsv(LINE_73, { capacity: 47 });
    const model = modelOf(problem);
    assert.ok(minEffectiveSize(model) < 0, "the case has a negative effective size");
    assert.equal(model.canonicalIsProof, false, "offset order proves nothing here");
    assert.ok(model.shift?.some((s) => s !== 0), "the proof has shifts");
    const reference = nodesToFail(problem, REFERENCE_OPTIONS);
    const ours = nodesToFail(problem, {});
    assert.ok(ours <= Math.max(1000, 2 * reference), `${ours} nodes, the reference's ${reference}`);
    const fits = parseCsv(LINE_73, { capacity: 48 });
    assert.equal(validate(fits, solve(fits)), "good");
  });

  it("decides as the brute force does at the optimum and below it, on generated problems", () => {
    // Among these, problems where canonical order on offsets says
    // "infeasible" at the optimum: with the reference's tie rule at seeds
    // 56, 90 and 112; even with ties exempt (loose), at seeds 701 and 752,
    // where the search alone (no heuristics) needs the shifts. (Past seed
    // 800 some take the brute force seconds.)
    let checked = 0;
    for (let seed = 1; seed <= 800; seed++) {
      const problem = windowed(seed);
      const model = modelOf(problem);
      if (minEffectiveSize(model) >= 0) continue;
      checked++;
      const best = solve(problem, { minimizeCapacity: true });
      assert.equal(validate(problem, best), "good");
      assert.equal(best.optimal, true, `seed ${seed}: proved`);
      assert.ok(bruteForce({ ...problem, capacity: best.height }), `seed ${seed}: fits`);
      const below = bruteForce({ ...problem, capacity: best.height - 1 });
      assert.equal(below, undefined, `seed ${seed}: the brute force fits ${best.height - 1}`);
      // The search alone, without the heuristics' head start.
      const searchOnly: SolverOptions = { heuristicFirst: false };
      const at = { ...problem, capacity: best.height };
      assert.equal(validate(at, solve(at, searchOnly)), "good", `seed ${seed}: search at optimum`);
      const under = { ...problem, capacity: best.height - 1 };
      assert.ok(nodesToFail(under, searchOnly) >= 0);
    }
    assert.ok(checked >= 30, `only ${checked} problems with negative sizes`);
  });

  it("searches in offset order first where shifts move many buffers", () => {
    // Planted at 1.05 x its peak load, with windows on half the gapped
    // buffers: 238 of 300 buffers get a shift. In key order from the start
    // the search found no solution at its optimum in 20 s; in offset order
    // it takes a fraction of a second.
    const { problem } = windowedPlanted();
    const model = modelOf(problem);
    assert.ok(model.shift !== undefined, "the proof has shifts");
    assert.equal(model.shiftedFirst, false);
    assert.equal(modelOf(parseCsv(LINE_73)).shiftedFirst, true, "line 73 moves 2 of 22");
    const solution = solve(problem, { minimizeCapacity: true, timeout: 60_000 });
    assert.equal(validate(problem, solution), "good");
    assert.equal(solution.optimal, true);
  });

  it("keeps the offset order where no effective size is negative", () => {
    const problem = parseCsv("id,lower,upper,size,gaps\na,0,4,4,1-2@0:2\nb,1,3,2,\n");
    const model = modelOf(problem);
    assert.ok(minEffectiveSize(model) >= 0);
    assert.equal(model.canonicalIsProof, true);
    assert.equal(model.shift, undefined);
  });
});
