/**
 * Building a JSON text (an http task's `data` written as a string and sent as JSON) from a
 * template, so that a value is data and never JSON syntax — as url.ts does for URLs:
 *
 * | where the `${` stands                      | the value                                   |
 * |--------------------------------------------|---------------------------------------------|
 * | the whole text (`data: "${params.body}"`)  | inserted as written: it is the whole body   |
 * | inside a string (`"name": "${params.n}"`)  | escaped as a JSON string's content (RFC 8259 §7): a `"` in it stays inside the string |
 * | where an object's key goes (`{${params.k}: 1}`) | refused, whatever it is: a key is a string in double quotes, and a value outside them is at most one scalar (json_place.ts) |
 * | anywhere else (`"count": ${params.n}`)     | one number, `true`, `false` or `null`, else refused |
 *
 * A value written `${raw(...)}` is inserted as written wherever it stands (a value that
 * is a JSON fragment on purpose).
 * @module
 */
import { ExpressionError } from "./errors.ts";
import { duplicateKeys, type TokenRange } from "./json_duplicates.ts";
import { JsonPlace } from "./json_place.ts";

/** One substituted value. `offset` locates its `${` in the template, for errors. */
export interface JsonTextValue {
  text: string;
  /** Written as `raw(...)`: inserted as written. */
  raw: boolean;
  offset: number;
}

/** One JSON scalar a value may be outside a string (RFC 8259 §3, §6). */
const SCALAR = /^\s*(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)\s*$/;

/**
 * The JSON text: `literals[k]` is the text before value k (the last one the text after
 * all values), each value placed by the table above. Throws ExpressionError, at the
 * value's `${`, for a value where an object's key goes outside quotes, and for one
 * outside a string that is not one scalar.
 */
export function buildJsonText(
  literals: readonly string[],
  values: readonly JsonTextValue[],
): string {
  if (values.length === 1 && literals[0].trim() === "" && literals[1].trim() === "") {
    return literals[0] + values[0].text + literals[1];
  }
  let text = "";
  const place = new JsonPlace();
  /** Where values went inside keys (`{"${params.k}": 1}`), in the text built. */
  const inKeys: (TokenRange & { offset: number })[] = [];
  for (let k = 0; k < literals.length; k++) {
    const literal = literals[k];
    place.read(literal);
    text += literal;
    if (k === values.length) break;
    const value = values[k];
    const state = place.state;
    if (value.raw) text += value.text;
    else if (state === "escape") {
      // `"a\${x}"`: the `\` would escape the value's first character.
      throw new ExpressionError(
        "a value right after a `\\` in a JSON string",
        value.offset,
        "write the backslash as `\\\\` or move it",
      );
    } else if (state === "in") {
      const start = text.length;
      text += JSON.stringify(value.text).slice(1, -1);
      if (place.inKey) inKeys.push({ start, end: text.length, offset: value.offset });
    } else if (place.keyPlace) {
      // Whatever the value: a scalar is no key either (`{1: 2}` is no JSON).
      throw new ExpressionError(KEY_MESSAGE, value.offset, KEY_HINT);
    } else if (SCALAR.test(value.text)) text += value.text.trim();
    else {
      throw new ExpressionError(
        "a value outside a JSON string must be one number, true, false or null",
        value.offset,
        'put it inside quotes ("${...}") to send it as a string, write `data` as an object ' +
          "(weft then writes the JSON), or write raw(...) around a value that is JSON on purpose",
      );
    }
    place.value(value.raw);
  }
  if (inKeys.length > 0) refuseRepeatedKeys(text, inKeys);
  return text;
}

/**
 * A value inside a key's quotes made a key its object has twice: its hint, not advice on
 * quoting (the value is quoted already), says what to do.
 */
export class RepeatedKeyError extends ExpressionError {}

/**
 * Throws RepeatedKeyError, at the `${` of the first value in `inKeys` that made a key its
 * object already has or has again later (a key the workflow wrote, or another value's):
 * readers keep either (RFC 8259 §4), so the value could override what was written.
 */
function refuseRepeatedKeys(text: string, inKeys: (TokenRange & { offset: number })[]): void {
  const within = (r: TokenRange) => inKeys.find((v) => v.start >= r.start && v.end <= r.end);
  for (const { first, again } of duplicateKeys(text)) {
    const value = within(first) ?? within(again);
    if (!value) continue; // written so, twice: the workflow's own text
    throw new RepeatedKeyError(
      "this value makes a key its JSON object has twice (a reader keeps either one, so a " +
        "value could override a key the workflow wrote)",
      value.offset,
      "give the value a key no other member of the object has, or write `data` as an " +
        "object (weft then writes the JSON)",
    );
  }
}

/** Why a value may not stand where an object's key goes, outside quotes. */
const KEY_MESSAGE = "a value where a JSON object's key goes must be inside its " +
  "double quotes (a key is a string; outside quotes a value is at most one number, true, " +
  "false or null, which is no key)";

/** What to write instead (the key from a value: inside its quotes, escaped as its text). */
const KEY_HINT = "write it inside the quotes ('{\"${...}\": 1}'): its value is then " +
  "the key, escaped";

/**
 * The first `${...}` of the template `source` (at `spans`), not written raw(...), that
 * stands where a JSON object's key goes outside quotes (`[{${params.k}: 1}]`), which
 * buildJsonText refuses whatever its value; undefined when there is none. For `weft
 * validate`, which refuses such a text at that `${`.
 */
export function keyPlaceValue<Span extends { start: number; end: number; raw: boolean }>(
  source: string,
  spans: readonly Span[],
): Span | undefined {
  const place = new JsonPlace();
  let from = 0;
  for (const span of spans) {
    place.read(source.slice(from, span.start));
    if (!span.raw && place.keyPlace) return span;
    place.value(span.raw);
    from = span.end;
  }
  return undefined;
}

/**
 * Whether the template `source`, with its `${...}` at `spans`, is a JSON object or array
 * whatever its values are: {@link jsonStandIn} read by JSON.parse, each value stood in for
 * as `0` and as `""` outside a string, so that `[1${x}]` and `{${k}: 1}` both read. Its
 * structure is then the literal text's alone: buildJsonText keeps every value inside its
 * string or one scalar, and refuses one where a key goes ({@link keyPlaceValue}: such a
 * text is JSON by its shape, refused as JSON, never sent as other text). Used for an http
 * `data` text sent without a Content-Type (tasks/http_body.ts, parse/http_checks.ts).
 */
export function readsAsJson(
  source: string,
  spans: readonly { start: number; end: number }[],
): boolean {
  return (["0", '""'] as const).some((scalar) => {
    try {
      const value: unknown = JSON.parse(jsonStandIn(source, spans, scalar));
      return typeof value === "object" && value !== null;
    } catch {
      return false;
    }
  });
}

/**
 * `source` with each `${...}` (at `spans`, from its `$` to after its `}`) replaced by text
 * of the same length that keeps its place in the JSON: inside a string `x`s (after a lone
 * `\` an `n` first, which buildJsonText refuses anyway), elsewhere `scalar` and blanks. So
 * an offset in it is the same offset in `source` (findJsonError's, for `weft validate`).
 */
export function jsonStandIn(
  source: string,
  spans: readonly { start: number; end: number }[],
  scalar: "0" | '""',
): string {
  let text = "";
  const place = new JsonPlace();
  let from = 0;
  for (const { start, end } of spans) {
    const literal = source.slice(from, start);
    place.read(literal);
    const state = place.state;
    const fill = state === "out" ? scalar : state === "escape" ? "n" : "";
    text += literal + fill + (state === "out" ? " " : "x").repeat(end - start - fill.length);
    place.value(false);
    from = end;
  }
  return text + source.slice(from);
}
