/**
 * The keys a JSON text repeats within one object. RFC 8259 §4 leaves a repeated name's
 * meaning to each reader ("the names within an object SHOULD be unique"): most keep the
 * last, some the first, some refuse it. json_text.ts refuses a repeat that a value made,
 * which could otherwise override a key the workflow wrote.
 * @module
 */

/** A string token of the text: its first (`"`) and past-the-last offsets. */
export interface TokenRange {
  start: number;
  end: number;
}

/** A key repeated in one object: where it first stood and where it stood again. */
export interface RepeatedKey {
  first: TokenRange;
  again: TokenRange;
}

/**
 * Each repeat of a key in an object of `text`, a JSON text (RFC 8259), in text order;
 * keys compare by their decoded value (`"a"` and `"\u0061"` are one key). A text that is
 * no JSON gives what its well-formed objects repeat, never an error.
 * @example duplicateKeys('{"a": 1, "a": 2}') // [{first: {start: 1, end: 4}, again: {start: 9, end: 12}}]
 */
export function duplicateKeys(text: string): RepeatedKey[] {
  const repeated: RepeatedKey[] = [];
  /** Per open `{` or `[`: an object's keys seen (decoded → range), null for an array. */
  const open: (Map<string, TokenRange> | null)[] = [];
  /** Whether a key may stand next: after `{` or an object's `,`. */
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      const range = { start, end: i + 1 };
      const keys = open.at(-1);
      if (keyNext && keys) {
        let key: string;
        try {
          key = JSON.parse(text.slice(range.start, range.end));
        } catch {
          key = text.slice(range.start, range.end);
        }
        const first = keys.get(key);
        if (first) repeated.push({ first, again: range });
        else keys.set(key, range);
      }
      keyNext = false;
    } else if (c === "{") {
      open.push(new Map());
      keyNext = true;
    } else if (c === "[") {
      open.push(null);
      keyNext = false;
    } else if (c === "}" || c === "]") {
      open.pop();
      keyNext = false;
    } else if (c === ",") keyNext = open.at(-1) != null;
    else if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") keyNext = false;
  }
  return repeated;
}
