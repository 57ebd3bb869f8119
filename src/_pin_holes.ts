// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// Holes between pinned buffers (part of the load bound, ours). At a moment
// when buffers with fixed offsets are live, the others live then must each
// fit in one of the holes those leave below the capacity: a small bin
// packing. The search finds that out too, but without learning from a
// failure it proves it again under every arrangement of the rest of the
// problem (20 buffers, two pinned, ran 25 million nodes unsettled). At a
// moment, a buffer in a gap with a window holds only the window's bytes
// (an item, or an obstacle, of that size), and one in a gap without holds
// none; alignment is ignored: leaving rules out only relaxes the problem,
// so a packing that cannot exist proves that no solution does.

import type { BufferSpec } from "./problem.ts";

/** The moments worth checking, with their pinned and free buffers. */
export interface PinHoles {
  /** Per moment: the pinned buffers' [low, high) byte ranges, sorted by low. */
  readonly obstacles: Float64Array[];
  /** Per moment: the other buffers' sizes, largest first. */
  readonly items: Float64Array[];
}

/** Moments, and the free buffers live at them, collected at most. */
const MAX_ENTRIES = 1_000_000;
/** Live buffers read over all the moments, and gaps passed, at most. */
const MAX_WORK = 10_000_000;
/** Nodes of one moment's packing search before it gives up (no proof). */
const PACKING_BUDGET = 20_000;
/** Nodes of all the moments' packing searches at one capacity. */
const TOTAL_BUDGET = 200_000;
/** Free buffers at one moment beyond which it is not checked (the search recurses per buffer). */
const MAX_ITEMS = 2_000;

/**
 * The moments at which pinned buffers are live (each time a buffer starts
 * or changes the bytes it holds), or undefined when no buffer is pinned
 * (or there are too many to collect cheaply).
 */
export function pinHolesOf(
  buffers: readonly BufferSpec[],
  stop?: { readonly aborted: boolean },
): PinHoles | undefined {
  const live = (b: BufferSpec) => b.size > 0 && b.lower < b.upper;
  if (!buffers.some((b) => b.offset !== undefined && live(b))) return undefined;
  const moments = new Set<number>();
  for (const b of buffers) {
    if (!live(b)) continue;
    moments.add(b.lower);
    for (const gap of b.gaps ?? []) {
      if (gap.window !== undefined && gap.lower > b.lower && gap.lower < b.upper) {
        moments.add(gap.lower);
      }
      if (gap.upper > b.lower && gap.upper < b.upper) moments.add(gap.upper);
    }
  }
  const times = [...moments].sort((a, b) => a - b);
  const byLower = buffers.map((_, i) => i).sort((a, b) => buffers[a].lower - buffers[b].lower);
  const obstacles: Float64Array[] = [];
  const items: Float64Array[] = [];
  const active = new Set<number>();
  // Per buffer, its first gap that may hold a moment still to come: the
  // moments come in order, and a buffer's gaps too.
  const cursor = new Int32Array(buffers.length);
  let next = 0;
  let entries = 0;
  let work = 0;
  let checked = 0;
  for (const t of times) {
    // The live set is read at every moment, and each gap passed once: on
    // large problems that alone could take long, and the check is a
    // shortcut, not needed.
    work += active.size;
    if (work > MAX_WORK) return undefined;
    if (work - checked > 4096) {
      checked = work;
      if (stop?.aborted) return undefined;
    }
    while (next < byLower.length && buffers[byLower[next]].lower <= t) {
      if (live(buffers[byLower[next]])) active.add(byLower[next]);
      next++;
    }
    const pinned: number[] = [];
    const free: number[] = [];
    for (const i of active) {
      const b = buffers[i];
      if (b.upper <= t) {
        active.delete(i);
        continue;
      }
      // The bytes b holds at t: all of them, a window's, or none in a gap.
      let lo = 0;
      let hi = b.size;
      const gaps = b.gaps;
      let gap;
      if (gaps !== undefined) {
        let g = cursor[i];
        while (g < gaps.length && gaps[g].upper <= t) g++;
        work += g - cursor[i];
        cursor[i] = g;
        if (g < gaps.length && gaps[g].lower <= t) gap = gaps[g];
      }
      if (gap !== undefined) {
        if (gap.window === undefined) continue;
        lo = gap.window.lower;
        hi = gap.window.upper;
      }
      if (hi <= lo) continue;
      if (b.offset !== undefined) pinned.push(b.offset + lo, b.offset + hi);
      else free.push(hi - lo);
    }
    if (pinned.length === 0 || free.length === 0 || free.length > MAX_ITEMS) continue;
    entries += free.length + pinned.length / 2;
    if (entries > MAX_ENTRIES) return undefined;
    // Byte ranges sorted by their low ends.
    const order = Array.from({ length: pinned.length / 2 }, (_, k) => k)
      .sort((a, c) => pinned[2 * a] - pinned[2 * c]);
    const ranges = new Float64Array(pinned.length);
    order.forEach((k, r) => {
      ranges[2 * r] = pinned[2 * k];
      ranges[2 * r + 1] = pinned[2 * k + 1];
    });
    obstacles.push(ranges);
    items.push(Float64Array.from(free).sort().reverse());
  }
  return obstacles.length === 0 ? undefined : { obstacles, items };
}

/**
 * Whether some moment's free buffers cannot be packed into the holes its
 * pinned buffers leave below `capacity` (a proof that nothing fits). A
 * packing search that runs out of budget proves nothing.
 */
export function pinHolesFail(holes: PinHoles, capacity: number): boolean {
  const spent = { nodes: 0 };
  for (let m = 0; m < holes.obstacles.length && spent.nodes < TOTAL_BUDGET; m++) {
    if (cannotPack(holes.items[m], holesBelow(holes.obstacles[m], capacity), spent)) return true;
  }
  return false;
}

/** The free byte ranges' lengths below `capacity`, around sorted obstacles. */
function holesBelow(ranges: Float64Array, capacity: number): number[] {
  const holes: number[] = [];
  let at = 0;
  for (let k = 0; k < ranges.length; k += 2) {
    const low = Math.min(ranges[k], capacity);
    if (low > at) holes.push(low - at);
    at = Math.max(at, ranges[k + 1]);
  }
  if (capacity > at) holes.push(capacity - at);
  return holes;
}

/** Whether `items` (largest first) provably cannot be packed into `holes`. */
function cannotPack(items: Float64Array, holes: number[], spent: { nodes: number }): boolean {
  let room = 0;
  for (const h of holes) room += h;
  let need = 0;
  for (const s of items) need += s;
  if (need > room) return true;
  if (items.length > 0 && !holes.some((h) => h >= items[0])) return true;
  let budget = Math.min(PACKING_BUDGET, TOTAL_BUDGET - spent.nodes);
  const start = budget;
  const left = holes.slice();
  const smallest = items[items.length - 1];
  // 1: packed, 0: cannot be, -1: out of budget.
  const place = (k: number, need: number, room: number): number => {
    if (k === items.length) return 1;
    if (need > room) return 0;
    if (--budget < 0) return -1;
    const size = items[k];
    // Holes with the same room left are interchangeable: try one of them.
    const tried = new Set<number>();
    for (let h = 0; h < left.length; h++) {
      const r = left[h];
      if (r < size || tried.has(r)) continue;
      tried.add(r);
      left[h] = r - size;
      // What is left of a hole smaller than every item still to place is lost.
      const lost = k + 1 < items.length && left[h] < smallest ? left[h] : 0;
      const outcome = place(k + 1, need - size, room - size - lost);
      left[h] = r;
      if (outcome !== 0) return outcome;
    }
    return 0;
  };
  const outcome = place(0, need, room);
  spent.nodes += start - Math.max(budget, 0);
  return outcome === 0;
}
