// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

/**
 * Text from the input (an id, a field) as a message quotes it: escaped, so
 * that no control character reaches a terminal, and cut short, so that the
 * message stays one line whatever the file holds.
 */
export function quote(text: string): string {
  const cut = text.length > 40 ? text.slice(0, 40) : text;
  const quoted = JSON.stringify(cut).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return cut === text ? quoted : `${quoted.slice(0, -1)}…" (${text.length} characters)`;
}
