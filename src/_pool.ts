// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// One pool of workers per process (or page), shared by every solveAsync
// call and sized to the cores, so that many calls queue rather than
// oversubscribe the machine. Jobs run in the order they were asked for;
// a worker that already holds a call's problem is preferred for its jobs.
//
// The workers start from the bundled worker script (_worker_bundle.ts) as
// a Blob URL, so no separate file has to be found; that module, 180 KB of
// source, is imported when the first worker starts rather than with the
// pool (see LateWorker). They are started when the first call needs them
// and ended once no call is open (a call that starts right after another,
// in the same turn of the event loop, reuses them), so an idle pool never
// keeps a process alive.
//
// Stopping a job: each worker has a flag in shared memory that its search
// reads at its clock checks; where there is no shared memory (a page that
// is not cross-origin isolated) the worker is ended and replaced. A worker
// that passes its job's deadline by WORKER_GRACE_MS without answering is
// stuck where it does not look at the clock: it is replaced too. Beside the
// calling thread, one that has not started within WORKER_START_MS gives
// back the search it was handed (see Pool.#late).

import { SolveError } from "./errors.ts";
import type { Problem } from "./problem.ts";
import type { SearchSwitches } from "./search.ts";
import type { Facts, SearchJob, SearchResult, StopFlag } from "./_prepared.ts";
import {
  outOfTime,
  packBuffers,
  type PackedBuffers,
  unimproved,
  WorkerHost,
  type WorkerJob,
  type WorkerReply,
  type WorkerRequest,
  type WorkerResult,
  type WorkerSetup,
} from "./_worker_host.ts";
import type { HeuristicColumns } from "./_heuristics_core.ts";
import { nextTurn } from "./_turn.ts";
import {
  CALLING_THREAD_MAX_PAIRS,
  MAX_TIMER_MS,
  WORKER_GRACE_MS,
  WORKER_START_MS,
  WORKERS_MAX,
} from "./_limits.ts";

/** A job handed to the pool: its result, and a way to stop it. */
export interface JobHandle {
  /** Resolves with the worker's result; rejects if the worker failed. */
  readonly result: Promise<WorkerResult>;
  /** Stops the job: a search then ends "stopped", a probe "cancelled", other jobs reject. */
  cancel(): void;
}

interface Ticket {
  /** Its id; a new one when taken back from a late worker (see Pool.#late). */
  id: number;
  readonly session: Session;
  /** The job as sent: a lost search's is replaced by its replay (see Pool.#dispatch). */
  job: WorkerJob;
  readonly deadline: number;
  /** A replay's nodes and backtracks still to run again before its own count. */
  replayed?: { nodes: number; backtracks: number };
  readonly resolve: (result: WorkerResult) => void;
  readonly reject: (error: Error) => void;
  /** Hears a long job's nodes so far, as it runs. */
  readonly onNodes?: (nodes: number) => void;
  slot?: Slot;
  done: boolean;
  watchdog?: ReturnType<typeof setTimeout>;
}

/** Starts a solver worker from the worker script at `href`. */
function startWorker(href: string): Worker {
  // The name is what debuggers show.
  return new Worker(href, { type: "module", name: "minimalloc-solver" });
}

/** What the pool needs of a worker: a Worker, or the calling thread's stand-in. */
interface Executor {
  postMessage(message: WorkerRequest, transfer?: Transferable[]): void;
  terminate(): void;
}

interface Slot {
  readonly worker: Executor;
  readonly flag: Int32Array | undefined;
  readonly keys: Set<number>;
  ticket: Ticket | undefined;
  answered: boolean;
  /** The calling thread: it runs only time-sliced searches. */
  readonly local: boolean;
  /** Not started within WORKER_START_MS, and not yet since (see Pool.#late). */
  late: boolean;
  /** The timer that marks it late. */
  startTimer?: ReturnType<typeof setTimeout>;
}

/**
 * A worker started once its script is there. Loading the worker's module
 * costs a command line process 8 ms (measured with `--help`), and most
 * solves there never start a worker (none of the challenging suite does):
 * the pool imports it when the first worker starts. Messages posted
 * before the worker exists wait, in order; one that cannot start reports
 * through `onerror`, as a worker failing to load does.
 */
class LateWorker implements Executor {
  onmessage: ((event: MessageEvent<WorkerReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  #worker: Worker | undefined;
  #waiting: [WorkerRequest, Transferable[]][] = [];
  #ended = false;

  /** @param url Resolves with the worker script's URL. */
  constructor(url: Promise<string>) {
    url.then((href) => this.#start(href), (error) => this.#fail(error));
  }

  #start(href: string): void {
    if (this.#ended) return;
    let worker: Worker;
    try {
      worker = startWorker(href);
    } catch (error) {
      this.#fail(error);
      return;
    }
    worker.onmessage = (event: MessageEvent<WorkerReply>) => this.onmessage?.(event);
    worker.onerror = (event: ErrorEvent) => this.onerror?.(event);
    worker.onmessageerror = () => this.onmessageerror?.();
    this.#worker = worker;
    const waiting = this.#waiting;
    this.#waiting = [];
    try {
      for (const [message, transfer] of waiting) worker.postMessage(message, transfer);
    } catch (error) {
      // (Posted at once, this would have thrown to the pool.)
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    if (this.#ended) return;
    const message = error instanceof Error ? error.message : String(error);
    this.onerror?.({ message, preventDefault() {} } as ErrorEvent);
  }

  postMessage(message: WorkerRequest, transfer: Transferable[] = []): void {
    if (this.#worker !== undefined) this.#worker.postMessage(message, transfer);
    else if (!this.#ended) this.#waiting.push([message, transfer]);
  }

  terminate(): void {
    this.#ended = true;
    this.#waiting = [];
    this.#worker?.terminate();
  }
}

/**
 * The calling thread as one more executor (the command line's: it has no
 * page to keep responsive). A message is handled in a later turn of the
 * event loop, so worker replies and timers run between jobs; it takes
 * only searches, which pause after a time slice.
 */
class CallingThread implements Executor {
  readonly #host = new WorkerHost();
  readonly #reply: (reply: WorkerReply) => void;
  #ended = false;

  /** @param reply Receives each job's reply. */
  constructor(reply: (reply: WorkerReply) => void) {
    this.#reply = reply;
  }

  postMessage(message: WorkerRequest): void {
    nextTurn(() => {
      if (this.#ended) return;
      const answer = this.#host.handle(message);
      if (answer !== undefined) this.#reply(answer.reply);
    });
  }

  terminate(): void {
    this.#ended = true;
  }
}

/** A copy of packed buffers, with the arrays to move listed in `transfer`. */
function movableCopy(packed: PackedBuffers, transfer: Transferable[]): PackedBuffers {
  const copy: PackedBuffers = {
    lower: packed.lower.slice(),
    upper: packed.upper.slice(),
    size: packed.size.slice(),
  };
  if (packed.alignment !== undefined) copy.alignment = packed.alignment.slice();
  if (packed.offset !== undefined) copy.offset = packed.offset.slice();
  if (packed.gaps !== undefined) copy.gaps = packed.gaps;
  for (const array of [copy.lower, copy.upper, copy.size, copy.alignment, copy.offset]) {
    if (array !== undefined) transfer.push(array.buffer as ArrayBuffer);
  }
  return copy;
}

/** Marks, in a set of executors promised to runs, a worker yet to start (see Pool.spareWorker). */
const SPAWN: object = {};

/** Counters, for tests and the curious. */
export interface PoolStats {
  /** Workers started (or asked to start) since the process began. */
  spawned: number;
  /** Jobs run on workers, and on the calling thread. */
  jobs: number;
  /** Of those, jobs run on the calling thread. */
  localJobs: number;
  /** The most jobs that ran at once. */
  mostBusy: number;
  /** The most workers there were at once. */
  mostWorkers: number;
  /** Paused searches run again from their beginning, their worker having been ended. */
  replays: number;
}

/** Workers cannot start here: the solve falls back to the calling thread. */
export class WorkersUnavailableError extends Error {
  /** @param message Why. */
  constructor(message: string) {
    super(`Workers cannot run here: ${message}`);
    this.name = "WorkersUnavailableError";
  }
}

/** Whether this runtime can start workers from a script in memory. */
export function workersAvailable(): boolean {
  return typeof Worker === "function" && typeof Blob === "function" &&
    typeof URL?.createObjectURL === "function";
}

/** The workers, their queue of jobs, and the calls they serve. */
export class Pool {
  /** How many workers at most. */
  readonly size: number;
  /** Counters. */
  readonly stats: PoolStats = {
    spawned: 0,
    jobs: 0,
    localJobs: 0,
    mostBusy: 0,
    mostWorkers: 0,
    replays: 0,
  };
  readonly #slots: Slot[] = [];
  // Whether the calling thread also runs searches (see useCallingThread).
  #callingThread = false;
  #queue: Ticket[] = [];
  readonly #sessions = new Set<Session>();
  #nextId = 0;
  #nextKey = 0;
  // The worker script's URL: once there, workers start at once.
  #url: Promise<string> | undefined;
  #href: string | undefined;
  // Whether the workers are to end in the next turn (see #idle).
  #closing = false;
  // Whether any worker ever answered: until one has, a failing worker
  // means workers cannot run here at all.
  #answered = false;
  // Fires when the first queued job's deadline passes (see #expire).
  #expiry: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param size How many workers at most.
   * @param options `script`: the worker script's URL (for tests; by default
   *   a Blob URL of the bundled worker, made when the first worker starts).
   */
  constructor(size: number, options: { script?: Promise<string> } = {}) {
    this.size = size;
    this.#url = options.script;
  }

  /**
   * Opens a call's session: its problem goes to each worker with the
   * call's first job there. Where no worker can start (a page whose
   * content security policy forbids Blob workers, say), its jobs fail
   * with a WorkersUnavailableError (or this throws, once the worker
   * script is loaded).
   *
   * @param problem The call's problem.
   * @param switches The search switches it is prepared with.
   * @param signal The call's abort signal: aborting stops its jobs.
   */
  open(problem: Problem, switches: SearchSwitches, signal?: AbortSignal): Session {
    // One worker now (it shows whether workers can start here); the others when
    // jobs wait for them, each after the jobs before it were sent, since
    // starting a worker holds this thread for tens of milliseconds.
    if (this.#slots.length === 0) {
      this.#slots.push(this.#callingThread ? this.#local() : this.#spawn());
    }
    const session = new Session(this, this.#nextKey++, problem, switches, signal);
    this.#sessions.add(session);
    return session;
  }

  /** Called by a session when its call ends. */
  closed(session: Session): void {
    this.#sessions.delete(session);
    this.#queue = this.#queue.filter((ticket) => ticket.session !== session);
    this.#armExpiry();
    for (const slot of this.#slots) {
      if (slot.keys.delete(session.key)) {
        slot.worker.postMessage({ type: "release", key: session.key } satisfies WorkerRequest);
      }
    }
    this.#idle();
  }

  /** Queues a job; `onNodes` hears a long job's nodes so far, as it runs. */
  submit(
    session: Session,
    job: WorkerJob,
    deadline: number,
    onNodes?: (nodes: number) => void,
  ): JobHandle {
    let ticket!: Ticket;
    const result = new Promise<WorkerResult>((resolve, reject) => {
      ticket = {
        id: this.#nextId++,
        session,
        job,
        deadline,
        resolve,
        reject,
        onNodes,
        done: false,
      };
    });
    this.#queue.push(ticket);
    this.#dispatch();
    return { result, cancel: () => this.#cancel(ticket) };
  }

  /**
   * Starts what can start: jobs of the oldest call first (so calls finish
   * in the order they came rather than all late together); a search that
   * began on a worker resumes only there, where its state is.
   */
  #dispatch(): void {
    this.#expire();
    if (this.#queue.length === 0) return;
    this.#queue.sort((a, b) => a.session.key - b.session.key || a.id - b.id);
    for (let i = 0; i < this.#queue.length; i++) {
      const ticket = this.#queue[i];
      const session = ticket.session;
      const job = ticket.job;
      // The calling thread takes only searches, which pause after a slice,
      // and only where beginning one (the sweep, the model) is quick.
      const small = session.beginsQuickly;
      const local = job.kind === "search" && small;
      // A worker late to start (see #late) takes no search the calling
      // thread can run until it has.
      const fits = (s: Slot) => !s.ticket && (s.local ? local : !(local && s.late));
      let slot = session.slotOf(job);
      if (job.kind === "search" && job.search.begin === undefined) {
        // The search runs again from its beginning to where this run would
        // end it, on any executor, node for node the same: where its
        // worker was ended (it overran a time limit, maybe another call's,
        // or broke), since the state is gone and waiting for it would
        // wait forever; and where it waits for the busy calling thread
        // and was promised a free worker (see Session.claim), once.
        const replay = slot === undefined
          ? (this.#expired(ticket) ? undefined : session.replay(job.search))
          : slot.ticket !== undefined && slot.local && this.spareWorker(new Set()) !== undefined
          ? session.move(job.search)
          : undefined;
        if (replay !== undefined) {
          ticket.job = { kind: "search", search: replay.search };
          ticket.replayed = { nodes: replay.nodes, backtracks: replay.backtracks };
          this.stats.replays++;
          i--;
          continue;
        }
        if (slot === undefined) {
          this.#queue.splice(i--, 1);
          this.#lost(ticket);
          continue;
        }
        // A paused search resumes where its state is.
        if (slot.ticket !== undefined) continue;
      } else {
        if (slot !== undefined && !fits(slot)) slot = undefined;
        slot ??= this.#slots.find((s) => fits(s) && s.keys.has(session.key));
        slot ??= this.#slots.find(fits);
        if (
          slot === undefined &&
          this.#workers() < this.#maxWorkers(job.kind === "heuristic" && !small)
        ) {
          try {
            slot = this.#spawn();
            this.#slots.push(slot);
          } catch {
            // No more workers can start: make do with those there are.
          }
        }
        if (slot === undefined) continue;
        session.bind(job, slot);
      }
      this.#queue.splice(i--, 1);
      this.#send(slot, ticket);
    }
    this.#armExpiry();
  }

  /**
   * Settles as out of time each queued job whose deadline has passed: a
   * call whose jobs wait behind other calls' ends at its own time limit,
   * not when a worker frees up (a 200 ms call behind two 3 s ones
   * answered after 1.4 s).
   */
  #expire(): void {
    const now = performance.now();
    const kept: Ticket[] = [];
    for (const ticket of this.#queue) {
      if (ticket.deadline < now || ticket.done) this.#settle(ticket, outOfTime(ticket.job));
      else kept.push(ticket);
    }
    this.#queue = kept;
  }

  /** Sets the timer for the first deadline among the queued jobs. */
  #armExpiry(): void {
    if (this.#expiry !== undefined) clearTimeout(this.#expiry);
    this.#expiry = undefined;
    let first = Infinity;
    for (const ticket of this.#queue) first = Math.min(first, ticket.deadline);
    if (!Number.isFinite(first)) return;
    // Just past it (a timer may fire a little early), in steps of at most
    // MAX_TIMER_MS.
    const delay = Math.min(Math.max(0, first - performance.now()) + 1, MAX_TIMER_MS);
    this.#expiry = setTimeout(() => {
      this.#expiry = undefined;
      this.#dispatch();
    }, delay);
  }

  #send(slot: Slot, ticket: Ticket): void {
    const session = ticket.session;
    let setup = slot.keys.has(session.key) ? undefined : session.setup();
    // A worker gets its own copy of the columns, moved to it: copying them
    // here takes a memcpy, where a structured clone of 10^6 buffers' held
    // both threads for a tenth of a second each.
    const transfer: Transferable[] = [];
    let job = ticket.job;
    if (!slot.local) {
      if (setup !== undefined) setup = { ...setup, buffers: movableCopy(setup.buffers, transfer) };
      // The same for a solution to improve (the ticket keeps the original).
      if (job.kind === "lns") {
        job = { ...job, offsets: job.offsets.slice() };
        transfer.push(job.offsets.buffer as ArrayBuffer);
      }
    }
    slot.keys.add(session.key);
    if (!slot.local) session.used.add(slot.worker);
    // A move promised but not made (another job took the worker first):
    // the search runs where it is, and the promise lapses.
    if (job.kind === "search") session.sent(job.search.member);
    if (slot.flag !== undefined) Atomics.store(slot.flag, 0, 0);
    slot.ticket = ticket;
    ticket.slot = slot;
    this.stats.jobs++;
    if (slot.local) this.stats.localJobs++;
    const busy = this.#slots.filter((s) => s.ticket).length;
    if (busy > this.stats.mostBusy) this.stats.mostBusy = busy;
    slot.worker.postMessage(
      {
        type: "job",
        id: ticket.id,
        key: session.key,
        setup,
        // Each thread has its own clock origin: send wall-clock time.
        deadline: performance.timeOrigin + ticket.deadline,
        job,
      } satisfies WorkerRequest,
      transfer,
    );
    // A job sent after its deadline (queued behind other calls' jobs) ends
    // at once as out of time: it gets the grace from now, not from its
    // deadline, or its worker, with other calls' paused searches, would
    // be ended before it could answer.
    this.#watch(ticket, Math.max(ticket.deadline, performance.now()) + WORKER_GRACE_MS);
  }

  /** Replaces the ticket's worker if it has not answered by `time`. */
  #watch(ticket: Ticket, time: number): void {
    if (!Number.isFinite(time)) return;
    const delay = Math.max(0, time - performance.now());
    ticket.watchdog = setTimeout(() => {
      if (ticket.done) return;
      if (delay > MAX_TIMER_MS) {
        this.#watch(ticket, time);
        return;
      }
      // Stuck where it does not look at the clock: a search counts as
      // timed out (its nodes are lost with the worker), and so does a
      // heuristic (the plan keeps the best it has; failing here lost a
      // minimization's answer); only the facts, which have no deadline, fail.
      const slot = ticket.slot;
      if (slot?.ticket === ticket) this.#replace(slot);
      if (ticket.job.kind !== "facts") {
        this.#settle(ticket, outOfTime(ticket.job));
      } else {
        this.#fail(ticket, new SolveError("timeout", "A worker overran the time limit"));
      }
    }, Math.min(delay, MAX_TIMER_MS));
  }

  #cancel(ticket: Ticket): void {
    if (ticket.done) return;
    const slot = ticket.slot;
    if (slot === undefined) {
      this.#queue = this.#queue.filter((t) => t !== ticket);
      this.#stopped(ticket);
    } else if (slot.flag !== undefined) {
      Atomics.store(slot.flag, 0, 1);
    } else {
      // No shared memory: end the worker, a new one takes its place.
      this.#replace(slot);
      this.#stopped(ticket);
    }
  }

  /** Settles a ticket stopped before its worker answered. */
  #stopped(ticket: Ticket): void {
    if (ticket.job.kind === "search") {
      this.#settle(ticket, { status: "stopped", nodes: 0, backtracks: 0, proof: true });
    } else if (ticket.job.kind === "probe") {
      this.#settle(ticket, { status: "cancelled", nodes: 0, backtracks: 0 });
    } else if (ticket.job.kind === "lns") {
      // The solution it started from still stands.
      this.#settle(ticket, unimproved(ticket.job.offsets, "stopped"));
    } else {
      this.#fail(ticket, new SolveError("cancelled", "The solve was cancelled"));
    }
  }

  /** Whether a ticket's call was cancelled or its deadline has passed. */
  #expired(ticket: Ticket): boolean {
    return ticket.session.signal?.aborted === true || performance.now() > ticket.deadline;
  }

  /** Settles a paused search whose worker was ended before it resumed. */
  #lost(ticket: Ticket): void {
    // Its call was cancelled (ending the worker where no memory is shared).
    if (ticket.session.signal?.aborted) this.#stopped(ticket);
    else if (performance.now() > ticket.deadline) this.#settle(ticket, outOfTime(ticket.job));
    else this.#fail(ticket, new Error("Internal error: the worker that held a search was ended"));
  }

  #settle(ticket: Ticket, result: WorkerResult): void {
    if (ticket.done) return;
    ticket.done = true;
    if (ticket.watchdog !== undefined) clearTimeout(ticket.watchdog);
    ticket.resolve(result);
  }

  #fail(ticket: Ticket, error: Error): void {
    if (ticket.done) return;
    ticket.done = true;
    if (ticket.watchdog !== undefined) clearTimeout(ticket.watchdog);
    ticket.reject(error);
  }

  #spawn(): Slot {
    this.#url ??= import("./_worker_bundle.ts").then(({ WORKER_SCRIPT }) =>
      this.#href = URL.createObjectURL(new Blob([WORKER_SCRIPT], { type: "text/javascript" }))
    );
    // Until the script is there, a stand-in that starts the worker then.
    const worker = this.#href !== undefined ? startWorker(this.#href) : new LateWorker(this.#url);
    // Pages that are not cross-origin isolated cannot share memory.
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    const flag = typeof SharedArrayBuffer === "function" && isolated !== false
      ? new Int32Array(new SharedArrayBuffer(4))
      : undefined;
    const slot: Slot = {
      worker,
      flag,
      keys: new Set(),
      ticket: undefined,
      answered: false,
      local: false,
      late: false,
    };
    if (this.#callingThread) {
      slot.startTimer = setTimeout(() => this.#late(slot), WORKER_START_MS);
    }
    worker.postMessage(
      { type: "init", flag: flag?.buffer as SharedArrayBuffer } satisfies WorkerRequest,
    );
    worker.onmessage = (event: MessageEvent<WorkerReply>) => this.#reply(slot, event.data);
    const broken = (message: string) => {
      const ticket = slot.ticket;
      this.#replace(slot);
      if (!slot.answered && !this.#answered) {
        // No worker ever answered: they cannot run here (a page whose
        // security policy forbids Blob workers, say). Calls fall back to
        // the calling thread. The job this worker held is no longer in any
        // slot: it fails too (it once waited forever).
        if (this === shared) unavailable = true;
        const error = new WorkersUnavailableError(message);
        if (ticket !== undefined) this.#fail(ticket, error);
        this.#failAll(error);
      } else if (ticket !== undefined) {
        this.#fail(ticket, new Error(`Internal error in a worker: ${message}`));
      }
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      broken(event.message ?? "it failed to start");
    };
    worker.onmessageerror = () => broken("a message could not be read");
    this.stats.spawned++;
    this.stats.mostWorkers = Math.max(this.stats.mostWorkers, this.#workers() + 1);
    return slot;
  }

  /** Workers (not the calling thread) there are. */
  #workers(): number {
    return this.#slots.filter((slot) => !slot.local).length;
  }

  /**
   * A worker that can take a search of the calling thread's now (see
   * Session.claim): one started and free, or where there is none, a new
   * one that may start (the slot for it, marked by SPAWN); undefined where
   * neither is, or each is in `claimed` (promised to another run).
   */
  spareWorker(claimed: Set<object>): object | undefined {
    const free = this.#slots.find((s) => !s.local && !s.ticket && !s.late && !claimed.has(s));
    if (free !== undefined) return free;
    const room = this.#callingThread && this.#workers() < this.#maxWorkers(false);
    return room && !claimed.has(SPAWN) ? SPAWN : undefined;
  }

  /**
   * Workers there may be: one fewer when the calling thread runs searches,
   * but at least one. All of them for `spare` jobs while the calling
   * thread is idle: heuristics of a problem too large for it to take any
   * search of (a large minimization's rounds run two at once, and it would
   * stay idle). Not for searches: each worker holds its own model.
   */
  #maxWorkers(spare: boolean): number {
    if (!this.#callingThread) return this.size;
    const idle = this.#slots.some((slot) => slot.local && slot.ticket === undefined);
    return spare && idle ? this.size : Math.max(1, this.size - 1);
  }

  /** The calling thread's slot. */
  #local(): Slot {
    const flag = typeof SharedArrayBuffer === "function"
      ? new Int32Array(new SharedArrayBuffer(4))
      : undefined;
    const slot: Slot = {
      worker: new CallingThread((reply) => this.#reply(slot, reply)),
      flag,
      keys: new Set(),
      ticket: undefined,
      answered: false,
      local: true,
      late: false,
    };
    slot.worker.postMessage({ type: "init", flag: flag?.buffer as SharedArrayBuffer });
    return slot;
  }

  /** Whether the calling thread runs searches too. */
  get callingThread(): boolean {
    return this.#callingThread;
  }

  /**
   * Lets the calling thread run searches too, as one of the pool's
   * executors (one worker fewer is started): for a command line, which
   * has no page to keep responsive and pays tens of milliseconds to start
   * each worker.
   */
  useCallingThread(): void {
    if (this.#callingThread) return;
    this.#callingThread = true;
    if (this.#slots.length === 0) this.#slots.push(this.#local());
  }

  /**
   * A worker that has not said it started within WORKER_START_MS, beside
   * the calling thread: a search begun there but not yet run goes back to
   * the queue (no state of it exists yet), and until the worker starts it
   * takes none the calling thread can run. Else a stalled start (its
   * script loading on a busy machine) would hold that search, and with it
   * the whole probe, for as long as the stall.
   */
  #late(slot: Slot): void {
    if (slot.answered || !this.#slots.includes(slot)) return;
    slot.late = true;
    const ticket = slot.ticket;
    if (
      ticket === undefined || ticket.job.kind !== "search" ||
      ticket.job.search.begin === undefined || !ticket.session.beginsQuickly
    ) return;
    slot.ticket = undefined;
    ticket.slot = undefined;
    if (ticket.watchdog !== undefined) clearTimeout(ticket.watchdog);
    ticket.session.unbind(slot);
    // Nothing of the call ran there (it has not started).
    ticket.session.used.delete(slot.worker);
    this.stats.jobs--;
    // Stopped meanwhile (the flag is read only by a running search), or its
    // call has ended: it is not run again.
    const stopped = slot.flag !== undefined && Atomics.load(slot.flag, 0) !== 0;
    if (stopped || !this.#sessions.has(ticket.session)) {
      this.#stopped(ticket);
      return;
    }
    // The worker may still run it once it starts, and may even be handed
    // it again: a new id, so that only the answer to the last sending counts.
    ticket.id = this.#nextId++;
    this.#queue.push(ticket);
    this.#dispatch();
  }

  #reply(slot: Slot, reply: WorkerReply): void {
    slot.answered = true;
    if (!slot.local) this.#answered = true;
    if ("ready" in reply) {
      clearTimeout(slot.startTimer);
      slot.late = false;
      this.#dispatch();
      return;
    }
    const ticket = slot.ticket;
    if (ticket === undefined || ticket.id !== reply.id) return;
    if (reply.ok === undefined) {
      // The job's nodes so far: it runs on.
      ticket.onNodes?.(reply.nodes);
      return;
    }
    slot.ticket = undefined;
    if (reply.ok && ticket.replayed !== undefined) {
      if (this.#replaying(ticket, reply.result as SearchResult)) {
        this.#dispatch();
        return;
      }
    }
    if (reply.ok) this.#settle(ticket, reply.result);
    else this.#fail(ticket, new Error(`Internal error in a worker: ${reply.message}`));
    this.#dispatch();
    this.#idle();
  }

  /**
   * Takes a replay's run off its result's counts, so that the caller sees
   * the run it asked for. A replay paused by its time slice before it got
   * back to where the lost search was goes on (true): queued again, to
   * resume where it now lives.
   */
  #replaying(ticket: Ticket, result: SearchResult): boolean {
    const replayed = ticket.replayed!;
    if (ticket.watchdog !== undefined) clearTimeout(ticket.watchdog);
    if (result.status === "paused" && result.nodes < replayed.nodes) {
      const search = (ticket.job as { search: SearchJob }).search;
      ticket.job = {
        kind: "search",
        search: { ...search, begin: undefined, budget: search.budget - result.nodes },
      };
      ticket.replayed = {
        nodes: replayed.nodes - result.nodes,
        backtracks: Math.max(0, replayed.backtracks - result.backtracks),
      };
      ticket.slot = undefined;
      ticket.id = this.#nextId++;
      this.#queue.push(ticket);
      return true;
    }
    result.nodes = Math.max(0, result.nodes - replayed.nodes);
    result.backtracks = Math.max(0, result.backtracks - replayed.backtracks);
    ticket.replayed = undefined;
    return false;
  }

  /** Fails every job, queued or running, and ends the workers. */
  #failAll(error: Error): void {
    const tickets = [...this.#queue, ...this.#slots.flatMap((s) => s.ticket ? [s.ticket] : [])];
    this.#queue = [];
    for (const slot of [...this.#slots]) this.#replace(slot);
    for (const ticket of tickets) this.#fail(ticket, error);
  }

  /** Ends a worker, and its start timer with it. */
  #end(slot: Slot): void {
    clearTimeout(slot.startTimer);
    slot.worker.terminate();
  }

  /** Ends a worker and puts a fresh one (started on demand) in its place. */
  #replace(slot: Slot): void {
    this.#end(slot);
    slot.ticket = undefined;
    const at = this.#slots.indexOf(slot);
    if (at >= 0) this.#slots.splice(at, 1);
    for (const session of this.#sessions) session.unbind(slot);
    this.#dispatch();
  }

  /** Ends the workers once no call is open, after this turn of the event loop. */
  #idle(): void {
    if (this.#sessions.size > 0 || this.#closing) return;
    this.#closing = true;
    nextTurn(() => {
      this.#closing = false;
      if (this.#sessions.size > 0) return;
      for (const slot of this.#slots) this.#end(slot);
      this.#slots.length = 0;
      this.#queue = [];
      this.#armExpiry();
    });
  }
}

/** A call's view of the pool: its problem, its jobs, its abort signal. */
export class Session {
  /** The call's problem key in the workers. */
  readonly key: number;
  readonly #pool: Pool;
  readonly #problem: Problem;
  readonly #switches: SearchSwitches;
  readonly #handles = new Set<JobHandle>();
  // Where each member's search state lives.
  readonly #bound = new Map<number, Slot>();
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => {
    for (const handle of this.#handles) handle.cancel();
  };
  #packed: PackedBuffers | undefined;
  #columns: HeuristicColumns | undefined;

  /**
   * @param pool The pool.
   * @param key The problem's key.
   * @param problem The problem.
   * @param switches The search switches.
   * @param signal The call's abort signal.
   */
  constructor(
    pool: Pool,
    key: number,
    problem: Problem,
    switches: SearchSwitches,
    signal?: AbortSignal,
  ) {
    this.#pool = pool;
    this.key = key;
    this.#problem = problem;
    this.#switches = switches;
    this.#signal = signal;
    signal?.addEventListener("abort", this.#onAbort);
  }

  /** How many workers the pool has at most. */
  get width(): number {
    return this.#pool.size;
  }

  /** Whether the calling thread runs jobs too (see Pool.useCallingThread). */
  get callingThread(): boolean {
    return this.#pool.callingThread;
  }

  /** The abort signal as a flag. */
  get signal(): StopFlag | undefined {
    return this.#signal;
  }

  /** The worker that holds the state of a job's search, if it has begun. */
  slotOf(job: WorkerJob): Slot | undefined {
    return job.kind === "search" ? this.#bound.get(job.search.member) : undefined;
  }

  /**
   * Whether a begun search can resume now: nothing runs where it lives,
   * and no other run was promised that executor in `claimed` (this one
   * then is).
   */
  claim(member: number, claimed: Set<object>, move = false): boolean {
    const slot = this.#bound.get(member);
    if (slot === undefined) return true;
    if (slot.ticket === undefined && !claimed.has(slot)) {
      claimed.add(slot);
      return true;
    }
    // With `move`, one waiting for the busy calling thread (where a
    // command line's searches all begin) moves to a free worker, once a
    // search (see move).
    if (!move || !slot.local || slot.ticket === undefined || this.#moved.has(member)) {
      return false;
    }
    const spare = this.#pool.spareWorker(claimed);
    if (spare === undefined) return false;
    claimed.add(spare);
    this.#moving.add(member);
    return true;
  }

  // The members promised a move (see claim), and those whose search moved.
  readonly #moving = new Set<number>();
  readonly #moved = new Set<number>();

  /** A run of a member's search was sent: a move promised for it lapses. */
  sent(member: number): void {
    this.#moving.delete(member);
  }

  /**
   * The run of a member's paused search promised a move off the calling
   * thread (see claim): its search run again elsewhere, as
   * {@linkcode replay}. It then stays where it goes, so that the searches
   * do not all move to the workers and leave this thread idle. Undefined
   * where no move was promised.
   */
  move(job: SearchJob): { search: SearchJob; nodes: number; backtracks: number } | undefined {
    if (!this.#moving.delete(job.member)) return undefined;
    const moved = this.replay(job);
    if (moved === undefined) return undefined;
    this.#moved.add(job.member);
    this.#bound.delete(job.member);
    return moved;
  }

  // How each member's search began and what it has run since: enough to
  // run it again to where it paused, should its worker be ended.
  readonly #runs = new Map<
    number,
    { begin: NonNullable<SearchJob["begin"]>; nodes: number; backtracks: number }
  >();

  /** Notes what a run of a member's search cost (see replay). */
  record(job: SearchJob, result: SearchResult): void {
    if (job.begin !== undefined) {
      // A new search: it may move once.
      this.#moved.delete(job.member);
      this.#runs.set(job.member, {
        begin: job.begin,
        nodes: result.nodes,
        backtracks: result.backtracks,
      });
      return;
    }
    const run = this.#runs.get(job.member);
    if (run === undefined) return;
    run.nodes += result.nodes;
    run.backtracks += result.backtracks;
  }

  /**
   * The job that begins a paused search again and runs it through where
   * it paused to where `job` would end it, with the nodes and backtracks
   * it runs again; undefined where the search's beginning is unknown.
   */
  replay(job: SearchJob): { search: SearchJob; nodes: number; backtracks: number } | undefined {
    const run = this.#runs.get(job.member);
    if (run === undefined || job.begin !== undefined) return undefined;
    return {
      search: { ...job, begin: run.begin, budget: run.nodes + job.budget },
      nodes: run.nodes,
      backtracks: run.backtracks,
    };
  }

  /** Records where a job's search lives (a begun search resumes only there). */
  bind(job: WorkerJob, slot: Slot): void {
    if (job.kind === "search") this.#bound.set(job.search.member, slot);
  }

  /** Forgets the searches of a worker that was ended. */
  unbind(slot: Slot): void {
    for (const [member, bound] of this.#bound) {
      if (bound === slot) this.#bound.delete(member);
    }
  }

  /** The workers that ran a job of this call (the calling thread not counted). */
  readonly used = new Set<unknown>();

  /** The problem's facts, when the calling thread computed them. */
  facts: Facts | undefined;

  /**
   * Whether a search of this problem begins quickly (the sweep and the
   * model cannot pause): few enough pairs live at once, by the facts, for
   * the calling thread to take its searches (CALLING_THREAD_MAX_PAIRS).
   */
  get beginsQuickly(): boolean {
    return (this.facts?.pairs ?? Infinity) <= CALLING_THREAD_MAX_PAIRS;
  }

  /** The buffers packed for the workers, as columns (with the buffers' own gaps). */
  columns(): HeuristicColumns {
    if (this.#columns === undefined) {
      const packed = this.#packed ??= packBuffers(this.#problem.buffers);
      const { lower, upper, size, alignment, offset } = packed;
      this.#columns = { lower, upper, size, alignment, offset };
      // The buffers' own gaps, rather than a parse of the JSON made for
      // the workers: the same values, without a second copy.
      if (packed.gaps !== undefined) {
        this.#columns.gaps = this.#problem.buffers.map((b) => b.gaps ?? null);
      }
    }
    return this.#columns;
  }

  /** The problem's data for a worker that does not have it yet. */
  setup(): WorkerSetup {
    // Packed once per call: typed arrays copy to a worker much faster than
    // structured cloning the buffers' objects for every worker.
    this.#packed ??= packBuffers(this.#problem.buffers);
    return {
      buffers: this.#packed,
      capacity: this.#problem.capacity,
      switches: this.#switches,
      facts: this.facts,
    };
  }

  /**
   * Runs a job on a worker.
   *
   * @param job The job.
   * @param deadline `performance.now()` past which it stops.
   * @param onNodes Hears a long job's nodes so far, as it runs (a
   * neighbourhood search, a whole probe on one worker).
   */
  run(job: WorkerJob, deadline: number, onNodes?: (nodes: number) => void): JobHandle {
    const handle = this.#pool.submit(this, job, deadline, onNodes);
    this.#handles.add(handle);
    const forget = () => this.#handles.delete(handle);
    // Before the caller's own reactions, which may resume the search.
    handle.result.then((result) => {
      forget();
      if (job.kind === "search") this.record(job.search, result as SearchResult);
    }, forget);
    if (this.#signal?.aborted) handle.cancel();
    return handle;
  }

  /** Ends the call: its queued jobs are dropped, its problem released. */
  close(): void {
    this.#signal?.removeEventListener("abort", this.#onAbort);
    for (const handle of this.#handles) handle.cancel();
    this.#pool.closed(this);
  }
}

let shared: Pool | undefined;
let unavailable = !workersAvailable();

/**
 * The process-wide pool, or undefined where workers cannot run (no Worker,
 * or the first one failed to start).
 */
export function sharedPool(): Pool | undefined {
  if (unavailable) return undefined;
  if (shared === undefined) {
    const cores = globalThis.navigator?.hardwareConcurrency;
    const size = Math.max(1, Math.min(WORKERS_MAX, Number.isInteger(cores) ? cores : 2));
    shared = new Pool(size);
  }
  return shared;
}

/** Marks workers as unusable in this process (the first one failed to start). */
export function markWorkersUnavailable(): void {
  unavailable = true;
}
