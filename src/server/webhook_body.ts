/**
 * Reading a webhook request's body within bounds: at most {@link MAX_BODY_BYTES}, counted
 * as it arrives (Content-Length is not trusted), and within a time limit; then its JSON
 * object's fields as params.
 * @module
 */
import { jsonTooDeep, MAX_NESTING_DEPTH } from "../parse/nesting.ts";
import { findDuplicateJsonKeys, jsonErrorPlace, jsonPlace } from "../parse/json_error.ts";
import { loneSurrogates } from "../parse/lone_surrogates.ts";
import { concatBytes } from "../arrays.ts";

/** Largest request body accepted (1 MiB); larger bodies get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The body's bytes; null once more than MAX_BODY_BYTES arrived (Content-Length is not
 * trusted); "slow" when it has not all arrived within `timeoutMs` (a slow-loris client);
 * "gone" when the client closed the connection before it all arrived (Deno's read then
 * fails with its own words, which say nothing of whose doing it was).
 */
export async function readLimited(
  request: Request,
  timeoutMs: number,
): Promise<Uint8Array | null | "slow" | "gone"> {
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const slow = new Promise<"slow">((r) => timer = setTimeout(() => r("slow"), timeoutMs));
  try {
    while (true) {
      let next: ReadableStreamReadResult<Uint8Array> | "slow";
      try {
        next = await Promise.race([reader.read(), slow]);
      } catch {
        return "gone";
      }
      if (next === "slow") {
        reader.cancel().catch(() => {});
        return "slow";
      }
      const { done, value } = next;
      if (done) break;
      total += value.byteLength;
      if (total > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => {});
        return null;
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
  }
  return concatBytes(chunks, total);
}

/** The JSON object in the body (an empty body is `{}`), or the error message. */
export function parseBody(bytes: Uint8Array): Record<string, unknown> | string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "the body is not UTF-8";
  }
  if (text.trim() === "") return {};
  // Checked before parsing, without recursion: JSON.parse of 100,000 nested `[` fails
  // with the engine's "Maximum call stack size exceeded", which says nothing useful.
  const deep = jsonTooDeep(text);
  if (deep !== undefined) {
    return `the JSON body is nested too deeply: more than ${MAX_NESTING_DEPTH} levels of ` +
      `lists and objects (at byte ${deep}); send a flat JSON object whose fields are the ` +
      "workflow's params";
  }
  let value: unknown;
  try {
    // Numbers keep the text they were sent as: 12345678901234567890 stays that, not a
    // rounded double, and 1e999 is not "Infinity" (the reviver's context, ES2025).
    value = JSON.parse(
      text,
      (_key, v, context?: { source?: string }) =>
        typeof v === "number" ? new JsonNumber(context?.source ?? String(v)) : v,
    );
  } catch {
    // Said by position, not by V8's message, which quotes the body (it may hold a secret).
    return describeJsonError(text);
  }
  if (
    value === null || typeof value !== "object" || Array.isArray(value) ||
    value instanceof JsonNumber
  ) {
    return "the body must be a JSON object whose fields are the workflow's params";
  }
  return sameAsWritten(text, value) ?? value as Record<string, unknown>;
}

/**
 * Why the parsed body is not what its text says, as workflow JSON files are refused
 * (parse/syntax.ts): a key written twice in one object (JSON.parse keeps the last, while
 * a gateway or a reviewer may read the first), or a `\ud800` escape without its other half
 * (no character: handed on as UTF-8 it becomes U+FFFD). Undefined when neither. Names
 * the key (a param's name) and the place, never a value.
 */
function sameAsWritten(text: string, value: object): string | undefined {
  const duplicate = findDuplicateJsonKeys(text)[0];
  if (duplicate) {
    return `duplicate key ${JSON.stringify(duplicate.key.slice(0, 40))} ` +
      `${jsonPlace(text, duplicate.offset)}: it is already set ` +
      `${jsonPlace(text, duplicate.firstOffset)}, and a key may appear once per object`;
  }
  const lone = loneSurrogates(value)[0];
  if (lone) {
    const where = lone.path.map((segment) => JSON.stringify(segment)).join(" → ");
    return `${lone.escape} in the ${lone.inKey ? "key" : "value"} at ${where} is half of ` +
      "a UTF-16 surrogate pair, no character: write the whole pair (\\ud83d\\ude00) or " +
      "the character itself";
  }
}

/**
 * `malformed JSON at line L, column C (byte B): why` for a body JSON.parse refused (line
 * and column from 1, the column in code points; B from 0, in UTF-8 bytes). V8's own
 * message quotes the body around the error (`..."i_token": hunter2sec"...`), and the
 * body may hold a secret (a token param) that would go back to the client and into the
 * daemon's log: so nothing of the body is quoted, not even the character found there.
 */
function describeJsonError(text: string): string {
  const place = jsonErrorPlace(text);
  return place === undefined ? "malformed JSON" : `malformed JSON ${place}`;
}

/** A JSON number as the text it was sent as. */
class JsonNumber {
  constructor(readonly text: string) {}
}

/** The scalar fields as params (numbers as sent), and the names of the others. */
export function toParams(
  body: Record<string, unknown>,
): { params: Record<string, string>; nested: string[] } {
  const params: Record<string, string> = {};
  const nested: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === "string") params[name] = value;
    else if (value instanceof JsonNumber) params[name] = value.text;
    else if (typeof value === "boolean") params[name] = String(value);
    else nested.push(name);
  }
  return { params, nested };
}
