/**
 * How an http task's `data` written as a mapping or a list (not as a text) is sent for
 * its Content-Type, shared by the task that sends it (tasks/http_body.ts valueBody) and
 * `weft validate` (parse/http_checks.ts), which must agree on it:
 *
 * | Content-Type                              | the body                                      |
 * |-------------------------------------------|-----------------------------------------------|
 * | none, or JSON ({@link JSON_TYPE})         | the value as JSON (sent as `application/json` when none is set) |
 * | form ({@link FORM_TYPE})                  | a mapping's fields `name=value&…`, each name and value percent-encoded as a URL query component (form_text.ts), as Python requests sends `data=dict` and httpie `--form`; a string, number or boolean is its text, a mapping, list or null — which no form field holds — is refused |
 * | anything else (XML, `multipart/*`, text…) | refused: JSON sent under another format's type would be read as that format, where a value's JSON text could be syntax |
 *
 * The form body is what the WHATWG URL Standard's application/x-www-form-urlencoded
 * serializer (URLSearchParams) writes, but for a space written `%20` (not `+`), `*`
 * escaped and `~` kept, which its parser reads back alike: `&`, `=`, `+`, `%` and space
 * in a name or value are escaped, so `user=x&role=admin` arrives as one `user` field.
 * A number or boolean `data` (not a mapping or list) is its text in every format, which
 * is its JSON as well.
 * @module
 */
import { JSON_TYPE } from "./json_body.ts";
import { buildFormText, FORM_TYPE } from "./form_text.ts";
import { isWrittenNumber } from "../model/json_number.ts";

/** Why `data` cannot be sent with its Content-Type: the path of the value inside `data`. */
export interface DataValueTrouble {
  /** Inside `data`: `[]` for `data` itself, `[name]` for one field of a form. */
  path: string[];
  message: string;
  hint: string;
}

/** A mapping or list: what is sent as JSON or refused; a scalar is its own text. */
function structured(value: unknown): boolean {
  return typeof value === "object" && value !== null && !isWrittenNumber(value);
}

/** `a mapping`, `a list`, `null`: a value no form field holds. */
function what(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "a list" : "a mapping";
}

/**
 * Why `data` (a value, not a text) cannot be sent with Content-Type `type` ("" when none)
 * by the table above: every form field that cannot be one, in order, or the one reason
 * `data` itself cannot be sent; empty when it can. `quote` marks quoted text (the type, a
 * field's name) as the caller's messages do.
 */
export function dataValueTroubles(
  data: unknown,
  type: string,
  quote: (text: string) => string = (text) => text,
): DataValueTrouble[] {
  if (!structured(data) || type.trim() === "" || JSON_TYPE.test(type)) return [];
  const sent = `Content-Type ${quote(JSON.stringify(type.trim()))}`;
  if (!FORM_TYPE.test(type)) {
    return [{
      path: [],
      message: `${what(data)} would be sent as JSON under ${sent}, which is neither JSON ` +
        "nor a form",
      hint: "write `data` as text in that format (each ${...} in it is then made data of " +
        "the format), or leave the Content-Type out to send JSON",
    }];
  }
  if (Array.isArray(data)) {
    return [{
      path: [],
      message: `a list cannot be sent as a form (${sent}): a form is named fields`,
      hint: "write `data` as a mapping of field names to values, or as the form text " +
        "(`a=1&b=2`)",
    }];
  }
  const troubles: DataValueTrouble[] = [];
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    if (value !== null && !structured(value)) continue;
    troubles.push({
      path: [name],
      message: `field ${quote(JSON.stringify(name))} is ${what(value)}, which a form field ` +
        `(${sent}) cannot hold: a field's value is one text`,
      hint: value === null
        ? "write '' for an empty field, or leave the field out"
        : "write the value as a JSON string (`'{\"a\": 1}'`) if the server reads JSON in " +
          "that field, or leave the Content-Type out to send `data` as JSON",
    });
  }
  return troubles;
}

/** Whether `data` (a value, not a text) is sent as a form with Content-Type `type`. */
export function sentAsForm(data: unknown, type: string): boolean {
  return structured(data) && !Array.isArray(data) && FORM_TYPE.test(type);
}

/**
 * The form body of `fields` (a mapping whose values are strings, numbers or booleans:
 * {@link dataValueTroubles} refuses others): `name=value` pairs joined by `&`, each name and
 * value percent-encoded by buildFormText as a value of a form text is.
 */
export function formBody(fields: Record<string, unknown>): string {
  const literals = [""];
  const values = [];
  for (const [name, value] of Object.entries(fields)) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    values.push({ text: name, raw: false }, { text, raw: false });
    literals.push("=", "&");
  }
  // The last field is followed by nothing (buildFormText takes one literal more than values).
  literals[literals.length - 1] = "";
  return buildFormText(literals, values);
}
