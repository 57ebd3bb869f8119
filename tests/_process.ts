// Copyright the @x/minimalloc authors. Apache-2.0 license.
// Runs a command as a real process from the repository root, for the
// tests of the command line.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** What a process did. */
export interface Run {
  /** The exit code, or null if the process was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from the spawn to the exit, in milliseconds. */
  ms: number;
}

/**
 * Spawns a process, feeding it `stdin` when given; kills it (code null)
 * if it has not exited after `limitMs`.
 */
export function run(
  command: string[],
  options: { stdin?: string; limitMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command[0], command.slice(1), { cwd: ROOT, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => stdout += text);
    child.stderr.setEncoding("utf8").on("data", (text: string) => stderr += text);
    if (options.stdin !== undefined) {
      child.stdin.on("error", () => {}); // The command may exit without reading.
      child.stdin.end(options.stdin);
    }
    const timer = setTimeout(() => child.kill("SIGKILL"), options.limitMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - start });
    });
  });
}
