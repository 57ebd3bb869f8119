// Copyright the @x/minimalloc authors. Apache-2.0 license.

// A fresh directory for one test, removed afterwards whatever happens.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs `body` with a fresh directory, then removes it. */
export function withDirectory(body: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "minimalloc-test-"));
  return Promise.resolve(body(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}
