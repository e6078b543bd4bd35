/**
 * When an http `data` text is a JSON text, built around its values by json_text.ts: sent
 * with a JSON Content-Type ({@link JSON_TYPE}), or with none and JSON by its literal text
 * ({@link jsonLooking}). Shared by the task that sends it (tasks/http_body.ts,
 * http_request.ts) and `weft validate` (parse/http_checks.ts), which must agree on it.
 * @module
 */
import { ExpressionError } from "./errors.ts";
import { readsAsJson } from "./json_text.ts";
import { compileTemplate } from "./template.ts";

/**
 * A JSON media type (RFC 8259, RFC 6839 §3.1 `+json`): `application/json`, `text/json`,
 * `application/problem+json`, `application/x-json`, and the line/record forms whose
 * records are JSON texts — NDJSON / JSON Lines (`application/x-ndjson`, `application/ndjson`,
 * `application/jsonl`, `application/x-jsonlines`, `application/x-ldjson`) and JSON text
 * sequences (`application/json-seq`, `…+json-seq`, RFC 7464, RFC 8091). Any case.
 */
export const JSON_TYPE =
  /^\s*[\w.+-]+\/(?:[\w.-]+\+)?(?:x-)?(?:nd|ld)?json(?:l|-?lines|-seq|-stream)?\s*(?:;|$)/i;

/**
 * Whether `data`, a text sent with no Content-Type, is sent as JSON (as an object `data`
 * is, and as httpie sends a raw body): one whose first character is `{` — no other format
 * weft sends starts so; `weft validate` refuses one that is not JSON (parse/http_checks.ts)
 * — and one starting with `[` whose literal text is a JSON array whatever values its
 * `${...}` get (json_text.ts readsAsJson: parsed, not matched by its start), so that
 * an INI `[section]` goes as written. As JSON, a value stays inside its JSON string
 * (`[true, {"name": "${params.n}"}]` with `n=x", "role": "admin` adds no key) and one
 * outside a string must be one scalar (`[${params.n}]` with `n=1, "admin"` adds no element).
 */
export function jsonLooking(data: string): boolean {
  const start = data.trimStart()[0];
  if (start === "{") return true;
  if (start !== "[") return false;
  try {
    return readsAsJson(data, compileTemplate(data).spans);
  } catch (e) {
    // A `${` that does not compile: interpolating the body reports it.
    if (e instanceof ExpressionError) return false;
    throw e;
  }
}
