// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// The solver's worker. It is not loaded from this file: `deno task build`
// bundles it with everything it imports into one script, kept as a string
// in _worker_bundle.ts, and the pool starts workers from that string (a
// Blob URL). So the worker travels inside every build of the library:
// `deno run` from a file or from JSR, `deno compile` and `bun build
// --compile` binaries, and browser bundles, none of which could find a
// separate worker file.
//
// A worker keeps the problems of the calls it serves, each prepared once
// (_prepared.ts), and answers one job at a time: the facts, a heuristic,
// a whole probe, one run of a search of a probe spread over workers, or a
// large neighbourhood search (_lns.ts). A shared flag stops the current
// job; deadlines arrive as wall-clock times, since each thread has its own
// `performance.now()` origin.

import {
  type Facts,
  type HeuristicJob,
  type HeuristicResult,
  Prepared,
  type SearchJob,
  type SearchResult,
  solverHeuristic,
  type StopFlag,
} from "./_prepared.ts";
import type { HeuristicColumns } from "./_heuristics_core.ts";
import { isValidColumns, validateColumnsOf } from "./_validate_columns.ts";
import { peakLoadBefore } from "./_peak_load.ts";
import { SolveError } from "./errors.ts";
import type { BufferSpec, Gap } from "./problem.ts";
import type { SearchSwitches } from "./search.ts";
import { type ProbeOutcome, type ProbeSettings, runProbe } from "./_probe.ts";
import { improveByLns, type LnsResult, type LnsSettings } from "./_lns.ts";
import { PROGRESS_INTERVAL_MS } from "./_limits.ts";

/** What the pool asks of a worker. */
export type WorkerJob =
  | { kind: "facts" }
  | HeuristicJob & {
    kind: "heuristic";
    /**
     * Whether the worker checks the answer (for a page, whose thread
     * should stay free); false leaves it to the caller (a command line's
     * thread is idle while the heuristic runs).
     */
    check: boolean;
  }
  | { kind: "search"; search: SearchJob }
  | { kind: "probe"; probe: ProbeSettings; portfolio: boolean }
  | { kind: "lns"; offsets: Float64Array; lowerBound: number; settings: LnsSettings };

/**
 * The job for a plan's heuristic request, every field it carries passed
 * on; `check` says whether the worker checks the answer.
 */
export function heuristicJob(
  request: HeuristicJob,
  check: boolean,
): Extract<WorkerJob, { kind: "heuristic" }> {
  return {
    kind: "heuristic",
    name: request.name,
    target: request.target,
    round: request.round,
    check,
  };
}

/** What a worker answers for a job. */
export type WorkerResult = Facts | HeuristicResult | SearchResult | ProbeOutcome | LnsResult;

/**
 * The buffers as a worker needs them: columns in typed arrays, which copy
 * to a worker at memory speed (10^6 buffers as JSON took 0.6 s to write
 * and 1.2 s to read back), and no ids, which a worker never reports.
 */
export interface PackedBuffers {
  /** Per buffer: when it starts. */
  lower: Float64Array;
  /** Per buffer: when it ends. */
  upper: Float64Array;
  /** Per buffer: its size. */
  size: Float64Array;
  /** Per buffer: its alignment; absent when every one is 1. */
  alignment?: Float64Array;
  /** Per buffer: its fixed offset, NaN for none; absent when none is fixed. */
  offset?: Float64Array;
  /** Every buffer's gaps as JSON (null for none); absent when none has any. */
  gaps?: string;
}

/** Packs buffers for a worker (see {@linkcode PackedBuffers}). */
export function packBuffers(buffers: readonly BufferSpec[]): PackedBuffers {
  // The validator's columns, with the gaps as one string (which a worker
  // parses faster than it would receive their objects).
  const { gaps, ...columns } = validateColumnsOf(buffers);
  const packed: PackedBuffers = columns;
  if (gaps !== undefined) packed.gaps = JSON.stringify(buffers.map((b) => b.gaps ?? null));
  return packed;
}

/**
 * The buffers back from {@linkcode packBuffers}, with empty ids (a worker
 * never reports, nor checks, them: 10^6 strings took 30 MB); undefined
 * once `performance.now()` passes `deadline` (10^6 buffers take half a
 * second).
 */
export function unpackBuffers(
  packed: PackedBuffers,
  deadline = Infinity,
): BufferSpec[] | undefined {
  const n = packed.lower.length;
  const gaps: (Gap[] | null)[] | undefined = packed.gaps === undefined
    ? undefined
    : JSON.parse(packed.gaps);
  const buffers: BufferSpec[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if ((i & 65535) === 65535 && performance.now() > deadline) return undefined;
    const b: BufferSpec = {
      id: "",
      lower: small(packed.lower[i]),
      upper: small(packed.upper[i]),
      size: small(packed.size[i]),
    };
    const alignment = packed.alignment?.[i] ?? 1;
    if (alignment !== 1) b.alignment = alignment;
    const offset = packed.offset?.[i] ?? NaN;
    if (!Number.isNaN(offset)) b.offset = offset;
    const own = gaps?.[i];
    if (own) b.gaps = own;
    buffers[i] = b;
  }
  return buffers;
}

/**
 * The number as a small integer where it is one: an object then holds it
 * in place, where a double read from a typed array takes a box of its own
 * (at 10^6 buffers, three boxes each came to most of the objects' memory).
 */
function small(x: number): number {
  return (x | 0) === x ? x | 0 : x;
}

/** A problem's data, sent with its first job to each worker. */
export interface WorkerSetup {
  /** The buffers, packed. */
  buffers: PackedBuffers;
  /** The problem's capacity, if any. */
  capacity?: number;
  /** The search switches. */
  switches: SearchSwitches;
  /** The problem's facts, if already computed. */
  facts?: Facts;
}

/** A message to a worker. */
export type WorkerRequest =
  | { type: "init"; flag?: SharedArrayBuffer }
  | { type: "release"; key: number }
  | {
    type: "job";
    id: number;
    key: number;
    setup?: WorkerSetup;
    /** Wall-clock milliseconds (`performance.timeOrigin` + `now()`) past which it stops. */
    deadline: number;
    job: WorkerJob;
  };

/** A worker's answer. */
export type WorkerReply =
  /** The answer to "init": the thread has started and takes jobs. */
  | { ready: true; id?: never; ok?: never }
  /** A long job's nodes so far (a neighbourhood search, a whole probe). */
  | { id: number; nodes: number; ok?: never; ready?: never }
  | { id: number; ok: true; result: WorkerResult }
  | { id: number; ok: false; message: string };

/** Answers the pool's messages: one per thread that runs jobs. */
export class WorkerHost {
  #flag: Int32Array | undefined;
  readonly #stop: StopFlag;
  readonly #problems = new Map<number, Prepared>();
  // Problems not unpacked yet: only heuristics ran on them, which read the
  // columns, or a deadline cut the unpacking short.
  readonly #unpacked = new Map<number, WorkerSetup>();

  // Sends a long job's nodes so far, as the job runs.
  readonly #post: ((reply: WorkerReply) => void) | undefined;

  /**
   * A host with no problems yet.
   *
   * @param post Sends a reply while a job runs: a long job's nodes so far,
   * at most every PROGRESS_INTERVAL_MS (else they come with its answer).
   */
  constructor(post?: (reply: WorkerReply) => void) {
    this.#post = post;
    const flagOf = () => this.#flag;
    this.#stop = {
      get aborted(): boolean {
        const flag = flagOf();
        return flag !== undefined && Atomics.load(flag, 0) !== 0;
      },
    };
  }

  /** Sends job `id`'s nodes so far, at most every PROGRESS_INTERVAL_MS. */
  #nodesOf(id: number): ((nodes: number) => void) | undefined {
    const post = this.#post;
    if (post === undefined) return undefined;
    let said = performance.now();
    return (nodes) => {
      const now = performance.now();
      if (now - said < PROGRESS_INTERVAL_MS) return;
      said = now;
      post({ id, nodes });
    };
  }

  /**
   * Handles one message; a job gets a reply (and the buffers to transfer
   * with it), the others nothing.
   *
   * @param request The message.
   */
  handle(request: WorkerRequest): { reply: WorkerReply; transfer: Transferable[] } | undefined {
    if (request.type === "init") {
      this.#flag = request.flag === undefined ? undefined : new Int32Array(request.flag);
      return { reply: { ready: true }, transfer: [] };
    }
    if (request.type === "release") {
      this.#problems.delete(request.key);
      this.#unpacked.delete(request.key);
      return undefined;
    }
    const transfer: Transferable[] = [];
    try {
      const deadline = request.deadline - performance.timeOrigin;
      const job = request.job;
      // A job whose deadline passes before it can start (a large problem's
      // set-up takes a second at 10^6) ends at once as out of time, instead
      // of holding the worker until the pool replaces it.
      const late = job.kind !== "facts" && performance.now() > deadline;
      const stop = this.#stop;
      let prepared = this.#problems.get(request.key);
      if (prepared === undefined) {
        const setup = request.setup ?? this.#unpacked.get(request.key);
        if (setup === undefined) throw new Error(`problem ${request.key} was never sent`);
        this.#unpacked.set(request.key, setup);
        if (job.kind === "heuristic" && !late) {
          // On the columns, with no object per buffer (unpacking 10^6 takes
          // a third of a second), and checked on them too.
          const columns = columnsOf(setup.buffers);
          const result = solverHeuristic(columns, {
            job,
            deadline,
            stop,
            lowerBound: () => setup.facts?.lowerBound ?? peakLoadOfColumns(columns, deadline),
            pairs: setup.facts?.pairs,
            check: job.check
              ? (offsets, height) => isValidColumns(columns, offsets, height)
              : undefined,
          });
          if (result.status === "solved") transfer.push(result.offsets.buffer as ArrayBuffer);
          return { reply: { id: request.id, ok: true, result }, transfer };
        }
        // Facts have no deadline: their set-up is never cut short.
        if (!late) {
          prepared = this.#prepare(request.key, job.kind === "facts" ? Infinity : deadline);
        }
      }
      if (prepared === undefined || late) {
        return { reply: { id: request.id, ok: true, result: outOfTime(job) }, transfer };
      }
      let result: WorkerResult;
      if (job.kind === "facts") {
        result = prepared.facts();
      } else if (job.kind === "heuristic") {
        result = prepared.heuristic(job, deadline, stop, job.check);
        if (result.status === "solved") transfer.push(result.offsets.buffer as ArrayBuffer);
      } else if (job.kind === "search") {
        result = prepared.advance(job.search, deadline, stop);
        if (result.offsets !== undefined) transfer.push(result.offsets.buffer as ArrayBuffer);
      } else if (job.kind === "lns") {
        const onNodes = this.#nodesOf(request.id);
        result = improveByLns(
          prepared.problem,
          job.settings,
          job,
          deadline,
          stop,
          prepared,
          onNodes,
        );
        transfer.push(result.offsets.buffer as ArrayBuffer);
      } else {
        const onNodes = this.#nodesOf(request.id);
        result = runProbe(prepared, job.probe, job.portfolio, deadline, stop, onNodes);
        if (result.status === "solved") transfer.push(result.offsets.buffer as ArrayBuffer);
      }
      return { reply: { id: request.id, ok: true, result }, transfer };
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      return { reply: { id: request.id, ok: false, message }, transfer: [] };
    }
  }

  /**
   * Unpacks a problem kept packed and prepares it, once; undefined when
   * `performance.now()` passes `until` first (it stays packed).
   */
  #prepare(key: number, until: number): Prepared | undefined {
    let prepared = this.#problems.get(key);
    if (prepared !== undefined) return prepared;
    const setup = this.#unpacked.get(key);
    if (setup === undefined) return undefined;
    const buffers = unpackBuffers(setup.buffers, until);
    if (buffers === undefined) return undefined;
    this.#unpacked.delete(key);
    prepared = new Prepared({ buffers, capacity: setup.capacity }, setup.switches);
    if (setup.facts !== undefined) prepared.setFacts(setup.facts);
    this.#problems.set(key, prepared);
    return prepared;
  }
}

/** The peak load measured on the columns; 0, a lower bound, past the deadline. */
function peakLoadOfColumns(columns: HeuristicColumns, deadline: number): number {
  try {
    return peakLoadBefore(columns, deadline);
  } catch (error) {
    if (error instanceof SolveError && error.code === "timeout") return 0;
    throw error;
  }
}

/** The columns the heuristics read, from the packed buffers. */
export function columnsOf(packed: PackedBuffers): HeuristicColumns {
  const { lower, upper, size, alignment, offset } = packed;
  return {
    lower,
    upper,
    size,
    alignment,
    offset,
    gaps: packed.gaps === undefined ? undefined : JSON.parse(packed.gaps),
  };
}

/**
 * What a job that ran out of time before it could start answers (the
 * pool's watchdog answers the same for a worker that overran): a search
 * or probe out of time with no nodes, an LNS that kept its solution, a
 * heuristic out of time.
 */
export function outOfTime(job: WorkerJob): WorkerResult {
  switch (job.kind) {
    case "search":
      return { status: "timeout", nodes: 0, backtracks: 0, proof: true };
    case "probe":
      return { status: "timeout", nodes: 0, backtracks: 0 };
    case "lns":
      return unimproved(job.offsets, "timeout");
    default:
      return { status: "timeout" };
  }
}

/** A large neighbourhood search that gained nothing: the offsets it was given. */
export function unimproved(offsets: Float64Array, status: "timeout" | "stopped"): LnsResult {
  return { status, offsets, height: Infinity, nodes: 0, backtracks: 0 };
}
