// Copyright the @x/minimalloc authors. Apache-2.0 license.

// effectiveSize (SPEC 3): how far above p's offset q must start, or
// undefined when the two are never live at the same moment. Every expected
// value below is worked out by hand from the SPEC's definition: split time
// into stretches where both buffers' current windows are constant, keep the
// stretches where both have a window, and take the maximum of
// p.window.upper − q.window.lower over them.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type Buffer, effectiveSize, type Gap } from "../src/problem.ts";
import { EffectiveSizes } from "../src/_windows.ts";
import { mulberry32 } from "../src/_random.ts";

function buf(id: string, lower: number, upper: number, size: number, gaps?: Gap[]): Buffer {
  return gaps === undefined ? { id, lower, upper, size } : { id, lower, upper, size, gaps };
}

/** Checks effectiveSize(p, q) and effectiveSize(q, p) at once. */
function both(p: Buffer, q: Buffer, pq: number | undefined, qp: number | undefined): void {
  assert.equal(effectiveSize(p, q), pq, `effectiveSize(${p.id}, ${q.id})`);
  assert.equal(effectiveSize(q, p), qp, `effectiveSize(${q.id}, ${p.id})`);
}

describe("effectiveSize without gaps", () => {
  it("is p.size when the lifespans intersect", () => {
    // [0,4) and [2,6) share [2,4): p must be entirely below q or above it.
    both(buf("p", 0, 4, 3), buf("q", 2, 6, 5), 3, 5);
  });

  it("is p.size for nested lifespans and for identical ones", () => {
    both(buf("outer", 0, 10, 7), buf("inner", 4, 5, 2), 7, 2);
    both(buf("a", 3, 8, 1), buf("b", 3, 8, 9), 1, 9);
  });

  it("is p.size for a one-tick intersection", () => {
    // [0,3) and [2,5) share exactly the tick [2,3).
    both(buf("p", 0, 3, 4), buf("q", 2, 5, 6), 4, 6);
  });

  it("is undefined when the lifespans touch at an endpoint", () => {
    // [0,2) ends exactly where [2,4) starts: never live together.
    both(buf("p", 0, 2, 3), buf("q", 2, 4, 5), undefined, undefined);
  });

  it("is undefined when the lifespans are apart", () => {
    both(buf("p", 0, 2, 3), buf("q", 7, 9, 5), undefined, undefined);
  });

  it("does not depend on sizes being positive (size 0 gives 0)", () => {
    // Without gaps the value is p.size whatever it is.
    both(buf("z", 0, 4, 0), buf("q", 1, 2, 5), 0, 5);
  });
});

describe("effectiveSize with gaps without windows", () => {
  it("is undefined when the only common time is inside the gap", () => {
    // p is free during [2,8); q lives [3,6), entirely inside that gap.
    const p = buf("p", 0, 10, 4, [{ lower: 2, upper: 8 }]);
    both(p, buf("q", 3, 6, 2), undefined, undefined);
    // The same when q fills the gap exactly: [2,8) against the gap [2,8).
    both(p, buf("q", 2, 8, 2), undefined, undefined);
  });

  it("is defined when some common time is outside the gap", () => {
    // q lives [1,3); p is live on [1,2) (its gap starts at 2), so the one
    // common stretch with both windows is [1,2): p [0,4) against q [0,2).
    const p = buf("p", 0, 10, 4, [{ lower: 2, upper: 8 }]);
    both(p, buf("q", 1, 3, 2), 4 - 0, 2 - 0);
    // q [7,9) meets p again on [8,9), after the gap.
    both(p, buf("q", 7, 9, 2), 4, 2);
  });

  it("is undefined when the two buffers take turns", () => {
    // p is free on [0,5), q is free on [5,10); at time 5 p's gap ends and
    // q's gap starts, so p is live only on [5,10) and q only on [0,5).
    const p = buf("p", 0, 10, 4, [{ lower: 0, upper: 5 }]);
    const q = buf("q", 0, 10, 6, [{ lower: 5, upper: 10 }]);
    both(p, q, undefined, undefined);
  });

  it("is undefined when lifespans touch even if gaps are present", () => {
    const p = buf("p", 0, 4, 3, [{ lower: 1, upper: 2 }]);
    const q = buf("q", 4, 8, 3, [{ lower: 5, upper: 6, window: { lower: 0, upper: 1 } }]);
    both(p, q, undefined, undefined);
  });
});

describe("effectiveSize with windows", () => {
  it("takes the maximum over the common stretches", () => {
    // p (size 8) is never fully live: [0,4) window [0,2), [4,6) no window,
    // [6,10) window [5,7). q (size 3) is fully live throughout.
    //   [0,4):  p.upper − q.lower = 2 − 0 = 2;  q.upper − p.lower = 3 − 0 = 3
    //   [4,6):  p has no window: no stretch
    //   [6,10): 7 − 0 = 7;                      3 − 5 = −2
    // effectiveSize(p, q) = max(2, 7) = 7 and effectiveSize(q, p) = max(3, −2) = 3.
    const p = buf("p", 0, 10, 8, [
      { lower: 0, upper: 4, window: { lower: 0, upper: 2 } },
      { lower: 4, upper: 6 },
      { lower: 6, upper: 10, window: { lower: 5, upper: 7 } },
    ]);
    both(p, buf("q", 0, 10, 3), 7, 3);
    // Meeting p only on [6,10), q could even start 2 bytes below p.
    both(p, buf("q", 6, 10, 3), 7, -2);
    // Meeting p only on [0,4) (q ends at 4, when p's second gap starts).
    both(p, buf("q", 1, 4, 3), 2, 3);
    // Meeting p only inside the windowless gap: undefined.
    both(p, buf("q", 4, 6, 3), undefined, undefined);
  });

  it("can be zero", () => {
    // p occupies [2,4) and q [0,2) for their whole lives (one gap each,
    // spanning the lifespan): effectiveSize(q, p) = 2 − 2 = 0, so p may sit
    // at q's offset; effectiveSize(p, q) = 4 − 0 = 4.
    const p = buf("p", 0, 10, 4, [{ lower: 0, upper: 10, window: { lower: 2, upper: 4 } }]);
    const q = buf("q", 0, 10, 4, [{ lower: 0, upper: 10, window: { lower: 0, upper: 2 } }]);
    both(p, q, 4, 0);
  });

  it("can be negative", () => {
    // p occupies [3,4) during [0,6), q occupies [0,1) during its life [2,6):
    // common [2,6): effectiveSize(q, p) = 1 − 3 = −2; effectiveSize(p, q) = 4 − 0 = 4.
    const p = buf("p", 0, 8, 4, [{ lower: 0, upper: 6, window: { lower: 3, upper: 4 } }]);
    const q = buf("q", 2, 6, 4, [{ lower: 2, upper: 6, window: { lower: 0, upper: 1 } }]);
    both(p, q, 4, -2);
  });

  it("uses the windows of both buffers", () => {
    // Both windowed on the whole common time [2,4): p window [1,3), q window [2,5).
    // effectiveSize(p, q) = 3 − 2 = 1; effectiveSize(q, p) = 5 − 1 = 4.
    const p = buf("p", 0, 4, 3, [{ lower: 2, upper: 4, window: { lower: 1, upper: 3 } }]);
    const q = buf("q", 2, 6, 5, [{ lower: 2, upper: 4, window: { lower: 2, upper: 5 } }]);
    both(p, q, 1, 4);
  });
});

describe("effectiveSize: events at the same time", () => {
  it("applies a gap starting at the lifespan start after the start", () => {
    // At time 0 p's lifespan starts ([0,4)) and then its gap starts (window
    // [1,2)), so p holds [1,2) during [0,3). q lives [0,3), size 5.
    // effectiveSize(p, q) = 2 − 0 = 2; effectiveSize(q, p) = 5 − 1 = 4.
    // (With the opposite order p would hold [0,4): 4 and 5.)
    const p = buf("p", 0, 10, 4, [{ lower: 0, upper: 3, window: { lower: 1, upper: 2 } }]);
    both(p, buf("q", 0, 3, 5), 2, 4);
    // Without a window p is not live during [0,3) at all.
    const free = buf("p", 0, 10, 4, [{ lower: 0, upper: 3 }]);
    both(free, buf("q", 0, 3, 5), undefined, undefined);
  });

  it("applies a gap ending at the lifespan end before the end", () => {
    // At time 10 p's gap ends (window back to [0,4)) and then its lifespan
    // ends (no window), so after 10 p holds nothing. q lives [7,12): the
    // only common stretch is [7,10), where p holds [1,2).
    // effectiveSize(p, q) = 2 − 0 = 2; effectiveSize(q, p) = 5 − 1 = 4.
    // (With the opposite order p would hold [0,4) on [10,12): 4 and 5.)
    const p = buf("p", 0, 10, 4, [{ lower: 7, upper: 10, window: { lower: 1, upper: 2 } }]);
    both(p, buf("q", 7, 12, 5), 2, 4);
    const free = buf("p", 0, 10, 4, [{ lower: 7, upper: 10 }]);
    both(free, buf("q", 7, 12, 5), undefined, undefined);
  });

  it("applies a gap end before the next gap's start at the same time", () => {
    // p (size 6) has gaps [2,5) window [0,1) and [5,8) window [2,3). At 5
    // the first gap ends (window [0,6)) and then the second starts (window
    // [2,3)), so p holds [2,3) on [5,8). q lives [5,8), size 3.
    // effectiveSize(p, q) = 3 − 0 = 3; effectiveSize(q, p) = 3 − 2 = 1.
    // (Were the start applied first, p would hold [0,6) there: 6 and 3.)
    const p = buf("p", 0, 10, 6, [
      { lower: 2, upper: 5, window: { lower: 0, upper: 1 } },
      { lower: 5, upper: 8, window: { lower: 2, upper: 3 } },
    ]);
    both(p, buf("q", 5, 8, 3), 3, 1);
    // q [4,6) also meets the first gap on [4,5): p holds [0,1) there.
    // effectiveSize(p, q) = max(1 − 0, 3 − 0) = 3; effectiveSize(q, p) = max(3 − 0, 3 − 2) = 3.
    both(p, buf("q", 4, 6, 3), 3, 3);
    // Two windowless gaps back to back: p is free on the whole of [2,8).
    const free = buf("p", 0, 10, 6, [{ lower: 2, upper: 5 }, { lower: 5, upper: 8 }]);
    both(free, buf("q", 5, 8, 3), undefined, undefined);
    both(free, buf("q", 3, 8, 3), undefined, undefined);
  });

  it("lets a lifespan start where the other's gap ends", () => {
    // p's windowless gap [0,4) ends at 4, exactly when q starts: both are
    // live on [4,6). effectiveSize(p, q) = 4 and effectiveSize(q, p) = 2.
    const p = buf("p", 0, 6, 4, [{ lower: 0, upper: 4 }]);
    both(p, buf("q", 4, 9, 2), 4, 2);
    // And q ending where p's gap starts: p live [0,2), q [1,2) only.
    const r = buf("r", 0, 6, 4, [{ lower: 2, upper: 6 }]);
    both(r, buf("q", 1, 2, 2), 4, 2);
    // q starting where r's gap starts: never together.
    both(r, buf("q", 2, 9, 2), undefined, undefined);
  });
});

describe("EffectiveSizes (every pair of a problem at once, for the sweep)", () => {
  /** A buffer's window at tick t, read off its gaps directly: [lo, hi), or undefined. */
  function windowAt(b: Buffer, t: number): [number, number] | undefined {
    if (t < b.lower || t >= b.upper) return undefined;
    const gap = b.gaps?.find((g) => g.lower <= t && t < g.upper);
    if (gap === undefined) return [0, b.size];
    return gap.window === undefined ? undefined : [gap.window.lower, gap.window.upper];
  }

  /** SPEC 3 tick by tick: the largest p.hi - q.lo over the ticks where both have a window. */
  function byTicks(p: Buffer, q: Buffer): number | undefined {
    let result: number | undefined = undefined;
    for (let t = Math.min(p.lower, q.lower); t < Math.max(p.upper, q.upper); t++) {
      const wp = windowAt(p, t);
      const wq = windowAt(q, t);
      if (wp === undefined || wq === undefined) continue;
      if (result === undefined || wp[1] - wq[0] > result) result = wp[1] - wq[0];
    }
    return result;
  }

  /** Seeded buffers with gaps as the solver takes them: inside the lifespan, in order. */
  function randomBuffers(random: () => number, count: number, loose: boolean): Buffer[] {
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    return Array.from({ length: count }, (_, k) => {
      const lower = int(0, 12);
      const upper = lower + int(1, 12);
      const size = int(0, 16);
      if (random() < 0.3) return buf(`b${k}`, lower, upper, size);
      const gaps: Gap[] = [];
      for (let at = lower, g = int(0, 3); g > 0; g--) {
        // Loose: gaps that overlap, leave the lifespan or have windows past
        // the size, which only effectiveSize itself is asked about.
        const gl = loose ? int(at - 2, upper + 1) : int(at, upper - 1);
        const gu = loose ? gl + int(0, 4) : int(gl + 1, upper);
        if (!loose && gl >= upper) break;
        const wl = loose ? int(-2, size + 2) : int(0, Math.max(0, size - 1));
        const wu = loose ? wl + int(-1, size + 2) : int(wl + 1, Math.max(wl + 1, size));
        gaps.push(
          random() < 0.5 || (!loose && size === 0)
            ? { lower: gl, upper: gu }
            : { lower: gl, upper: gu, window: { lower: wl, upper: wu } },
        );
        at = gu;
        if (!loose && at >= upper) break;
      }
      return buf(`b${k}`, lower, upper, size, gaps);
    });
  }

  it("gives SPEC 3's value, worked out tick by tick, for every pair", () => {
    const random = mulberry32(3);
    let defined = 0;
    for (let round = 0; round < 400; round++) {
      const buffers = randomBuffers(random, 6, false);
      const sizes = new EffectiveSizes(buffers.length, (b) => buffers[b]);
      for (let p = 0; p < buffers.length; p++) {
        for (let q = 0; q < buffers.length; q++) {
          if (p === q) continue;
          const expected = byTicks(buffers[p], buffers[q]);
          if (expected !== undefined) defined++;
          const pair = JSON.stringify([buffers[p], buffers[q]]);
          assert.equal(sizes.of(p, q), expected, pair);
          assert.equal(effectiveSize(buffers[p], buffers[q]), expected, pair);
          // Both ways at once (best fit's), NaN for undefined.
          const out = new Float64Array(2);
          sizes.both(p, q, out);
          assert.deepEqual(
            [...out],
            [expected ?? NaN, byTicks(buffers[q], buffers[p]) ?? NaN],
            pair,
          );
        }
      }
    }
    // Both kinds of answer, many times.
    assert.ok(defined > 3000 && defined < 11000, `${defined} pairs meet`);
  });

  it("agrees with effectiveSize on gaps the solver refuses (overlapping, outside the lifespan)", () => {
    const random = mulberry32(4);
    for (let round = 0; round < 400; round++) {
      const buffers = randomBuffers(random, 6, true);
      const sizes = new EffectiveSizes(buffers.length, (b) => buffers[b]);
      for (let p = 0; p < buffers.length; p++) {
        for (let q = 0; q < buffers.length; q++) {
          if (p === q) continue;
          assert.equal(sizes.of(p, q), effectiveSize(buffers[p], buffers[q]));
          const out = new Float64Array(2);
          sizes.both(p, q, out);
          assert.deepEqual([...out], [sizes.of(p, q) ?? NaN, sizes.of(q, p) ?? NaN]);
        }
      }
    }
  });
});
