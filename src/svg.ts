// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * {@linkcode renderSvg}: a picture of a solution as an SVG document. Time
 * runs across, offsets run up (offset 0 at the bottom), and every buffer is
 * a rectangle per stretch of time it is live:
 *
 * ```text
 * offset
 *  12 ┤─────────────────────────── capacity 12, peak load 12
 *     │ b1  │   b2   │
 *   8 ┤─────┴────────┤    b4
 *     │      b3      │
 *   4 ┤──────────────┴───────────
 *     │            b5
 *   0 └──────────────────────────  time
 *     0     3        9          21
 * ```
 *
 * A buffer with gaps is drawn as one rectangle per fully live stretch; a
 * gap with a window `[a, b)` adds a lighter rectangle for the bytes
 * `[offset + a, offset + b)` it still holds, and a gap without one leaves a
 * hole. Each buffer is one element carrying `data-id` (a `<rect>`, or a
 * `<g>` around its rectangles when it has gaps) with its id as a `<title>`
 * tooltip, so `querySelectorAll("[data-id]")` finds each buffer once.
 *
 * The output stays small and fast at 60,000 buffers: integer coordinates,
 * colours as CSS classes, and one pass over the buffers (the peak load takes
 * a sort of the lifespan events, O(n log n)).
 *
 * @module
 */

import type { Problem, Solution } from "./problem.ts";
import { peakLoadBefore } from "./_peak_load.ts";

/** Options for {@linkcode renderSvg}. */
export interface RenderSvgOptions {
  /**
   * Width of the picture in pixels.
   * @default {960}
   */
  width?: number;
  /**
   * Height of the picture in pixels.
   * @default {540}
   */
  height?: number;
  /**
   * The heading shown above the chart.
   * @default {"MiniMalloc solution"}
   */
  title?: string;
}

// Tableau 10: distinct, colour-blind-friendly enough, and only ten classes.
const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];

// Up to this many buffers, rectangles get a white edge so that neighbours
// of one colour stay apart; beyond it the edges would hide the fill.
const EDGE_MAX_BUFFERS = 1000;

// The picture's class, which scopes its style rules.
const ROOT = "minimalloc-svg";

// The chart's margins around the plot area, in pixels.
const TOP = 56;
const RIGHT = 24;
const BOTTOM = 44;
const LEFT = 72;

/**
 * Draws a solution as an SVG document (a string): one rectangle per live
 * stretch of each buffer, placed by time (across) and offset (up), with the
 * capacity line, the peak-load line (the largest total size live at one
 * moment, a lower bound on any solution's height), axes, and a heading with
 * the height, the capacity and the peak load.
 *
 * Each buffer is one element with a `data-id` attribute and a `<title>`
 * tooltip holding its id. A capacity far above the solution's height (more
 * than a quarter above it) is not drawn to scale: the heading still gives
 * it, and a note at the top of the chart says it is higher.
 *
 * @example Usage
 * ```ts
 * import { renderSvg, solve } from "@x/minimalloc";
 * import { equal, ok } from "node:assert/strict";
 *
 * const problem = {
 *   capacity: 12,
 *   buffers: [
 *     { id: "b1", lower: 0, upper: 3, size: 4 },
 *     { id: "b2", lower: 3, upper: 9, size: 4 },
 *     { id: "b3", lower: 0, upper: 9, size: 4 },
 *     { id: "b4", lower: 9, upper: 21, size: 4 },
 *     { id: "b5", lower: 0, upper: 21, size: 4 },
 *   ],
 * };
 * const svg = renderSvg(problem, solve(problem), { width: 640, height: 360 });
 * ok(svg.startsWith("<svg "));
 * equal(svg.match(/ data-id="/g)?.length, 5);
 * ok(svg.includes("<title>b4</title>"));
 * ok(svg.includes("peak load 12"));
 * ```
 *
 * @param problem The buffers and the capacity.
 * @param solution One offset per buffer, in the problem's buffer order.
 * @param options The picture's size and heading.
 * @returns An SVG document.
 * @throws {RangeError} If the solution does not have one offset per buffer,
 * or the size is not a positive number.
 */
export function renderSvg(
  problem: Problem,
  solution: Solution,
  options: RenderSvgOptions = {},
): string {
  const buffers = problem.buffers;
  const offsets = solution.offsets;
  const n = buffers.length;
  if (offsets.length !== n) {
    throw new RangeError(
      `Cannot render the solution: expected ${n} offsets (one per buffer), got ${offsets.length}`,
    );
  }
  const width = Math.round(options.width ?? 960);
  const height = Math.round(options.height ?? 540);
  const minWidth = LEFT + RIGHT;
  const minHeight = TOP + BOTTOM;
  if (!(width > minWidth) || !(height > minHeight)) {
    throw new RangeError(
      `Cannot render the solution: expected a width above ${minWidth} and a height above ` +
        `${minHeight} pixels, got ${width} × ${height}`,
    );
  }
  const title = options.title ?? "MiniMalloc solution";

  // The extent of the picture: time from the first start to the last end,
  // offsets from 0 to the highest of the solution's top, the peak load and
  // (when not far above them) the capacity.
  let tMin = Infinity;
  let tMax = -Infinity;
  let top = 0;
  for (let i = 0; i < n; i++) {
    const b = buffers[i];
    if (b.lower < tMin) tMin = b.lower;
    if (b.upper > tMax) tMax = b.upper;
    if (offsets[i] + b.size > top) top = offsets[i] + b.size;
  }
  if (n === 0) {
    tMin = 0;
    tMax = 1;
  }
  // Unchecked: a picture draws what it is given.
  const peak = peakLoadBefore(problem, Infinity);
  const capacity = problem.capacity;
  top = Math.max(top, solution.height, peak);
  const capacityShown = capacity !== undefined && (capacity <= top * 1.25 || top === 0);
  if (capacityShown) top = Math.max(top, capacity);
  if (top <= 0) top = 1;

  const plotW = width - LEFT - RIGHT;
  const plotH = height - TOP - BOTTOM;
  const bottom = TOP + plotH;
  // 4% headroom so a line at the top stays clear of the frame.
  const yScale = plotH / (top * 1.04);
  const xScale = plotW / (tMax - tMin);
  const sx = (t: number) => Math.round(LEFT + (t - tMin) * xScale);
  const sy = (o: number) => Math.round(bottom - o * yScale);

  // Every rule is scoped to the picture's class: an SVG put inline in an
  // HTML page shares the page's style sheet.
  const css = [
    "text{font:12px system-ui,-apple-system,'Segoe UI',sans-serif;fill:#333}",
    ".h{font-size:16px;font-weight:600;fill:#111}",
    ".s{fill:#555}",
    ".ax{stroke:#777;fill:none}",
    ".gr{stroke:#e8e8e8}",
    "rect{shape-rendering:crispEdges}",
    ".w{fill-opacity:.4}",
    ...(n <= EDGE_MAX_BUFFERS ? [".e rect{stroke:#fff;stroke-width:1}"] : []),
    ".cap{stroke:#c00;stroke-width:2}",
    ".pk{stroke:#111;stroke-width:1.5;stroke-dasharray:6 4}",
    ".lb{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}",
    ".cap+.lb{fill:#c00}",
    ".id text{font-size:11px;fill:#111;pointer-events:none}",
    ...PALETTE.map((colour, i) => `.b${i}{fill:${colour}}`),
  ];
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="${ROOT}" width="${width}" ` +
      `height="${height}" viewBox="0 0 ${width} ${height}" role="img" ` +
      `aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<style>${css.map((rule) => `.${ROOT} ${rule}`).join("")}</style>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  );

  // Heading.
  out.push(
    `<text class="h" x="${LEFT}" y="22">${escapeXml(title)}</text>`,
    `<text class="s" x="${LEFT}" y="42">${n === 1 ? "1 buffer" : `${group(n)} buffers`}` +
      ` · height ${group(solution.height)}${heightNote(solution)}` +
      (capacity === undefined ? "" : ` · capacity ${group(capacity)}`) +
      ` · peak load ${group(peak)}</text>`,
  );

  // Grid and axes.
  const yTicks = ticks(0, top, Math.max(2, Math.floor(plotH / 48)));
  const xTicks = ticks(tMin, tMax, Math.max(2, Math.floor(plotW / 90)));
  out.push('<g class="gr">');
  for (const v of yTicks) if (v > 0) out.push(`<path d="M${LEFT} ${sy(v)}H${LEFT + plotW}"/>`);
  out.push("</g>");
  out.push(
    `<path class="ax" d="M${LEFT} ${TOP}V${bottom}H${LEFT + plotW}"/>`,
    '<g class="ax">',
  );
  for (const v of yTicks) out.push(`<path d="M${LEFT - 4} ${sy(v)}h4"/>`);
  for (const v of xTicks) out.push(`<path d="M${sx(v)} ${bottom}v4"/>`);
  out.push("</g>", '<g text-anchor="end">');
  for (const v of yTicks) out.push(`<text x="${LEFT - 7}" y="${sy(v) + 4}">${short(v)}</text>`);
  out.push("</g>", '<g text-anchor="middle">');
  for (const v of xTicks) out.push(`<text x="${sx(v)}" y="${bottom + 17}">${short(v)}</text>`);
  out.push(
    "</g>",
    `<text x="${LEFT + plotW}" y="${bottom + 36}" text-anchor="end">time →</text>`,
    `<text transform="translate(16 ${TOP + plotH / 2})rotate(-90)" text-anchor="middle">` +
      "offset →</text>",
  );

  // The buffers. In a small picture, ids that fit inside their rectangle
  // are written there too (on top, and transparent to the pointer so the
  // tooltips still work).
  const labelled = n <= EDGE_MAX_BUFFERS;
  const labels: string[] = [];
  out.push(labelled ? '<g class="e">' : "<g>");
  for (let i = 0; i < n; i++) {
    const b = buffers[i];
    const id = escapeXml(b.id);
    const cls = `b${colourOf(b.id)}`;
    const o = offsets[i];
    const gaps = b.gaps;
    let labelFits = labelled;
    // A rectangle for a fully live stretch, which gets the label when it fits.
    const live = (t0: number, t1: number) => {
      const r = box(t0, t1, o, o + b.size);
      if (labelFits && r.w >= b.id.length * 7 + 8 && r.h >= 16) {
        const x = Math.round(r.x + r.w / 2);
        labels.push(`<text x="${x}" y="${Math.round(r.y + r.h / 2 + 4)}">${id}</text>`);
        labelFits = false;
      }
      return r.attrs;
    };
    if (gaps === undefined || gaps.length === 0) {
      out.push(
        `<rect class="${cls}" data-id="${id}"${live(b.lower, b.upper)}>` +
          `<title>${id}</title></rect>`,
      );
      continue;
    }
    out.push(`<g class="${cls}" data-id="${id}"><title>${id}</title>`);
    let cursor = b.lower;
    for (const gap of gaps) {
      if (gap.lower > cursor) out.push(`<rect${live(cursor, gap.lower)}/>`);
      const w = gap.window;
      if (w !== undefined) {
        out.push(`<rect class="w"${box(gap.lower, gap.upper, o + w.lower, o + w.upper).attrs}/>`);
      }
      cursor = gap.upper;
    }
    if (b.upper > cursor) out.push(`<rect${live(cursor, b.upper)}/>`);
    out.push("</g>");
  }
  out.push("</g>");
  if (labels.length > 0) out.push('<g class="id" text-anchor="middle">', ...labels, "</g>");

  // The capacity and peak-load lines, labelled at opposite ends so the two
  // labels never collide when the lines coincide.
  if (capacityShown) {
    const yCap = sy(capacity);
    out.push(
      `<path class="cap" d="M${LEFT} ${yCap}H${LEFT + plotW}"/>`,
      `<text class="lb" x="${LEFT + plotW - 6}" y="${yCap - 5}" text-anchor="end">` +
        `capacity ${group(capacity)}</text>`,
    );
  } else if (capacity !== undefined) {
    out.push(
      `<text class="lb" x="${LEFT + plotW - 6}" y="${TOP + 12}" text-anchor="end">` +
        `capacity ${group(capacity)} ↑ (above the chart)</text>`,
    );
  }
  const yPeak = sy(peak);
  out.push(
    `<path class="pk" d="M${LEFT} ${yPeak}H${LEFT + plotW}"/>`,
    `<text class="lb" x="${LEFT + 6}" y="${yPeak - 5}">peak load ${group(peak)}</text>`,
  );
  out.push("</svg>\n");
  return out.join("");

  // The rectangle for times [t0, t1) and bytes [o0, o1), at least a pixel
  // each way so that every buffer shows; `attrs` is ` x=".." y=".." ...`.
  function box(t0: number, t1: number, o0: number, o1: number) {
    const x = sx(t0);
    const y = sy(o1);
    const w = Math.max(1, sx(t1) - x);
    const h = Math.max(1, sy(o0) - y);
    return { x, y, w, h, attrs: ` x="${x}" y="${y}" width="${w}" height="${h}"` };
  }
}

// A palette index from the id (FNV-1a), so a buffer keeps its colour
// whatever its position in the problem.
function colourOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % PALETTE.length;
}

// Escapes text for XML content and attribute values. Characters XML 1.0
// cannot hold at all (most control characters, lone surrogates) become
// U+FFFD; tabs and line breaks become character references, so attribute
// values keep them.
// deno-lint-ignore no-control-regex
const XML_SPECIAL = /[&<>"'\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]/;
const XML_SPECIAL_ALL =
  // deno-lint-ignore no-control-regex
  /[&<>"'\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]/g;
const XML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

function escapeXml(text: string): string {
  if (!XML_SPECIAL.test(text)) return text;
  return text.replace(
    XML_SPECIAL_ALL,
    (c) => XML_ENTITIES[c] ?? (c.length === 2 ? c : "\ufffd"),
  );
}

// What is proved about the height, when a capacity minimization says.
function heightNote(solution: Solution): string {
  if (solution.optimal) return " (optimal)";
  if (solution.lowerBound !== undefined) return ` (at least ${group(solution.lowerBound)} needed)`;
  return "";
}

// Digits in groups of three: 1048576 → "1,048,576". Locale-free, so the
// picture is the same everywhere.
function group(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

// A tick label: plain below 1,000, else three significant digits and a
// decimal prefix (200000 → "200k", 1500000000 → "1.5G").
function short(value: number): string {
  const abs = Math.abs(value);
  if (abs < 1e3) return String(value);
  const units: [number, string][] = [[1e15, "P"], [1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]];
  for (const [unit, prefix] of units) {
    if (abs >= unit) return `${Number((value / unit).toPrecision(3))}${prefix}`;
  }
  return String(value);
}

// Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of
// ten, at least 1 since times and offsets are integers.
function ticks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw);
  const result: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) result.push(v);
  return result;
}
