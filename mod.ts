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
// line. The specifier is computed, so browser bundles of the library do
// not pull in the command line's file access.
if (import.meta.main) {
  const cli = new URL("./cli.ts", import.meta.url).href;
  import(cli).then((module) => module.runMain());
}
