/**
 * Lines of a workflow's text, counted one way everywhere (positions of problems, of
 * bad bytes, the YAML parser's input): without the YAML parser, so that reading and
 * decoding a file loads none of it.
 * @module
 */

/**
 * The offsets where lines of `text` start. A line ends at `\n`, `\r\n` or a lone `\r`:
 * YAML 1.2.2 §5.4 (b-break) and JSON (where all three are whitespace) alike, and what
 * editors count; every position weft reports counts lines this way.
 */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) starts.push(i + 1);
  }
  return starts;
}

/**
 * `text` with each lone `\r` made a `\n`, same length and offsets. The yaml package
 * breaks lines at `\n` only; YAML 1.2.2 §5.4 breaks them at a lone `\r` too (and folds
 * it to `\n` in scalars, §5.4 "line break normalization").
 */
export function lfBreaks(text: string): string {
  return text.includes("\r") ? text.replace(/\r(?!\n)/g, "\n") : text;
}

/**
 * The line and column (1-based, columns in UTF-16 units) of `offset` in `text`;
 * `starts` are its {@link lineStarts} when known.
 */
export function positionIn(
  text: string,
  offset: number,
  starts: readonly number[] = lineStarts(text),
): { line: number; column: number } {
  const at = Math.max(0, Math.min(offset, text.length));
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= at) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: at - starts[low] + 1 };
}
