// Copyright the @x/minimalloc authors. Apache-2.0 license.

// A problem's pins (`offset` cells read by parseCsv) are part of the
// problem: stringifyCsv without a solution writes them back, an empty cell
// for a free buffer, so the text reads back as the same problem.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseCsv } from "../src/csv_parse.ts";
import { stringifyCsv } from "../src/csv_stringify.ts";

describe("stringifyCsv and pins", () => {
  it("writes a problem's pins, an empty cell for a free buffer", () => {
    const text = "id,lower,upper,size,offset\na,0,1,2,6\nb,0,1,2,\n";
    const problem = parseCsv(text);
    assert.equal(stringifyCsv(problem), text);
    assert.deepEqual(parseCsv(stringifyCsv(problem)), problem);
  });

  it("writes no offset column where nothing is pinned", () => {
    const text = "id,lower,upper,size\na,0,1,2\n";
    assert.equal(stringifyCsv(parseCsv(text)), text);
  });

  it("writes a solution's offsets instead of the pins", () => {
    const problem = parseCsv("id,lower,upper,size,offset\na,0,1,2,6\nb,0,1,2,\n");
    assert.equal(
      stringifyCsv(problem, { offsets: [6, 0], height: 8 }),
      "id,lower,upper,size,offset\na,0,1,2,6\nb,0,1,2,0\n",
    );
  });
});
