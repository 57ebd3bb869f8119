// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module needs file access: it writes the command line's outputs,
// through the host's files (src/_host.ts: Deno's own API on Deno, `fs`
// elsewhere).

// How the command line writes, and why:
//
// - An output that is a regular file (or does not exist yet) is replaced
//   atomically: written in full to a temporary file beside it, then
//   renamed over it, keeping its mode (and, best effort, its owner). A
//   failure or a signal leaves the old file as it was.
// - Anything else is written in place, so that what the path names stays
//   what it was: a device (/dev/null), a FIFO or a process substitution
//   (`--output=>(wc -c)`, a /dev/fd path), a symlink (written through: the
//   link and its target stay), a file with other hard links (all its
//   names see the new content). Such a write cannot be atomic. A path that
//   names standard output or error (/dev/stdout, /dev/fd/1,
//   /proc/self/fd/2, or a link to one) is written to that descriptor as it
//   stands, neither reopened (a socket cannot be) nor truncated (`>>`
//   appends). Other descriptors' paths (a process substitution's
//   /dev/fd/63) are opened, since Deno's `fs` knows only those three.
// - The outputs of one run are written together or not at all: every one
//   is rendered first, the temporary files written and the in-place
//   targets opened, and only then are the in-place writes done and the
//   temporary files renamed, in one synchronous stretch.
// - SIGINT and SIGTERM while the temporary files are written remove them
//   and leave every output untouched; the writing yields between chunks so
//   that the signal handler runs.
// - Standard output: a reader that goes away (`| head -1`, EPIPE) ends the
//   printing quietly. The runtimes hand a process started with it closed
//   (`>&-`) a read-write /dev/null, which is what a caller discarding it
//   (Python's subprocess.DEVNULL) gives too: the command line says, before
//   solving, that the result printed there is discarded.

import { type FileInfo, host, type OpenFile, type Temporary } from "./_host.ts";
// A macrotask turn, in which signal listeners can run.
import { turn } from "./_turn.ts";

/** An output that could not be written: the message is one line. */
export class OutputError extends Error {
  /** Always `"output"`. */
  readonly code = "output";
  /** @param message What went wrong, naming the path. */
  constructor(message: string) {
    super(message);
    this.name = "OutputError";
  }
}

/** Why a file operation failed, in words. */
function reason(error: unknown): string {
  const code = (error as { code?: string })?.code;
  switch (code) {
    case "ENOENT":
      return "no such directory";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    case "ENOSPC":
      return "no space left on the device";
    case "EROFS":
      return "read-only file system";
    case "EPIPE":
      return "the reader closed it";
    case "EBADF":
      return "it is closed";
    default:
      return code ?? String((error as Error)?.message ?? error);
  }
}

/**
 * Why an input file could not be read, in words: the runtimes word these
 * failures differently, and name the file again.
 */
export function readFailure(error: unknown): string {
  const code = (error as { code?: string })?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "ELOOP") return "too many levels of symbolic links";
  return code === "ENOTDIR" || code === "EACCES" || code === "EPERM" || code === "EISDIR"
    ? reason(error)
    : String((error as Error)?.message ?? error);
}

/** Writes all of `bytes` to `file`, waiting out a non-blocking descriptor's EAGAIN. */
function writeAll(file: OpenFile, bytes: Uint8Array, from = 0, to = bytes.length): void {
  let at = from;
  while (at < to) {
    try {
      at += file.write(bytes, at, to);
    } catch (error) {
      if ((error as { code?: string }).code !== "EAGAIN") throw error;
      // The reader is slower than we are: wait a millisecond for room.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

const CHUNK = 1 << 20;

/** One output of a run, from the rendered text to the committed file. */
interface Output {
  path: string;
  bytes: Uint8Array;
  /** Replaced through a temporary file, or written in place. */
  atomic: boolean;
  /** The temporary file, once created. */
  temporary?: Temporary;
  /** The open in-place target. */
  file?: OpenFile;
  /** Whether the in-place target is a regular file (truncated before writing). */
  regular?: boolean;
  /** Whether `file` is one of the process's own descriptors (neither truncated nor closed). */
  borrowed?: boolean;
  /** The file opening the in-place target created (a dangling link's target), removed on abort. */
  created?: string;
}

/**
 * Whether an output could be written, asked before a solve that may take
 * an hour: a missing directory, a directory in the file's place or a file
 * without write permission is an {@linkcode OutputError} now rather than
 * after the search. A new file's directory is tried with a temporary file,
 * removed at once; standard streams, links and special files are left to
 * the write itself (opening a FIFO would wait for its reader).
 */
export function checkWritable(path: string): void {
  const files = host();
  if (descriptorOf(path) !== undefined) return;
  try {
    let link: FileInfo | undefined;
    try {
      link = files.lstat(path);
    } catch (error) {
      if ((error as { code?: string }).code !== "ENOENT") throw error;
    }
    if (link === undefined) files.temporaryBeside(path).remove();
    else if (link.isDirectory) throw Object.assign(new Error(), { code: "EISDIR" });
    else if (link.isFile) files.open(path, "write").close();
  } catch (error) {
    throw new OutputError(`cannot write ${path}: ${reason(error)}`);
  }
}

/**
 * The files one run writes, written together or not at all: add each
 * output's path and text, then {@linkcode OutputFiles.write}.
 */
export class OutputFiles {
  #outputs: Output[] = [];

  /** Adds an output, as text or as its UTF-8 bytes. */
  add(path: string, content: string | Uint8Array): void {
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    this.#outputs.push({ path, bytes, atomic: true });
  }

  /**
   * Writes every output: stages them all (temporary files written, in-place
   * targets opened), runs `between` (the run's printing to standard
   * output), then commits. A failure anywhere, or SIGINT/SIGTERM while
   * staging, removes the temporary files and leaves every existing output
   * as it was (an in-place target can only be left as it was if the
   * failure comes before its write).
   *
   * @throws {OutputError} When an output cannot be written; `between`'s own
   * errors pass through, after the same clean-up.
   */
  async write(between: () => void = () => {}): Promise<void> {
    if (this.#outputs.length === 0) {
      between();
      return;
    }
    const onSignal = (signal: string) => {
      this.abort();
      writeStderr(`minimalloc: interrupted by ${signal}; no output was written\n`);
      host().exit(128 + (signal === "SIGINT" ? 2 : 15));
    };
    const removers = (["SIGINT", "SIGTERM"] as const).map((signal) =>
      host().onSignal(signal, () => onSignal(signal))
    );
    try {
      await this.#stage();
      between();
      this.#commit();
    } catch (error) {
      this.abort();
      throw error;
    } finally {
      for (const remove of removers) remove();
    }
  }

  /** Classifies each target, writes the temporary files, opens in-place targets. */
  async #stage(): Promise<void> {
    const files = host();
    for (const output of this.#outputs) {
      const { path } = output;
      const descriptor = descriptorOf(path);
      if (descriptor !== undefined) {
        const file = files.std(descriptor);
        try {
          file.stat();
        } catch (error) {
          throw new OutputError(`cannot write ${path}: ${reason(error)}`);
        }
        Object.assign(output, { atomic: false, file, borrowed: true });
        continue;
      }
      let link: FileInfo | undefined;
      try {
        link = files.lstat(path);
      } catch (error) {
        if ((error as { code?: string }).code !== "ENOENT") {
          throw new OutputError(`cannot write ${path}: ${reason(error)}`);
        }
      }
      if (link?.isDirectory) throw new OutputError(`cannot write ${path}: it is a directory`);
      output.atomic = link === undefined || (link.isFile && link.nlink === 1);
      if (output.atomic) {
        if (link !== undefined) {
          // Replacing by rename needs only the directory's permission: ask
          // the file's own too, as writing it in place would. Opening it
          // for writing (without truncating) lets the kernel decide, root
          // and ACLs included, where access() emulations differ.
          try {
            files.open(path, "write").close();
          } catch (error) {
            throw new OutputError(`cannot write ${path}: ${reason(error)}`);
          }
        }
        await this.#writeTemporary(output, link);
      } else {
        try {
          // Opened now, written at the commit; O_CREAT for a dangling link.
          const dangling = !files.exists(path);
          output.file = files.open(path, "write-create", 0o666);
          if (dangling) output.created = files.realPath(path);
          output.regular = output.file.stat().isFile;
        } catch (error) {
          throw new OutputError(`cannot write ${path}: ${reason(error)}`);
        }
      }
    }
  }

  /** Writes an output to a fresh temporary file beside it, in chunks. */
  async #writeTemporary(output: Output, existing: FileInfo | undefined) {
    let file: OpenFile | undefined;
    try {
      // A new output gets the usual 0666 less the umask; an existing one
      // its mode (and, best effort, its owner).
      output.temporary = host().temporaryBeside(output.path, existing);
      file = output.temporary.file;
      for (let at = 0; at < output.bytes.length; at += CHUNK) {
        writeAll(file, output.bytes, at, Math.min(at + CHUNK, output.bytes.length));
        await turn();
      }
      file.sync();
    } catch (error) {
      throw new OutputError(`cannot write ${output.path}: ${reason(error)}`);
    } finally {
      file?.close();
    }
  }

  /** The in-place writes, then the renames: synchronous, so no signal splits them. */
  #commit(): void {
    const files = host();
    for (const output of this.#outputs) {
      if (output.file === undefined) continue;
      try {
        if (output.regular) output.file.truncate();
        writeAll(output.file, output.bytes);
        output.file.close();
        output.file = undefined;
      } catch (error) {
        throw new OutputError(`cannot write ${output.path}: ${reason(error)}`);
      }
    }
    for (const output of this.#outputs) {
      if (output.temporary === undefined) continue;
      try {
        files.rename(output.temporary.path, output.path);
        output.temporary.remove();
        output.temporary = undefined;
      } catch (error) {
        throw new OutputError(`cannot write ${output.path}: ${reason(error)}`);
      }
    }
  }

  /** Removes the temporary files and closes in-place targets not yet written. */
  abort(): void {
    const files = host();
    for (const output of this.#outputs) {
      if (output.temporary !== undefined) {
        output.temporary.remove();
        output.temporary = undefined;
      }
      if (output.file !== undefined && !output.borrowed) {
        try {
          output.file.close();
          if (output.created !== undefined) files.remove(output.created);
        } catch {
          // Closing what was opened cannot usefully fail here.
        }
        output.file = undefined;
      }
    }
  }
}

/** The names of standard output and error. */
const DESCRIPTOR = /^\/(?:dev\/(?:fd\/([12])|(stdout|stderr))|proc\/self\/fd\/([12]))$/;

/**
 * Standard output or error (1 or 2), if a path names one, directly or
 * through symlinks (a few hops, as the kernel allows).
 */
function descriptorOf(path: string): 1 | 2 | undefined {
  const files = host();
  let at = files.resolve(path);
  for (let hop = 0; hop < 8; hop++) {
    const match = DESCRIPTOR.exec(at);
    if (match !== null) {
      const named = ({ stdout: 1, stderr: 2 } as const)[match[2] ?? ""];
      return named ?? (Number(match[1] ?? match[3]) as 1 | 2);
    }
    try {
      if (!files.lstat(at).isSymlink) return undefined;
      at = files.resolve(files.dirname(at), files.readLink(at));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Whether standard output was closed when the process started (`>&-`).
 * Deno, Bun and Node open /dev/null read-write in place of a closed
 * standard descriptor; a shell's `>/dev/null` opens it write-only. Linux
 * shows both in /proc; elsewhere this says false and such output is lost.
 */
export function stdoutClosed(): boolean {
  const files = host();
  try {
    const flags = /^flags:\s*([0-7]+)$/m.exec(readAll(files.open("/proc/self/fdinfo/1", "read")));
    const readWrite = flags !== null && (parseInt(flags[1], 8) & 3) === 2;
    return readWrite && files.readLink("/proc/self/fd/1") === "/dev/null";
  } catch {
    return false;
  }
}

/**
 * The process's standard output, written synchronously (so that the exit
 * code can depend on it): quiet once the reader has gone (EPIPE), an
 * {@linkcode OutputError} when it fails otherwise. Where the process
 * started with it closed (the runtime's read-write /dev/null in its place)
 * writes go there, discarded, as the caller asked.
 */
export class StandardOutput {
  #gone = false;
  #closed: boolean | undefined;

  /** Whether the process started with standard output closed. */
  get closed(): boolean {
    return this.#closed ??= stdoutClosed();
  }

  /** Prints text, or its UTF-8 bytes; ignored after the reader has gone. */
  write(content: string | Uint8Array): void {
    if (this.#gone) return;
    try {
      writeAll(
        host().std(1),
        typeof content === "string" ? new TextEncoder().encode(content) : content,
      );
    } catch (error) {
      // `… | head -1`: the reader has what it wanted; the rest is dropped.
      if ((error as { code?: string }).code === "EPIPE") {
        this.#gone = true;
        return;
      }
      throw new OutputError(`cannot write to standard output: ${reason(error)}`);
    }
  }
}

/** Writes to standard error, dropping the text if it cannot be written. */
export function writeStderr(text: string): void {
  try {
    writeAll(host().std(2), new TextEncoder().encode(text));
  } catch {
    // Standard error gone: there is nowhere to report that.
  }
}

/** Whether standard error is a terminal. */
export function stderrIsTerminal(): boolean {
  return host().isTerminal(2);
}

/**
 * Reads an open file to its end as text (as readFileSync does: a byte
 * order mark stays), then closes it.
 */
function readAll(file: OpenFile): string {
  let bytes = new Uint8Array(1 << 16);
  let at = 0;
  try {
    for (;;) {
      if (at === bytes.length) {
        const larger = new Uint8Array(bytes.length * 2);
        larger.set(bytes);
        bytes = larger;
      }
      const read = file.read(bytes, at, bytes.length - at);
      if (read === 0) break;
      at += read;
    }
  } finally {
    file.close();
  }
  return decodeUtf8(bytes.subarray(0, at));
}

/**
 * Input bytes that are not UTF-8: where the first bad byte is. (Decoded
 * leniently, each would become U+FFFD, and an id would change unseen.)
 */
export class NotUtf8Error extends Error {
  /** The 1-based line of the first bad byte. */
  readonly line: number;
  /** That byte. */
  readonly byte: number;

  /**
   * @param line The 1-based line of the first bad byte.
   * @param byte That byte.
   */
  constructor(line: number, byte: number) {
    super(`Not UTF-8 text: byte 0x${byte.toString(16).padStart(2, "0")} on line ${line}`);
    this.name = "NotUtf8Error";
    this.line = line;
    this.byte = byte;
  }
}

/** UTF-8 bytes as text (a byte order mark kept), or a NotUtf8Error. */
function decodeUtf8(bytes: Uint8Array): string {
  // Leniently, then the bytes checked only where a U+FFFD came out: in
  // Deno the fatal decoder took 115 ms for 40 MB against 33 ms.
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  if (!text.includes("\ufffd")) return text;
  const at = firstBadByte(bytes);
  if (at === bytes.length) return text;
  let line = 1;
  for (let i = 0; i < at; i++) if (bytes[i] === 10) line++;
  throw new NotUtf8Error(line, bytes[at]);
}

/**
 * Where UTF-8 decoding first fails: the byte that starts a bad or cut-off
 * sequence (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF).
 */
export function firstBadByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf
      ? 1
      : c >= 0xe0 && c <= 0xef
      ? 2
      : c >= 0xf0 && c <= 0xf4
      ? 3
      : 0;
    // Not a lead byte, or cut off by the end.
    if (n === 0 || i + n >= bytes.length) return i;
    // The second byte's range depends on the first (overlong, surrogate, too large).
    const second = bytes[i + 1];
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= n; k++) {
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i;
    }
    i += n + 1;
  }
  return bytes.length;
}

/** Reads standard input to the end, as text. */
export function readStdin(): string {
  return readAll(host().std(0));
}

/**
 * Reads a file as text, as `readFileSync(path, "utf8")` does. A regular
 * file is read into one array of its size: at 10^6 buffers, reading the
 * way readFileSync does took 0.2 s and 28 MB more here, where every fresh
 * megabyte costs time.
 */
export function readTextFile(path: string): string {
  const file = host().open(path, "read");
  let whole = true;
  try {
    const stat = file.stat();
    if (stat.isDirectory) {
      // Worded as the outputs word it: runtimes differ here.
      throw Object.assign(new Error("it is a directory"), { code: "EISDIR" });
    }
    if (!stat.isFile) {
      // A pipe, say: from this descriptor, whose bytes would be lost to
      // another one.
      whole = false;
      return readAll(file);
    }
    const bytes = new Uint8Array(stat.size);
    let at = 0;
    while (at < bytes.length) {
      const read = file.read(bytes, at, bytes.length - at);
      if (read === 0) break;
      at += read;
    }
    // Unless it grew meanwhile, that is the whole file. A byte order
    // mark stays, as readFileSync keeps it.
    if (at < bytes.length || file.read(new Uint8Array(1), 0, 1) === 0) {
      return decodeUtf8(bytes.subarray(0, at));
    }
  } finally {
    if (whole) file.close();
  }
  return readAll(host().open(path, "read"));
}
