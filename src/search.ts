// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * The branch-and-bound search over canonical solutions (SPEC section 5).
 *
 * Two parts: a {@linkcode SearchModel}, what the sweep says about a
 * problem in flat typed arrays, built once and shared; and a
 * {@linkcode Search}, one search's state (minimum offsets, floors,
 * totals, an undo trail), so several searches of one problem (one per
 * preordering heuristic) can live side by side. Every change made while
 * placing a buffer is pushed on the undo trail, so going back up the tree
 * costs no allocation.
 *
 * The search keeps its path in an explicit stack of frames rather than in
 * recursion, so its depth is bounded by memory, not by the runtime's call
 * stack, and it can pause when its node budget is spent and resume later
 * where it stopped: that lets a portfolio advance several searches in
 * turn on one thread. Frames, innermost last:
 *
 * ```text
 *   root       the sweep's partitions, one after another (SPEC 5.3)
 *   partition  a partition's preorder (SPEC 5.4)
 *   node       one node: its candidates tried in turn (SPEC 5.5)
 *   decompose  after a placement, the sub-partitions (SPEC 5.7)
 *   node ...
 * ```
 *
 * Results are small integer codes rather than exceptions.
 *
 * @module
 */

import type { Problem } from "./problem.ts";
import { type SweepArrays, ticker } from "./_sweep_arrays.ts";
import { mulberry32 } from "./_random.ts";
import { RangeMax } from "./_range_max.ts";
import { SHIFT_MAX_WORK, SHIFTED_FIRST_SHARE } from "./_limits.ts";

/** The search found a solution. */
export const OK = 0;
/** The search proved there is none. */
export const INFEASIBLE = 1;
/** The node budget ran out (the search was given up). */
export const BUDGET = 2;
/** The time limit passed or the caller cancelled. */
export const TIMEOUT = 3;
/** The node budget ran out; the search can resume where it stopped. */
export const PAUSED = 4;
/** A search outcome: {@linkcode OK}, {@linkcode INFEASIBLE}, {@linkcode BUDGET}, {@linkcode TIMEOUT} or {@linkcode PAUSED}. */
export type SearchStatus = 0 | 1 | 2 | 3 | 4;

/** The search switches of SPEC 5.1, all resolved to booleans. */
export interface SearchSwitches {
  /** Only place buffers in canonical order. */
  canonicalOnly: boolean;
  /** Prune when a section's floor plus its unplaced total exceeds the capacity. */
  sectionInference: boolean;
  /** Try candidates by their current minimum offset. */
  dynamicOrdering: boolean;
  /** Skip candidates that would leave an avoidable gap. */
  checkDominance: boolean;
  /** Raise section floors to the lowest unplaced minimum offset. */
  unallocatedFloor: boolean;
  /** Sort each partition's buffers by a heuristic first. */
  staticPreordering: boolean;
  /** Split into independent parts when cuts reach zero. */
  dynamicDecomposition: boolean;
  /** The floor never drops below the current offset. */
  monotonicFloor: boolean;
  /** Stop trying alternatives after a buffer with nothing above it. */
  hatlessPruning: boolean;
  /** Keep every pruning rule a proof (see SolverOptions.soundPruning). */
  soundPruning: boolean;
  /** Infeasible at once when the peak load exceeds the capacity (see SolverOptions.loadBound). */
  loadBound: boolean;
  /** Branch on what starts a lowest section with no slack (see SolverOptions.tightSections). */
  tightSections: boolean;
}

const NONE = -1;
// How many nodes between two looks at the clock: a look costs ~50 ns, a
// node 2 to 150 µs, and a time slice should end within a millisecond or
// so of its time.
const CLOCK_EVERY = 32;
// Above this many candidates a node puts only its first in order, and the
// others once that one fails: pangu_2.6B's nodes have thousands, nearly all
// kept their first. Below it, where searches backtrack often (the
// challenging suite), a whole sort at once as before.
const SORT_WHOLE = 256;
// Past this many candidates stacked, a node gives its candidates up while
// a child runs and gathers them again when it returns (once per backtrack
// into it): on S_1, 28,000 levels kept 36 million candidates (144 MB).
const CAND_KEPT = 1 << 18;

/** A partition as the sweep gives it. */
interface PartitionRange {
  buffers: number[];
  sectionRange: { lower: number; upper: number };
}

/**
 * What the sweep says about a problem, in flat typed arrays: sizes,
 * overlaps, section spans and sections. Built once per problem, read by
 * every {@linkcode Search} of it, never changed.
 */
export class SearchModel {
  /** The search switches. */
  readonly switches: SearchSwitches;
  /** How many buffers. */
  readonly n: number;
  /** The sweep's partitions. */
  readonly partitions: readonly PartitionRange[];
  /** Per buffer: size, lifespan, alignment, fixed offset (-1 for none). */
  readonly size: Float64Array;
  /** Per buffer: when it starts. */
  readonly lower: Float64Array;
  /** Per buffer: when it ends. */
  readonly upper: Float64Array;
  /** Per buffer: its alignment. */
  readonly align: Float64Array;
  /** Per buffer: its fixed offset, or -1. */
  readonly fixed: Float64Array;
  /** Overlaps of buffer b: entries ovStart[b] .. ovStart[b + 1]. */
  readonly ovStart: Int32Array;
  /** The other buffer of each overlap. */
  readonly ovBuf: Int32Array;
  /**
   * The effective size of each overlap; undefined where no buffer has
   * gaps (each of b's is then b's size: 8 bytes a pair saved).
   */
  readonly ovEs: Float64Array | Int32Array | undefined;
  /** Section spans of buffer b: entries spStart[b] .. spStart[b + 1]. */
  readonly spStart: Int32Array;
  /** First section of each span. */
  readonly spLo: Int32Array;
  /** One past the last section of each span. */
  readonly spHi: Int32Array;
  /** Window start of each span. */
  readonly spWinLo: Float64Array;
  /** Window end of each span. */
  readonly spWinHi: Float64Array;
  /** Per buffer: its first section. */
  readonly rangeLo: Int32Array;
  /** Per buffer: one past its last section. */
  readonly rangeHi: Int32Array;
  /** Buffers of section s: secBuf[secStart[s] .. secStart[s + 1]]. */
  readonly secStart: Int32Array;
  /** The buffers of every section, section after section. */
  readonly secBuf: Int32Array;
  /** Per section: the total of the widths of its spans, nothing placed. */
  readonly total: Float64Array;
  /**
   * Whether each section lists the buffer of every span over it. Not where
   * a gap without a window ends a lifespan: the sweep then gives the
   * buffer a span over a section that does not list it (see #rootCheck).
   */
  readonly spansListed: boolean;
  /** Per section boundary: buffers covering both sides (SPEC 4.3). */
  readonly cuts: Int32Array;
  /**
   * Per buffer: 1 when an effective size of zero or less ties it to a
   * neighbour, so that the canonical tie rule may not skip it.
   */
  readonly loose: Uint8Array;
  /**
   * Per buffer: what canonical order adds to its offset in a proof where
   * windows make effective sizes negative (see the constructor); undefined
   * where no shifts are needed, or none exist.
   */
  readonly shift: Float64Array | undefined;
  /** The tie rule's exemptions under `shift`. */
  readonly shiftedLoose: Uint8Array | undefined;
  /** Whether every search, not just the proof, orders by offset + shift. */
  readonly shiftedFirst: boolean = false;
  /** Whether canonical order's "infeasible" is a proof here. */
  readonly canonicalIsProof: boolean;
  /**
   * Whether every solution orders the buffers by "above" (no cycle of
   * effective sizes sums to zero or less), so that placing buffers one
   * above another can reach it; where not, with sound pruning, a search
   * by pairs (src/_pair_search.ts) gives the proofs.
   */
  readonly stackable: boolean;
  /**
   * Whether only the search by pairs proves "infeasible" (with sound
   * pruning: no stacking, or negative effective sizes and no shifts).
   */
  readonly pairsProve: boolean;
  /** Whether hatless pruning applies. */
  readonly hatless: boolean;
  /**
   * Whether tight sections restrict a node's candidates: where the switch
   * is on and no buffer has gaps, so that a buffer placed at an offset
   * fills its bytes from there in every section it covers.
   */
  readonly tight: boolean;
  /** Exact areas, where size × lifespan passes 2^53. */
  readonly areaBig: BigInt64Array | undefined;

  // Counts the pairs gone over, and looks at the signal now and then.
  readonly #tick: (work: number) => void;

  /**
   * Builds the model of a problem from its sweep.
   *
   * @param problem The problem.
   * @param sweep The problem's sweep.
   * @param switches The search switches.
   * @param signal Stops the passes over every pair (a second at 50
   * million) with a SolveError "cancelled" once it aborts.
   */
  constructor(
    problem: Problem,
    sweep: SweepArrays,
    switches: SearchSwitches,
    signal?: { readonly aborted: boolean },
  ) {
    this.#tick = ticker(signal);
    this.switches = switches;
    this.partitions = sweep.partitions;
    const n = problem.buffers.length;
    this.n = n;
    this.size = new Float64Array(n);
    this.lower = new Float64Array(n);
    this.upper = new Float64Array(n);
    this.align = new Float64Array(n);
    this.fixed = new Float64Array(n).fill(NONE);
    this.rangeLo = new Int32Array(n);
    this.rangeHi = new Int32Array(n);
    let needBig = false;
    for (let b = 0; b < n; b++) {
      const buf = problem.buffers[b];
      this.size[b] = buf.size;
      this.lower[b] = buf.lower;
      this.upper[b] = buf.upper;
      this.align[b] = buf.alignment ?? 1;
      if (buf.offset !== undefined) this.fixed[b] = buf.offset;
      if (buf.size * (buf.upper - buf.lower) > Number.MAX_SAFE_INTEGER) needBig = true;
    }
    if (needBig) {
      // Areas past 2^53 lose bits as doubles; order them exactly.
      this.areaBig = new BigInt64Array(n);
      for (let b = 0; b < n; b++) {
        const buf = problem.buffers[b];
        this.areaBig[b] = BigInt(buf.size) * BigInt(buf.upper - buf.lower);
      }
    }
    this.ovStart = sweep.ovStart;
    this.ovBuf = sweep.ovBuf;
    this.ovEs = sweep.ovEs;
    this.spStart = sweep.spStart;
    this.spLo = sweep.spLo;
    this.spHi = sweep.spHi;
    this.spWinLo = sweep.spWinLo;
    this.spWinHi = sweep.spWinHi;
    const sectionCount = sweep.secStart.length - 1;
    this.cuts = sweep.cuts;
    // Per section, the widths of the spans over it: summed from a
    // difference array (one entry per span, not per section it covers).
    const total = new Float64Array(sectionCount + 1);
    // And how many spans are over it: a section lists the buffer of each
    // span open when it closes, so at least as many as it lists, and more
    // only where a span's buffer is not listed.
    const cover = new Int32Array(sectionCount + 1);
    for (let b = 0; b < n; b++) {
      const first = this.spStart[b];
      const last = this.spStart[b + 1];
      for (let j = first; j < last; j++) {
        const width = this.spWinHi[j] - this.spWinLo[j];
        total[this.spLo[j]] += width;
        total[this.spHi[j]] -= width;
        cover[this.spLo[j]]++;
        cover[this.spHi[j]]--;
      }
      if (first < last) {
        this.rangeLo[b] = this.spLo[first];
        this.rangeHi[b] = this.spHi[last - 1];
      }
    }
    for (let s = 1; s < sectionCount; s++) total[s] += total[s - 1];
    this.total = total.subarray(0, sectionCount);
    let listed = true;
    for (let s = 0, spans = 0; s < sectionCount && listed; s++) {
      spans += cover[s];
      if (spans !== sweep.secStart[s + 1] - sweep.secStart[s]) listed = false;
    }
    this.spansListed = listed;
    // Windows can make an effective size zero (a buffer may then sit at the
    // same offset as one it must be above, so the order of equal offsets
    // matters) or negative (it may sit lower, so offset order is no
    // placement order). Sound pruning then exempts the buffers concerned
    // from the tie rule (the others, with no such neighbour, can still go
    // first in index order) or drops canonical order; and hatless pruning
    // needs candidates tried by their minimum offset.
    //
    // A negative effective size need not drop canonical order for a proof,
    // though: with a shift per buffer such that e(b, q) + shift[q] -
    // shift[b] >= 0 for every overlap (b below q), the order of offset +
    // shift is a placement order of every solution, so canonical order on
    // that key proves "infeasible" again (see #shifts). Where shifts move
    // many buffers it finds solutions far worse than offset order does, so
    // the search looks for one in offset order first and proves with the
    // shifts after; where they move few, it is offset order but for those
    // few, and one search both finds and proves (see SHIFTED_FIRST_SHARE).
    const sound = switches.soundPruning;
    // Sizes are positive: only gaps' windows can make it zero or less.
    let minEs = Infinity;
    const es = this.ovEs;
    if (es !== undefined) { for (let i = 0; i < es.length; i++) if (es[i] < minEs) minEs = es[i]; }
    this.loose = this.#looseFor(new Float64Array(n), sound);
    // Where a cycle of effective sizes sums to zero or less, a solution can
    // stack buffers in a ring (each above the next), which no placement
    // order reaches: only the search by pairs proves "infeasible" then.
    this.stackable = !sound || minEs >= 1 || this.#cyclesPositive();
    // Out of canonical order (the switch off) a search proves nothing
    // either: its other rules assume that order (a pinned buffer under
    // another was cut), so the proof runs in canonical order.
    this.canonicalIsProof = !sound || (switches.canonicalOnly && this.stackable && minEs >= 0);
    if (sound && this.stackable && minEs < 0) {
      const shift = new Float64Array(n);
      if (this.#shifts(shift)) {
        this.shift = shift;
        this.shiftedLoose = this.#looseFor(shift, true);
        let moved = 0;
        for (let b = 0; b < n; b++) if (shift[b] !== 0) moved++;
        this.shiftedFirst = moved <= SHIFTED_FIRST_SHARE * n;
      }
    }
    this.pairsProve = sound && (!this.stackable || minEs < 0 && this.shift === undefined);
    this.hatless = switches.hatlessPruning && !(sound && !switches.dynamicOrdering);
    this.tight = switches.tightSections && es === undefined;
    this.secStart = sweep.secStart;
    this.secBuf = sweep.secBuf;
  }

  /**
   * Fills `shift` with whole numbers <= 0 such that e(b, q) + shift[q] -
   * shift[b] >= 0 for every overlap, where they exist: shortest paths
   * (Bellman-Ford) over the difference constraints shift[b] <= shift[q] +
   * e(b, q). Then in any solution, q above b gives offset[q] + shift[q] >=
   * offset[b] + shift[b]: placing buffers in order of that key places each
   * one after every buffer under it, which is all canonical order needs.
   * Returns false on a negative cycle (no such shifts) or past a work cap.
   */
  #shifts(shift: Float64Array): boolean {
    const n = this.n;
    const edges = this.ovBuf.length;
    const passes = Math.min(n, Math.floor(SHIFT_MAX_WORK / Math.max(edges, 1)));
    for (let pass = 0; pass <= passes; pass++) {
      let changed = false;
      for (let b = 0; b < n; b++) {
        this.#tick(this.ovStart[b + 1] - this.ovStart[b] + 1);
        for (let i = this.ovStart[b]; i < this.ovStart[b + 1]; i++) {
          const limit = shift[this.ovBuf[i]] + (this.ovEs?.[i] ?? this.size[b]);
          if (shift[b] > limit) {
            shift[b] = limit;
            changed = true;
          }
        }
      }
      if (!changed) return true;
    }
    return false;
  }

  /**
   * Whether every directed cycle of overlaps has a positive total of
   * effective sizes: Bellman-Ford on e(b, q) - epsilon finds no negative
   * cycle (whole totals of at least 1 are the positive ones). A potential
   * is a sum of effective sizes and a count of edges, compared as sum -
   * epsilon * edges: exact, where (n + 1) * e scaled to whole numbers
   * passed 2^53. False past the work cap too (no proof either way).
   */
  #cyclesPositive(): boolean {
    const n = this.n;
    const es = this.ovEs!;
    const sum = new Float64Array(n);
    const edges = new Float64Array(n);
    const work = this.ovBuf.length;
    const passes = Math.min(n, Math.floor(SHIFT_MAX_WORK / Math.max(work, 1)));
    for (let pass = 0; pass <= passes; pass++) {
      let changed = false;
      for (let b = 0; b < n; b++) {
        if (this.size[b] === 0) continue;
        this.#tick(this.ovStart[b + 1] - this.ovStart[b] + 1);
        for (let i = this.ovStart[b]; i < this.ovStart[b + 1]; i++) {
          const q = this.ovBuf[i];
          if (this.size[q] === 0) continue;
          const s = sum[q] + es[i];
          const k = edges[q] + 1;
          if (s < sum[b] || s === sum[b] && k > edges[b]) {
            sum[b] = s;
            edges[b] = k;
            changed = true;
          }
        }
      }
      if (!changed) return true;
    }
    return false;
  }

  /** Buffers an effective size of zero or less ties to a neighbour under `shift`. */
  #looseFor(shift: Float64Array, sound: boolean): Uint8Array {
    const loose = new Uint8Array(this.n);
    if (!sound) return loose;
    for (let b = 0; b < this.n; b++) {
      this.#tick(this.ovStart[b + 1] - this.ovStart[b] + 1);
      for (let i = this.ovStart[b]; i < this.ovStart[b + 1]; i++) {
        const q = this.ovBuf[i];
        if ((this.ovEs?.[i] ?? this.size[b]) + shift[q] - shift[b] <= 0) loose[b] = loose[q] = 1;
      }
    }
    return loose;
  }
}

// Frame kinds.
const ROOT = 0;
const PARTITION = 1;
const NODE = 2;
const DECOMPOSE = 3;
// What a frame step returns besides a status: a child frame was pushed.
const PUSHED = -1;
// The status passed to a frame that is entered rather than returned to.
const ENTER = -1;

/** A copy of `array[0 .. used)` in an array twice as long. */
function grownInt(array: Int32Array, used: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array.subarray(0, used));
  return grown;
}

/** A copy of `array[0 .. used)` in an array twice as long. */
function grownFloat(array: Float64Array, used: number): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(array.length * 2);
  grown.set(array.subarray(0, used));
  return grown;
}

const NO_LINKS = new Int32Array(1);

/**
 * One frame of the search's stack. Frames are reused by depth, so going
 * down the tree allocates nothing; each kind uses the fields it needs.
 */
class Frame {
  kind = ROOT;
  /** NODE: this node's candidates are cand[base .. base + k). */
  base = 0;
  k = 0;
  /**
   * NODE: whether the candidates are given up while a child runs and
   * gathered again when it returns (see CAND_KEPT).
   */
  regather = false;
  /** NODE: whether all candidates are in order (else only the first). */
  sorted = true;
  /**
   * NODE: whether its candidates are only those starting a tight section,
   * so that its children keep its own tie rule (see #tightIndex).
   */
  tight = false;
  /** NODE: the candidate being tried (-1 before entry); ROOT, DECOMPOSE: the part. */
  i = -1;
  sectionLo = 0;
  sectionHi = 0;
  minAllowed = 0;
  /** NODE: the lowest top among its unplaced buffers (dominance's bound). */
  minHeight = 0;
  minIndex = 0;
  status = 0;
  /** NODE: the candidate placed, and what undoes it. */
  b = 0;
  offset = 0;
  index = 0;
  minMark = 0;
  floorMark = 0;
  placed = 0;
  bound = 0;
  /** DECOMPOSE: the placed buffer's section range. */
  lo = 0;
  hi = 0;
  savedFull = false;
  partition: ArrayLike<number> = [];
  /**
   * NODE, DECOMPOSE, PARTITION: the partition's unplaced buffers, as a
   * circular list of positions in `partition` (head at its length).
   */
  next: Int32Array = NO_LINKS;
  prev: Int32Array = NO_LINKS;
  order: Int32Array = new Int32Array(0);
  saved: Int32Array = new Int32Array(0);
  cutPoints: number[] | undefined = undefined;
}

/**
 * What a probe runs: a search begun at a capacity, run in slices until it
 * ends ({@linkcode Search}, or the search by pairs of src/_pair_search.ts).
 */
export interface ResumableSearch {
  /** Offsets found, per buffer (valid after {@linkcode OK}). */
  readonly solution: Float64Array;
  /** Nodes visited so far, over every run. */
  readonly nodes: number;
  /** Backtracks so far, over every run. */
  readonly backtracks: number;
  /** Whether a search is under way (paused), to be resumed or abandoned. */
  readonly paused: boolean;
  /** Whether its "infeasible" is a proof. */
  readonly provesInfeasible: boolean;
  /** Runs it until it ends or pauses (see {@linkcode Search.run}). */
  run(
    budget: number,
    deadline: number,
    signal?: { readonly aborted: boolean },
    pauseAt?: number,
  ): SearchStatus;
  /** Gives a paused search up. */
  abandon(): void;
}

/**
 * One search's state over a {@linkcode SearchModel}: it searches with one
 * preordering heuristic at one capacity, and can pause when its node
 * budget is spent and resume later.
 */
export class Search implements ResumableSearch {
  /** Offsets found, per buffer (valid after {@linkcode OK}). */
  readonly solution: Float64Array;
  /** Nodes visited so far, over every run. */
  nodes = 0;
  /** Backtracks so far, over every run. */
  backtracks = 0;

  readonly #model: SearchModel;
  readonly #sw: SearchSwitches;
  // The canonical rules as they apply now (see setRelaxed).
  #canonical: boolean;
  #canonicalIsProof: boolean;
  #loose: Uint8Array;
  // Canonical order's key is offset + #shift[b]: all zeros (#noShift)
  // except in a proof that needs the model's shifts.
  #shift: Float64Array;
  readonly #noShift: Float64Array;
  #shifted = false;
  readonly #hatless: boolean;
  #capacity = Infinity;
  // Whether tight sections apply: every section of the sweep's partition
  // being searched is full at the capacity (see #tightOnly).
  #perfect = false;
  #heuristic = "";
  readonly #n: number;
  readonly #size: Float64Array;
  readonly #lower: Float64Array;
  readonly #upper: Float64Array;
  readonly #align: Float64Array;
  readonly #fixed: Float64Array;
  readonly #ovStart: Int32Array;
  readonly #ovBuf: Int32Array;
  readonly #ovEs: Float64Array | Int32Array | undefined;
  readonly #spStart: Int32Array;
  readonly #spLo: Int32Array;
  readonly #spHi: Int32Array;
  readonly #spWinLo: Float64Array;
  readonly #spWinHi: Float64Array;
  readonly #rangeLo: Int32Array;
  readonly #rangeHi: Int32Array;
  readonly #secStart: Int32Array;
  readonly #secBuf: Int32Array;
  readonly #areaBig: BigInt64Array | undefined;

  readonly #assigned: Float64Array;
  readonly #minOffset: Float64Array;
  readonly #floor: Float64Array;
  readonly #total: Float64Array;
  readonly #cuts: Int32Array;
  readonly #preorder: Int32Array;

  // Undo trails, in runs: a placement mostly writes the same old value
  // (the top of the buffer below) over and over, to many buffers' minimum
  // offsets and to neighbouring sections' floors. On S_1 a path of 28,000
  // placements wrote 30 million minimum offsets in 31,000 runs of one old
  // value, and 34 million floors in 52,000 runs of neighbouring sections:
  // 16 bytes per change came to 1.6 GB, runs to 0.12 GB. A mark is a run
  // count; each placement starts a new run.
  // Minimum offsets: run r restores minIdx[minRunAt[r] .. next run) to minRunOld[r].
  #minIdx = new Int32Array(1024);
  #minIdxTop = 0;
  #minRunAt = new Int32Array(256);
  #minRunOld = new Float64Array(256);
  #minRuns = 0;
  #minOpen = false;
  // Floors: run r restores sections floorRunAt[r] .. + floorRunLen[r] to floorRunOld[r].
  #floorRunAt = new Int32Array(256);
  #floorRunLen = new Int32Array(256);
  #floorRunOld = new Float64Array(256);
  #floorRuns = 0;
  #floorOpen = false;
  // Candidate lists of the nodes on the current path, stacked.
  #cand = new Int32Array(1024);
  #candTop = 0;
  readonly #candKept: number;
  readonly #sortWhole: number;
  readonly #totalsTable: boolean | undefined;
  // The arrays #largestTotals' tables are built in.
  readonly #maximaScratch: Float64Array[] = [];
  // Scratch for #order's sort keys.
  #sortKeys = new Float64Array(64);
  // Per section, +1/-1 at the ends of affected span ranges (see #place).
  readonly #affectedDiff: Int32Array;
  // The same for the buffers raised to exactly the placed buffer's top.
  readonly #exactDiff: Int32Array;
  // One bit per section where either has a mark: the stretches between
  // marks where no span is open are skipped 32 sections at a time (on
  // pangu_2.6B the ranges held 30 times more sections than the spans).
  readonly #marks: Int32Array;
  // Per section, an unplaced buffer last seen at or below its floor, or -1,
  // and where in the section's list the last scan found one.
  readonly #witness: Int32Array;
  readonly #witnessAt: Int32Array;
  // Per section, how many candidates start it (see #tightOnly), zero
  // between nodes, and the sections counted.
  readonly #tightCount: Int32Array;
  readonly #tightSeen: Int32Array;
  // minOffset for unplaced buffers, Infinity for placed ones: one read per
  // buffer when looking for a section's lowest unplaced minimum offset.
  readonly #live: Float64Array;

  // An upper bound on the largest total in the current partition.
  #totalBound = 0;
  // The section that last failed #checkOffset: a cache, checked before use.
  #heavy = -1;
  // Whether a candidate is first checked against the remembered section.
  #checkFirst: boolean;
  readonly #placeFirstAllowed: boolean;
  // The monotonic floor as it applies now (see begin).
  #monotonic: boolean;
  // Whether the current partition needs the full check (see #rootCheck).
  #fullCheck = false;
  // Whether affected sections are checked against their slack rather than
  // their floors found (see the constructor).
  readonly #slackChecks: boolean;
  #budget = Infinity;
  #deadline = Infinity;
  #signal: { readonly aborted: boolean } | undefined;
  #pauseAt = Infinity;
  #clock = 0;
  // The path: frames[0 .. depth]; -1 when no search is under way.
  readonly #frames: Frame[] = [];
  #depth = -1;
  // Set while a paused search is being given up: nodes then say BUDGET.
  #abandoning = false;
  // Preorder keys, one row per letter of the heuristic (see #preorderBuffers).
  readonly #keys: Float64Array[] = [];

  /**
   * A fresh search state over a model.
   *
   * @param model The problem's model.
   * @param limits Where the same nodes are searched a different way, for
   *   tests to cover both sides: `keptCandidates`, past which many
   *   candidates stacked a node gathers its candidates again after each
   *   child instead of keeping them; `wholeSort`, up to which many
   *   candidates a node sorts them all at once rather than its first;
   *   `totalsTable`, whether the T preorder key reads a table of range
   *   maxima (default: where that costs less than walking the spans);
   *   `floorScans`, whether every affected section's floor is found, as
   *   the reference does, instead of a witness under its slack;
   *   `placeFirst`, whether every candidate is placed before the offset
   *   check, as the reference does, instead of failing first on the
   *   section that last went over.
   */
  constructor(
    model: SearchModel,
    limits: {
      keptCandidates?: number;
      wholeSort?: number;
      totalsTable?: boolean;
      floorScans?: boolean;
      placeFirst?: boolean;
    } = {},
  ) {
    this.#model = model;
    this.#candKept = limits.keptCandidates ?? CAND_KEPT;
    this.#sortWhole = limits.wholeSort ?? SORT_WHOLE;
    this.#totalsTable = limits.totalsTable;
    // The slack checks assume that a buffer raised over a section is
    // listed there (see #slackScan).
    this.#slackChecks = limits.floorScans !== true && model.spansListed;
    // Only where #checkOffset reads the totals does a section fail it.
    this.#placeFirstAllowed = limits.placeFirst !== true;
    this.#monotonic = model.switches.monotonicFloor;
    this.#checkFirst = this.#placeFirstAllowed && this.#monotonic &&
      model.switches.sectionInference;
    this.#sw = model.switches;
    const n = model.n;
    this.#n = n;
    this.#canonical = model.switches.canonicalOnly;
    this.#canonicalIsProof = model.canonicalIsProof;
    this.#loose = model.loose;
    this.#noShift = new Float64Array(n);
    this.#shift = this.#noShift;
    this.#hatless = model.hatless;
    this.#size = model.size;
    this.#lower = model.lower;
    this.#upper = model.upper;
    this.#align = model.align;
    this.#fixed = model.fixed;
    this.#ovStart = model.ovStart;
    this.#ovBuf = model.ovBuf;
    this.#ovEs = model.ovEs;
    this.#spStart = model.spStart;
    this.#spLo = model.spLo;
    this.#spHi = model.spHi;
    this.#spWinLo = model.spWinLo;
    this.#spWinHi = model.spWinHi;
    this.#rangeLo = model.rangeLo;
    this.#rangeHi = model.rangeHi;
    this.#secStart = model.secStart;
    this.#secBuf = model.secBuf;
    this.#areaBig = model.areaBig;
    this.solution = new Float64Array(n);
    this.#assigned = new Float64Array(n).fill(NONE);
    this.#minOffset = new Float64Array(n);
    for (let b = 0; b < n; b++) {
      if (model.fixed[b] !== NONE) this.#minOffset[b] = model.fixed[b];
    }
    this.#live = Float64Array.from(this.#minOffset);
    this.#preorder = new Int32Array(n);
    const sectionCount = model.total.length;
    this.#total = Float64Array.from(model.total);
    this.#floor = new Float64Array(sectionCount);
    this.#cuts = Int32Array.from(model.cuts);
    this.#affectedDiff = new Int32Array(sectionCount + 1);
    this.#exactDiff = new Int32Array(sectionCount + 1);
    this.#marks = new Int32Array((sectionCount >> 5) + 1);
    this.#witness = new Int32Array(sectionCount).fill(-1);
    this.#tightCount = new Int32Array(model.tight ? sectionCount : 0);
    this.#tightSeen = new Int32Array(model.tight ? sectionCount : 0);
    this.#witnessAt = model.secStart.slice(0, sectionCount);
  }

  /**
   * Whether "infeasible" is a proof; with sound pruning it is not when
   * canonical order holds but a negative effective size breaks it.
   */
  get provesInfeasible(): boolean {
    return this.#canonicalIsProof;
  }

  /** Whether a search is under way (paused), to be resumed or abandoned. */
  get paused(): boolean {
    return this.#depth >= 0;
  }

  /**
   * Starts a search of every partition (SPEC 5.3 for one heuristic); run
   * it with {@linkcode Search.run}. A search still paused is abandoned
   * first.
   *
   * @param capacity No buffer may reach above this.
   * @param heuristic Letters of the preordering heuristic.
   * @param relaxed Search so that "infeasible" is a proof where the first
   *   search's is not: in canonical order, on offset + shift where the model
   *   has shifts (where only the search by pairs proves, it runs instead).
   */
  begin(capacity: number, heuristic: string, relaxed = false): void {
    if (this.#depth >= 0) this.abandon();
    this.#capacity = capacity;
    this.#heuristic = heuristic;
    const model = this.#model;
    const shifted = model.shift !== undefined &&
      (relaxed || model.shiftedFirst && this.#sw.canonicalOnly);
    this.#shifted = shifted;
    this.#shift = shifted ? model.shift! : this.#noShift;
    this.#loose = shifted ? model.shiftedLoose! : model.loose;
    // The proof's search is in canonical order (on offset + shift where
    // effective sizes are negative); where that proves nothing, the search
    // by pairs runs instead (src/_prepared.ts).
    this.#canonical = relaxed || shifted ? true : this.#sw.canonicalOnly;
    this.#canonicalIsProof = relaxed || shifted ? !model.pairsProve : model.canonicalIsProof;
    // Out of canonical order a later buffer may sit lower: the floor is
    // then no bound (the reference raises it all the same).
    this.#monotonic = this.#sw.monotonicFloor && (this.#canonical || !this.#sw.soundPruning);
    this.#checkFirst = this.#placeFirstAllowed && this.#monotonic && this.#sw.sectionInference;
    const root = this.#push(ROOT);
    root.i = 0;
  }

  /**
   * Runs the search begun (or paused) until it ends or its budget is spent.
   *
   * @param budget Nodes allowed in this run.
   * @param deadline `performance.now()` time past which the search stops.
   * @param signal Stops the search when aborted (an AbortSignal, or any
   *   object with an `aborted` property, such as a flag shared with
   *   another thread).
   * @param pauseAt `performance.now()` time past which the search pauses
   *   (resumable, unlike the deadline): a time slice.
   * @returns {@linkcode OK} (offsets in `solution`), {@linkcode INFEASIBLE},
   *   {@linkcode TIMEOUT}, or {@linkcode PAUSED}: resume with another run,
   *   or give up with {@linkcode Search.abandon}. The search's state is
   *   back to where it began after any outcome but PAUSED.
   */
  run(
    budget: number,
    deadline: number,
    signal?: { readonly aborted: boolean },
    pauseAt = Infinity,
  ): SearchStatus {
    if (this.#depth < 0) throw new Error("Internal error: no search was begun");
    this.#budget = budget;
    this.#deadline = deadline;
    this.#signal = signal;
    this.#pauseAt = pauseAt;
    return this.#loop();
  }

  /** Gives up a paused search, restoring the state (as "budget" did in SPEC 5.5). */
  abandon(): void {
    if (this.#depth < 0) return;
    this.#abandoning = true;
    try {
      this.#loop();
    } finally {
      this.#abandoning = false;
    }
  }

  /** Steps the frames until the root returns or a node pauses. */
  #loop(): SearchStatus {
    let status = ENTER;
    for (;;) {
      const frame = this.#frames[this.#depth];
      let result: number;
      switch (frame.kind) {
        case NODE:
          result = this.#node(frame, status);
          break;
        case DECOMPOSE:
          result = this.#decompose(frame, status);
          break;
        case PARTITION:
          result = this.#partition(frame, status);
          break;
        default:
          result = this.#root(frame, status);
      }
      if (result === PUSHED) {
        status = ENTER;
        continue;
      }
      if (result === PAUSED) return PAUSED;
      this.#depth--;
      if (this.#depth < 0) return result as SearchStatus;
      status = result;
    }
  }

  #push(kind: number): Frame {
    const depth = ++this.#depth;
    let frame = this.#frames[depth];
    if (frame === undefined) {
      frame = new Frame();
      this.#frames[depth] = frame;
    }
    frame.kind = kind;
    frame.i = -1;
    return frame;
  }

  #pushNode(
    partition: ArrayLike<number>,
    next: Int32Array,
    prev: Int32Array,
    sectionLo: number,
    sectionHi: number,
    minAllowed: number,
    minIndex: number,
  ): number {
    const frame = this.#push(NODE);
    frame.partition = partition;
    frame.next = next;
    frame.prev = prev;
    frame.sectionLo = sectionLo;
    frame.sectionHi = sectionHi;
    frame.minAllowed = minAllowed;
    frame.minIndex = minIndex;
    return PUSHED;
  }

  #pushPartition(buffers: ArrayLike<number>, sectionLo: number, sectionHi: number): number {
    const frame = this.#push(PARTITION);
    frame.partition = buffers;
    frame.sectionLo = sectionLo;
    frame.sectionHi = sectionHi;
    return PUSHED;
  }

  /** The sweep's partitions in order; stops at the first failure (SPEC 5.3). */
  #root(frame: Frame, status: number): number {
    if (status !== ENTER) {
      if (status !== OK) return status;
      frame.i++;
    }
    const partitions = this.#model.partitions;
    if (frame.i >= partitions.length) return OK;
    const partition = partitions[frame.i];
    return this.#pushPartition(
      partition.buffers,
      partition.sectionRange.lower,
      partition.sectionRange.upper,
    );
  }

  /** Solves one partition with the heuristic (SPEC 5.4). */
  #partition(frame: Frame, status: number): number {
    const preorder = this.#preorder;
    if (status === ENTER) {
      const buffers = frame.partition;
      const count = buffers.length;
      const order = this.#preorderBuffers(
        buffers,
        this.#heuristic,
        frame.sectionLo,
        frame.sectionHi,
      );
      // Nested partitions reuse buffers' preorder slots; keep the parent's.
      const saved = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        saved[i] = preorder[order[i]];
        preorder[order[i]] = i;
      }
      frame.order = order;
      frame.saved = saved;
      frame.bound = this.#totalBound;
      frame.savedFull = this.#fullCheck;
      // A sweep's partition is a perfect packing's when each of its
      // sections is full; the parts it splits into stay so (no gaps), and
      // the next sweep's partition sets it again.
      if (this.#frames[this.#depth - 1].kind === ROOT) {
        this.#perfect = this.#model.tight &&
          this.#fullSections(frame.sectionLo, frame.sectionHi);
      }
      this.#totalBound = this.#rootCheck(frame.sectionLo, frame.sectionHi);
      // Fresh canonical bounds: below every key (shifts may be negative).
      // The nodes scan the buffers in preorder: without dynamic ordering
      // their candidates are then in order as gathered.
      // The list of unplaced buffers the nodes walk: a node's candidates
      // are gathered from it, its placement unlinks one (on pangu_2.6B
      // walking every buffer of the partition at each node took a tenth
      // of the search).
      const next = new Int32Array(count + 1);
      const prev = new Int32Array(count + 1);
      let last = count;
      for (let i = 0; i < count; i++) {
        if (this.#assigned[order[i]] !== NONE) continue;
        next[last] = i;
        prev[i] = last;
        last = i;
      }
      next[last] = count;
      prev[count] = last;
      frame.next = next;
      frame.prev = prev;
      return this.#pushNode(order, next, prev, frame.sectionLo, frame.sectionHi, -Infinity, 0);
    }
    this.#totalBound = frame.bound;
    this.#fullCheck = frame.savedFull;
    const order = frame.order;
    const saved = frame.saved;
    for (let i = 0; i < order.length; i++) preorder[order[i]] = saved[i];
    return status;
  }

  /**
   * One node (SPEC 5.5). Its candidates are stacked above its parent's
   * on `cand`. Entered once, then returned to after each candidate's
   * subtree.
   */
  #node(frame: Frame, status: number): number {
    const assigned = this.#assigned;
    const minOffset = this.#minOffset;
    const preorder = this.#preorder;
    const size = this.#size;
    const shift = this.#shift;
    const sw = this.#sw;
    if (frame.i < 0) {
      if (this.#abandoning) return BUDGET;
      if (this.#budget <= 0) return PAUSED;
      this.#budget--;
      this.nodes++;
      if (++this.#clock >= CLOCK_EVERY) {
        this.#clock = 0;
        const now = performance.now();
        if (now > this.#deadline || this.#signal?.aborted) return TIMEOUT;
        if (now > this.#pauseAt) {
          // The time slice is over: this node is visited on resume.
          this.#budget++;
          this.nodes--;
          return PAUSED;
        }
      }
      // This node's candidates: the partition's unplaced buffers. With
      // dominance checks, only those whose key is below the lowest top
      // among them (the loop below skips the others): a level keeps these
      // few, not every unplaced buffer, which at a depth of 28,000 (S_1)
      // came to gigabytes.
      const partition = frame.partition;
      const count = partition.length;
      const next = frame.next;
      if (next[count] === count) {
        for (let i = 0; i < count; i++) {
          const b = partition[i];
          this.solution[b] = assigned[b];
        }
        return OK;
      }
      // One walk finds the lowest top and gathers the candidates below the
      // lowest top so far, a superset, filtered once it is known.
      const base = this.#candTop;
      this.#ensureCand(base + count);
      const cand = this.#cand;
      const dominance = sw.checkDominance;
      const minAllowed = this.#canonical ? frame.minAllowed : -Infinity;
      const minIndex = frame.minIndex;
      const loose = this.#loose;
      let minHeight = Infinity;
      let k = 0;
      for (let at = next[count]; at !== count; at = next[at]) {
        const b = partition[at];
        const h = minOffset[b] + size[b];
        if (h < minHeight) minHeight = h;
        const key = minOffset[b] + shift[b];
        if (dominance && key >= minHeight) continue;
        if (key < minAllowed || (key === minAllowed && at < minIndex && loose[b] === 0)) continue;
        cand[base + k++] = b;
      }
      if (dominance) {
        let kept = 0;
        for (let i = base; i < base + k; i++) {
          const b = cand[i];
          if (minOffset[b] + shift[b] < minHeight) cand[base + kept++] = b;
        }
        k = kept;
      }
      frame.tight = false;
      if (this.#perfect) {
        const kept = this.#tightOnly(base, k);
        frame.tight = kept < k;
        k = kept;
      }
      this.#arrange(partition, base, k, false);
      this.#candTop = base + k;
      frame.base = base;
      frame.k = k;
      frame.minHeight = minHeight;
      frame.regather = base + k > this.#candKept;
      frame.status = INFEASIBLE;
      frame.i = base;
      // (Without dynamic ordering they stay in preorder.)
      frame.sorted = !sw.dynamicOrdering || k <= this.#sortWhole;
    } else {
      // Back from the subtree of the candidate at frame.i.
      const b = frame.b;
      this.#totalBound = frame.bound;
      this.#unplace(b, frame.minMark, frame.floorMark);
      assigned[b] = NONE;
      const at = preorder[b];
      frame.next[frame.prev[at]] = at;
      frame.prev[frame.next[at]] = at;
      if (status !== INFEASIBLE) {
        frame.status = status;
        return this.#leave(frame);
      }
      if (this.#hatless && frame.placed === PLACE_HATLESS) return this.#leave(frame);
      if (frame.regather) {
        // The state is back to this node's: the same candidates, in the
        // same order.
        const k = this.#gather(frame, frame.base, frame.k, frame.minHeight, !frame.tight);
        if (frame.tight) {
          this.#arrange(frame.partition, frame.base, this.#tightOnly(frame.base, k), true);
        }
        frame.sorted = true;
        this.#candTop = frame.base + frame.k;
      }
      frame.i++;
    }
    const base = frame.base;
    const end = base + frame.k;
    const minAllowed = frame.minAllowed;
    const minIndex = frame.minIndex;
    const sectionLo = frame.sectionLo;
    const sectionHi = frame.sectionHi;
    for (let i = frame.i; i < end; i++) {
      if (!frame.sorted && i > base) {
        // The first candidate did not do: the others, in order.
        this.#order(frame.partition, base + 1, frame.k - 1);
        frame.sorted = true;
      }
      const b = this.#cand[i];
      const offset = minOffset[b];
      // Canonical order's key (the offset itself unless shifts are needed):
      // every buffer placed later in this partition has a key at least this
      // and an offset at least this key, since shifts are <= 0.
      const key = offset + shift[b];
      const index = preorder[b];
      if (this.#canonical) {
        if (key < minAllowed || (key === minAllowed && index < minIndex && this.#loose[b] === 0)) {
          continue;
        }
      }
      // (Dominance: candidates whose key is at least minHeight were left
      // out above.)
      const fixed = this.#fixed[b];
      if (fixed !== NONE && offset > fixed) continue;
      // Windows may leave a buffer's top bytes never live, so the sections
      // do not see them: the whole buffer must still fit (SPEC 1).
      if (offset + size[b] > this.#capacity) continue;

      if (
        this.#checkFirst && this.#heavyOver(sectionLo, sectionHi, key) &&
        !this.#covers(b, this.#heavy) && !(this.#hatless && this.#meetsNoneUnplaced(b))
      ) {
        // The offset check would fail on its remembered section, which b
        // does not cover, whatever the placement raises (most candidates
        // end so): skip placing. A buffer that meets no unplaced one is
        // placed as before, for the hatless rule's stop.
        continue;
      }
      assigned[b] = offset;
      const minMark = this.#minRuns;
      const floorMark = this.#floorRuns;
      const placed = this.#place(b, offset, sectionLo, sectionHi);
      const bound = this.#totalBound;
      if (
        placed !== PLACE_FAILED && this.#checkOffset(sectionLo, sectionHi, key) &&
        (!this.#fullCheck || this.#checkAll(sectionLo, sectionHi, key))
      ) {
        frame.i = i;
        frame.b = b;
        frame.minMark = minMark;
        frame.floorMark = floorMark;
        frame.placed = placed;
        frame.bound = bound;
        // Unlinked while its subtree runs.
        const next = frame.next;
        const prev = frame.prev;
        next[prev[index]] = next[index];
        prev[next[index]] = prev[index];
        // Past CAND_KEPT the child's candidates go where this node's were.
        if (frame.regather) this.#candTop = frame.base;
        // The tie rule below: the placed buffer's index, or see #tightIndex.
        const childIndex = frame.tight ? this.#tightIndex(frame, key) : index;
        if (sw.dynamicDecomposition) {
          const child = this.#push(DECOMPOSE);
          child.b = b;
          child.offset = offset;
          child.index = childIndex;
          child.partition = frame.partition;
          child.next = next;
          child.prev = prev;
          child.sectionLo = sectionLo;
          child.sectionHi = sectionHi;
          return PUSHED;
        }
        return this.#pushNode(
          frame.partition,
          next,
          prev,
          sectionLo,
          sectionHi,
          key,
          childIndex,
        );
      }
      this.#totalBound = bound;
      this.#unplace(b, minMark, floorMark);
      assigned[b] = NONE;
      if (this.#hatless && placed === PLACE_HATLESS) break;
    }
    return this.#leave(frame);
  }

  /** Whether every section in [lo, hi) holds the capacity's bytes, or none. */
  #fullSections(lo: number, hi: number): boolean {
    const total = this.#total;
    for (let s = lo; s < hi; s++) {
      if (total[s] !== 0 && total[s] !== this.#capacity) return false;
    }
    return true;
  }

  /**
   * The tie rule's minimum index below a candidate of a tight node placed
   * at key: the node's own where the key is the node's minimum, else none.
   * A solution below the node places its other buffers at key f in index
   * order from the node's minimum, whatever the index of the one that
   * starts the tight section; the placed buffer's own index would rule
   * out those below it, and with none at all equal keys are tried in
   * several orders (measured when forced starts also applied where there
   * is slack, on the challenging suite: A took 222,852 nodes that way, not
   * 57,417).
   */
  #tightIndex(frame: Frame, key: number): number {
    return this.#canonical && key === frame.minAllowed ? frame.minIndex : 0;
  }

  /** Whether the section s is one that b covers. */
  #covers(b: number, s: number): boolean {
    for (let j = this.#spStart[b]; j < this.#spStart[b + 1]; j++) {
      if (s >= this.#spLo[j] && s < this.#spHi[j]) return true;
    }
    return false;
  }

  /** Whether b meets no unplaced buffer: #place would raise nothing. */
  #meetsNoneUnplaced(b: number): boolean {
    for (let i = this.#ovStart[b]; i < this.#ovStart[b + 1]; i++) {
      if (this.#assigned[this.#ovBuf[i]] === NONE) return false;
    }
    return true;
  }

  /** A node's last step: its candidates off the stack, a backtrack counted. */
  #leave(frame: Frame): number {
    this.#candTop = frame.base;
    if (frame.status === INFEASIBLE) this.backtracks++;
    return frame.status;
  }

  /** Dynamic decomposition after placing b (SPEC 5.7). */
  #decompose(frame: Frame, status: number): number {
    const cuts = this.#cuts;
    if (status === ENTER) {
      const b = frame.b;
      this.solution[b] = frame.offset;
      const lo = this.#rangeLo[b];
      const hi = this.#rangeHi[b];
      frame.lo = lo;
      frame.hi = hi;
      let cutPoints: number[] | undefined;
      for (let s = lo; s + 1 < hi; s++) {
        if (--cuts[s] === 0) (cutPoints ??= [frame.sectionLo]).push(s + 1);
      }
      frame.cutPoints = cutPoints;
      if (cutPoints === undefined) {
        frame.i = -1;
        return this.#pushNode(
          frame.partition,
          frame.next,
          frame.prev,
          frame.sectionLo,
          frame.sectionHi,
          frame.offset + this.#shift[frame.b],
          frame.index,
        );
      }
      cutPoints.push(frame.sectionHi);
      frame.status = OK;
      frame.i = 0;
    } else if (frame.cutPoints === undefined) {
      frame.status = status;
    } else {
      // Back from the sub-partition at frame.i.
      frame.status = status;
      frame.i++;
    }
    const cutPoints = frame.cutPoints;
    if (cutPoints !== undefined) {
      const partition = frame.partition;
      const assigned = this.#assigned;
      for (; frame.i + 1 < cutPoints.length && frame.status === OK; frame.i++) {
        const x = cutPoints[frame.i];
        const y = cutPoints[frame.i + 1];
        const sub: number[] = [];
        for (let i = 0; i < partition.length; i++) {
          const q = partition[i];
          if (assigned[q] === NONE && this.#rangeLo[q] < y && x < this.#rangeHi[q]) sub.push(q);
        }
        if (sub.length === 0) continue;
        return this.#pushPartition(sub, x, y);
      }
    }
    for (let s = frame.lo; s + 1 < frame.hi; s++) cuts[s]++;
    return frame.status;
  }

  /** Orders a partition's buffers by a heuristic (SPEC 5.4). */
  #preorderBuffers(
    buffers: ArrayLike<number>,
    heuristic: string,
    sectionLo: number,
    sectionHi: number,
  ): Int32Array {
    const order = Int32Array.from(buffers);
    if (!this.#sw.staticPreordering) return order;
    if (heuristic.charCodeAt(0) === 82) return this.#randomOrder(order, heuristic); // "R"
    const count = order.length;
    // One row of keys per letter, indexed by buffer, larger first; area
    // goes through compareArea. The rows are reused: a partition's order is
    // settled before any nested partition needs the rows.
    const letters = [...heuristic];
    const keys = this.#keys;
    for (let k = 0; k < letters.length; k++) {
      keys[k] ??= new Float64Array(this.#n);
      if (letters[k] === "A") continue;
      const values = keys[k];
      if (letters[k] === "T") {
        this.#largestTotals(order, values, sectionLo, sectionHi);
        continue;
      }
      for (let i = 0; i < count; i++) values[order[i]] = this.#preorderKey(letters[k], order[i]);
    }
    const sorted = Array.from(order).sort((x, y) => {
      for (let k = 0; k < letters.length; k++) {
        if (letters[k] === "A") {
          const c = this.#compareArea(x, y);
          if (c !== 0) return c;
          continue;
        }
        const vx = keys[k][x];
        const vy = keys[k][y];
        if (vx !== vy) return vy - vx > 0 ? 1 : -1;
      }
      return x - y;
    });
    return Int32Array.from(sorted);
  }

  /**
   * A seeded random preorder (the portfolio's restarts and the
   * minimization's descents, `R<family>:<seed>`): `W` favours long
   * lifespans, each width scaled by a random factor in [0.2, 1.8]; `N`
   * nudges the widths only, by a factor in [0.95, 1.05], so it stays close
   * to the width order and breaks its ties at random; `L` goes by start
   * time, ties broken at random. A few of these, restarted with growing
   * budgets, get past the heavy tail where every fixed order runs for
   * minutes.
   */
  #randomOrder(order: Int32Array, heuristic: string): Int32Array {
    const colon = heuristic.indexOf(":");
    const family = heuristic.slice(1, colon);
    const random = mulberry32(Number(heuristic.slice(colon + 1)));
    const key = this.#keys[0] ??= new Float64Array(this.#n);
    for (let i = 0; i < order.length; i++) {
      const b = order[i];
      const r = random();
      const width = this.#upper[b] - this.#lower[b];
      key[b] = family === "L"
        ? -this.#lower[b] + r * 0.5
        : width * (family === "N" ? 0.95 + 0.1 * r : 0.2 + 1.6 * r);
    }
    return Int32Array.from(Array.from(order).sort((x, y) => key[y] - key[x] || x - y));
  }

  /**
   * The "T" key of each buffer: the largest total over its spans, by range
   * maxima over the partition's sections (a sparse table) rather than a
   * walk over every section of every span (0.7 s on pangu_2.6B).
   */
  #largestTotals(
    order: Int32Array,
    values: Float64Array,
    sectionLo: number,
    sectionHi: number,
  ): void {
    const total = this.#total;
    const width = sectionHi - sectionLo;
    // Whichever costs less: the walk, or the table and a look per span.
    let walk = 0;
    for (let i = 0; i < order.length; i++) {
      const b = order[i];
      for (let j = this.#spStart[b]; j < this.#spStart[b + 1]; j++) {
        walk += this.#spHi[j] - this.#spLo[j];
      }
    }
    const table = this.#totalsTable ?? walk > width * (32 - Math.clz32(width)) + order.length;
    if (!table) {
      for (let i = 0; i < order.length; i++) values[order[i]] = this.#preorderKey("T", order[i]);
      return;
    }
    const maxima = new RangeMax(total, sectionLo, sectionHi, this.#maximaScratch);
    for (let i = 0; i < order.length; i++) {
      const b = order[i];
      let max = 0;
      for (let j = this.#spStart[b]; j < this.#spStart[b + 1]; j++) {
        const lo = this.#spLo[j] - sectionLo;
        const hi = this.#spHi[j] - sectionLo;
        if (hi <= lo) continue;
        if (lo < 0 || hi > width) {
          // Not expected (a partition holds its buffers' spans): walk it.
          for (let s = this.#spLo[j]; s < this.#spHi[j]; s++) if (total[s] > max) max = total[s];
          continue;
        }
        const m = maxima.max(lo, hi);
        if (m > max) max = m;
      }
      values[b] = max;
    }
  }

  #preorderKey(letter: string, b: number): number {
    switch (letter) {
      case "A":
        return this.#size[b] * (this.#upper[b] - this.#lower[b]);
      case "C":
        return this.#rangeHi[b] - this.#rangeLo[b];
      case "L":
        return this.#lower[b];
      case "O":
        return this.#ovStart[b + 1] - this.#ovStart[b];
      case "T": {
        let max = 0;
        for (let j = this.#spStart[b]; j < this.#spStart[b + 1]; j++) {
          for (let s = this.#spLo[j]; s < this.#spHi[j]; s++) {
            if (this.#total[s] > max) max = this.#total[s];
          }
        }
        return max;
      }
      case "U":
        return this.#upper[b];
      case "W":
        return this.#upper[b] - this.#lower[b];
      case "Z":
        return this.#size[b];
      default:
        throw new RangeError(`Unknown preordering heuristic letter "${letter}"`);
    }
  }

  /** Larger area first: negative when x's area is larger. */
  #compareArea(x: number, y: number): number {
    if (this.#areaBig) {
      const ax = this.#areaBig[x];
      const ay = this.#areaBig[y];
      return ax === ay ? 0 : ax > ay ? -1 : 1;
    }
    const ax = this.#size[x] * (this.#upper[x] - this.#lower[x]);
    const ay = this.#size[y] * (this.#upper[y] - this.#lower[y]);
    return ax === ay ? 0 : ax > ay ? -1 : 1;
  }

  /**
   * Sorts `cand[base .. base + k)` (gathered in preorder) by canonical
   * order's key, the offset plus the shift where needed, then by preorder.
   */
  #order(partition: ArrayLike<number>, base: number, k: number): void {
    const cand = this.#cand;
    const preorder = this.#preorder;
    const minOffset = this.#minOffset;
    const shift = this.#shift;
    const keyed = this.#shifted;
    if (k > 32) {
      // One number per candidate, offset * count + preorder, sorted
      // natively: a comparator called per pair took a fifth of the search
      // on pangu_2.6B, whose nodes have thousands of candidates. Offsets
      // are whole; where the numbers would pass 2^53, the comparator.
      const count = partition.length;
      if (!keyed) {
        let max = 0;
        for (let i = base; i < base + k; i++) {
          if (minOffset[cand[i]] > max) max = minOffset[cand[i]];
        }
        if ((max + 1) * count <= Number.MAX_SAFE_INTEGER) {
          if (this.#sortKeys.length < k) {
            this.#sortKeys = new Float64Array(Math.max(k, this.#sortKeys.length * 2));
          }
          const keys = this.#sortKeys.subarray(0, k);
          for (let i = 0; i < k; i++) {
            const b = cand[base + i];
            keys[i] = minOffset[b] * count + preorder[b];
          }
          keys.sort();
          for (let i = 0; i < k; i++) cand[base + i] = partition[keys[i] % count];
          return;
        }
      }
      const list = cand.subarray(base, base + k);
      if (!keyed) list.sort((x, y) => minOffset[x] - minOffset[y] || preorder[x] - preorder[y]);
      else {
        list.sort((x, y) =>
          minOffset[x] + shift[x] - minOffset[y] - shift[y] || preorder[x] - preorder[y]
        );
      }
      return;
    }
    // Insertion sort: few, and often nearly in order already.
    for (let i = base + 1; i < base + k; i++) {
      const b = cand[i];
      const mb = keyed ? minOffset[b] + shift[b] : minOffset[b];
      const pb = preorder[b];
      let j = i - 1;
      while (j >= base) {
        const c = cand[j];
        const mc = keyed ? minOffset[c] + shift[c] : minOffset[c];
        if (mc < mb || (mc === mb && preorder[c] < pb)) break;
        cand[j + 1] = c;
        j--;
      }
      cand[j + 1] = b;
    }
  }

  /** Moves the candidate first in canonical order to `cand[base]`. */
  #first(base: number, k: number): void {
    const cand = this.#cand;
    const preorder = this.#preorder;
    const minOffset = this.#minOffset;
    const shift = this.#shift;
    let at = base;
    let best = minOffset[cand[base]] + shift[cand[base]];
    for (let i = base + 1; i < base + k; i++) {
      const b = cand[i];
      const key = minOffset[b] + shift[b];
      if (key < best || (key === best && preorder[b] < preorder[cand[at]])) {
        best = key;
        at = i;
      }
    }
    const first = cand[at];
    cand[at] = cand[base];
    cand[base] = first;
  }

  /**
   * Puts the partition's candidates in `cand[base ..]`: its unplaced
   * buffers, with dominance checks only those whose key is below
   * `minHeight`, the lowest top among them; ordered. Returns how many.
   */
  #gather(
    frame: Frame,
    base: number,
    unplaced: number,
    minHeight: number,
    whole: boolean,
  ): number {
    this.#ensureCand(base + unplaced);
    const partition = frame.partition;
    const count = partition.length;
    const next = frame.next;
    const cand = this.#cand;
    const minOffset = this.#minOffset;
    const shift = this.#shift;
    const preorder = this.#preorder;
    const loose = this.#loose;
    const dominance = this.#sw.checkDominance;
    // Canonical order rules out keys below the parent's, and its own key
    // with a lower index: the node would skip them anyway (on pangu_2.6B
    // they came first in order, so nodes sorted all their candidates).
    const minAllowed = this.#canonical ? frame.minAllowed : -Infinity;
    const minIndex = frame.minIndex;
    let k = 0;
    for (let at = next[count]; at !== count; at = next[at]) {
      const b = partition[at];
      const key = minOffset[b] + shift[b];
      if (dominance && key >= minHeight) continue;
      if (key < minAllowed || (key === minAllowed && preorder[b] < minIndex && loose[b] === 0)) {
        continue;
      }
      cand[base + k++] = b;
    }
    this.#arrange(partition, base, k, whole);
    return k;
  }

  /**
   * Keeps, of the `k` candidates at `cand[base]`, those that start a tight
   * section, if there is one; returns how many are kept (`k` where none).
   *
   * Let f be the lowest key among the candidates. A section s is tight at
   * f when f + total[s] is the capacity. Follow any packing that completes
   * this node, in order of offset, each buffer as low as it goes: its
   * unplaced buffers over s lie in [f, capacity), which they fill, so one
   * of them starts at f. That one is a candidate at key f (its minimum
   * offset is f: a placement before it that met it would raise that above
   * f, sizes being positive). Placed first, with the packing's others at f
   * after it in the node's own tie-rule order (see #tightIndex), it leads
   * to that packing. So trying only the candidates that cover s keeps a
   * packing reachable wherever one exists (which one is found may change),
   * and "infeasible" stays a proof. Without gaps only, where a buffer's
   * bytes in every section it covers start at its offset; keys are then
   * offsets.
   *
   * Only in a perfect packing (every section of the sweep's partition full
   * at the capacity, so every one at f is tight): the tight section with
   * the fewest such candidates is branched on, the first on a tie, perfect
   * rectangle packing's "fill the lowest hole first". Where some section
   * has slack, choosing among several by section rather than by the
   * preorder loses the heuristic's guidance (on the challenging suite E
   * took 4,969,604 nodes, not 73,326, and F and K did not finish in 20 s);
   * taking only forced starts (one candidate) there cut the suite's nodes
   * by 3 % but not its time through the CLI (A/B 1.00), and changed E's
   * and H's answers from the reference's.
   */
  #tightOnly(base: number, k: number): number {
    const cand = this.#cand;
    const minOffset = this.#minOffset;
    const total = this.#total;
    const capacity = this.#capacity;
    let f = Infinity;
    for (let i = base; i < base + k; i++) {
      const m = minOffset[cand[i]];
      if (m < f) f = m;
    }
    // No section can be tight below the capacity less the largest total.
    if (capacity - f > this.#totalBound) return k;
    const count = this.#tightCount;
    const seen = this.#tightSeen;
    const spStart = this.#spStart;
    const spLo = this.#spLo;
    const spHi = this.#spHi;
    let seenTop = 0;
    for (let i = base; i < base + k; i++) {
      const b = cand[i];
      if (minOffset[b] !== f) continue;
      for (let j = spStart[b]; j < spStart[b + 1]; j++) {
        for (let s = spLo[j]; s < spHi[j]; s++) {
          if (f + total[s] !== capacity) continue;
          if (count[s]++ === 0) seen[seenTop++] = s;
        }
      }
    }
    if (seenTop === 0) return k;
    let best = -1;
    let fewest = Infinity;
    for (let t = 0; t < seenTop; t++) {
      const s = seen[t];
      if (count[s] < fewest || (count[s] === fewest && s < best)) {
        fewest = count[s];
        best = s;
      }
      count[s] = 0;
    }
    let kept = 0;
    for (let i = base; i < base + k; i++) {
      const b = cand[i];
      if (minOffset[b] === f && this.#covers(b, best)) cand[base + kept++] = b;
    }
    return kept;
  }

  /** Orders the `k` candidates gathered at `cand[base]` (see #gather). */
  #arrange(partition: ArrayLike<number>, base: number, k: number, whole: boolean): void {
    // Gathered in preorder; with dynamic ordering, by canonical order's
    // key first: the offset, plus the shift where needed.
    if (!this.#sw.dynamicOrdering) return;
    // Many candidates: the first one only, the others once it fails (most
    // nodes of a deep search keep their first).
    if (whole || k <= this.#sortWhole) this.#order(partition, base, k);
    else this.#first(base, k);
  }

  #ensureCand(length: number): void {
    if (length <= this.#cand.length) return;
    const grown = new Int32Array(Math.max(length, this.#cand.length * 2));
    grown.set(this.#cand.subarray(0, this.#candTop));
    this.#cand = grown;
  }

  /**
   * Places b at offset: raises the minimum offsets of what it meets and
   * updates the section floors and totals (SPEC 5.6).
   */
  #place(b: number, offset: number, sectionLo: number, sectionHi: number): number {
    const minOffset = this.#minOffset;
    const assigned = this.#assigned;
    const live = this.#live;
    const unallocatedFloor = this.#sw.unallocatedFloor;
    // The "affected" sections (covered by a buffer whose minimum offset
    // rose) are a union of span ranges: mark their ends, sum them later.
    const diff = this.#affectedDiff;
    const exactDiff = this.#exactDiff;
    const marks = this.#marks;
    const witnessAt = this.#witnessAt;
    const secBuf = this.#secBuf;
    const witness = this.#witness;
    let affectedLo = sectionHi;
    let affectedHi = sectionLo;
    let hatless = true;
    let fixedBroken = false;
    live[b] = Infinity;
    this.#minOpen = false;
    this.#floorOpen = false;
    // The check (SPEC 5.6) splits in two: floor + total within capacity,
    // looked at for the sections whose floor or total changes (the
    // others passed at the parent), and offset + total, in #checkOffset.
    const floor = this.#floor;
    const total = this.#total;
    const capacity = this.#capacity;
    const inference = this.#sw.sectionInference;
    let overflow = false;
    for (let j = this.#spStart[b]; j < this.#spStart[b + 1]; j++) {
      const top = offset + this.#spWinHi[j];
      const width = this.#spWinHi[j] - this.#spWinLo[j];
      for (let s = this.#spLo[j]; s < this.#spHi[j]; s++) {
        this.#pushFloor(s, floor[s]);
        floor[s] = top;
        total[s] -= width;
      }
    }
    // Checked once all spans are in: spans of one buffer may share a
    // section (see #rootCheck).
    for (let j = this.#spStart[b]; j < this.#spStart[b + 1]; j++) {
      for (let s = this.#spLo[j]; s < this.#spHi[j]; s++) {
        if ((inference ? floor[s] + total[s] : floor[s]) > capacity) overflow = true;
      }
    }
    // The sections b covers first: where one overflows, nothing else need
    // be raised (on pangu_2.6B most placements tried fail here).
    if (overflow) return PLACE_FAILED;
    const es = this.#ovEs;
    const top = offset + this.#size[b];
    for (let i = this.#ovStart[b]; i < this.#ovStart[b + 1]; i++) {
      const q = this.#ovBuf[i];
      if (assigned[q] !== NONE) continue;
      hatless = false;
      const h = es === undefined ? top : offset + es[i];
      if (minOffset[q] >= h) continue;
      this.#pushMin(q, minOffset[q]);
      const a = this.#align[q];
      const raised = a === 1 ? h : Math.ceil(h / a) * a;
      minOffset[q] = raised;
      live[q] = raised;
      const fixed = this.#fixed[q];
      if (fixed !== NONE && raised > fixed) fixedBroken = true;
      if (unallocatedFloor) {
        const exact = raised === top;
        for (let j = this.#spStart[q]; j < this.#spStart[q + 1]; j++) {
          const lo = this.#spLo[j];
          const hi = this.#spHi[j];
          diff[lo]++;
          diff[hi]--;
          marks[lo >> 5] |= 1 << (lo & 31);
          marks[hi >> 5] |= 1 << (hi & 31);
          if (exact) {
            exactDiff[lo]++;
            exactDiff[hi]--;
          }
          if (lo < affectedLo) affectedLo = lo;
          if (hi > affectedHi) affectedHi = hi;
        }
      }
    }
    if (affectedLo < affectedHi && !this.#fullCheck && this.#slackChecks) {
      overflow = this.#slackScan(affectedLo, affectedHi, top);
    } else if (affectedLo < affectedHi) {
      let depth = 0;
      let exactDepth = 0;
      for (let s = affectedLo; s < affectedHi; s++) {
        depth += diff[s];
        diff[s] = 0;
        exactDepth += exactDiff[s];
        exactDiff[s] = 0;
        if (depth === 0) continue;
        // A buffer raised to exactly the top is in this section, unplaced,
        // at or below its floor: the floor stays (on pangu_2.6B most scans
        // were of this kind, over hundreds of buffers each).
        if (exactDepth > 0 && floor[s] >= top) continue;
        // Only a minimum above the floor matters: stop at the first
        // unplaced buffer at or below it. The last such buffer found is
        // kept as a witness: while it is still at or below the floor the
        // scan can be skipped (a cache only: a stale witness fails the
        // test and the section is scanned).
        const f = floor[s];
        const w = witness[s];
        if (w >= 0 && live[w] <= f) continue;
        // The scan starts where the last one stopped, as SAT solvers
        // resume their watched literals: the buffers before it were above
        // the floor then, and minimum offsets only rise on the way down.
        // On pangu_2.6B scans from the start walked 228 buffers on average
        // to find one.
        let m = Infinity;
        let at = -1;
        const first = this.#secStart[s];
        const last = this.#secStart[s + 1];
        const from = witnessAt[s];
        let stop = -1;
        // From there to the end, then from the start to there.
        for (let pass = 0; pass < 2 && stop < 0; pass++) {
          const end = pass === 0 ? last : from;
          for (let j = pass === 0 ? from : first; j < end; j++) {
            const v = live[secBuf[j]];
            if (v < m) {
              m = v;
              at = secBuf[j];
              if (m <= f) {
                stop = j;
                break;
              }
            }
          }
        }
        if (stop >= 0) witnessAt[s] = stop;
        witness[s] = at;
        if (f < m && m !== Infinity) {
          this.#pushFloor(s, f);
          floor[s] = m;
          if ((inference ? m + total[s] : m) > capacity) overflow = true;
        }
      }
      diff[affectedHi] = 0;
      exactDiff[affectedHi] = 0;
      marks.fill(0, affectedLo >> 5, (affectedHi >> 5) + 1);
    }
    if (fixedBroken || overflow) return PLACE_FAILED;
    return hatless ? PLACE_HATLESS : PLACE_OK;
  }

  /**
   * The affected sections' half of the check when every section passed it
   * at the parent (no full check): a section whose unplaced total is
   * unchanged overflows exactly when its lowest unplaced minimum offset
   * passes its slack, the capacity less that total (the floor it had
   * passed already). So instead of each floor, the scan looks for one
   * unplaced buffer at or below the slack, which stays a witness far
   * longer than one at or below the floor (on pangu_2.6B, most of the
   * search's time went to finding those). The floors of these sections
   * are left as they were: below the reference's, but nothing reads them
   * before a placement over the section sets them again (see #rootCheck
   * for partition roots). Stops at the first overflow; clears the marks.
   * Returns whether a section overflows.
   */
  #slackScan(affectedLo: number, affectedHi: number, top: number): boolean {
    const diff = this.#affectedDiff;
    const exactDiff = this.#exactDiff;
    const marks = this.#marks;
    const capacity = this.#capacity;
    const inference = this.#sw.sectionInference;
    let depth = 0;
    let exactDepth = 0;
    let overflow = false;
    let s = affectedLo;
    while (s < affectedHi) {
      depth += diff[s];
      diff[s] = 0;
      exactDepth += exactDiff[s];
      exactDiff[s] = 0;
      marks[s >> 5] &= ~(1 << (s & 31));
      if (depth === 0) {
        // No span open (nor any exact one): on to the next mark.
        let w = (s + 1) >> 5;
        let word = marks[w] & (-1 << ((s + 1) & 31));
        while (word === 0) word = marks[++w];
        s = (w << 5) + 31 - Math.clz32(word & -word);
        continue;
      }
      if (this.#overflows(s, top, exactDepth > 0, capacity, inference)) {
        overflow = true;
        break;
      }
      s++;
    }
    if (overflow) {
      // The marks left, cleared at once.
      diff.fill(0, s, affectedHi + 1);
      exactDiff.fill(0, s, affectedHi + 1);
      marks.fill(0, s >> 5, (affectedHi >> 5) + 1);
    } else {
      diff[affectedHi] = 0;
      exactDiff[affectedHi] = 0;
      marks[affectedHi >> 5] &= ~(1 << (affectedHi & 31));
    }
    return overflow;
  }

  /**
   * Whether affected section s overflows: it holds unplaced buffers and
   * every one sits above its slack.
   */
  #overflows(
    s: number,
    top: number,
    exact: boolean,
    capacity: number,
    inference: boolean,
  ): boolean {
    // Compared as the floors are, minimum + total against the capacity
    // (the same once past 2^53, where capacity - total may round).
    const t = inference ? this.#total[s] : 0;
    // A buffer raised to exactly the top is unplaced in this section.
    if (exact && top + t <= capacity) return false;
    const live = this.#live;
    const w = this.#witness[s];
    if (w >= 0 && live[w] + t <= capacity) return false;
    const secBuf = this.#secBuf;
    const first = this.#secStart[s];
    const last = this.#secStart[s + 1];
    const from = this.#witnessAt[s];
    let unplaced = false;
    for (let pass = 0; pass < 2; pass++) {
      const end = pass === 0 ? last : from;
      for (let j = pass === 0 ? from : first; j < end; j++) {
        const v = live[secBuf[j]];
        if (v + t <= capacity) {
          this.#witnessAt[s] = j;
          this.#witness[s] = secBuf[j];
          return false;
        }
        if (v !== Infinity) unplaced = true;
      }
    }
    return unplaced;
  }

  /** Undoes {@linkcode Search.#place}, newest change first. */
  #unplace(b: number, minMark: number, floorMark: number): void {
    const total = this.#total;
    for (let j = this.#spStart[b]; j < this.#spStart[b + 1]; j++) {
      const width = this.#spWinHi[j] - this.#spWinLo[j];
      for (let s = this.#spLo[j]; s < this.#spHi[j]; s++) total[s] += width;
    }
    const floor = this.#floor;
    const floorRunAt = this.#floorRunAt;
    const floorRunLen = this.#floorRunLen;
    const floorRunOld = this.#floorRunOld;
    for (let r = this.#floorRuns - 1; r >= floorMark; r--) {
      const old = floorRunOld[r];
      const end = floorRunAt[r] + floorRunLen[r];
      for (let s = floorRunAt[r]; s < end; s++) floor[s] = old;
    }
    this.#floorRuns = floorMark;
    const minOffset = this.#minOffset;
    const minIdx = this.#minIdx;
    const minRunAt = this.#minRunAt;
    const minRunOld = this.#minRunOld;
    const live = this.#live;
    let end = this.#minIdxTop;
    for (let r = this.#minRuns - 1; r >= minMark; r--) {
      const old = minRunOld[r];
      const at = minRunAt[r];
      for (let t = end - 1; t >= at; t--) {
        minOffset[minIdx[t]] = old;
        live[minIdx[t]] = old;
      }
      end = at;
    }
    this.#minIdxTop = end;
    this.#minRuns = minMark;
    live[b] = this.#minOffset[b];
  }

  #pushMin(index: number, old: number): void {
    const runs = this.#minRuns;
    if (!this.#minOpen || this.#minRunOld[runs - 1] !== old) {
      if (runs === this.#minRunAt.length) {
        this.#minRunAt = grownInt(this.#minRunAt, runs);
        this.#minRunOld = grownFloat(this.#minRunOld, runs);
      }
      this.#minRunAt[runs] = this.#minIdxTop;
      this.#minRunOld[runs] = old;
      this.#minRuns = runs + 1;
      this.#minOpen = true;
    }
    if (this.#minIdxTop === this.#minIdx.length) {
      this.#minIdx = grownInt(this.#minIdx, this.#minIdxTop);
    }
    this.#minIdx[this.#minIdxTop++] = index;
  }

  #pushFloor(index: number, old: number): void {
    const last = this.#floorRuns - 1;
    if (
      this.#floorOpen && this.#floorRunOld[last] === old &&
      this.#floorRunAt[last] + this.#floorRunLen[last] === index
    ) {
      this.#floorRunLen[last]++;
      return;
    }
    const runs = last + 1;
    if (runs === this.#floorRunAt.length) {
      this.#floorRunAt = grownInt(this.#floorRunAt, runs);
      this.#floorRunLen = grownInt(this.#floorRunLen, runs);
      this.#floorRunOld = grownFloat(this.#floorRunOld, runs);
    }
    this.#floorRunAt[runs] = index;
    this.#floorRunLen[runs] = 1;
    this.#floorRunOld[runs] = old;
    this.#floorRuns = runs + 1;
    this.#floorOpen = true;
  }

  /**
   * The offset half of the check: with monotonic_floor every section's
   * floor is at least the offset, so offset + total must fit too. Totals
   * only fall on the way down, so a bound from above usually settles it
   * without a look at every section.
   */
  #checkOffset(sectionLo: number, sectionHi: number, offset: number): boolean {
    if (!this.#monotonic) return true;
    if (!this.#sw.sectionInference) return offset <= this.#capacity;
    const capacity = this.#capacity;
    if (offset + this.#totalBound <= capacity) return true;
    const total = this.#total;
    // Most checks that get this far fail (on the challenging suite, all but
    // a few in a thousand), and the section over the capacity last time is
    // usually still over: the next candidate's placement left it alone.
    if (this.#heavyOver(sectionLo, sectionHi, offset)) return false;
    let max = 0;
    for (let s = sectionLo; s < sectionHi; s++) {
      const t = total[s];
      if (t <= max) continue;
      // (A failed check leaves the bound to the caller, who restores it.)
      if (offset + t > capacity) {
        this.#heavy = s;
        return false;
      }
      max = t;
    }
    this.#totalBound = max;
    return true;
  }

  /** Whether the section that last failed #checkOffset fails it at offset. */
  #heavyOver(sectionLo: number, sectionHi: number, offset: number): boolean {
    const heavy = this.#heavy;
    return heavy >= sectionLo && heavy < sectionHi && offset + this.#total[heavy] > this.#capacity;
  }

  /**
   * At a partition's root the floor half of the check usually holds for
   * every section already (a parent node checked them, or nothing is
   * placed and the totals fit), so a placement need only check the
   * sections it changes. Where it does not (the sweep counts a buffer
   * twice when a gap without a window ends its lifespan), every node
   * checks every section, as the reference does. Floors that #slackScan
   * left below the reference's can only find fewer sections over here, and
   * at a nested partition's root every section passed at its parent
   * already, so both find none. Returns the largest total as the first
   * bound.
   */
  #rootCheck(sectionLo: number, sectionHi: number): number {
    const inference = this.#sw.sectionInference;
    let max = 0;
    for (let s = sectionLo; s < sectionHi; s++) {
      const t = this.#total[s];
      if (t > max) max = t;
      if ((inference ? this.#floor[s] + t : this.#floor[s]) > this.#capacity) {
        this.#fullCheck = true;
      }
    }
    return max;
  }

  /** The check of SPEC 5.6 over every section of the partition. */
  #checkAll(sectionLo: number, sectionHi: number, offset: number): boolean {
    const monotonic = this.#monotonic;
    const inference = this.#sw.sectionInference;
    for (let s = sectionLo; s < sectionHi; s++) {
      let f = this.#floor[s];
      if (monotonic && f < offset) f = offset;
      if (inference) f += this.#total[s];
      if (f > this.#capacity) return false;
    }
    return true;
  }
}

const PLACE_OK = 0;
const PLACE_HATLESS = 1;
const PLACE_FAILED = 2;
