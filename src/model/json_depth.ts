/**
 * How deeply lists and objects may nest in data weft reads: a workflow file
 * (parse/nesting.ts), a webhook's body, and JSON text read at run time (loop items:
 * expr/value.ts). The recursive walkers (JSON.parse with a reviver among them) fail with
 * a stack overflow far deeper; a limit checked first, without recursion, turns such
 * input into one clear error.
 * @module
 */

/**
 * Most levels of lists and objects inside one another, the whole document counting as
 * level 1. Far beyond any real workflow (a task's `data` a few levels deep is common)
 * and far below what the recursive walkers can take.
 */
export const MAX_NESTING_DEPTH = 256;

/**
 * The offset of the first `[` or `{` of JSON `text` that opens level
 * {@link MAX_NESTING_DEPTH} + 1, or undefined. Strings are skipped; the text need not
 * be valid JSON.
 */
export function jsonTooDeep(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // "
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) {
        if (text.charCodeAt(i) === 0x5c) i++; // \ escapes the next character
      }
    } else if (c === 0x5b || c === 0x7b) { // [ {
      if (++depth > MAX_NESTING_DEPTH) return i;
    } else if (c === 0x5d || c === 0x7d) depth--; // ] }
  }
  return undefined;
}
