/**
 * `weft validate`'s check of a text weft builds as JSON around its `${...}` values (a
 * loop's `items` starting with `[`, an http `data` text sent as JSON: expr/json_text.ts)
 * for a value where an object's key goes, outside quotes (`[{${params.k}: 1}]`). A key is
 * a string in double quotes and such a value is at most one number, `true`, `false` or
 * `null`, so the text is no JSON whatever the value: the run would fail on it every time.
 * Inside the quotes (`[{"${params.k}": 1}]`) the value is the key, escaped, and fine.
 * @module
 */
import { keyPlaceValue } from "../expr/mod.ts";

/** A value found where a key goes: its `${` in the text, and what to say there. */
export interface JsonKeyTrouble {
  offset: number;
  message: string;
  hint: string;
}

/**
 * The first `${...}` (not written raw(...), which may be a key with its quotes on
 * purpose) of the template `text`, with its substitutions at `spans`, that stands where a
 * JSON object's key goes outside quotes; undefined when there is none.
 */
export function jsonKeyTrouble(
  text: string,
  spans: readonly { start: number; end: number; raw: boolean }[],
): JsonKeyTrouble | undefined {
  const span = keyPlaceValue(text, spans);
  if (span === undefined) return undefined;
  const written = text.slice(span.start, span.end);
  return {
    offset: span.start,
    message: `${written} stands where a key of a JSON object goes, outside quotes, so this ` +
      "is no JSON whatever its value: a key is a string in double quotes, and a value " +
      "outside them is at most one number, true, false or null",
    hint: `write it inside the quotes, "${written}": its value is then the key, escaped`,
  };
}
