// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * MiniMalloc: an exact static memory allocator for machine-learning
 * compilers.
 *
 * @module
 */

export * from "./src/problem.ts";
export * from "./src/errors.ts";
export * from "./src/csv_parse.ts";
export * from "./src/csv_stringify.ts";
export * from "./src/sweep.ts";
export * from "./src/options.ts";
export * from "./src/solve.ts";
export * from "./src/solve_async.ts";
export * from "./src/validate.ts";
export * from "./src/svg.ts";
export * from "./src/latex.ts";
export * from "./src/heuristics.ts";

// `deno run jsr:@x/minimalloc` runs this module: hand over to the command
// line. A literal specifier, so that `deno publish` and bundlers see it;
// cli.ts imports no `node:` module (it looks `fs` up when it runs), so a
// browser bundle that carries it along still has no `node:` import.
if (import.meta.main) {
  import("./cli.ts").then((cli) => cli.runMain());
}
