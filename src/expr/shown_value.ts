/**
 * How a value appears in a plan (`weft run --dry-run`): whole up to
 * {@link SHOWN_VALUE_MAX} characters, a longer one as `<${params.p}: 102400 characters>`
 * — a param's or variable's in every field (engine/preview.ts, its scope; a secret's as
 * `***`), and one a `${...}` computes in a command (template.ts renderShellShown).
 * A plan shows a value at each of its uses, so a long value used often made the plan,
 * and the memory that builds it, that many times its size (100 KB used 1,000 times:
 * 100 MB printed, ~1 GB of memory); the run itself passes it once (template.ts
 * renderShell: an environment variable). Nothing of a long value is shown, not even its
 * start: a part of a secret is no longer found by masking.
 * @module
 */

/** The longest value a plan shows whole, in characters (Unicode code points). */
export const SHOWN_VALUE_MAX = 1024;

/**
 * `value`, or when longer than {@link SHOWN_VALUE_MAX} characters a placeholder naming
 * `written` (the `${...}` as written, or what stands for it) and the value's length.
 * @example shownValue("x".repeat(5000), "${params.p}") // "<${params.p}: 5000 characters>"
 */
export function shownValue(value: string, written: string): string {
  // A UTF-16 length within the bound is within it in code points too: no count needed.
  if (value.length <= SHOWN_VALUE_MAX) return value;
  const characters = codePoints(value);
  return characters <= SHOWN_VALUE_MAX ? value : `<${written}: ${characters} characters>`;
}

/** How many code points `text` holds: a surrogate pair (an emoji) counts once. */
function codePoints(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return text.length - pairs;
}
