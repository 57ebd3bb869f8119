// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * The error classes the library throws, each with a stable `code`.
 *
 * @module
 */

/**
 * Why a solve failed: proved `"infeasible"`, the time limit hit
 * (`"timeout"`), the caller `"cancelled"` it, the exact search needed more
 * memory or stack than the runtime has (`"too-large"`: millions of pairs
 * of buffers live at once, or tens of thousands of buffers in one
 * partition) and no heuristic fitted, or a heuristic alone was asked for
 * and its height is above the capacity without a proof that nothing fits
 * (`"no-fit"`).
 */
export type SolveErrorCode = "infeasible" | "timeout" | "cancelled" | "too-large" | "no-fit";

/** Options for {@linkcode SolveError}. */
export interface SolveErrorOptions {
  /** How many times the search backtracked before it failed. */
  backtracks?: number;
  /** How many search nodes it visited before it failed. */
  nodes?: number;
  /**
   * How many Web Workers ran the solve's work (0: the calling thread did).
   * @default {0}
   */
  workers?: number;
  /** The underlying cause, if any. */
  cause?: unknown;
}

/**
 * A solve that did not find a solution: the problem is proved infeasible,
 * the time limit was hit, or the caller cancelled it.
 *
 * @example Usage
 * ```ts
 * import { SolveError, solve } from "@x/minimalloc";
 * import { deepEqual, ok } from "node:assert/strict";
 *
 * const problem = {
 *   capacity: 3,
 *   buffers: [
 *     { id: "a", lower: 0, upper: 2, size: 2 },
 *     { id: "b", lower: 1, upper: 3, size: 2 },
 *   ],
 * };
 * try {
 *   solve(problem);
 *   ok(false, "unreachable");
 * } catch (error) {
 *   ok(error instanceof SolveError);
 *   deepEqual(error.code, "infeasible");
 * }
 * ```
 */
export class SolveError extends Error {
  /** Why the solve failed. */
  readonly code: SolveErrorCode;
  /** How many times the search backtracked before it failed. */
  readonly backtracks: number;
  /** How many search nodes it visited before it failed. */
  readonly nodes: number;
  /**
   * How many Web Workers ran the solve's work before it failed (0: the
   * calling thread did), as a solution's `stats.workers` counts them.
   */
  readonly workers: number;

  /**
   * Makes a solve error.
   *
   * @param code Why the solve failed.
   * @param message What to tell the user.
   * @param options Counters and cause.
   */
  constructor(
    code: SolveErrorCode,
    message: string,
    options: SolveErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "SolveError";
    this.code = code;
    this.backtracks = options.backtracks ?? 0;
    this.nodes = options.nodes ?? 0;
    this.workers = options.workers ?? 0;
  }
}

/** What kind of problem a {@linkcode CsvError} reports. */
export type CsvErrorCode =
  /** The text is not well-formed CSV (an unterminated quote, say). */
  | "syntax"
  /** The header is missing, repeats a column or lacks a required one. */
  | "header"
  /** A row has more or fewer fields than the header. */
  | "field-count"
  /** A field is not the number or gap list it should be. */
  | "value"
  /** Each field reads, but together they break a rule of the model. */
  | "semantic";

/** Where a {@linkcode CsvError} happened. */
export interface CsvErrorOptions {
  /** The file name to show, if any. */
  file?: string;
  /** The 1-based line number. */
  line?: number;
  /** The column's name, where the error is in one field. */
  column?: string;
}

/**
 * Input that cannot be read as a MiniMalloc CSV. The message names the
 * file, the line and the column, and says what was expected, e.g.
 * `input.csv:7: size: expected an integer, got "4x"`.
 *
 * @example Usage
 * ```ts
 * import { CsvError, parseCsv } from "@x/minimalloc";
 * import { deepEqual, ok } from "node:assert/strict";
 *
 * try {
 *   parseCsv("id,lower,upper,size\na,0,1,4x\n", { file: "input.csv" });
 *   ok(false, "unreachable");
 * } catch (error) {
 *   ok(error instanceof CsvError);
 *   deepEqual(error.code, "value");
 *   deepEqual(error.line, 2);
 *   deepEqual(error.column, "size");
 * }
 * ```
 */
export class CsvError extends SyntaxError {
  /** What kind of problem this is. */
  readonly code: CsvErrorCode;
  /** The file name, if one was given. */
  readonly file: string | undefined;
  /** The 1-based line number, if the error is on one line. */
  readonly line: number | undefined;
  /** The column's name, if the error is in one field. */
  readonly column: string | undefined;

  /**
   * Makes a CSV error; the message gets the position as a prefix.
   *
   * @param code What kind of problem this is.
   * @param detail What was expected, without the position.
   * @param options Where it happened.
   */
  constructor(code: CsvErrorCode, detail: string, options: CsvErrorOptions = {}) {
    const where = [
      options.file ?? (options.line === undefined ? undefined : "line"),
      options.line,
    ].filter((part) => part !== undefined).join(options.file ? ":" : " ");
    const column = options.column === undefined ? "" : `${options.column}: `;
    super(`${where ? `${where}: ` : ""}${column}${detail}`);
    this.name = "CsvError";
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
  }
}
