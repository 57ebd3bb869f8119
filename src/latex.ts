// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * {@linkcode renderLatex}: the reference's `--print_solution` picture, a
 * TikZ drawing of a solution.
 *
 * @module
 */

import type { Problem, Solution } from "./problem.ts";

/**
 * Draws a solution as a LaTeX TikZ picture: time across, offset up, one
 * labelled rectangle per buffer, scaled to about 16 × 10 cm.
 *
 * @example Usage
 * ```ts
 * import { renderLatex } from "@x/minimalloc";
 * import { ok } from "node:assert/strict";
 *
 * const problem = { capacity: 4, buffers: [{ id: "a", lower: 0, upper: 2, size: 4 }] };
 * const picture = renderLatex(problem, { offsets: [0], height: 4 });
 * ok(picture.startsWith("\\begin{tikzpicture}"));
 * ok(picture.includes("{a}"));
 * ```
 *
 * @param problem The buffers.
 * @param solution Their offsets.
 * @returns The picture's LaTeX source.
 */
export function renderLatex(problem: Problem, solution: Solution): string {
  const buffers = problem.buffers;
  let tMin = Infinity;
  let tMax = -Infinity;
  for (const b of buffers) {
    tMin = Math.min(tMin, b.lower);
    tMax = Math.max(tMax, b.upper);
  }
  const span = buffers.length === 0 ? 1 : Math.max(tMax - tMin, 1);
  const top = Math.max(solution.height, problem.capacity ?? 0, 1);
  const x = (t: number) => round((t - (buffers.length === 0 ? 0 : tMin)) * 16 / span);
  const y = (o: number) => round(o * 10 / top);
  const lines = ["\\begin{tikzpicture}"];
  buffers.forEach((b, i) => {
    const o = solution.offsets[i];
    lines.push(
      `\\draw[fill=gray!20] (${x(b.lower)},${y(o)}) rectangle (${x(b.upper)},${y(o + b.size)}) ` +
        `node[pos=.5] {${escape(b.id)}};`,
    );
  });
  lines.push(`\\draw[dashed] (0,${y(top)}) -- (16,${y(top)});`);
  lines.push("\\end{tikzpicture}");
  return lines.join("\n") + "\n";
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

// `\^` and `\~` alone are accents over the next character: their text forms.
const LATEX_ESCAPES: Record<string, string> = {
  "\\": "\\textbackslash{}",
  "^": "\\textasciicircum{}",
  "~": "\\textasciitilde{}",
};

function escape(text: string): string {
  return text.replace(/[\\{}$&#^_%~]/g, (c) => LATEX_ESCAPES[c] ?? `\\${c}`);
}
