// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// Every threshold of the solve driver and the heuristics, each named once,
// with the measurement or the reason behind it.

/**
 * Below this many buffers {@linkcode solveAsync} solves on the calling
 * thread first: such solves mostly take milliseconds, less than a round
 * trip to a worker (see SMALL_ON_CALLING_THREAD_MS).
 */
export const WORKERS_MIN_BUFFERS = 64;

/**
 * How long (ms) {@linkcode solveAsync} solves a small problem on the
 * calling thread before it gives it to the workers instead: a hard one
 * held the caller's event loop, and its abort signal unseen, for its whole
 * time limit (a 60-buffer minimization for 8 s).
 */
export const SMALL_ON_CALLING_THREAD_MS = 100;

/**
 * Below this time limit (ms) {@linkcode solveAsync} solves on the calling
 * thread: the first call of a process starts its workers, which takes tens
 * of milliseconds, and the search's own clock checks keep such a limit.
 */
export const WORKERS_MIN_TIMEOUT_MS = 200;

/**
 * The least time (ms) between two progress reports of nodes alone
 * (SolverOptions.onProgress): a page that redraws on each is not kept
 * busy by runs that end every few milliseconds.
 */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * The calling thread (the command line's) runs searches of a problem only
 * up to this many pairs of buffers live at once: the sweep and the search
 * model a search begins with cannot pause, and on 3·10^6 pairs they held
 * the thread (progress lines, the time limit's handling) for 6-12 s.
 */
export const CALLING_THREAD_MAX_PAIRS = 250_000;

/**
 * Where the calling thread runs searches (a command line's), a probe that
 * begins before any worker served the call runs there alone, round by
 * round, for this long from the call's start; only then do workers join.
 * Starting one holds the calling thread about 30 ms, and its first slice
 * answers about 140 ms later with a few dozen nodes (its own compile and
 * warm-up): on the challenging suite the command line took 5.2 s in all
 * with a worker from the start and 3.6 s on the calling thread alone
 * (every instance faster alone, the longest in 0.25 s).
 */
export const WORKERS_JOIN_MS = 250;

/**
 * From this long after a call's start, a paused search that waits for the
 * busy calling thread may move to an idle worker, run again there from
 * its beginning (node for node the same): else a command line's probe,
 * whose searches all begin on its own thread, ran on one core of two for
 * good. Not sooner: a worker's first run comes back after its start and
 * warm-up, and meanwhile the race waits for the moved search (challenging
 * A, 0.33 s, took 0.52 s moving at 250 ms).
 */
export const SEARCH_MOVES_AFTER_MS = 1000;

/**
 * Where the calling thread runs searches too, a worker that has not said it
 * started this long after it was asked for is late: a search handed to it
 * goes back to the calling thread. Its script loads and it answers in
 * about 300 ms (280-330 ms over eight command lines on tile_480_9_1); held
 * back 8 s, a start made that 1 s solve take 8.6 s.
 */
export const WORKER_START_MS = 1000;

/** At most this many workers in the process-wide pool, whatever the cores. */
export const WORKERS_MAX = 16;

/**
 * Above this many pairs of buffers live at once the exact search does not
 * pay within a typical time limit: a fixed-capacity solve tries the
 * heuristics first (`heuristicFirst`), and a minimization lowers the
 * heuristics' solution by large neighbourhood search (`neighbourhoodSearch`)
 * instead of bisecting with whole exact searches. Measured with a 10 s
 * limit on generated problems of 227,000 to 3.1 million pairs, the
 * neighbourhood search ends lower on every one (0.00 % above the peak
 * load against 0.08 %, 0.85 % against 1.00 %, ...); the public instances
 * the exact search proves optimal have at most 218,000 pairs (resnet50,
 * whose heuristic already meets the peak load), the challenging ones at
 * most 29,000.
 */
export const EXACT_SEARCH_PAYS_MAX_PAIRS = 200_000;

/**
 * Above this many pairs of buffers live at once the exact search's data
 * would take over a gigabyte: it is refused with "too-large" before any is
 * allocated. Its overlap lists take 8 bytes a pair, its sections about 3,
 * and its undo trails, kept in runs, a few more along a deep path: S_1
 * (43.2 million pairs) solved at 1501012655 in one search of 28,556 nodes
 * with a peak of 772 MB; Y_1 (180 million) would need about 3 GB.
 */
export const EXACT_SEARCH_MAX_PAIRS = 50_000_000;

/**
 * Above this many pairs of buffers live at once a probe runs its searches
 * one at a time on one worker (the round robin, with the race's answer)
 * instead of racing them: every worker holds its own model, and every
 * search under way its own trails, each sized by the pairs. The race on
 * S_1 took 1.06 GB and did not finish in 60 s; its first heuristic alone
 * solves it in about 20 s.
 */
export const RACE_MAX_PAIRS = 8_000_000;

/**
 * What the exact search at a minimization's lower bound (`boundProbe`) is
 * expected to need per pair of buffers live at once; with less time left
 * it is not started. On pangu_2.6B (12.2 million pairs) its first descent
 * solves the peak load in 3 to 4 s of a command line's minimization (the
 * sweep, the model and 18,692 nodes): twice that is 5 s. Too low a figure
 * only holds the machine to the limit for nothing, as a probe started on
 * pangu_2.6B with less than it needed did.
 */
export const BOUND_PROBE_MS_PER_PAIR = 0.0004;

/**
 * What a minimization's dive where windows are (`windowDive`) is expected
 * to need per pair of buffers live at once, and half its time cap: 20,000
 * buffers with windowed gaps (25.6 and 26.2 million pairs) took 4.5 and
 * 5.4 s through the command line (reading, the sweep, the model and 20,000
 * nodes without a backtrack).
 */
export const WINDOW_DIVE_MS_PER_PAIR = 0.00025;

/**
 * The exact search at the lower bound runs for at most this many times
 * its expected need (BOUND_PROBE_MS_PER_PAIR per pair), then leaves the
 * time to the heuristic's rounds: pangu_2.6B's took 3.5 s of its 4.9 s
 * (three runs), while S_1's (17 s expected) did not end within 20 s, and
 * at `--timeout=30s` held the whole time, where the rounds reach 1.0007 ×
 * the peak load in 10 s.
 */
export const BOUND_PROBE_BUDGET = 1.25;

/**
 * Without a time limit, the exact search at the lower bound runs only where
 * its budget is at most this (ms): pangu_2.6B's 6.1 s proves its peak load,
 * where S_1's 21.6 s took 0.9 GiB for nothing (a minimization of S_1
 * without a limit went from 2.8 s to 24 s).
 */
export const BOUND_PROBE_UNLIMITED_MAX_MS = 10_000;

/**
 * Where windows make effective sizes negative, the search looks for
 * canonical-order shifts (Bellman-Ford, one step per overlap per pass) for
 * at most this many steps, a fraction of a second; past it, it falls back
 * to a search without canonical order before it says "infeasible".
 */
export const SHIFT_MAX_WORK = 20_000_000;

/**
 * Where shifts move at most this share of the buffers, the search orders
 * by offset + shift from the start (it finds solutions about as offset
 * order does, and its "infeasible" needs no second search): conformance
 * line 73 (2 of 22 moved) proves its minimum minus one in about 32,000
 * nodes this way and about 98,000 nodes with offset order first. A
 * generated 300-buffer planted problem with windows (238 of 300 moved)
 * found no solution at its optimum in 20 s this way, and one in 0.2 s in
 * offset order.
 */
export const SHIFTED_FIRST_SHARE = 0.125;

/**
 * Best fit costs about one step per pair of buffers live at once: above
 * this many pairs one pass takes more than a few hundred milliseconds, and
 * `"best"` leaves it out.
 */
export const BEST_FIT_MAX_PAIRS = 3_000_000;

/**
 * The skyline lists, per moment, the pinned buffers live then, to place
 * buffers under them (16 bytes an entry). Above this many entries it
 * starts every moment at its highest pinned top instead, as it did before
 * (which leaves the room under the pins empty).
 */
export const PIN_CEILINGS_MAX_ENTRIES = 4_000_000;

/**
 * The skyline's passes cost about n log n each; `"skyline"` and `"best"`
 * run at most this many buffers' worth of them (all nine below 166,667
 * free buffers, one at 10^6, where a pass takes seconds). A fixed amount,
 * so that results never depend on the machine's speed.
 */
export const SKYLINE_WORK = 1_500_000;

/**
 * How many times the large neighbourhood search widens a neighbourhood
 * that the exact search could not fit under the target (see _lns.ts).
 */
export const LNS_LEVELS = 8;

/**
 * The large neighbourhood search's node budget per freed buffer, up to
 * LNS_MAX_NODES per neighbourhood: a neighbourhood the search cannot
 * settle quickly is better left for a larger one (or another target).
 */
export const LNS_NODES_PER_BUFFER = 32;

/**
 * The most rounds of the heuristic's improvement a minimization runs with
 * its time left (`heuristicRounds`): each round's passes are fixed by the
 * problem's size and it ends at the time limit, so this only bounds a run
 * whose rounds all end early.
 */
export const HEURISTIC_ROUNDS_MAX = 64;

/**
 * How many of the heuristic's later rounds run at once: on workers, two
 * cores' worth (a command line's thread is idle while they run). On S_1
 * at `--timeout=10s`, rounds 1 and 2 then both end by 5.9-6.3 s, where
 * one after the other round 2 ended near 7.8 s.
 */
export const HEURISTIC_ROUNDS_AT_ONCE = 2;

/**
 * Where the exact search at the lower bound, run first for its whole
 * budget, would leave the heuristic's rounds less than this share of the
 * time left, the first rounds run before it. pangu_2.6B at
 * `--timeout=10s` keeps its search first (6.1 s of budget in 8.7 s left:
 * it proves the peak load in 3.5 s, where the rounds reach it near 7 s);
 * S_1's (21.5 s of budget) goes first from a limit of about 29 s, where
 * before, from 24 s, it left the rounds too little to reach 1.001 ×.
 */
export const HEURISTIC_ROUNDS_AFTER_PROBE_SHARE = 0.2;

/**
 * The heuristic's later rounds end this long before the time limit: they
 * run to their end, and the answer is still to be checked and written. On
 * S_1 at `--timeout=10s` the command then ends within about 0.1 s of the
 * limit, wall time, reading and writing included.
 */
export const HEURISTIC_ROUNDS_RESERVE_MS = 500;

/** ... or this share of the time limit, where that is less. */
export const HEURISTIC_ROUNDS_RESERVE_SHARE = 0.05;

/** The most nodes the large neighbourhood search spends on one neighbourhood. */
export const LNS_MAX_NODES = 20_000;

/**
 * The anytime minimization's first node budget per probe, per buffer; each
 * round that leaves a probe unknown multiplies it by
 * {@linkcode ANYTIME_BUDGET_GROWTH}.
 */
export const ANYTIME_BUDGET_PER_BUFFER = 16;

/** How much the anytime minimization's node budget grows per round. */
export const ANYTIME_BUDGET_GROWTH = 4;

/**
 * The anytime minimization probes the lower bound first, with this many
 * times the round's budget: real problems often fit their peak load
 * exactly, and a solution there ends the minimization with a proof.
 */
export const LOWER_BOUND_PROBE_BUDGET = 16;

/**
 * The probe at the lower bound gets at most this share of the time left,
 * so a hard lower bound cannot eat the whole time limit (on D and J of the
 * challenging suite it fails for seconds) ...
 */
export const LOWER_BOUND_PROBE_TIME_SHARE = 0.1;

/**
 * ... but at least this many milliseconds, or
 * {@linkcode LOWER_BOUND_PROBE_MAX_SHARE} of the time left where that is
 * less: a short limit must not cut the probe that ends most
 * minimizations. The nine challenging instances that fit their peak load
 * took 0.07-0.50 s in that probe through the CLI at `--timeout=10s`; with
 * only a tenth, at `--timeout=1s` eight of the nine ended 0.2-6.5 % above
 * the optimum they prove in 0.15-0.6 s without a limit.
 */
export const LOWER_BOUND_PROBE_MIN_MS = 600;

/**
 * The most of the time left that {@linkcode LOWER_BOUND_PROBE_MIN_MS}
 * may take (at `--timeout=50ms`, 30 ms where a tenth gave 5): the rest goes
 * to the best heuristic and the descents. At
 * `--timeout=1s` half was too little for E and F on a busy machine
 * (0.545 and 0.555 s).
 */
export const LOWER_BOUND_PROBE_MAX_SHARE = 0.6;

/**
 * When the exact search will follow, the heuristics that start a
 * minimization get at most this share of the time left (they stop earlier
 * on their own: their work is fixed by the problem).
 */
export const HEURISTIC_TIME_SHARE = 0.5;

/**
 * A worker whose job passed its deadline by this many milliseconds
 * without answering is stopped and replaced: it is stuck where it does not
 * look at the clock (at 10^6 buffers, a heuristic's set-up takes over a
 * second). Below the 200 ms a time limit may be overrun: at 250, a 1 s
 * limit at 10^6 buffers ended after 1.24 s.
 */
export const WORKER_GRACE_MS = 150;

/** The longest delay `setTimeout` takes (2^31 − 1 ms); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The portfolio's randomized restarts (`restarts`) join a probe only when
 * no preordering heuristic has finished within this round of the round
 * robin (each heuristic has then spent buffers × 2^7 nodes): the eleven
 * challenging instances all finish by then, so there they change nothing,
 * while perfect packings, where every fixed order can run for minutes,
 * get their chance.
 */
export const RESTART_ROUND = 7;

/** The randomized preorders of the restarts: `W` twice (other seeds), `L` once. */
export const RESTART_FAMILIES: readonly string[] = ["W", "W", "L"];

/** A restart's node budget is this many times the buffers, times Luby's sequence (1 1 2 1 1 2 4 …). */
export const RESTART_BASE = 2;

/**
 * The anytime minimization's descents (`descents`): short searches with
 * seeded random preorders, each given this many nodes per buffer, below
 * the best height. On D and J of the challenging suite a descent that
 * succeeds at all does so within 1-2 nodes per buffer (almost no
 * backtracking), and of 1.2, 2, 3, 4, 6, 8 and 16 nodes per buffer, 3-6
 * reached the lowest heights in 5 s.
 */
export const DESCENT_BUDGET_PER_BUFFER = 4;

/**
 * The descents' preorders, in turn: `N` (the widths, nudged at random) and
 * `L` (start time, ties at random). On D and J, the two in turn reached
 * lower heights in 5 s than either alone, and lower than `W`'s wider
 * noise or noisy area, total or size orders.
 */
export const DESCENT_FAMILIES: readonly string[] = ["N", "L"];

/** Descents run in batches of this many, one batch after each probe's worth of nodes. */
export const DESCENT_BATCH = 16;

/**
 * The descents aim this far below the best height: half the gap to the
 * lower bound first; after this many descents fail at one distance, half
 * as far (down to one grain, and from there half the gap again).
 */
export const DESCENT_TRIES_PER_STEP = 64;

/** Descents of one batch that may run at once (on as many executors). */
export const DESCENT_MEMBERS = 4;

/**
 * A bound on a comparator sort's time per buffer, in milliseconds (0.4 s
 * measured for the greedy orders at 10^6 buffers), with room to spare:
 * with more time than this left a greedy order is sorted at once, else in
 * pieces that look at the clock (the same order, a little slower).
 */
export const COMPARATOR_SORT_MS = 0.001;

/**
 * A bound on the time to check a solution, in milliseconds per buffer
 * (0.6 s measured in a worker at 10^6 buffers, up to 1 s on the calling
 * thread): a heuristic stops improving this long before its deadline, so
 * that its answer is checked in time.
 */
export const CHECK_MS_PER_BUFFER = 0.001;

/**
 * The same per pair the check compares one by one: each pair live at once
 * with a buffer that has a windowed gap, about the pairs times twice the
 * share of such buffers. Measured 8-12 ns a pair in Deno (0.26-0.34 s for
 * 30 million such pairs at 100,000 buffers, 29,712 windowed; 0.11-0.15 s
 * for 8.9 million at 50,000, 1,371 windowed; 1.4 s for 141 million at
 * 200,000), with room to spare.
 */
export const CHECK_MS_PER_WINDOWED_PAIR = 0.000015;

/**
 * How much slower that pairwise check runs in Bun than in Deno: 1.5 to 3
 * times on the same three problems (0.64-0.95 s for the 30 million pairs).
 */
export const CHECK_WINDOWED_BUN_FACTOR = 3;
