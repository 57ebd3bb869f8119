// Copyright the @x/minimalloc authors. Apache-2.0 license.

// renderSvg: one element per buffer, gaps and windows, escaping, the
// capacity and peak-load lines, well-formed XML (checked by a small strict
// parser, since neither Deno nor Bun has a DOMParser), and the size of the
// picture at 60,000 buffers.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Buffer, Problem, Solution } from "../src/problem.ts";
import { renderSvg } from "../src/svg.ts";

/** An element of the parsed picture. */
interface Node {
  name: string;
  attrs: Record<string, string>;
  children: Node[];
  text: string;
}

const ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (e in named) return named[e];
    return String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1)));
  });
}

/**
 * Parses the XML the renderer writes (elements, attributes, text, entity
 * references; nothing else), throwing on anything not well formed.
 */
function parseXml(xml: string): Node {
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`Not well formed at ${pos}: ${what}: ${xml.slice(pos, pos + 40)}`);
  };
  // deno-lint-ignore no-control-regex
  const badChar = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;
  if (badChar.test(xml)) fail("a character XML cannot hold");
  const checkText = (text: string) => {
    for (let i = text.indexOf("&"); i >= 0; i = text.indexOf("&", i + 1)) {
      if (!ENTITY.test(text.slice(i))) fail("a bare &");
    }
    if (text.includes("<")) fail("a < in a value");
  };
  const root: Node = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: Node[] = [root];
  while (pos < xml.length) {
    const lt = xml.indexOf("<", pos);
    const text = xml.slice(pos, lt < 0 ? xml.length : lt);
    checkText(text);
    if (stack.length === 1 && text.trim() !== "") fail("text outside the root");
    stack[stack.length - 1].text += decode(text);
    if (lt < 0) break;
    pos = lt;
    if (xml.startsWith("</", pos)) {
      const m = /^<\/([A-Za-z][\w:.-]*)\s*>/.exec(xml.slice(pos, pos + 200));
      if (!m) fail("a malformed end tag");
      const open = stack.pop()!;
      if (open.name !== m![1]) fail(`</${m![1]}> closes <${open.name}>`);
      pos += m![0].length;
      continue;
    }
    const m = /^<([A-Za-z][\w:.-]*)/.exec(xml.slice(pos, pos + 200));
    if (!m) fail("a malformed start tag");
    const node: Node = { name: m![1], attrs: {}, children: [], text: "" };
    pos += m![0].length;
    for (;;) {
      const attr = /^\s+([A-Za-z][\w:.-]*)=("([^"]*)"|'([^']*)')/.exec(xml.slice(pos, pos + 10000));
      if (!attr) break;
      const value = attr[3] ?? attr[4];
      checkText(value);
      if (attr[1] in node.attrs) fail(`a repeated attribute ${attr[1]}`);
      node.attrs[attr[1]] = decode(value);
      pos += attr[0].length;
    }
    const end = /^\s*(\/?)>/.exec(xml.slice(pos, pos + 20));
    if (!end) fail("an unterminated start tag");
    pos += end![0].length;
    if (stack.length === 1 && root.children.length > 0) fail("a second root element");
    stack[stack.length - 1].children.push(node);
    if (end![1] === "") stack.push(node);
  }
  if (stack.length !== 1) fail(`<${stack[stack.length - 1].name}> is never closed`);
  if (root.children.length !== 1) fail("no root element");
  return root.children[0];
}

function all(node: Node, match: (n: Node) => boolean, found: Node[] = []): Node[] {
  if (match(node)) found.push(node);
  for (const child of node.children) all(child, match, found);
  return found;
}

/** The elements carrying `data-id`: one per buffer. */
function buffersOf(svg: Node): Node[] {
  return all(svg, (n) => "data-id" in n.attrs);
}

/** A buffer element's rectangles: itself, or its `<rect>` children. */
function rectsOf(node: Node): { x: number; y: number; w: number; h: number; cls?: string }[] {
  const rects = node.name === "rect" ? [node] : node.children.filter((c) => c.name === "rect");
  return rects.map((r) => ({
    x: Number(r.attrs.x),
    y: Number(r.attrs.y),
    w: Number(r.attrs.width),
    h: Number(r.attrs.height),
    cls: r.attrs.class,
  }));
}

function titleOf(node: Node): string | undefined {
  return node.children.find((c) => c.name === "title")?.text;
}

function byId(svg: Node, id: string): Node {
  const found = buffersOf(svg).filter((n) => n.attrs["data-id"] === id);
  assert.equal(found.length, 1, `one element for ${JSON.stringify(id)}`);
  return found[0];
}

// examples/input.12.csv, solved.
const EXAMPLE: Problem = {
  capacity: 12,
  buffers: [
    { id: "b1", lower: 0, upper: 3, size: 4 },
    { id: "b2", lower: 3, upper: 9, size: 4 },
    { id: "b3", lower: 0, upper: 9, size: 4 },
    { id: "b4", lower: 9, upper: 21, size: 4 },
    { id: "b5", lower: 0, upper: 21, size: 4 },
  ],
};
const EXAMPLE_SOLUTION: Solution = { offsets: [8, 8, 4, 4, 0], height: 12 };

describe("renderSvg", () => {
  it("draws one element per buffer, with its id as data-id and as a tooltip", () => {
    const text = renderSvg(EXAMPLE, EXAMPLE_SOLUTION, { width: 640, height: 400 });
    const svg = parseXml(text);
    assert.equal(svg.name, "svg");
    assert.equal(svg.attrs.xmlns, "http://www.w3.org/2000/svg");
    assert.equal(svg.attrs.width, "640");
    assert.equal(svg.attrs.height, "400");
    assert.equal(svg.attrs.viewBox, "0 0 640 400");
    const nodes = buffersOf(svg);
    assert.deepEqual(nodes.map((n) => n.attrs["data-id"]), ["b1", "b2", "b3", "b4", "b5"]);
    for (const node of nodes) {
      assert.equal(node.name, "rect");
      assert.equal(titleOf(node), node.attrs["data-id"]);
      assert.match(node.attrs.class, /^b\d$/);
      assert.equal(node.attrs.style, undefined);
    }
    // The style rules are scoped to the picture, so that an inline SVG
    // leaves the rest of an HTML page alone.
    const style = all(svg, (n) => n.name === "style")[0].text;
    const rules = style.split("}").filter((rule) => rule !== "");
    assert.ok(rules.length > 10);
    for (const rule of rules) assert.ok(rule.startsWith(`.${svg.attrs.class} `), rule);
    // Counting by text works too.
    assert.equal(text.match(/ data-id="/g)?.length, 5);
    assert.ok(text.includes('<rect class="b'), "the colour is a class");
  });

  it("puts time across and offsets up, offset 0 at the bottom", () => {
    const svg = parseXml(renderSvg(EXAMPLE, EXAMPLE_SOLUTION));
    const [b1, b2, b3, b4, b5] = ["b1", "b2", "b3", "b4", "b5"].map((id) =>
      rectsOf(byId(svg, id))[0]
    );
    // Higher offsets are drawn higher (smaller y); stacked buffers touch.
    assert.ok(b1.y < b3.y && b3.y < b5.y);
    assert.equal(b1.y + b1.h, b3.y);
    assert.equal(b3.y + b3.h, b5.y);
    assert.equal(b4.y, b3.y);
    // Equal sizes give equal heights, lifespans give widths in proportion.
    assert.equal(b1.h, b5.h);
    assert.equal(b1.x, b3.x);
    assert.equal(b1.x + b1.w, b2.x);
    assert.equal(b2.x + b2.w, b3.x + b3.w);
    assert.equal(b4.x, b3.x + b3.w);
    assert.equal(b5.x + b5.w, b4.x + b4.w);
    assert.ok(Math.abs(b2.w - 2 * b1.w) <= 1);
    assert.ok(Math.abs(b5.w - 7 * b1.w) <= 4);
  });

  it("draws a buffer with gaps as its live stretches plus its windows", () => {
    const buffers: Buffer[] = [
      {
        id: "g",
        lower: 0,
        upper: 10,
        size: 4,
        gaps: [
          { lower: 2, upper: 4, window: { lower: 1, upper: 3 } },
          { lower: 6, upper: 8 },
        ],
      },
      // A gap at the start and one at the end, both without a window.
      {
        id: "h",
        lower: 0,
        upper: 10,
        size: 4,
        gaps: [{ lower: 0, upper: 3 }, { lower: 7, upper: 10 }],
      },
      // Never fully live: only its window shows.
      {
        id: "w",
        lower: 0,
        upper: 10,
        size: 4,
        gaps: [{ lower: 0, upper: 10, window: { lower: 0, upper: 2 } }],
      },
      // Never live at all: still one element, with no rectangle.
      { id: "z", lower: 0, upper: 10, size: 4, gaps: [{ lower: 0, upper: 10 }] },
    ];
    const problem = { capacity: 16, buffers };
    const svg = parseXml(renderSvg(problem, { offsets: [0, 4, 8, 12], height: 16 }));
    assert.equal(buffersOf(svg).length, 4);

    const g = byId(svg, "g");
    assert.equal(g.name, "g");
    assert.equal(titleOf(g), "g");
    const [a, window, b, c, ...rest] = rectsOf(g);
    assert.equal(rest.length, 0, "no rectangle for the gap without a window");
    for (const r of [a, b, c]) {
      assert.equal(r.cls, undefined);
      assert.equal(r.y, a.y);
      assert.equal(r.h, a.h);
    }
    // [0, 2) live, [2, 4) window, [4, 6) live, [6, 8) nothing, [8, 10) live.
    assert.equal(window.cls, "w");
    assert.equal(a.x + a.w, window.x);
    assert.equal(window.x + window.w, b.x);
    assert.ok(c.x > b.x + b.w, "a hole for the gap without a window");
    assert.ok(Math.abs(b.w - a.w) <= 1 && Math.abs(c.w - a.w) <= 1);
    // The window holds bytes [1, 3) of [0, 4): half the height, in the middle.
    assert.ok(Math.abs(window.h - a.h / 2) <= 1);
    assert.ok(Math.abs(window.y - (a.y + a.h / 4)) <= 1);

    const h = rectsOf(byId(svg, "h"));
    assert.equal(h.length, 1);
    assert.ok(Math.abs(h[0].w - 4 * (a.w / 2)) <= 1);
    const w = rectsOf(byId(svg, "w"));
    assert.deepEqual(w.map((r) => r.cls), ["w"]);
    const z = byId(svg, "z");
    assert.equal(rectsOf(z).length, 0);
    assert.equal(titleOf(z), "z");
  });

  it("escapes ids and the title for XML", () => {
    const ids = [`a&b<c>"d'e`, "line\nbreak, tab\t", "ctrl\u0001char", "emoji 🧠 ok", "&amp;"];
    const problem = {
      capacity: 100,
      buffers: ids.map((id, i) => ({ id, lower: i, upper: i + 2, size: 10 })),
    };
    const offsets = ids.map((_, i) => 10 * i);
    const title = `<script>alert("&")</script>`;
    const text = renderSvg(problem, { offsets, height: 50 }, { title });
    assert.ok(!text.includes("<c>") && !text.includes("<script>"));
    const svg = parseXml(text);
    const found = buffersOf(svg).map((n) => n.attrs["data-id"]);
    assert.deepEqual(found, [
      ids[0],
      ids[1],
      "ctrl\ufffdchar",
      ids[3],
      ids[4],
    ]);
    assert.deepEqual(buffersOf(svg).map(titleOf), found);
    assert.equal(titleOf(svg), title);
    assert.ok(all(svg, (n) => n.name === "text" && n.text === title).length === 1);
  });

  it("draws the capacity line and the peak-load line", () => {
    const text = renderSvg(EXAMPLE, EXAMPLE_SOLUTION);
    const svg = parseXml(text);
    const cap = all(svg, (n) => n.attrs.class === "cap");
    const peak = all(svg, (n) => n.attrs.class === "pk");
    assert.equal(cap.length, 1);
    assert.equal(peak.length, 1);
    // Both at offset 12, the top of b1.
    const top = rectsOf(byId(svg, "b1"))[0].y;
    assert.match(cap[0].attrs.d, new RegExp(`^M\\d+ ${top}H\\d+$`));
    assert.match(peak[0].attrs.d, new RegExp(`^M\\d+ ${top}H\\d+$`));
    assert.ok(text.includes("height 12 · capacity 12 · peak load 12"));
    assert.ok(text.includes(">capacity 12<"));
    assert.ok(text.includes(">peak load 12<"));
  });

  it("computes the peak load with gaps, windows and touching lifespans", () => {
    const problem: Problem = {
      capacity: 40,
      buffers: [
        // 10 bytes on [0, 5), then only its window of 2 bytes on [5, 10).
        {
          id: "a",
          lower: 0,
          upper: 10,
          size: 10,
          gaps: [{ lower: 5, upper: 10, window: { lower: 0, upper: 2 } }],
        },
        { id: "c", lower: 5, upper: 10, size: 9 },
        // Starts where a and c end: 11 bytes, not 30.
        { id: "d", lower: 10, upper: 20, size: 11 },
        // A windowless gap frees the buffer: 11 + 0 on [12, 18), not 11 + 30.
        { id: "e", lower: 11, upper: 19, size: 30, gaps: [{ lower: 11, upper: 19 }] },
      ],
    };
    // A wasteful solution: the height (40) is far above the peak load (11).
    const text = renderSvg(problem, { offsets: [0, 2, 0, 10], height: 40 });
    assert.ok(text.includes("height 40 · capacity 40 · peak load 11"), text.slice(0, 2000));
    const svg = parseXml(text);
    const yPeak = Number(
      /^M\d+ (\d+)H/.exec(all(svg, (n) => n.attrs.class === "pk")[0].attrs.d)![1],
    );
    const yCap = Number(
      /^M\d+ (\d+)H/.exec(all(svg, (n) => n.attrs.class === "cap")[0].attrs.d)![1],
    );
    const d = rectsOf(byId(svg, "d"))[0];
    // d spans offsets [0, 11): its top is the peak line.
    assert.equal(yPeak, d.y);
    assert.ok(yCap < yPeak);
  });

  it("keeps a capacity far above the solution off the scale, and copes without one", () => {
    const far = renderSvg({ ...EXAMPLE, capacity: 1_000_000_000 }, EXAMPLE_SOLUTION);
    parseXml(far);
    assert.ok(!far.includes('class="cap"'));
    assert.ok(far.includes("capacity 1,000,000,000 ↑ (above the chart)"));
    assert.ok(far.includes("capacity 1,000,000,000 · peak load 12"));
    // The buffers use the full height: b1's top is where the capacity
    // line would be were the capacity 12.
    const near = parseXml(renderSvg(EXAMPLE, EXAMPLE_SOLUTION));
    assert.deepEqual(
      rectsOf(byId(parseXml(far), "b1")),
      rectsOf(byId(near, "b1")),
    );

    const none = renderSvg({ buffers: EXAMPLE.buffers }, EXAMPLE_SOLUTION);
    parseXml(none);
    assert.ok(!none.includes('class="cap"'));
    assert.ok(!none.includes("capacity"));
    assert.ok(none.includes('class="pk"'));
  });

  it("says what a capacity minimization proved about the height", () => {
    const optimal = renderSvg(EXAMPLE, { ...EXAMPLE_SOLUTION, optimal: true });
    assert.ok(optimal.includes("height 12 (optimal)"));
    const bounded = renderSvg(EXAMPLE, { ...EXAMPLE_SOLUTION, lowerBound: 10 });
    assert.ok(bounded.includes("height 12 (at least 10 needed)"));
  });

  it("stays well formed for empty, tiny and zero-size instances", () => {
    const empty = parseXml(renderSvg({ capacity: 0, buffers: [] }, { offsets: [], height: 0 }));
    assert.equal(buffersOf(empty).length, 0);
    const one = parseXml(
      renderSvg({ capacity: 5, buffers: [{ id: "x", lower: 7, upper: 8, size: 5 }] }, {
        offsets: [0],
        height: 5,
      }),
    );
    assert.equal(rectsOf(byId(one, "x"))[0].w > 100, true, "a lone buffer fills the width");
    // A zero-size buffer and a buffer far thinner than a pixel still show.
    const thin = parseXml(
      renderSvg({
        capacity: 1_000_000,
        buffers: [
          { id: "big", lower: 0, upper: 1_000_000, size: 1_000_000 },
          { id: "empty", lower: 5, upper: 6, size: 0 },
        ],
      }, { offsets: [0, 0], height: 1_000_000 }),
    );
    const r = rectsOf(byId(thin, "empty"))[0];
    assert.ok(r.w >= 1 && r.h >= 1);
  });

  it("rejects a solution of the wrong length and a picture too small", () => {
    assert.throws(() => renderSvg(EXAMPLE, { offsets: [0], height: 4 }), RangeError);
    assert.throws(() => renderSvg(EXAMPLE, EXAMPLE_SOLUTION, { width: 10 }), RangeError);
    assert.throws(() => renderSvg(EXAMPLE, EXAMPLE_SOLUTION, { height: Number.NaN }), RangeError);
  });

  it("is deterministic, and a buffer's colour does not depend on its position", () => {
    const first = renderSvg(EXAMPLE, EXAMPLE_SOLUTION);
    assert.equal(renderSvg(EXAMPLE, EXAMPLE_SOLUTION), first);
    const reversed = renderSvg(
      { ...EXAMPLE, buffers: [...EXAMPLE.buffers].reverse() },
      { ...EXAMPLE_SOLUTION, offsets: [...EXAMPLE_SOLUTION.offsets].reverse() },
    );
    const colours = (text: string) =>
      Object.fromEntries(buffersOf(parseXml(text)).map((n) => [n.attrs["data-id"], n.attrs.class]));
    assert.deepEqual(colours(reversed), colours(first));
    // The ten colours are not all the same.
    assert.ok(new Set(Object.values(colours(first))).size > 1);
  });

  it("renders 60,000 buffers compactly", () => {
    // 300 waves of 200 stacked buffers, some with gaps.
    const buffers: Buffer[] = [];
    const offsets: number[] = [];
    let seed = 1;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    let idBytes = 0;
    for (let wave = 0; wave < 300; wave++) {
      let offset = 0;
      for (let k = 0; k < 200; k++) {
        const lower = wave * 100 + random(50);
        const upper = lower + 2 + random(60);
        const size = 1 + random(5000);
        const id = `buffer_${wave}_${k}`;
        idBytes += id.length;
        const gaps = k % 10 === 0
          ? [{ lower: lower + 1, upper: upper - 1, window: { lower: 0, upper: 1 } }]
          : undefined;
        buffers.push({ id, lower, upper, size, gaps });
        offsets.push(offset);
        offset += size;
      }
    }
    const height = Math.max(...buffers.map((b, i) => offsets[i] + b.size));
    const text = renderSvg({ capacity: height, buffers }, { offsets, height });
    // About 90 bytes per buffer beside its id (written twice), plus a few
    // kilobytes for the frame.
    assert.ok(
      text.length <= 10_000 + 100 * buffers.length + 2 * idBytes,
      `${text.length} bytes for ${buffers.length} buffers`,
    );
    assert.equal(text.match(/ data-id="/g)?.length, 60_000);
    assert.ok(!/ (width|height)="0"/.test(text), "every rectangle at least a pixel");
    for (const rect of text.match(/<rect [^>]*>/g)!) assert.ok(!rect.includes("."), rect);
    const svg = parseXml(text);
    assert.equal(new Set(buffersOf(svg).map((n) => n.attrs["data-id"])).size, 60_000);
  });
});
