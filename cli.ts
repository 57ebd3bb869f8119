// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module needs file access: it reads and writes files through the
// host (src/_host.ts: Deno's own API on Deno, `node:fs` on Bun and Node).
// It imports no `node:` module (`fs` is looked up when it is first
// needed), so that mod.ts can import it for `deno run jsr:@x/minimalloc`
// and a browser bundle of mod.ts still holds no `node:` import.

/**
 * The `minimalloc` command, compatible with the reference C++ tool's flags
 * and CSV format:
 *
 * ```sh
 * deno run --allow-read --allow-write jsr:@x/minimalloc/cli \
 *   --capacity=12 --input=input.12.csv --output=output.12.csv
 * ```
 *
 * Exit codes: 0 solved, 1 the solve failed (infeasible, time limit) or the
 * validation failed, 2 a usage or input error, or an output that could not
 * be written.
 *
 * Outputs that are regular files are replaced atomically (a temporary file
 * beside them, then a rename; their mode is kept); anything else (a device
 * such as /dev/null or /dev/stdout, a FIFO or process substitution, a
 * symlink, a file with other hard links) is written in place. The outputs
 * of one run are written together or not at all, and SIGINT or SIGTERM
 * while they are written leaves no temporary file. A reader that stops
 * reading standard output (`| head -1`) ends the printing quietly; a closed
 * standard output (`>&-`) gets a note on stderr, and the result printed
 * there is discarded. SIGINT during a solve stops it: a
 * minimization writes the best solution it has; otherwise the exit code is
 * 130 and nothing is written.
 *
 * @module
 */

import denoJson from "./deno.json" with { type: "json" };
import { CsvError, SolveError } from "./src/errors.ts";
import { parseCsv } from "./src/csv_parse.ts";
import { csvBytes } from "./src/_csv_write.ts";
import { markIdsChecked } from "./src/_check.ts";
import type { Problem, Solution } from "./src/problem.ts";
import { type MinimizeProgress, REFERENCE_OPTIONS, type SolverOptions } from "./src/options.ts";
import { solveAsync } from "./src/solve_async.ts";
import { sharedPool } from "./src/_pool.ts";
import { findViolation } from "./src/validate.ts";
import { heuristicNames } from "./src/heuristics.ts";
import { peakLoad } from "./src/problem.ts";
import { lowerBoundBefore } from "./src/_peak_load.ts";
import { type FlagSpec, parseCount, parseDuration, parseFlags, UsageError } from "./src/_flags.ts";
import {
  checkWritable,
  NotUtf8Error,
  OutputError,
  OutputFiles,
  readFailure,
  readStdin,
  readTextFile,
  StandardOutput,
  stderrIsTerminal,
  writeStderr,
} from "./src/_outputs.ts";
import { host } from "./src/_host.ts";
import { turn } from "./src/_turn.ts";

/** Where {@linkcode main} reads and writes, for tests. */
export interface CliIo {
  /** Receives standard output. */
  stdout: (text: string) => void;
  /** Receives standard error. */
  stderr: (text: string) => void;
  /**
   * Supplies standard input.
   *
   * Files named by `--input`, `--output` and `--svg` are read and written
   * directly; only the standard streams go through these functions.
   */
  stdin: () => string;
  /** Whether standard error is a terminal (for the live progress line). */
  stderrIsTty: boolean;
}

const SWITCHES = {
  canonical_only: "canonicalOnly",
  section_inference: "sectionInference",
  dynamic_ordering: "dynamicOrdering",
  check_dominance: "checkDominance",
  unallocated_floor: "unallocatedFloor",
  static_preordering: "staticPreordering",
  dynamic_decomposition: "dynamicDecomposition",
  monotonic_floor: "monotonicFloor",
  hatless_pruning: "hatlessPruning",
  portfolio: "portfolio",
  anytime_minimize: "anytimeMinimize",
  sound_pruning: "soundPruning",
  load_bound: "loadBound",
  tight_sections: "tightSections",
  restarts: "restarts",
  descents: "descents",
  heuristic_first: "heuristicFirst",
  neighbourhood_search: "neighbourhoodSearch",
  bound_probe: "boundProbe",
  heuristic_rounds: "heuristicRounds",
  window_dive: "windowDive",
} as const;

const SPEC: FlagSpec = {
  capacity: "string",
  input: "string",
  output: "string",
  timeout: "string",
  validate: "boolean",
  minimize_capacity: "boolean",
  preordering_heuristics: "string",
  print_solution: "boolean",
  reference: "boolean",
  heuristic: "string",
  svg: "string",
  json: "boolean",
  progress: "boolean",
  quiet: "boolean",
  help: "boolean",
  version: "boolean",
  ...Object.fromEntries(Object.keys(SWITCHES).map((name) => [name, "boolean" as const])),
};

/** One-letter spellings (`-h`, `-V`) of flags. */
const ALIASES = { h: "help", V: "version" };

const USAGE = `Usage: minimalloc --capacity=N --input=FILE [--output=FILE] [flags]
       minimalloc --minimize_capacity --input=FILE [flags]

Places buffers so that buffers live at the same time never share bytes.

Input and output:
  --input=FILE            input CSV (id,lower,upper,size[,alignment,hint,gaps,offset]); - for stdin
  --output=FILE           output CSV with an offset column (default: stdout)
  --capacity=N            the memory capacity in bytes (needed but with --minimize_capacity or --heuristic)
  --validate              check the solution and print "Validation PASS, height H"
  --print_solution        print a LaTeX/TikZ picture of the solution to stdout
  --svg=FILE              write an SVG picture of the solution
  --json                  print one JSON object with the result on stdout instead of the CSV

Solving:
  --timeout=DURATION      time limit such as 500ms, 10s, 1.5m, 1h30m or inf (default inf)
  --minimize_capacity     find the smallest feasible capacity (default false)
  --heuristic=NAME        only run a fast heuristic (NAMES), no exact search
  --preordering_heuristics=LIST  comma-separated, letters ACLOTUWZ (default WAT,TAW,TWA)
  --reference             reproduce the reference MiniMalloc's search exactly

Search switches (default true; --noNAME or --NAME=false turns one off):
  --canonical_only        only place buffers in canonical order
  --section_inference     prune when a section's floor plus unplaced total overflows
  --dynamic_ordering      try candidates by their current minimum offset
  --check_dominance       skip candidates that would leave an avoidable gap
  --unallocated_floor     raise floors to the lowest unplaced minimum offset
  --static_preordering    sort each partition's buffers by a heuristic first
  --dynamic_decomposition split into independent parts when cuts reach zero
  --monotonic_floor       the floor never drops below the current offset
  --hatless_pruning       stop after a buffer with nothing above it
  --portfolio             race the preordering heuristics on workers (ours)
  --anytime_minimize      minimize from the lower bound and a heuristic bound (ours)
  --sound_pruning         say infeasible only when proved, windows included (ours)
  --load_bound            infeasible at once when the peak load, a pin's top or alignment padding exceed the capacity (ours)
  --tight_sections        fill a lowest section with no slack first (ours)
  --restarts              randomized restarts join the portfolio after round 7 (ours)
  --descents              a minimization tries short randomized searches below its best height (ours)
  --heuristic_first       answer with a heuristic that fits: first on very large problems, else after round 7 (ours)
  --neighbourhood_search  lower a large minimization's heuristic solution region by region (ours)
  --bound_probe           a large minimization with time left ends with an exact search at its lower bound (ours)
  --heuristic_rounds      a large minimization with time left runs the heuristic's improvement again with new seeds (ours)
  --window_dive           a large minimization with windowed gaps first tries one dive of the exact search (ours)

Output on stderr:
  --progress              print progress lines even when stderr is not a terminal
  --quiet                 print nothing on stderr but errors
  --help, -h, --version, -V

Dashed spellings (--canonical-only, --no-canonical-only) work too.
Exit codes: 0 solved, 1 solve or validation failed, 2 usage, input or output error,
130 interrupted (Ctrl-C stops a minimization with its best solution written).
`;

/**
 * Runs the command with the given arguments and returns its exit code.
 *
 * @example Usage
 * ```ts
 * import { main } from "@x/minimalloc/cli";
 * import { deepEqual } from "node:assert/strict";
 *
 * let out = "";
 * const code = await main(["--version"], { stdout: (text) => out += text });
 * deepEqual(code, 0);
 * deepEqual(out.startsWith("minimalloc "), true);
 * ```
 *
 * @param args The command-line arguments, without the program name.
 * @param io Where to read and write; defaults to the process's streams.
 * @returns The exit code: 0 solved, 1 failed, 2 usage or input error.
 */
export async function main(args: string[], io: Partial<CliIo> = {}): Promise<number> {
  const standardOutput = io.stdout === undefined ? new StandardOutput() : undefined;
  const stdout = io.stdout ?? ((text: string) => standardOutput!.write(text));
  const stderr = io.stderr ?? writeStderr;
  try {
    return await run(args, {
      stdout,
      stderr,
      stdin: io.stdin ?? readStdin,
      stderrIsTty: io.stderrIsTty ?? stderrIsTerminal(),
    }, standardOutput);
  } catch (error) {
    // Standard output failed (full, say): one line, as for any
    // output that cannot be written.
    if (!(error instanceof OutputError)) throw error;
    stderr(`minimalloc: ${error.message}\n`);
    return 2;
  }
}

/** Whether an output name is standard output: `-`, or its names in /dev and /proc. */
function namesStdout(output: string): boolean {
  if (output === "-") return true;
  const path = host().resolve(output);
  return path === "/dev/stdout" || path === "/dev/fd/1" || path === "/proc/self/fd/1";
}

/**
 * Whether two paths name one file: spelled alike, hard links or symlinks
 * to one file, or symlinks to one path where nothing is yet.
 */
function sameFile(a: string, b: string): boolean {
  const files = host();
  if (files.resolve(a) === files.resolve(b)) return true;
  const identity = files.identity(a);
  if (identity !== undefined && identity === files.identity(b)) return true;
  return landing(a) === landing(b);
}

/** Where writing to a path lands: its symlinks followed, its directory's resolved. */
function landing(path: string): string {
  const files = host();
  let at = files.resolve(path);
  // As the kernel does, at most 40 links.
  for (let hop = 0; hop < 40; hop++) {
    try {
      if (!files.lstat(at).isSymlink) break;
      at = files.resolve(files.dirname(at), files.readLink(at));
    } catch {
      break;
    }
  }
  try {
    return files.join(files.realPath(files.dirname(at)), files.basename(at));
  } catch {
    return at;
  }
}

/** {@linkcode main} once its streams are settled. */
async function run(
  args: string[],
  { stdout, stderr, stdin, stderrIsTty: tty }: CliIo,
  standardOutput: StandardOutput | undefined,
): Promise<number> {
  // Bytes go to standard output as they are, to a caller's writer as text.
  const print = (output: string | Uint8Array): void => {
    if (typeof output === "string") stdout(output);
    else if (standardOutput !== undefined) standardOutput.write(output);
    else stdout(new TextDecoder().decode(output));
  };
  if (args.length === 0) {
    // Nothing asked: the usage, on stderr, since nothing was done.
    stderr(USAGE.replace("NAMES", heuristicNames.join(", ")));
    return 2;
  }
  let flags: Map<string, string | boolean>;
  try {
    flags = parseFlags(args, SPEC, ALIASES);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // One line, as for every usage error.
    stderr(`minimalloc: ${error.message}; try --help\n`);
    return 2;
  }
  if (flags.get("help")) {
    stdout(USAGE.replace("NAMES", heuristicNames.join(", ")));
    return 0;
  }
  if (flags.get("version")) {
    stdout(`minimalloc ${denoJson.version}\n`);
    return 0;
  }
  const quiet = flags.get("quiet") === true;
  const note = (text: string) => {
    if (!quiet) stderr(text);
  };
  let problem: Problem;
  let options: SolverOptions;
  try {
    ({ problem, options } = configure(flags, stdin));
  } catch (error) {
    if (error instanceof UsageError || error instanceof CsvError) {
      stderr(`minimalloc: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const outputFile = flags.get("output");
  const printsCsv = !(typeof outputFile === "string" && outputFile !== "-") && !flags.get("json");
  if (
    standardOutput?.closed &&
    (printsCsv || flags.get("json") === true || flags.get("print_solution") === true)
  ) {
    // Said before the solve, so that an hour's answer is not lost unseen.
    // Not an error: a caller that discards standard output through a
    // read-write /dev/null (Python's subprocess.DEVNULL, Node's "ignore")
    // looks just like a closed one.
    note(
      "minimalloc: standard output is closed or a read-write /dev/null, so the result " +
        "printed there is discarded: write it with --output=FILE to keep it\n",
    );
  }

  // Found before the solve too: a file that cannot be written.
  for (const path of [outputFile, flags.get("svg")]) {
    if (typeof path !== "string" || path === "-" && path === outputFile) continue;
    try {
      checkWritable(path);
    } catch (error) {
      if (!(error instanceof OutputError)) throw error;
      stderr(`minimalloc: ${error.message}\n`);
      return 2;
    }
  }

  // A command line has no page to keep responsive: its own thread runs
  // searches too, and one worker fewer is started.
  sharedPool()?.useCallingThread();
  const start = performance.now();
  const ticker = progressTicker(flags, tty, quiet, start, stderr);
  options.onProgress = ticker.update;
  // Ctrl-C stops the search: a minimization then answers with the best
  // solution it has, as at a time limit; a second one ends the process.
  const interrupt = new AbortController();
  options.signal = interrupt.signal;
  // It listens until the outputs are written, which then listen for it
  // themselves: a second Ctrl-C before that ended the process too, after
  // the note had said the solution was written.
  const removeListener = host().onSignal("SIGINT", () => {
    if (interrupt.signal.aborted) {
      stderr("minimalloc: interrupted again (SIGINT); nothing was written\n");
      host().exit(130);
    }
    interrupt.abort();
  });
  let listening = true;
  // (A listener left behind would keep the process from ending.)
  const stopListening = () => {
    if (listening) removeListener();
    listening = false;
  };
  let solution: Solution;
  // The solve's own time, for --json: without the output's rendering.
  let solveMs: number;
  let solved = false;
  try {
    solution = await solveAsync(problem, options);
    solved = true;
    solveMs = performance.now() - start;
    // One turn of the event loop: the idle pool ends its workers, whose
    // copies of a large problem then do not add to the output's memory.
    await turn();
  } catch (error) {
    ticker.stop();
    solveMs = performance.now() - start;
    if (error instanceof RangeError || error instanceof TypeError) {
      // The input read, but the solver refuses it (heights past 2^53, say).
      const input = flags.get("input");
      const file = input === "-" ? "<stdin>" : input;
      stderr(`minimalloc: ${file}: ${error.message.replace(/^Cannot solve: /, "")}\n`);
      return 2;
    }
    note(`Elapsed time ${((performance.now() - start) / 1000).toFixed(3)}s\n`);
    if (!(error instanceof SolveError)) throw error;
    if (flags.get("json")) {
      stdout(JSON.stringify(jsonOf(problem, undefined, error, solveMs)) + "\n");
    }
    if (interrupt.signal.aborted) {
      stderr("minimalloc: interrupted (SIGINT) before a solution was found; nothing was written\n");
      return 130;
    }
    stderr(`minimalloc: ${failureMessage(error, problem, options)}\n`);
    return 1;
  } finally {
    if (!solved) stopListening();
  }
  try {
    return await finish(solution, solveMs);
  } finally {
    stopListening();
  }

  /** After the solve: the notes, the check, and the outputs written. */
  async function finish(solution: Solution, solveMs: number): Promise<number> {
    ticker.stop();
    note(`Elapsed time ${((performance.now() - start) / 1000).toFixed(3)}s\n`);
    if (options.minimizeCapacity && solution.lowerBound !== undefined && !quiet) {
      const gap = solution.lowerBound > 0
        ? `${
          ((solution.height - solution.lowerBound) / solution.lowerBound * 100).toFixed(2)
        }% above the lower bound ${solution.lowerBound}`
        : "the lower bound is 0";
      // With --heuristic nothing was minimized: the heuristic's height is said as such.
      const what = options.heuristic === undefined
        ? "Minimized height"
        : `Height of the ${options.heuristic} heuristic`;
      note(
        solution.optimal
          ? `${what} ${solution.height}, proved optimal\n`
          : `${what} ${solution.height}, not proved optimal: ${gap}\n`,
      );
    }
    if (flags.get("validate")) {
      const checked = { ...problem, capacity: problem.capacity ?? solution.height };
      const violation = findViolation(checked, solution);
      if (violation === undefined) {
        note(`Validation PASS, height ${solution.height}\n`);
      } else {
        // A solution that fails validation is not written anywhere. The
        // line names the rule (as the reference does) and the buffers.
        stderr(`Validation FAIL: ${violation.message}\n`);
        return 1;
      }
    }
    // Everything rendered first, then written together (src/_outputs.ts).
    const csv = csvBytes(problem, solution);
    const files = new OutputFiles();
    const svg = flags.get("svg");
    // The pictures' modules load only when asked for (a few milliseconds of
    // every command's start otherwise).
    if (typeof svg === "string") {
      files.add(svg, (await import("./src/svg.ts")).renderSvg(problem, solution));
    }
    if (typeof outputFile === "string" && outputFile !== "-") files.add(outputFile, csv);
    const printed: (string | Uint8Array)[] = [];
    if (printsCsv) printed.push(csv);
    if (flags.get("print_solution")) {
      printed.push((await import("./src/latex.ts")).renderLatex(problem, solution));
    }
    if (flags.get("json")) {
      printed.push(JSON.stringify(jsonOf(problem, solution, undefined, solveMs)) + "\n");
    }
    stopListening();
    await files.write(() => printed.forEach((output) => print(output)));
    if (interrupt.signal.aborted) {
      note("Interrupted (SIGINT): the best solution found is written\n");
    }
    return 0;
  }
}

/** Reads the flags and the input into a problem and solver options. */
function configure(
  flags: Map<string, string | boolean>,
  stdin: () => string,
): { problem: Problem; options: SolverOptions } {
  const options: SolverOptions = flags.get("reference") ? { ...REFERENCE_OPTIONS } : {};
  for (const [flag, option] of Object.entries(SWITCHES)) {
    const value = flags.get(flag);
    if (typeof value === "boolean") options[option] = value;
  }
  options.minimizeCapacity = flags.get("minimize_capacity") === true;
  const timeout = flags.get("timeout");
  if (typeof timeout === "string") {
    const ms = parseDuration(timeout);
    if (Number.isFinite(ms)) options.timeout = ms;
  }
  const heuristics = flags.get("preordering_heuristics");
  if (typeof heuristics === "string") {
    const list = heuristics.split(",").map((h) => h.trim());
    for (const h of list) {
      if (h === "") {
        throw new UsageError(
          `--preordering_heuristics has an empty item in "${heuristics}": ` +
            "letters from ACLOTUWZ, comma-separated",
        );
      }
      if (!/^[ACLOTUWZ]+$/.test(h)) {
        throw new UsageError(
          `--preordering_heuristics expects letters from ACLOTUWZ, comma-separated, got "${h}"`,
        );
      }
    }
    options.preorderingHeuristics = list;
  }
  const heuristic = flags.get("heuristic");
  if (typeof heuristic === "string") {
    if (!heuristicNames.includes(heuristic)) {
      throw new UsageError(
        `--heuristic expects one of ${heuristicNames.join(", ")}, got "${heuristic}"`,
      );
    }
    options.heuristic = heuristic;
  }
  const capacityFlag = flags.get("capacity");
  const capacity = typeof capacityFlag === "string"
    ? parseCount("capacity", capacityFlag)
    : undefined;
  // The reference defaults the capacity to 0, where every problem with a
  // buffer is infeasible: asking for what is missing helps more. Only an
  // anytime minimization or a heuristic run does without one.
  if (capacity === undefined && typeof heuristic !== "string") {
    if (!options.minimizeCapacity) {
      throw new UsageError(
        "no capacity: add --capacity=N, or --minimize_capacity to find the smallest " +
          "(or --heuristic=NAME for a fast answer without one)",
      );
    }
    if (options.anytimeMinimize === false) {
      throw new UsageError(
        "--minimize_capacity bisects below --capacity with --reference or " +
          "--noanytime_minimize: add --capacity=N",
      );
    }
  }
  // --json's one object is all of standard output.
  if (flags.get("json") === true && flags.get("print_solution") === true) {
    throw new UsageError(
      "--json and --print_solution both print on standard output: drop one " +
        "(--svg=FILE draws the solution to a file)",
    );
  }
  const output = flags.get("output");
  const svg = flags.get("svg");
  if (flags.get("json") === true && typeof output === "string" && namesStdout(output)) {
    // The JSON replaces the CSV on standard output: the CSV would be dropped
    // unseen, or (/dev/stdout) mixed into the JSON.
    throw new UsageError(
      `--json and --output=${output} both print on standard output: drop one, or name a file ` +
        "(--output=FILE)",
    );
  }
  if (output === "" || svg === "") {
    throw new UsageError(`--${output === "" ? "output" : "svg"} expects a file name`);
  }
  if (svg === "-") {
    // Standard output holds the CSV (or the JSON): a picture there would mix in.
    throw new UsageError("--svg writes to a file: name one (--svg=FILE)");
  }
  if (
    typeof output === "string" && output !== "-" && typeof svg === "string" &&
    sameFile(output, svg)
  ) {
    throw new UsageError(`--output=${output} and --svg=${svg} name one file: name two files`);
  }
  const input = flags.get("input");
  if (typeof input !== "string") {
    throw new UsageError("--input is required (use --input=- to read standard input)");
  }
  let text: string;
  const file = input === "-" ? "<stdin>" : input;
  try {
    text = input === "-" ? stdin() : readTextFile(input);
  } catch (error) {
    if (error instanceof NotUtf8Error) {
      throw new CsvError(
        "syntax",
        `not UTF-8 text (byte 0x${error.byte.toString(16).padStart(2, "0")})`,
        { file, line: error.line },
      );
    }
    throw new UsageError(`cannot read ${input}: ${readFailure(error)}`);
  }
  const problem = parseCsv(text, { file, capacity });
  // parseCsv checked the ids, and the problem never leaves the CLI.
  markIdsChecked(problem.buffers);
  return { problem, options };
}

/** One line saying why the solve failed. */
function failureMessage(error: SolveError, problem: Problem, options: SolverOptions): string {
  if (error.code === "timeout") {
    const ms = options.timeout ?? 0;
    // Short, whatever the flag's unit was: 1s, 1.5s, 0.0001ms.
    const limit = ms >= 1000
      ? `${Number((ms / 1000).toPrecision(6))}s`
      : `${Number(ms.toPrecision(3))}ms`;
    return `the time limit of ${limit} was hit before a solution was found`;
  }
  if (error.code === "cancelled") return "the solve was cancelled";
  if (error.code === "too-large" || error.code === "no-fit") {
    return error.message.replace(/^\w/, (c) => c.toLowerCase());
  }
  // Pins that break a rule on their own: which, and how.
  const pinned = problem.buffers.filter((b) => b.offset !== undefined);
  if (pinned.length > 0) {
    const offsets = pinned.map((b) => b.offset!);
    // A loop, not Math.max(...): 200,000 arguments overflow the stack.
    const height = pinned.reduce((top, b) => Math.max(top, b.offset! + b.size), 0);
    const violation = findViolation(
      { buffers: pinned, capacity: problem.capacity ?? height },
      { offsets, height },
    );
    if (violation !== undefined) {
      return `infeasible: the fixed offsets alone fail: ${violation.message}`;
    }
  }
  if (problem.capacity === undefined) return "infeasible: no capacity fits";
  // The solver's reason, where a bound alone proved it (the peak load, a
  // pin's top, alignment padding).
  const why = /^No solution exists within capacity [^:]+: (.+)$/.exec(error.message)?.[1];
  const reason = why === undefined ? "" : `: ${why}`;
  return options.minimizeCapacity
    ? `no valid capacity: infeasible within ${problem.capacity}${reason}`
    : `infeasible: no solution fits within capacity ${problem.capacity}${reason}`;
}

/** The `--json` report. */
function jsonOf(
  problem: Problem,
  solution: Solution | undefined,
  error: SolveError | undefined,
  solveMs: number,
): Record<string, unknown> {
  // The solve's time, not this report's nor the output's (the peak load, a
  // million ids and the CSV take a second or two).
  const milliseconds = Math.round(solveMs);
  const offsets: Record<string, number> = {};
  if (solution) problem.buffers.forEach((b, i) => offsets[b.id] = solution.offsets[i]);
  return {
    status: error ? error.code : "solved",
    height: solution?.height ?? null,
    capacity: problem.capacity ?? null,
    // Without a minimization, the bound the solver starts from.
    lowerBound: solution?.lowerBound ?? lowerBoundBefore(problem, Infinity, peakLoad(problem)),
    optimal: solution?.optimal ?? null,
    backtracks: solution?.stats?.backtracks ?? error?.backtracks ?? 0,
    nodes: solution?.stats?.nodes ?? error?.nodes ?? 0,
    workers: solution?.stats?.workers ?? error?.workers ?? 0,
    milliseconds,
    offsets,
  };
}

/** A progress line on stderr every second while a long solve runs. */
function progressTicker(
  flags: Map<string, string | boolean>,
  tty: boolean,
  quiet: boolean,
  start: number,
  stderr: (text: string) => void,
): { update: NonNullable<SolverOptions["onProgress"]>; stop: () => void } {
  let lowerBound: number | undefined;
  let best: number | undefined;
  let nodes: number | undefined;
  const live = !quiet && (tty || flags.get("progress") === true);
  let shown = false;
  const line = () => {
    const elapsed = ((performance.now() - start) / 1000).toFixed(1);
    let text = `[minimalloc] ${elapsed}s`;
    if (nodes !== undefined) text += `, ${nodes} nodes`;
    if (lowerBound !== undefined) text += `, lower bound ${lowerBound}`;
    if (best !== undefined) text += `, best height ${best}`;
    if (lowerBound !== undefined && best !== undefined && lowerBound > 0) {
      text += `, gap ${((best - lowerBound) / lowerBound * 100).toFixed(2)}%`;
    }
    if (tty) stderr(`\r\x1b[K${text}`);
    else stderr(`${text}\n`);
    shown = true;
  };
  const timer = live ? setInterval(line, 1000) : undefined;
  return {
    update(progress: MinimizeProgress) {
      lowerBound = progress.lowerBound;
      best = progress.bestHeight;
      nodes = progress.nodes;
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      if (shown && tty) stderr("\r\x1b[K");
    },
  };
}

/**
 * Runs the command on the process's own arguments and sets its exit code;
 * an unexpected error exits with 70 (internal error) and its stack.
 *
 * @example Usage
 * ```ts ignore
 * import { runMain } from "@x/minimalloc/cli";
 *
 * await runMain();
 * ```
 */
export async function runMain(): Promise<void> {
  // A promise that nothing will settle lets the runtime exit with code 0
  // and no answer (once, a worker ended with a search paused on it did
  // that): say so instead.
  const runtime = host();
  let ended = false;
  const stop = runtime.onDrained(() => {
    if (ended) return;
    ended = true;
    writeStderr("minimalloc: internal error: the solve stopped without an answer\n");
    runtime.setExitCode(70);
  });
  try {
    runtime.setExitCode(await main(runtime.args()));
  } catch (error) {
    writeStderr(`minimalloc: internal error: ${(error as Error)?.stack ?? error}\n`);
    runtime.setExitCode(70);
  } finally {
    ended = true;
    stop();
  }
}

// Not awaited: a top-level await would make every importer of this module
// (mod.ts's bundle among them) wait; runMain reports its own errors.
if (import.meta.main) runMain();
