// Copyright the @x/minimalloc authors. Apache-2.0 license.

// The judge firstBadByte's tests compare it with: the platform's decoder.

/** Whether the bytes are UTF-8, by TextDecoder's fatal mode. */
export function decodes(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
