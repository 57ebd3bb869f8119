// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// SolverOptions checked once and resolved into plain settings: defaults
// filled in, every value validated, nothing but data (so the settings can
// cross to a worker). Also the rule for when a problem may leave out its
// capacity.

import type { Problem } from "./problem.ts";
import type { SolverOptions } from "./options.ts";
import type { SearchSwitches } from "./search.ts";
import { heuristicNames } from "./heuristics.ts";
import { checkProblem, checkTimeout } from "./_check.ts";

/** SolverOptions resolved: what the plan and the probes read. */
export interface Settings {
  /** The search switches. */
  switches: SearchSwitches;
  /** The preordering heuristics, in round-robin order. */
  heuristics: string[];
  /** The time limit in milliseconds (Infinity for none). */
  timeout: number;
  /** Minimize the capacity. */
  minimize: boolean;
  /** The anytime minimization rather than the reference's bisection. */
  anytime: boolean;
  /** Run a probe's searches in parallel on workers. */
  portfolio: boolean;
  /** Try the heuristics first on problems too large for the exact search. */
  heuristicFirst: boolean;
  /** Randomized restarts join a probe's race after RESTART_ROUND. */
  restarts: boolean;
  /** Descents in the anytime minimization (see SolverOptions.descents). */
  descents: boolean;
  /** Lower a minimization's heuristic solution by large neighbourhood search. */
  neighbourhoodSearch: boolean;
  /** Then try the exact search at the lower bound with the time left. */
  boundProbe: boolean;
  /** Then run the heuristic's improvement again, in rounds, with the time left. */
  heuristicRounds: boolean;
  /** Where windows are, one dive of the exact search first (see SolverOptions.windowDive). */
  windowDive: boolean;
  /** A fast heuristic to answer with alone, if any. */
  heuristic: string | undefined;
}

const DEFAULT_HEURISTICS = ["WAT", "TAW", "TWA"];
const HEURISTIC_LETTERS = /^[ACLOTUWZ]+$/;

/** The search switches (SearchSwitches), in the reference's order, then ours. */
export const SWITCHES = [
  "canonicalOnly",
  "sectionInference",
  "dynamicOrdering",
  "checkDominance",
  "unallocatedFloor",
  "staticPreordering",
  "dynamicDecomposition",
  "monotonicFloor",
  "hatlessPruning",
  "soundPruning",
  "loadBound",
  "tightSections",
] as const;

/** Every boolean option: the search switches, then the plan's. */
export const FLAGS = [
  ...SWITCHES,
  "minimizeCapacity",
  "portfolio",
  "anytimeMinimize",
  "heuristicFirst",
  "restarts",
  "descents",
  "neighbourhoodSearch",
  "boundProbe",
  "heuristicRounds",
  "windowDive",
] as const;

/** Every option's name. */
const KNOWN_OPTIONS: ReadonlySet<string> = new Set<string>([
  ...FLAGS,
  "preorderingHeuristics",
  "timeout",
  "signal",
  "heuristic",
  "onProgress",
]);

/** Says an option is unknown, with the name meant where it is clear. */
function unknownOption(key: string): string {
  const camel = key.replace(/[_-]([a-z])/g, (_, c: string) => c.toUpperCase());
  const hint = key === "reference"
    ? " (spread REFERENCE_OPTIONS for the reference's search)"
    : KNOWN_OPTIONS.has(camel)
    ? ` (did you mean ${camel}?)`
    : "";
  return `unknown option ${JSON.stringify(key)}${hint}`;
}

/**
 * Whether a problem solved with these options may leave out its capacity:
 * an anytime minimization (no upper limit) or a heuristic alone (the
 * height is what it is).
 */
export function capacityOptional(options: SolverOptions): boolean {
  return (options.minimizeCapacity === true && options.anytimeMinimize !== false) ||
    options.heuristic !== undefined;
}

/**
 * Checks the problem and the options, and resolves the options. The check
 * counts against the time limit, from `start`.
 *
 * @throws {TypeError} When a value has the wrong type.
 * @throws {RangeError} When a value is out of range.
 * @throws {SolveError} With code "timeout" when the time limit passes first.
 */
export function checkInput(
  problem: Problem,
  options: SolverOptions,
  start: number = performance.now(),
): Settings {
  const settings = resolveOptions(options);
  checkProblem(problem, capacityOptional(options), start + settings.timeout);
  return settings;
}

/** Resolves the options, checking each value. */
export function resolveOptions(options: SolverOptions): Settings {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot solve: expected an options object, got ${describe(options)}`);
  }
  // A misspelt or CLI-style name would otherwise be dropped unseen (and
  // `{ reference: true }` solve in the default mode).
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new TypeError(`Cannot solve: ${unknownOption(key)}`);
  }
  for (const flag of FLAGS) {
    const value = options[flag];
    if (value !== undefined && typeof value !== "boolean") {
      throw new TypeError(`Cannot solve: option ${flag} must be a boolean, got ${describe(value)}`);
    }
  }
  const timeout = checkTimeout(options.timeout, "Cannot solve");
  const heuristics = options.preorderingHeuristics ?? DEFAULT_HEURISTICS;
  if (!Array.isArray(heuristics)) {
    throw new TypeError(
      `Cannot solve: option preorderingHeuristics must be an array of strings, got ${
        describe(heuristics)
      }`,
    );
  }
  if (heuristics.length === 0) {
    throw new RangeError("Cannot solve: option preorderingHeuristics is empty");
  }
  for (const h of heuristics) {
    if (typeof h !== "string" || !HEURISTIC_LETTERS.test(h)) {
      throw new RangeError(
        `Cannot solve: preordering heuristic ${
          describe(h)
        } must use only the letters A, C, L, O, T, U, W, Z`,
      );
    }
  }
  const heuristic = options.heuristic;
  if (heuristic !== undefined && !heuristicNames.includes(heuristic)) {
    throw new RangeError(
      `Cannot solve: option heuristic must be one of ${heuristicNames.join(", ")}, got ${
        describe(heuristic)
      }`,
    );
  }
  const signal = options.signal;
  if (signal !== undefined && (signal === null || typeof signal.aborted !== "boolean")) {
    throw new TypeError(
      `Cannot solve: option signal must be an AbortSignal, got ${describe(signal)}`,
    );
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") {
    throw new TypeError(
      `Cannot solve: option onProgress must be a function, got ${describe(options.onProgress)}`,
    );
  }
  const switches = {} as SearchSwitches;
  for (const name of SWITCHES) switches[name] = options[name] ?? true;
  return {
    switches,
    heuristics: [...heuristics],
    timeout,
    minimize: options.minimizeCapacity ?? false,
    anytime: options.anytimeMinimize ?? true,
    portfolio: options.portfolio ?? true,
    heuristicFirst: options.heuristicFirst ?? true,
    restarts: options.restarts ?? true,
    descents: options.descents ?? true,
    neighbourhoodSearch: options.neighbourhoodSearch ?? true,
    boundProbe: options.boundProbe ?? true,
    heuristicRounds: options.heuristicRounds ?? true,
    windowDive: options.windowDive ?? true,
    heuristic,
  };
}

/** A value as a message shows it. */
function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return String(value);
}
