// Copyright the @x/minimalloc authors. Apache-2.0 license.

// Runs the command line in this process, for the tests that need no real
// process (no signals, no exit code of a runtime): what it printed, and
// its exit code.

import { main } from "../cli.ts";

/** What the command printed, and its exit code. */
export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Standard error's lines, without empty ones. */
  lines: string[];
}

/** Runs the command with these arguments; `stdin` is its standard input. */
export async function inProcess(args: string[], stdin = ""): Promise<InProcessRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: (text) => stdout += text,
    stderr: (text) => stderr += text,
    stdin: () => stdin,
    stderrIsTty: false,
  });
  return { code, stdout, stderr, lines: stderr.split("\n").filter((line) => line !== "") };
}
