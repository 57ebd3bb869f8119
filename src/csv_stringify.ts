// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * {@linkcode stringifyCsv}: writes a problem, and optionally a solution,
 * in MiniMalloc's CSV format.
 *
 * @module
 */

import type { Problem, Solution } from "./problem.ts";
import { columnsOf, rowOf } from "./_csv_write.ts";

/** Options for {@linkcode stringifyCsv}. */
export interface StringifyCsvOptions {
  /**
   * Write the old format: `start`/`end` columns, with every upper time
   * (lifespans and gaps) inclusive.
   * @default {false}
   */
  oldFormat?: boolean;
}

/**
 * Writes a problem in MiniMalloc's CSV format (the reference tool's): columns
 * `id`, `lower`, `upper`, `size`, then `alignment`, `hint` and `gaps` when
 * any buffer uses them, and `offset` when a solution is given (its
 * offsets) or a buffer is pinned (the pins, an empty cell for a free
 * buffer, so that the text reads back as the same problem). Output for
 * plain ids is byte-identical to the reference's; an id with a comma,
 * quote or line break is quoted (RFC 4180).
 *
 * @example Usage
 * ```ts
 * import { stringifyCsv } from "@x/minimalloc";
 * import { deepEqual } from "node:assert/strict";
 *
 * const problem = {
 *   capacity: 8,
 *   buffers: [
 *     { id: "a", lower: 0, upper: 2, size: 4 },
 *     { id: "b", lower: 1, upper: 3, size: 4 },
 *   ],
 * };
 * deepEqual(
 *   stringifyCsv(problem, { offsets: [0, 4], height: 8 }),
 *   "id,lower,upper,size,offset\na,0,2,4,0\nb,1,3,4,4\n",
 * );
 * ```
 *
 * @param problem The buffers.
 * @param solution Offsets to write in the `offset` column, if any.
 * @param options Whether to write the old format.
 * @returns The CSV text; every line ends with `\n`.
 * @throws {RangeError} If the solution's offsets do not match the buffers.
 */
export function stringifyCsv(
  problem: Problem,
  solution?: Solution,
  options: StringifyCsvOptions = {},
): string {
  const columns = columnsOf(problem, solution, options.oldFormat === true);
  const buffers = problem.buffers;
  const lines = [columns.header];
  const rows: string[] = [];
  for (let i = 0; i < buffers.length; i++) {
    rows.push(rowOf(buffers[i], solution?.offsets[i], columns));
    if (rows.length === CHUNK_ROWS) {
      lines.push(rows.join("\n"));
      rows.length = 0;
    }
  }
  if (rows.length > 0) lines.push(rows.join("\n"));
  return lines.join("\n") + "\n";
}

// Rows are joined a chunk at a time: each row's pieces are then garbage
// early (10^6 rows joined at once held 350 MB of them at the end).
const CHUNK_ROWS = 4096;
