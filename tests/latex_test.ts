// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The LaTeX picture (--print_solution) writes ids as text: every character
// TeX treats specially is escaped, `^` and `~` by their text forms (`\^`
// alone is an accent over the next character).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { renderLatex } from "../src/latex.ts";

describe("renderLatex", () => {
  it("escapes TeX's special characters in ids", () => {
    const problem = { buffers: [{ id: "a^b~c\\d{e}$&#_%", lower: 0, upper: 1, size: 4 }] };
    const picture = renderLatex(problem, { offsets: [0], height: 4 });
    assert.ok(
      picture.includes(
        "{a\\textasciicircum{}b\\textasciitilde{}c\\textbackslash{}d\\{e\\}\\$\\&\\#\\_\\%}",
      ),
      picture,
    );
  });
});
