/**
 * A short, stable, synchronous name suffix for text too long or too odd to use whole
 * (a docker container name, a temp file name): not for security, only to keep two
 * shortened names apart.
 * @module
 */

/**
 * FNV-1a, 32 bits (Fowler–Noll–Vo, the IETF draft-eastlake-fnv), of `text`'s UTF-16 code
 * units, as 8 lowercase hex digits.
 */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
