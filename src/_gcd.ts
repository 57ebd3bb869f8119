// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// Greatest common divisor and least common multiple of whole numbers
// (alignments, grains), shared by the plan, the neighbourhood search and
// the search by pairs.

/** The greatest common divisor of two whole numbers (gcd(a, 0) = a). */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The least common multiple of two whole numbers above 0. */
export function lcm(a: number, b: number): number {
  return a / gcd(a, b) * b;
}
