// Copyright the @x/minimalloc authors. Apache-2.0 license.
// Helpers shared by the benchmark scripts.

/** A file URL as a path for the operating system. */
export function pathOf(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  return Deno.build.os === "windows" ? path.slice(1) : path;
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const CLI = new URL("../cli.ts", import.meta.url);

/** Whether a file exists and can be run. */
function executable(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** What one command-line run reported. */
export interface CliRun {
  /** Wall time of the whole process, start-up included. */
  seconds: number;
  /** Peak resident memory in MiB, if it could be measured. */
  mib: number | undefined;
  /** The process's exit code. */
  exitCode: number;
  /** The `--json` report (the CLI's `milliseconds` count from after the input is read). */
  json: {
    status: string;
    height: number | null;
    optimal: boolean | null;
    lowerBound: number;
    milliseconds: number;
  };
  /** The output CSV's text ("" when none was written). */
  csv: string;
  /** What it printed on stderr. */
  stderr: string;
}

/**
 * Runs the command line once, as users do (one process), with `--json`,
 * `--quiet` and an output file added to `args`. Peak memory comes from
 * `/usr/bin/time -f %M` when present, else from polling VmHWM in /proc
 * (Linux).
 */
export async function runCli(args: string[]): Promise<CliRun> {
  const output = await Deno.makeTempFile({ suffix: ".csv" });
  await Deno.remove(output);
  const timeFile = await Deno.makeTempFile();
  const cliArgs = ["run", "-A", pathOf(CLI), ...args, `--output=${output}`, "--json", "--quiet"];
  const useTime = executable("/usr/bin/time");
  const command = useTime
    ? new Deno.Command("/usr/bin/time", {
      args: ["-f", "%M", "-o", timeFile, Deno.execPath(), ...cliArgs],
      stdout: "piped",
      stderr: "piped",
    })
    : new Deno.Command(Deno.execPath(), { args: cliArgs, stdout: "piped", stderr: "piped" });
  const start = performance.now();
  const child = command.spawn();
  let hwmKiB = 0;
  let polling = !useTime;
  const poll = async () => {
    while (polling) {
      try {
        const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
        const match = /VmHWM:\s+(\d+)/.exec(status);
        if (match) hwmKiB = Math.max(hwmKiB, Number(match[1]));
      } catch {
        // The process is gone or there is no /proc: nothing to read.
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const poller = poll();
  const result = await child.output();
  const seconds = (performance.now() - start) / 1000;
  polling = false;
  await poller;
  const stdout = new TextDecoder().decode(result.stdout);
  if (useTime) {
    const kib = Number((await Deno.readTextFile(timeFile)).trim().split("\n").pop());
    if (Number.isFinite(kib)) hwmKiB = kib;
  }
  let csv = "";
  try {
    csv = await Deno.readTextFile(output);
    await Deno.remove(output);
  } catch {
    // No output: the run failed.
  }
  await Deno.remove(timeFile);
  const last = stdout.trim().split("\n").pop() ?? "";
  return {
    seconds,
    mib: hwmKiB > 0 ? hwmKiB / 1024 : undefined,
    exitCode: result.code,
    json: last.startsWith("{")
      ? JSON.parse(last)
      : { status: "none", height: null, optimal: null, lowerBound: 0, milliseconds: NaN },
    csv,
    stderr: new TextDecoder().decode(result.stderr).trim(),
  };
}
