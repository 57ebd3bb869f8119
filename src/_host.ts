// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module needs file access: the command line's files, standard
// streams, signals and exit code. On Deno (but Windows) it uses Deno's own
// API: its Node layer, loaded on first use of `process` or `fs`, cost
// every command about 45 ms more to start (0.28 s against 0.33 s wall on
// challenging K, 11 runs timed as whole processes), a sixth of a short
// solve. Elsewhere
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

/** A temporary file, made to replace another by a rename. */
export interface Temporary {
  /** Open for writing. */
  readonly file: OpenFile;
  /** Its name, to rename. */
  readonly path: string;
  /** Removes it (if still there) and whatever was made to hold it. */
  remove(): void;
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
  /** Opens a file (`mode`: the permissions of one it creates, less the umask). */
  open(path: string, how: OpenMode, mode?: number): OpenFile;
  /** Standard input, output or error. */
  std(fd: 0 | 1 | 2): OpenFile;
  /** What a path names, not following a last symlink. */
  lstat(path: string): FileInfo;
  /** Whether a path names something (following symlinks). */
  exists(path: string): boolean;
  /** The path with every symlink resolved. */
  realPath(path: string): string;
  /**
   * The device and inode a path names, following symlinks (two names of
   * one file, hard links too, share them); undefined where nothing is there.
   */
  identity(path: string): string | undefined;
  /** A symlink's target. */
  readLink(path: string): string;
  /** Renames, replacing what `to` names. */
  rename(from: string, to: string): void;
  /** Removes a file; nothing if it is not there. */
  remove(path: string): void;
  /**
   * A new temporary file in `path`'s directory (so that a rename replaces
   * `path`), with `like`'s mode and, best effort, owner: set on the file
   * itself, or inside a directory of our own, never through a name that
   * another user could swap for a link in between.
   */
  temporaryBeside(path: string, like?: FileInfo): Temporary;
  /** Whether a standard stream is a terminal. */
  isTerminal(fd: 0 | 1 | 2): boolean;
  /** Listens for a signal; returns how to stop listening. */
  onSignal(signal: "SIGINT" | "SIGTERM", listener: () => void): () => void;
  /** Ends the process at once. */
  exit(code: number): never;
  /** The command's arguments (after the script). */
  args(): string[];
  /** The exit code the process ends with, when it ends by itself. */
  setExitCode(code: number): void;
  /**
   * Calls `listener` when the event loop is about to run dry (Node's
   * "beforeExit", Deno's "beforeunload"); returns how to stop listening.
   */
  onDrained(listener: () => void): () => void;
  /** node:path's `dirname`, `basename`, `join` and `resolve`. */
  dirname(path: string): string;
  basename(path: string): string;
  join(directory: string, name: string): string;
  resolve(...paths: string[]): string;
}

/** A name no other run picks: the process and 32 random bits. */
function unique(pid: number): string {
  const random = Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, "0");
  return `${pid}.${random}`;
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
        // entry says the same (a closed one has none). Deno asks for
        // --allow-all to look there: without it, a stream counts as open,
        // as the runtimes put /dev/null in place of a closed one anyway.
        stat() {
          try {
            return infoOf(Deno.statSync(`/dev/fd/${fd}`));
          } catch (error) {
            if (error instanceof Deno.errors.NotFound) {
              throw Object.assign(new Error("Bad file descriptor"), { code: "EBADF" });
            }
            const unknown = { isFile: false, isDirectory: false, isSymlink: false, size: 0 };
            return { ...unknown, nlink: 1, mode: 0, uid: 0, gid: 0 };
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
    identity(path) {
      try {
        const { dev, ino } = Deno.statSync(path);
        return ino === null ? undefined : `${dev}:${ino}`;
      } catch {
        return undefined;
      }
    },
    readLink: (path) => Deno.readLinkSync(path),
    rename: (from, to) => Deno.renameSync(from, to),
    remove(path) {
      try {
        Deno.removeSync(path);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    },
    temporaryBeside(path, like) {
      // Deno's files have no fchmod or fchown: the file goes in a
      // directory of our own (0700), where no one else can put a link in
      // its place, and is set there by name.
      const directory = Deno.makeTempDirSync({
        dir: this.dirname(path),
        prefix: `.${this.basename(path)}.${unique(Deno.pid)}.`,
        suffix: ".tmp",
      });
      const name = this.join(directory, this.basename(path));
      const remove = () => {
        this.remove(name);
        this.remove(directory);
      };
      try {
        const file = denoFile(Deno.openSync(name, { write: true, createNew: true, mode: 0o666 }));
        if (like !== undefined) {
          try {
            // The owner first: chown clears the set-user-ID bits.
            Deno.chownSync(name, like.uid, like.gid);
          } catch {
            // Only root may give a file away: the owner is best effort.
          }
          Deno.chmodSync(name, like.mode & 0o7777);
        }
        return { file, path: name, remove };
      } catch (error) {
        remove();
        throw error;
      }
    },
    isTerminal: (fd) => std[fd].isTerminal(),
    onSignal(signal, listener) {
      Deno.addSignalListener(signal, listener);
      return () => Deno.removeSignalListener(signal, listener);
    },
    exit: (code) => Deno.exit(code),
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
    identity(at) {
      try {
        const { dev, ino } = fs.statSync(at);
        return `${dev}:${ino}`;
      } catch {
        return undefined;
      }
    },
    readLink: (at) => fs.readlinkSync(at),
    rename: (from, to) => fs.renameSync(from, to),
    remove: (at) => fs.rmSync(at, { force: true }),
    temporaryBeside(at, like) {
      const name = path.join(
        path.dirname(at),
        `.${path.basename(at)}.${unique(process.pid)}.tmp`,
      );
      // Never follows or reuses a file that is there already.
      const fd = fs.openSync(name, O_WRONLY | O_CREAT | O_EXCL, 0o666);
      const remove = () => fs.rmSync(name, { force: true });
      try {
        if (like !== undefined) {
          try {
            // The owner first: chown clears the set-user-ID bits.
            fs.fchownSync(fd, like.uid, like.gid);
          } catch {
            // Only root may give a file away: the owner is best effort.
          }
          fs.fchmodSync(fd, like.mode & 0o7777);
        }
      } catch (error) {
        fs.closeSync(fd);
        remove();
        throw error;
      }
      return { file: file(fd), path: name, remove };
    },
    isTerminal: (fd) => tty.isatty(fd),
    onSignal(signal, listener) {
      process.on(signal, listener);
      return () => process.off(signal, listener);
    },
    exit: (code) => process.exit(code),
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
