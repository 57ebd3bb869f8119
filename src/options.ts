// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * The solver's options ({@linkcode SolverOptions}), shared by
 * {@linkcode solve} and {@linkcode solveAsync}, and the settings that
 * reproduce the reference MiniMalloc ({@linkcode REFERENCE_OPTIONS}).
 *
 * @module
 */

/** Options for {@linkcode solve} and {@linkcode solveAsync}. Every search switch defaults to on. */
export interface SolverOptions {
  /**
   * Only place buffers in canonical order.
   * @default {true}
   */
  canonicalOnly?: boolean;
  /**
   * Prune when a section's floor plus its unplaced total exceeds the capacity.
   * @default {true}
   */
  sectionInference?: boolean;
  /**
   * Try candidates by their current minimum offset.
   * @default {true}
   */
  dynamicOrdering?: boolean;
  /**
   * Skip candidates that would leave an avoidable gap.
   * @default {true}
   */
  checkDominance?: boolean;
  /**
   * Raise section floors to the lowest unplaced minimum offset.
   * @default {true}
   */
  unallocatedFloor?: boolean;
  /**
   * Sort each partition's buffers by a heuristic first.
   * @default {true}
   */
  staticPreordering?: boolean;
  /**
   * Split into independent parts when cuts reach zero.
   * @default {true}
   */
  dynamicDecomposition?: boolean;
  /**
   * The floor never drops below the current offset.
   * @default {true}
   */
  monotonicFloor?: boolean;
  /**
   * Stop trying alternatives after a buffer with nothing above it.
   * @default {true}
   */
  hatlessPruning?: boolean;
  /**
   * Find the smallest feasible capacity up to the problem's.
   * @default {false}
   */
  minimizeCapacity?: boolean;
  /**
   * Preordering heuristics, tried round robin with growing node budgets:
   * the first to finish within a round's budget decides. Letters: `A`
   * area, `C` sections, `L` lower, `O` overlaps, `T` total, `U` upper, `W`
   * width, `Z` size.
   * @default {["WAT", "TAW", "TWA"]}
   */
  preorderingHeuristics?: string[];
  /**
   * Time limit for the whole solve, in milliseconds, counted from the
   * call; `Infinity` for none. A minimization stopped by it returns the
   * best solution found so far.
   * @default {Infinity}
   */
  timeout?: number;
  /**
   * Cancels the solve when aborted (the search looks every few hundred
   * nodes). A minimization cancelled after it found a solution returns
   * the best so far, as at a time limit; otherwise the solve throws a
   * {@linkcode SolveError} with code `"cancelled"`.
   */
  signal?: AbortSignal;
  /**
   * Run the round robin's searches in parallel, one preordering heuristic
   * per worker ({@linkcode solveAsync} only), rather than one after
   * another. The answer is the same either way: the winner is the search
   * the round robin would have finished first, so it never depends on
   * timing, and {@linkcode solve} computes it on one thread.
   * @default {true}
   */
  portfolio?: boolean;
  /**
   * Minimize the capacity from both ends (with `minimizeCapacity`): start
   * from a proved lower bound (the peak load, pins' tops, alignment
   * padding), and from a fast heuristic
   * solution, and close the gap with exact searches under growing node
   * budgets. When the time limit hits, return the best solution found,
   * with its proved `lowerBound` and whether it is `optimal`. Off, the
   * reference's plain bisection from 0 to the capacity runs instead.
   * @default {true}
   */
  anytimeMinimize?: boolean;
  /**
   * Keep every pruning rule a proof, so that "infeasible" is always true
   * (ours): where windows make effective sizes zero or negative, exempt
   * the buffers concerned from the canonical tie rule, and order canonical
   * placements by offset plus a per-buffer shift that keeps every solution
   * reachable (or, where no such shifts exist, search again without
   * canonical order before saying "infeasible"); apply hatless pruning only
   * with dynamic ordering; cut gaps without a window off the ends of
   * lifespans, which the reference's sweep counts twice. Off, the search
   * is the reference's, which can call such problems infeasible.
   * @default {true}
   */
  soundPruning?: boolean;
  /**
   * Randomized restarts in the portfolio (ours): when no preordering
   * heuristic has finished within the round robin's round 7, searches
   * with seeded random preorders, restarted on Luby's sequence of budgets,
   * join the race; they rank first from round 8 on. They get past the
   * heavy tail where every fixed order runs for minutes (perfect
   * packings); the answer still depends on node counts alone.
   * @default {true}
   */
  restarts?: boolean;
  /**
   * Descents in the anytime minimization (ours): after each of its exact
   * probes, as many nodes' worth of short searches with seeded random
   * preorders, each for a few nodes per buffer, at a capacity below the
   * best height (half the gap to the lower bound first, nearer after
   * failures). A lucky order fits almost without backtracking where every
   * fixed one runs long, so they lower the best height sooner; the
   * answer still depends on node counts alone.
   * @default {true}
   */
  descents?: boolean;
  /**
   * Say "infeasible" at once, without a search, when more bytes are live
   * at one moment than the capacity, counting the padding even alignments
   * force there (a proved lower bound on every solution's height; ours),
   * or when a buffer with a fixed offset reaches past it, or when, at a
   * moment with buffers at fixed offsets, the others live then cannot be
   * packed into the holes those leave below the capacity.
   * A minimization starts from the same bound. Off, the search proves it,
   * as the reference's does, counting its nodes and backtracks, and a
   * minimization starts from the peak load alone.
   * @default {true}
   */
  loadBound?: boolean;
  /**
   * On perfect packings (ours): where no buffer of the problem has gaps
   * and, in a part of it that shares no moment with the rest, every
   * moment's load is the capacity, fill the lowest hole first. A section
   * at the lowest offset any candidate can take must then be filled from
   * there without a gap, so some buffer starts it at exactly that offset:
   * a node tries only the candidates that cover such a section, the one
   * with the fewest, rather than every candidate in canonical order. A
   * packing stays reachable wherever one exists (which one is found may
   * change), so "infeasible" stays a proof. Off, or with slack at any
   * moment of the part, the search is unchanged.
   * @default {true}
   */
  tightSections?: boolean;
  /**
   * Answer a fixed capacity with the fast heuristics when theirs fits
   * (ours): first, on problems too large for the exact search to pay (more
   * than 200,000 pairs of buffers live at once); on the others once no
   * search has finished within round 7 of the round robin, where a fit
   * then decides before every later search. Until then the answer is the
   * search's own, and either way it depends on node counts alone. With one
   * preordering heuristic, which searches without rounds, they never join.
   * @default {true}
   */
  heuristicFirst?: boolean;
  /**
   * In an anytime minimization too large for the exact search to pay (more
   * than 200,000 pairs of buffers live at once),
   * lower the heuristics' solution by large neighbourhood search (ours):
   * free the buffers around its highest point (a window of time, a band of
   * bytes under a target height), keep the rest where they are, ask the
   * exact search to fit the freed ones under the target, and widen the
   * neighbourhood while it cannot; until the time limit, or until no
   * neighbourhood of the highest buffer can be lowered.
   * @default {true}
   */
  neighbourhoodSearch?: boolean;
  /**
   * In an anytime minimization too large for the exact search to pay, with
   * a time limit, once the neighbourhood search (if on) has nothing more to
   * gain and time is left, run one exact search at the proved lower bound
   * (ours), for at most 0.5 µs per pair of buffers live at once and only
   * when that fits in the time left (without a time limit, where that is at
   * most 10 s): a
   * solution there is optimal. Only up to 50 million pairs live
   * at once, where the exact search fits in memory. Its first descent often finds one outright on
   * real models: pangu_2.6B's solves at its peak load with no backtrack.
   * @default {true}
   */
  boundProbe?: boolean;
  /**
   * In an anytime minimization too large for the exact search to pay, with
   * a time limit, once the neighbourhood search (if on) has nothing more to
   * gain, run the best heuristic's improvement again (ours): in rounds with
   * new seeds and lengths on Luby's sequence, two at once on workers, half
   * their perturbations on the buffers nearest the peak-load time, until
   * shortly before the time limit (half a second, or 5 % of the limit
   * where that is less). The first rounds come before the exact search at
   * the lower bound, the rest after it. Each lower solution goes back to
   * the neighbourhood search. For a given time limit the rounds and seeds
   * are fixed; only how far the last one gets depends on the machine.
   * @default {true}
   */
  heuristicRounds?: boolean;
  /**
   * In an anytime minimization too large for the exact search to pay,
   * where some buffer has a gap with a window, run one dive of the exact
   * search (a search allowed twice as many nodes as buffers) below the best
   * heuristic's height, before the neighbourhood search (ours): the skyline
   * counts a windowed gap as wholly live (best fit, which places by the
   * windows, runs only up to three million pairs), and the neighbourhood
   * search never frees a buffer with gaps, where the exact search places
   * each window as it is. Only up to 50 million pairs live at once, and
   * only where about 0.25 µs per pair fits in the time left (without a time
   * limit, where that is at most 10 s).
   * @default {true}
   */
  windowDive?: boolean;
  /**
   * Answer with this fast heuristic alone, one of
   * {@linkcode heuristicNames}, without the exact search (see
   * {@linkcode solveHeuristic}). A height above the capacity fails with
   * `"infeasible"` when the peak load proves it, else with `"no-fit"`.
   */
  heuristic?: string;
  /**
   * Called when a minimization's bounds improve, and, where
   * {@linkcode solveAsync} runs the searches on its pool (64 buffers or
   * more, a time limit of 200 ms or more, workers available), with the
   * nodes searched as they advance, at most about ten times a second.
   */
  onProgress?: (progress: MinimizeProgress) => void;
}

/** Where a capacity minimization stands (see {@linkcode SolverOptions.onProgress}). */
export interface MinimizeProgress {
  /** Milliseconds since the solve started. */
  elapsedMs: number;
  /** Every smaller height is proved impossible. */
  lowerBound: number;
  /** The best height found so far, if any. */
  bestHeight: number | undefined;
  /** Search nodes visited so far, where counted (by {@linkcode solveAsync}). */
  nodes?: number;
}

/**
 * The settings that reproduce the reference MiniMalloc's search exactly:
 * every technique it lacks switched off. Spread user choices over it.
 *
 * @example Usage
 * ```ts
 * import { REFERENCE_OPTIONS, solve } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const problem = {
 *   capacity: 4,
 *   buffers: [{ id: "a", lower: 0, upper: 1, size: 4 }],
 * };
 * deepEqual(solve(problem, { ...REFERENCE_OPTIONS }).offsets, [0]);
 * ```
 */
export const REFERENCE_OPTIONS: Readonly<SolverOptions> = Object.freeze({
  portfolio: false,
  anytimeMinimize: false,
  soundPruning: false,
  heuristicFirst: false,
  loadBound: false,
  tightSections: false,
  restarts: false,
  descents: false,
  neighbourhoodSearch: false,
  boundProbe: false,
  heuristicRounds: false,
  windowDive: false,
});
