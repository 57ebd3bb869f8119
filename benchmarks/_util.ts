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
