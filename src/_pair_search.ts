// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// The complete search over pairs (ours), for the problems where the
// canonical search is no proof. Two buffers live at once conflict unless
// one sits above the other by its effective size (SPEC 8): a disjunction
// per pair. The canonical search places each buffer above every buffer
// placed before it, so it finds only solutions whose "above" relation
// orders the buffers; with windows, effective sizes can be zero or
// negative, and where a cycle of them sums to zero or less a solution may
// stack three buffers in a ring (each above the next: every one at offset
// 0, say), which no placement order reaches. This search branches on the
// pairs' disjunctions instead, with bounds propagation over the offsets,
// which misses nothing: its "infeasible" is a proof.
//
// A node decides one pair that the lowest offsets still violate; its
// bounds then propagate to a fixed point (or a domain empties: a
// failure). Where the lowest offsets satisfy every pair, they are the
// solution. Frames and a trail on typed arrays, so a run pauses anywhere
// and resumes (the probe's slices), as the canonical search does.

import type { ResumableSearch, SearchModel } from "./search.ts";
import { gcd } from "./_gcd.ts";
import { INFEASIBLE, OK, PAUSED, type SearchStatus, TIMEOUT } from "./search.ts";

const NONE = -1;
// How often (in bound updates or nodes) the clock is read.
const CLOCK_EVERY = 1024;
// A pair's state: undecided, or which buffer of it is above.
const OPEN = 0;
const SECOND_ABOVE = 1;
const FIRST_ABOVE = 2;
// What the next step does.
const START = 0;
const EXPAND = 1;
const BACKTRACK = 2;
const DONE = 3;

/** A complete search by pairs; the same run/pause protocol as Search. */
export class PairSearch implements ResumableSearch {
  /** Offsets of the solution, after OK. */
  readonly solution: Float64Array;
  /** Nodes visited over the search's life. */
  nodes = 0;
  /** Failures over the search's life. */
  backtracks = 0;
  readonly #n: number;
  readonly #size: Float64Array;
  readonly #align: Float64Array;
  readonly #fixed: Float64Array;
  // Pair k: buffers #first[k] < #second[k]; the second above the first
  // needs offset2 >= offset1 + #up[k], the first above, offset1 >=
  // offset2 + #down[k].
  readonly #first: Int32Array;
  readonly #second: Int32Array;
  readonly #up: Float64Array;
  readonly #down: Float64Array;
  // The pairs of buffer b: #byBuffer[#byStart[b] .. #byStart[b + 1]).
  readonly #byStart: Int32Array;
  readonly #byBuffer: Int32Array;
  readonly #state: Uint8Array;
  readonly #lo: Float64Array;
  readonly #hi: Float64Array;
  // Undo log: kind (0 lo, 1 hi, 2 pair state), index, old value.
  #trailKind = new Uint8Array(64);
  #trailAt = new Int32Array(64);
  #trailOld = new Float64Array(64);
  #trail = 0;
  // Per depth: the pair decided, whether its second choice is under way,
  // and the trail's length before it.
  #framePair = new Int32Array(16);
  #frameSecond = new Uint8Array(16);
  #frameMark = new Int32Array(16);
  #depth = 0;
  readonly #queue: Int32Array;
  readonly #queued: Uint8Array;
  #capacity = 0;
  #rotate = 0;
  #next = DONE;
  #deadline = Infinity;
  #pauseAt = Infinity;
  #signal: { readonly aborted: boolean } | undefined;

  /**
   * @param model The search model (its overlaps and effective sizes).
   */
  constructor(model: SearchModel) {
    const n = model.n;
    this.#n = n;
    this.#size = model.size;
    this.#align = model.align;
    this.#fixed = model.fixed;
    this.solution = new Float64Array(n);
    // Each unordered pair once, with both effective sizes (the largest of
    // any repeated entry, as the validator's maximum over stretches). The
    // entries naming b (each e(q, b)) come from the lists transposed, so
    // that this is linear in the overlaps.
    const es = model.ovEs;
    const entries = model.ovBuf.length;
    const inStart = new Int32Array(n + 1);
    for (let i = 0; i < entries; i++) inStart[model.ovBuf[i] + 1]++;
    for (let b = 0; b < n; b++) inStart[b + 1] += inStart[b];
    const inFill = inStart.slice(0, n);
    const inFrom = new Int32Array(entries);
    const inEs = new Float64Array(entries);
    for (let q = 0; q < n; q++) {
      for (let i = model.ovStart[q]; i < model.ovStart[q + 1]; i++) {
        const at = inFill[model.ovBuf[i]]++;
        inFrom[at] = q;
        inEs[at] = es === undefined ? model.size[q] : es[i];
      }
    }
    const seen = new Float64Array(n).fill(NaN);
    const back = new Float64Array(n).fill(NaN);
    const first: number[] = [];
    const second: number[] = [];
    const up: number[] = [];
    const down: number[] = [];
    for (let b = 0; b < n; b++) {
      if (model.size[b] === 0) continue;
      for (let i = model.ovStart[b]; i < model.ovStart[b + 1]; i++) {
        const q = model.ovBuf[i];
        const e = es === undefined ? model.size[b] : es[i];
        if (Number.isNaN(seen[q]) || e > seen[q]) seen[q] = e;
      }
      for (let j = inStart[b]; j < inStart[b + 1]; j++) {
        const q = inFrom[j];
        if (Number.isNaN(back[q]) || inEs[j] > back[q]) back[q] = inEs[j];
      }
      for (let i = model.ovStart[b]; i < model.ovStart[b + 1]; i++) {
        const q = model.ovBuf[i];
        if (q <= b || model.size[q] === 0 || Number.isNaN(seen[q])) continue;
        // Undefined one way: the two never conflict (SPEC 8).
        if (!Number.isNaN(back[q])) {
          // Aligned offsets differ by a multiple of the alignments' gcd.
          const g = gcd(model.align[b], model.align[q]);
          first.push(b);
          second.push(q);
          up.push(ceilTo(seen[q], g));
          down.push(ceilTo(back[q], g));
        }
        seen[q] = NaN;
      }
      for (let i = model.ovStart[b]; i < model.ovStart[b + 1]; i++) seen[model.ovBuf[i]] = NaN;
      for (let j = inStart[b]; j < inStart[b + 1]; j++) back[inFrom[j]] = NaN;
    }
    const pairs = first.length;
    this.#first = Int32Array.from(first);
    this.#second = Int32Array.from(second);
    this.#up = Float64Array.from(up);
    this.#down = Float64Array.from(down);
    this.#state = new Uint8Array(pairs);
    const start = new Int32Array(n + 1);
    for (let k = 0; k < pairs; k++) {
      start[first[k] + 1]++;
      start[second[k] + 1]++;
    }
    for (let b = 0; b < n; b++) start[b + 1] += start[b];
    const fill = start.slice(0, n);
    const byBuffer = new Int32Array(2 * pairs);
    for (let k = 0; k < pairs; k++) {
      byBuffer[fill[first[k]]++] = k;
      byBuffer[fill[second[k]]++] = k;
    }
    this.#byStart = start;
    this.#byBuffer = byBuffer;
    this.#lo = new Float64Array(n);
    this.#hi = new Float64Array(n);
    this.#queue = new Int32Array(n);
    this.#queued = new Uint8Array(n);
    this.#visits = new Int32Array(n);
    this.#seenIn = new Int32Array(n).fill(-1);
    this.#unaligned = model.align.every((a) => a === 1);
  }

  /** Whether a search is under way (paused), to be resumed or abandoned. */
  get paused(): boolean {
    return this.#next !== DONE;
  }

  /** Its "infeasible" is always a proof. */
  get provesInfeasible(): boolean {
    return true;
  }

  /**
   * Starts a search at a capacity; run it with {@linkcode PairSearch.run}.
   *
   * @param capacity No buffer may reach above this.
   * @param seed Where the look for a violated pair starts (any integer).
   */
  begin(capacity: number, seed = 0): void {
    this.#capacity = capacity;
    // Members of a race differ in where the look for a violated pair
    // starts, so that they search different trees, not one tree each.
    const pairs = this.#first.length;
    this.#rotate = pairs === 0 ? 0 : (seed >>> 0) % pairs;
    this.#next = START;
  }

  /** Gives a paused search up. */
  abandon(): void {
    this.#next = DONE;
  }

  /**
   * Runs the search begun (or paused) until it ends or its budget is spent.
   *
   * @param budget Nodes allowed in this run.
   * @param deadline `performance.now()` time past which it stops (TIMEOUT).
   * @param signal Stops it when aborted (TIMEOUT).
   * @param pauseAt `performance.now()` time past which it pauses (PAUSED).
   * @returns OK (offsets in `solution`), INFEASIBLE, TIMEOUT or PAUSED.
   */
  run(
    budget: number,
    deadline: number,
    signal?: { readonly aborted: boolean },
    pauseAt = Infinity,
  ): SearchStatus {
    if (this.#next === DONE) throw new Error("Internal error: no search was begun");
    this.#deadline = deadline;
    this.#signal = signal;
    this.#pauseAt = pauseAt;
    const end = this.nodes + budget;
    // A run does at least one node before its slice can pause it: a slice
    // shorter than one node's work would otherwise pause it forever.
    const first = this.nodes;
    for (;;) {
      if (this.#next === START) {
        // (A time limit there is no proof: TIMEOUT, not INFEASIBLE.)
        const started = this.#start();
        if (started !== OK) return this.#finish(started);
        this.#next = EXPAND;
        continue;
      }
      if (this.#next === EXPAND) {
        // The lowest offsets: a solution where no pair objects.
        const pair = this.#violated();
        if (pair === NONE) {
          this.solution.set(this.#lo);
          return this.#finish(OK);
        }
        if (this.nodes >= end) return PAUSED;
        const clock = this.#clock(first);
        if (clock === PAUSED) return PAUSED;
        if (clock !== OK) return this.#finish(clock);
        this.nodes++;
        this.#push(pair);
        // The choice that keeps the lower offset where it is first.
        const second = this.#lo[this.#second[pair]] >= this.#lo[this.#first[pair]];
        const ok = this.#decide(pair, second ? SECOND_ABOVE : FIRST_ABOVE);
        if (ok === TIMEOUT) return this.#finish(TIMEOUT);
        this.#next = ok === OK ? EXPAND : BACKTRACK;
        continue;
      }
      // BACKTRACK: undo the last choice; try its other side, or go up.
      let retried = false;
      while (this.#depth > 0 && !retried) {
        const d = this.#depth - 1;
        // (Undoing again after a pause here changes nothing.)
        this.#undo(this.#frameMark[d]);
        if (this.#frameSecond[d] === 1) {
          this.#depth--;
          continue;
        }
        if (this.nodes >= end) {
          this.#next = BACKTRACK;
          return PAUSED;
        }
        const clock = this.#clock(first);
        if (clock === PAUSED) {
          this.#next = BACKTRACK;
          return PAUSED;
        }
        if (clock !== OK) return this.#finish(clock);
        this.backtracks++;
        this.#frameSecond[d] = 1;
        this.nodes++;
        const pair = this.#framePair[d];
        const second = this.#lo[this.#second[pair]] >= this.#lo[this.#first[pair]];
        const ok = this.#decide(pair, second ? FIRST_ABOVE : SECOND_ABOVE);
        if (ok === TIMEOUT) return this.#finish(TIMEOUT);
        retried = ok === OK;
      }
      if (retried) {
        this.#next = EXPAND;
        continue;
      }
      return this.#finish(INFEASIBLE);
    }
  }

  /** Ends the search with an outcome. */
  #finish(status: SearchStatus): SearchStatus {
    this.#undo(0);
    this.#depth = 0;
    this.#next = DONE;
    return status;
  }

  /** PAUSED past the slice, TIMEOUT past the deadline or when stopped, else OK. */
  #clock(first: number): SearchStatus {
    if (this.#signal?.aborted) return TIMEOUT;
    const now = performance.now();
    if (now > this.#deadline) return TIMEOUT;
    if (now > this.#pauseAt && this.nodes > first) return PAUSED;
    return OK;
  }

  /** The domains at the root, propagated: OK, INFEASIBLE or TIMEOUT. */
  #start(): SearchStatus {
    const n = this.#n;
    this.#depth = 0;
    this.#trail = 0;
    this.#state.fill(OPEN);
    for (let b = 0; b < n; b++) {
      const a = this.#align[b];
      const fixed = this.#fixed[b];
      const top = this.#capacity - this.#size[b];
      if (this.#size[b] === 0) {
        this.#lo[b] = this.#hi[b] = fixed !== NONE ? fixed : 0;
        continue;
      }
      if (fixed !== NONE) {
        if (fixed > top) return INFEASIBLE;
        this.#lo[b] = this.#hi[b] = fixed;
      } else {
        this.#lo[b] = 0;
        this.#hi[b] = Math.floor(top / a) * a;
        if (this.#hi[b] < 0) return INFEASIBLE;
      }
    }
    for (let b = 0; b < n; b++) this.#enqueue(b);
    return this.#propagate();
  }

  /**
   * Whether the decided pairs hold a cycle whose effective sizes add up to
   * more than 0 (no offsets satisfy it): Bellman-Ford for longest paths.
   */
  #cycleAddsUp(): boolean {
    const n = this.#n;
    const reach = new Float64Array(n);
    for (let pass = 0; pass <= n; pass++) {
      let changed = false;
      for (let k = 0; k < this.#first.length; k++) {
        const state = this.#state[k];
        if (state === OPEN) continue;
        const below = state === SECOND_ABOVE ? this.#first[k] : this.#second[k];
        const above = state === SECOND_ABOVE ? this.#second[k] : this.#first[k];
        const e = state === SECOND_ABOVE ? this.#up[k] : this.#down[k];
        if (reach[below] + e > reach[above]) {
          reach[above] = reach[below] + e;
          changed = true;
        }
      }
      if (!changed) return false;
    }
    return true;
  }

  /** A pair the lowest offsets violate, or NONE. */
  #violated(): number {
    const lo = this.#lo;
    const pairs = this.#first.length;
    // The pair furthest from holding either way: its choice matters most.
    let pick = NONE;
    let most = 0;
    for (let j = 0, k = this.#rotate; j < pairs; j++, k = k + 1 === pairs ? 0 : k + 1) {
      const b = this.#first[k];
      const q = this.#second[k];
      const upBy = lo[b] + this.#up[k] - lo[q];
      const downBy = lo[q] + this.#down[k] - lo[b];
      if (upBy > 0 && downBy > 0) {
        const by = upBy < downBy ? upBy : downBy;
        if (by > most) {
          most = by;
          pick = k;
        }
      }
    }
    return pick;
  }

  /** Opens a frame for a choice on `pair`. */
  #push(pair: number): void {
    const d = this.#depth++;
    if (d >= this.#framePair.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.#framePair = grow(this.#framePair, (n) => new Int32Array(n));
      this.#frameSecond = grow(this.#frameSecond, (n) => new Uint8Array(n));
      this.#frameMark = grow(this.#frameMark, (n) => new Int32Array(n));
    }
    this.#framePair[d] = pair;
    this.#frameSecond[d] = 0;
    this.#frameMark[d] = this.#trail;
  }

  /** Decides a pair and propagates: OK, INFEASIBLE, or TIMEOUT. */
  #decide(pair: number, state: number): SearchStatus {
    this.#log(2, pair, this.#state[pair]);
    this.#state[pair] = state;
    this.#enqueue(this.#first[pair]);
    this.#enqueue(this.#second[pair]);
    return this.#propagate();
  }

  /** Bounds to a fixed point from the queued buffers. */
  #propagate(): SearchStatus {
    const n = this.#n;
    const queue = this.#queue;
    const queued = this.#queued;
    const lo = this.#lo;
    const hi = this.#hi;
    const align = this.#align;
    let head = 0;
    let status: SearchStatus = OK;
    let ticks = 0;
    this.#epoch++;
    while (this.#pending > 0) {
      const x = queue[head];
      head = head + 1 === n ? 0 : head + 1;
      this.#pending--;
      queued[x] = 0;
      if (status !== OK) continue;
      // In first-in first-out order, without a cycle of decided pairs that
      // adds up, no buffer comes back more than about twice per buffer
      // (lower and upper bounds) since the last decision: past that, one
      // does, and no offsets satisfy it. With alignments, rounding can
      // settle such a cycle late: the bounds crossing end it there.
      if (this.#seenIn[x] !== this.#epoch) {
        this.#seenIn[x] = this.#epoch;
        this.#visits[x] = 0;
      }
      if (++this.#visits[x] > 2 * n + 2) {
        // With alignments, only a cycle of decided pairs whose effective
        // sizes add up proves it; else rounding may still settle it.
        if (this.#unaligned || this.#cycleAddsUp()) {
          status = INFEASIBLE;
          continue;
        }
        this.#epoch++;
      }
      // On the first buffer and every CLOCK_EVERY after.
      if (ticks++ % CLOCK_EVERY === 0) {
        if (this.#signal?.aborted || performance.now() > this.#deadline) {
          status = TIMEOUT;
          continue;
        }
      }
      for (let j = this.#byStart[x]; j < this.#byStart[x + 1] && status === OK; j++) {
        const k = this.#byBuffer[j];
        const b = this.#first[k];
        const q = this.#second[k];
        let state = this.#state[k];
        if (state === OPEN) {
          const canUp = ceilTo(lo[b] + this.#up[k], align[q]) <= hi[q];
          const canDown = ceilTo(lo[q] + this.#down[k], align[b]) <= hi[b];
          if (!canUp && !canDown) {
            status = INFEASIBLE;
            break;
          }
          if (canUp && canDown) continue;
          state = canUp ? SECOND_ABOVE : FIRST_ABOVE;
          this.#log(2, k, OPEN);
          this.#state[k] = state;
          this.#epoch++;
        }
        // below + e <= above.
        const below = state === SECOND_ABOVE ? b : q;
        const above = state === SECOND_ABOVE ? q : b;
        const e = state === SECOND_ABOVE ? this.#up[k] : this.#down[k];
        const least = ceilTo(lo[below] + e, align[above]);
        if (least > lo[above]) {
          if (least > hi[above]) {
            status = INFEASIBLE;
            break;
          }
          this.#log(0, above, lo[above]);
          lo[above] = least;
          this.#enqueue(above, head);
        }
        const most = floorTo(hi[above] - e, align[below]);
        if (most < hi[below]) {
          if (most < lo[below]) {
            status = INFEASIBLE;
            break;
          }
          this.#log(1, below, hi[below]);
          hi[below] = most;
          this.#enqueue(below, head);
        }
      }
    }
    this.#head = 0;
    return status;
  }

  // Per buffer, how often it was taken from the queue since the decision
  // numbered #seenIn (see #propagate).
  readonly #visits: Int32Array;
  readonly #seenIn: Int32Array;
  #epoch = 0;
  readonly #unaligned: boolean;
  // Buffers waiting in the ring #queue from #head, and how many.
  #head = 0;
  #pending = 0;

  /** Queues a buffer once (the ring starts at `head` during propagation). */
  #enqueue(b: number, head = this.#head): void {
    if (this.#queued[b]) return;
    this.#queued[b] = 1;
    let at = head + this.#pending;
    if (at >= this.#n) at -= this.#n;
    this.#queue[at] = b;
    this.#pending++;
  }

  /** Records an old value on the trail. */
  #log(kind: number, at: number, old: number): void {
    const t = this.#trail++;
    if (t >= this.#trailKind.length) {
      const kinds = new Uint8Array(t * 2);
      kinds.set(this.#trailKind);
      this.#trailKind = kinds;
      const ats = new Int32Array(t * 2);
      ats.set(this.#trailAt);
      this.#trailAt = ats;
      const olds = new Float64Array(t * 2);
      olds.set(this.#trailOld);
      this.#trailOld = olds;
    }
    this.#trailKind[t] = kind;
    this.#trailAt[t] = at;
    this.#trailOld[t] = old;
  }

  /** Restores everything logged since `mark`. */
  #undo(mark: number): void {
    for (let t = this.#trail - 1; t >= mark; t--) {
      const at = this.#trailAt[t];
      const old = this.#trailOld[t];
      switch (this.#trailKind[t]) {
        case 0:
          this.#lo[at] = old;
          break;
        case 1:
          this.#hi[at] = old;
          break;
        default:
          this.#state[at] = old;
      }
    }
    this.#trail = mark;
  }
}

/** The least multiple of `a` at or above x. */
function ceilTo(x: number, a: number): number {
  return a === 1 ? x : Math.ceil(x / a) * a;
}

/** The greatest multiple of `a` at or below x. */
function floorTo(x: number, a: number): number {
  return a === 1 ? x : Math.floor(x / a) * a;
}
