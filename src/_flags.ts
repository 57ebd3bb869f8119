// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// A small absl-style flag reader: `--name=value`, `--name value`, and for
// booleans `--name`, `--noname`, `--name=true|false`; dashed spellings
// (`--canonical-only`, `--no-canonical-only`) are the same flags.

/** A command-line mistake: an unknown flag, a bad value, a missing one. */
export class UsageError extends Error {
  /** Always `"usage"`. */
  readonly code = "usage";
  /** @param message What is wrong, in one line. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** What a flag holds. */
export type FlagKind = "boolean" | "string";

/** The flags a command accepts: canonical snake_case name → kind. */
export type FlagSpec = Record<string, FlagKind>;

const TRUE = new Set(["true", "t", "yes", "y", "1"]);
const FALSE = new Set(["false", "f", "no", "n", "0"]);

/**
 * Reads flags into a map of canonical names to values. `aliases` maps
 * one-letter flags written with one dash (`-h`) to canonical names; any
 * other single-dash flag is read as a long one (`-capacity=12`), as absl
 * reads it.
 */
export function parseFlags(
  args: string[],
  spec: FlagSpec,
  aliases: Record<string, string> = {},
): Map<string, string | boolean> {
  const values = new Map<string, string | boolean>();
  for (let i = 0; i < args.length; i++) {
    let arg = args[i];
    const alias = /^-([A-Za-z])$/.exec(arg);
    if (alias !== null && aliases[alias[1]] !== undefined) arg = `--${aliases[alias[1]]}`;
    if (arg === "--") {
      if (i + 1 < args.length) throw new UsageError(`unexpected argument "${args[i + 1]}"`);
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      throw new UsageError(`unexpected argument "${arg}" (flags look like --name=value)`);
    }
    const body = arg.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const rawName = eq === -1 ? body : body.slice(0, eq);
    const inline = eq === -1 ? undefined : body.slice(eq + 1);
    const name = rawName.replaceAll("-", "_");
    let kind = spec[name];
    let canonical = name;
    let negated = false;
    if (kind === undefined) {
      const positive = name.startsWith("no_") ? name.slice(3) : name.slice(2);
      if (name.startsWith("no") && spec[positive] === "boolean") {
        canonical = positive;
        kind = "boolean";
        negated = true;
      }
    }
    if (kind === undefined) {
      const hint = suggest(name, Object.keys(spec));
      // Named as it was given (-x, --x).
      const given = eq === -1 ? arg : arg.slice(0, arg.indexOf("="));
      throw new UsageError(`unknown flag ${given}${hint ? ` (did you mean --${hint}?)` : ""}`);
    }
    if (kind === "boolean") {
      if (inline === undefined) {
        values.set(canonical, !negated);
      } else if (negated) {
        throw new UsageError(`--${rawName} takes no value`);
      } else if (TRUE.has(inline.toLowerCase())) {
        values.set(canonical, true);
      } else if (FALSE.has(inline.toLowerCase())) {
        values.set(canonical, false);
      } else {
        throw new UsageError(`--${rawName} expects true or false, got "${inline}"`);
      }
    } else if (inline !== undefined) {
      values.set(canonical, inline);
    } else if (i + 1 < args.length) {
      values.set(canonical, args[++i]);
    } else {
      throw new UsageError(`--${rawName} needs a value`);
    }
  }
  return values;
}

/** The closest known name, if it is close enough to be a typo. */
function suggest(name: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of names) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length];
}

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Reads a duration such as `500ms`, `10s`, `1.5m`, `1h30m` or `inf` into
 * milliseconds (Infinity for `inf`).
 */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (t === "inf" || t === "infinite") return Infinity;
  if (t === "0") return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < t.length) {
    part.lastIndex = at;
    const match = part.exec(t);
    if (!match) break;
    total += Number(match[1]) * UNITS[match[2]];
    at = part.lastIndex;
  }
  if (at !== t.length || t.length === 0) {
    throw new UsageError(
      `--timeout expects a duration such as 500ms, 10s, 1.5m, 1h30m or inf, got "${text}"`,
    );
  }
  return total;
}

/** Reads a non-negative safe integer flag value. */
export function parseCount(name: string, text: string): number {
  const t = text.trim();
  const value = Number(t);
  if (!/^\+?\d+$/.test(t) || !Number.isSafeInteger(value)) {
    throw new UsageError(`--${name} expects a whole number of bytes, got "${text}"`);
  }
  return value;
}
