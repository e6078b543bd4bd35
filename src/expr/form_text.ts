/**
 * Building a form body (an http task's `data` written as a string and sent as
 * `application/x-www-form-urlencoded`) from a template, so that a value is data and never
 * form syntax — as json_text.ts does for JSON and url.ts for a URL's query:
 *
 * | where the `${` stands                      | the value                                   |
 * |--------------------------------------------|---------------------------------------------|
 * | the whole text (`data: "${params.body}"`)  | inserted as written: it is the whole body   |
 * | anywhere else (`name=${params.n}&role=x`)  | percent-encoded as a URL query value: `&`, `=`, `+`, `%`, space and every byte but `A-Z a-z 0-9 - . _ ~` become `%XX` |
 *
 * so `name=${params.n}&role=user` with `n=x&role=admin` sends `name=x%26role%3Dadmin&role=user`
 * (one name field), which a server decodes back to `x&role=admin` (WHATWG URL
 * application/x-www-form-urlencoded parsing). A value written `${raw(...)}` is inserted as
 * written (a value that is already encoded, or several fields on purpose).
 * @module
 */
import { percentEncode } from "./url.ts";

/**
 * The form media type (WHATWG URL §5, application/x-www-form-urlencoded; any case,
 * parameters allowed): a `data` text built by {@link buildFormText}, a `data` mapping sent
 * as its fields (data_value.ts).
 */
export const FORM_TYPE = /^\s*application\/x-www-form-urlencoded\s*(?:;|$)/i;

/** One substituted value. */
export interface FormTextValue {
  text: string;
  /** Written as `raw(...)`: inserted as written. */
  raw: boolean;
}

/**
 * The form body: `literals[k]` is the text before value k (the last one the text after
 * all values), each value placed by the table above. Never throws: every value can be
 * encoded.
 */
export function buildFormText(
  literals: readonly string[],
  values: readonly FormTextValue[],
): string {
  if (values.length === 1 && literals[0].trim() === "" && literals[1].trim() === "") {
    return literals[0] + values[0].text + literals[1];
  }
  let text = literals[0];
  for (let k = 0; k < values.length; k++) {
    const value = values[k];
    text += (value.raw ? value.text : percentEncode(value.text)) + literals[k + 1];
  }
  return text;
}
