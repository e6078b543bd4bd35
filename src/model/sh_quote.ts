/**
 * The one way weft shows an argv: each word quoted for sh, so what is shown is what
 * the program gets, word for word (`weft run --dry-run`'s docker and script lines,
 * `weft schedule export`'s commands).
 * @module
 */

/**
 * A word quoted for sh: as it is when it holds only `[A-Za-z0-9_@%+=:,./-]` (and is not
 * empty), else in single quotes with each `'` as `'\''`.
 * @example shQuote("a b'c") // "'a b'\\''c'"
 */
export function shQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The words of `argv`, each {@link shQuote}d, joined by single spaces. */
export function shArgv(argv: readonly string[]): string {
  return argv.map(shQuote).join(" ");
}
