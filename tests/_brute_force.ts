// Copyright the @x/minimalloc authors. Apache-2.0 license.

// A brute-force solver for tiny problems, the tests' independent judge of
// "infeasible" (it shares nothing with the search but effectiveSize() and
// validate()).

import assert from "node:assert/strict";
import { effectiveSize, type Problem } from "../src/problem.ts";
import { validate } from "../src/validate.ts";

/**
 * Tiny exhaustive search: every offset from 0 to capacity − size that is a
 * multiple of the alignment (or the fixed offset), buffers that never meet
 * solved apart. Partial assignments are cut by SPEC 8's pairwise conflict;
 * each full assignment is confirmed by validate(). Returns the offsets of
 * the first solution found, or undefined.
 */
export function bruteForce(problem: Problem): number[] | undefined {
  const buffers = problem.buffers;
  const capacity = problem.capacity ?? 0;
  const n = buffers.length;
  // A buffer of size 0 takes no bytes (SPEC 5.3, and validate() agrees),
  // though SPEC 8's pair rule read literally would let it conflict.
  const es = buffers.map((p) =>
    buffers.map((q) => p.size === 0 || q.size === 0 ? undefined : effectiveSize(p, q))
  );
  const meets = (i: number, j: number) => es[i][j] !== undefined && es[j][i] !== undefined;
  const conflict = (i: number, oi: number, j: number, oj: number) =>
    meets(i, j) && !(oi + es[i][j]! <= oj) && !(oj + es[j][i]! <= oi);
  // Components of the "meets" graph: each is solved on its own.
  const component = new Array<number>(n).fill(-1);
  const groups: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (component[i] !== -1) continue;
    const group = [i];
    component[i] = groups.length;
    for (let k = 0; k < group.length; k++) {
      for (let j = 0; j < n; j++) {
        if (component[j] === -1 && meets(group[k], j)) {
          component[j] = groups.length;
          group.push(j);
        }
      }
    }
    groups.push(group);
  }
  const offsets = new Array<number>(n).fill(0);
  const place = (group: number[], k: number): boolean => {
    if (k === group.length) return true;
    const i = group[k];
    const { size, alignment = 1, offset: fixed } = buffers[i];
    for (let o = fixed ?? 0; o + size <= capacity; o += alignment) {
      if (fixed !== undefined && o !== fixed) break;
      let ok = true;
      for (let m = 0; m < k && ok; m++) ok = !conflict(group[m], offsets[group[m]], i, o);
      if (!ok) continue;
      offsets[i] = o;
      if (place(group, k + 1)) return true;
    }
    return false;
  };
  for (const group of groups) if (!place(group, 0)) return undefined;
  const height = Math.max(0, ...buffers.map((b, i) => offsets[i] + b.size));
  const verdict = validate(problem, { offsets, height });
  assert.equal(verdict, "good", "the brute force's own solution must validate");
  return offsets;
}
