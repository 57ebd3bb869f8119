// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module needs file access: the command line's files, standard
// streams, signals and exit code. On Deno (but Windows) it uses Deno's own
// API: its Node layer, loaded on first use of `process` or `fs`, cost
// every command about 45 ms more to start (0.28 s against 0.33 s wall on
// challenging K, farm-bench -n 11), a sixth of a short solve. Elsewhere
// (Bun, Node, Deno on Windows) it uses `node:fs`, looked up with
// `process.getBuiltinModule` when first needed rather than imported, so
// that a browser bundle of mod.ts, which reaches the command line through
// its `import.meta.main` block, holds no `node:` import.
//
// Failures are thrown as the runtime throws them; both give them the
// POSIX `code` ("ENOENT", "EPIPE", ...) that the callers read.

/** What a file is, from lstat or fstat. */
export interface FileInfo {
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
  nlink: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
}

/** An open file (or a standard stream, which close() leaves open). */
export interface OpenFile {
  /** Reads up to `length` bytes into `bytes` at `at`; 0 at the end. */
  read(bytes: Uint8Array, at: number, length: number): number;
  /** Writes some of `bytes[from, to)`; returns how many were written. */
  write(bytes: Uint8Array, from: number, to: number): number;
  stat(): FileInfo;
  truncate(): void;
  sync(): void;
  close(): void;
}

/** How a file is opened. */
export type OpenMode =
  | "read"
  // For writing, neither created nor truncated.
  | "write"
  // For writing, created if missing (through a dangling link), not truncated.
  | "write-create"
  // A new file, never one that is there already (O_CREAT | O_EXCL).
  | "create-new";

/** The operations the command line needs of its host. */
export interface Host {
  open(path: string, how: OpenMode, mode?: number): OpenFile;
  /** Standard input, output or error. */
  std(fd: 0 | 1 | 2): OpenFile;
  lstat(path: string): FileInfo;
  exists(path: string): boolean;
  realPath(path: string): string;
  readLink(path: string): string;
  rename(from: string, to: string): void;
  /** Removes a file; nothing if it is not there. */
  remove(path: string): void;
  chmod(path: string, mode: number): void;
  chown(path: string, uid: number, gid: number): void;
  isTerminal(fd: 0 | 1 | 2): boolean;
  /** Listens for a signal; returns how to stop listening. */
  onSignal(signal: "SIGINT" | "SIGTERM", listener: () => void): () => void;
  exit(code: number): never;
  readonly pid: number;
  /** The command's arguments (after the script). */
  args(): string[];
  setExitCode(code: number): void;
  /**
   * Calls `listener` when the event loop is about to run dry (Node's
   * "beforeExit", Deno's "beforeunload"); returns how to stop listening.
   */
  onDrained(listener: () => void): () => void;
  dirname(path: string): string;
  basename(path: string): string;
  join(directory: string, name: string): string;
  resolve(...paths: string[]): string;
}

let cached: Host | undefined;

/** The host the command runs on, chosen once. */
export function host(): Host {
  return cached ??= denoHost() ?? nodeHost();
}

// --- Deno ----------------------------------------------------------------

/** POSIX paths: `.` and `..` resolved, repeated slashes dropped. */
function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}

function trimSlashes(path: string): string {
  let end = path.length;
  while (end > 1 && path[end - 1] === "/") end--;
  return path.slice(0, end);
}

/**
 * Deno's own API, where it runs (but on Windows, whose paths the POSIX
 * ones here are not). Every use of the `Deno` namespace is in here, so a
 * library bundle that carries the command line along shows it uses Deno
 * only where Deno is (tests/library_api_test.ts checks).
 */
function denoHost(): Host | undefined {
  if (typeof Deno !== "object" || Deno.build?.os === "windows") return undefined;
  const infoOf = (stat: Deno.FileInfo): FileInfo => ({
    isFile: stat.isFile,
    isDirectory: stat.isDirectory,
    isSymlink: stat.isSymlink,
    nlink: stat.nlink ?? 1,
    mode: stat.mode ?? 0,
    uid: stat.uid ?? 0,
    gid: stat.gid ?? 0,
    size: stat.size,
  });
  const denoFile = (file: Deno.FsFile, borrowed = false): OpenFile => ({
    read: (bytes, at, length) => file.readSync(bytes.subarray(at, at + length)) ?? 0,
    write: (bytes, from, to) => file.writeSync(bytes.subarray(from, to)),
    stat: () => infoOf(file.statSync()),
    truncate: () => file.truncateSync(0),
    sync: () => file.syncSync(),
    close: () => {
      if (!borrowed) file.close();
    },
  });
  const std = [Deno.stdin, Deno.stdout, Deno.stderr] as const;
  return {
    open(path, how, mode) {
      switch (how) {
        case "read":
          return denoFile(Deno.openSync(path, { read: true }));
        case "write":
          return denoFile(Deno.openSync(path, { write: true }));
        case "write-create":
          return denoFile(Deno.openSync(path, { write: true, create: true, mode }));
        case "create-new":
          return denoFile(Deno.openSync(path, { write: true, createNew: true, mode }));
      }
    },
    std(fd) {
      const stream = std[fd] as unknown as Deno.FsFile;
      return {
        ...denoFile(stream, true),
        // The standard streams have no fstat in Deno 2: their /dev/fd
        // entry says the same (a closed one has none).
        stat() {
          try {
            return infoOf(Deno.statSync(`/dev/fd/${fd}`));
          } catch {
            throw Object.assign(new Error("Bad file descriptor"), { code: "EBADF" });
          }
        },
      };
    },
    lstat: (path) => infoOf(Deno.lstatSync(path)),
    exists(path) {
      try {
        Deno.statSync(path);
        return true;
      } catch {
        return false;
      }
    },
    realPath: (path) => Deno.realPathSync(path),
    readLink: (path) => Deno.readLinkSync(path),
    rename: (from, to) => Deno.renameSync(from, to),
    remove(path) {
      try {
        Deno.removeSync(path);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    },
    chmod: (path, mode) => Deno.chmodSync(path, mode),
    chown: (path, uid, gid) => Deno.chownSync(path, uid, gid),
    isTerminal: (fd) => std[fd].isTerminal(),
    onSignal(signal, listener) {
      Deno.addSignalListener(signal, listener);
      return () => Deno.removeSignalListener(signal, listener);
    },
    exit: (code) => Deno.exit(code),
    pid: Deno.pid,
    args: () => Deno.args,
    setExitCode(code) {
      Deno.exitCode = code;
    },
    onDrained(listener) {
      globalThis.addEventListener("beforeunload", listener);
      return () => globalThis.removeEventListener("beforeunload", listener);
    },
    dirname(path) {
      // Node's POSIX dirname, step for step (a run of slashes before the
      // base keeps all but its last).
      if (path.length === 0) return ".";
      const rooted = path[0] === "/";
      let end = -1;
      let trailing = true;
      for (let i = path.length - 1; i >= 1; i--) {
        if (path[i] !== "/") trailing = false;
        else if (!trailing) {
          end = i;
          break;
        }
      }
      if (end === -1) return rooted ? "/" : ".";
      return rooted && end === 1 ? "//" : path.slice(0, end);
    },
    basename: (path) => {
      const trimmed = trimSlashes(path);
      return trimmed === "/" ? "" : trimmed.slice(trimmed.lastIndexOf("/") + 1);
    },
    join: (directory, name) => directory.endsWith("/") ? directory + name : `${directory}/${name}`,
    resolve(...paths) {
      let path = Deno.cwd();
      for (const next of paths) path = next.startsWith("/") ? next : `${path}/${next}`;
      return normalize(path);
    },
  };
}

// --- Node, Bun (and Deno on Windows) ---------------------------------------

function nodeHost(): Host {
  const fs = process.getBuiltinModule("fs");
  const path = process.getBuiltinModule("path");
  const tty = process.getBuiltinModule("tty");
  const info = (stat: import("node:fs").Stats): FileInfo => ({
    isFile: stat.isFile(),
    isDirectory: stat.isDirectory(),
    isSymlink: stat.isSymbolicLink(),
    nlink: stat.nlink,
    mode: stat.mode,
    uid: stat.uid,
    gid: stat.gid,
    size: stat.size,
  });
  const file = (fd: number, borrowed = false): OpenFile => ({
    read: (bytes, at, length) => fs.readSync(fd, bytes, at, length, null),
    write: (bytes, from, to) => fs.writeSync(fd, bytes, from, to - from),
    stat: () => info(fs.fstatSync(fd)),
    truncate: () => fs.ftruncateSync(fd, 0),
    sync: () => fs.fsyncSync(fd),
    close: () => {
      if (!borrowed) fs.closeSync(fd);
    },
  });
  const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL } = fs.constants;
  const flags = {
    "read": O_RDONLY,
    "write": O_WRONLY,
    "write-create": O_WRONLY | O_CREAT,
    "create-new": O_WRONLY | O_CREAT | O_EXCL,
  };
  return {
    open: (at, how, mode) => file(fs.openSync(at, flags[how], mode)),
    std: (fd) => file(fd, true),
    lstat: (at) => info(fs.lstatSync(at)),
    exists: (at) => fs.existsSync(at),
    realPath: (at) => fs.realpathSync(at),
    readLink: (at) => fs.readlinkSync(at),
    rename: (from, to) => fs.renameSync(from, to),
    remove: (at) => fs.rmSync(at, { force: true }),
    chmod: (at, mode) => fs.chmodSync(at, mode),
    chown: (at, uid, gid) => fs.chownSync(at, uid, gid),
    isTerminal: (fd) => tty.isatty(fd),
    onSignal(signal, listener) {
      process.on(signal, listener);
      return () => process.off(signal, listener);
    },
    exit: (code) => process.exit(code),
    pid: process.pid,
    args: () => process.argv.slice(2),
    setExitCode(code) {
      process.exitCode = code;
    },
    onDrained(listener) {
      process.once("beforeExit", listener);
      return () => process.off("beforeExit", listener);
    },
    dirname: (at) => path.dirname(at),
    basename: (at) => path.basename(at),
    join: (directory, name) => path.join(directory, name),
    resolve: (...paths) => path.resolve(...paths),
  };
}
