/**
 * Where the object keys of a JSON text are: an output value weft or a task made as
 * JSON (a database task's `rows`, `[{"postgres_host": …}]`) holds the names the
 * workflow reads (`${item.postgres_host}`), which masking keeps (mask_events.ts).
 * @module
 */

/** One key of a JSON text: `index`..`end` is its text between the quotes. */
export interface KeySpan {
  index: number;
  end: number;
  /** The key as JSON reads it (escapes resolved). */
  key: string;
}

/**
 * The keys of the objects in `text`, in order, when `text` is a JSON object or array;
 * none for any other text (one that only looks like JSON is data throughout).
 * @example jsonKeySpans('[{"a": 1}]') // [{ index: 3, end: 4, key: "a" }]
 */
export function jsonKeySpans(text: string): KeySpan[] {
  const start = text.trimStart()[0];
  if (start !== "{" && start !== "[") return [];
  try {
    JSON.parse(text);
  } catch {
    return [];
  }
  const spans: KeySpan[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') {
      i++;
      continue;
    }
    // A string: to its closing quote, past escaped characters.
    let end = i + 1;
    while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
    let after = end + 1;
    while (after < text.length && /\s/.test(text[after])) after++;
    if (text[after] === ":") {
      spans.push({ index: i + 1, end, key: JSON.parse(text.slice(i, end + 1)) });
    }
    i = end + 1;
  }
  return spans;
}
