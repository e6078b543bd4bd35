/**
 * A JSON number token kept exactly as the user wrote it (`12345678901234567890`, `1.10`,
 * `1e3`, `-0`), for the free-form JSON weft sends on (an http task's `data`): a double
 * would turn the first into 12345678901234567000, the second into 1.1. The value is a
 * `JSON.rawJSON` object (ES2025 "JSON.parse source text access", in V8), which
 * `JSON.stringify` writes as its text verbatim. Such an object cannot go through
 * `structuredClone` (V8 refuses it): it lives only in the parsed model, which is never
 * cloned; generic walkers test it with {@link isWrittenNumber} before treating it as an object.
 * @module
 */

/** The two functions of ES2025 that Deno's TypeScript lib does not declare yet. */
interface RawJson {
  rawJSON(text: string): object;
  isRawJSON(value: unknown): boolean;
}

const rawJson = JSON as unknown as RawJson;

/** A JSON number token (RFC 8259 §6): what {@link writtenNumber} takes. */
export const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * The value `JSON.stringify` writes as `text`, a JSON number token as written (see
 * {@link JSON_NUMBER}); undefined for any other text (`0012`, `+1`, `.5` are YAML
 * numbers but not JSON: their value is sent as a double writes it).
 */
export function writtenNumber(text: string): object | undefined {
  return JSON_NUMBER.test(text) ? rawJson.rawJSON(text) : undefined;
}

/** Whether `value` is a number kept as written ({@link writtenNumber}). */
export function isWrittenNumber(value: unknown): boolean {
  return typeof value === "object" && value !== null && rawJson.isRawJSON(value);
}

/** The text an item number was written as, where its JSON token differs (`02` → `2`). */
const itemTexts = new WeakMap<object, string>();

/**
 * YAML 1.2 core schema number spellings (YAML 1.2.2 §10.3.2, the schema the `yaml`
 * package reads with): integers `[-+]?[0-9]+` (so `02` is the integer 2), `0o` octal,
 * `0x` hexadecimal, and floats `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
 */
const CORE_OCTAL = /^0o[0-7]+$/;
const CORE_HEX = /^0x[0-9a-fA-F]+$/;
const CORE_DECIMAL = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/**
 * The JSON number token for a number inside a loop item written `text` (the source of an
 * unquoted scalar), so that `$WEFT_ITEM` and `${item}` give it as a number, as http
 * `data` sends numbers: the token as written when JSON has one (`2.0`, `1.50`, `1e3`,
 * `-0`, any number of digits), else the number YAML's core schema reads (`02` → 2,
 * `0x1F` → 31, `.5` → 0.5, `+1` → 1). A field read alone (`${item.replicas}`) keeps the
 * written text ({@link itemNumberText}). Undefined for text that is no finite number
 * (`True`, `1e400`, `.inf`), which stays text.
 */
export function itemNumber(text: string): object | undefined {
  let value: number;
  if (CORE_OCTAL.test(text)) value = parseInt(text.slice(2), 8);
  else if (CORE_HEX.test(text)) value = parseInt(text.slice(2), 16);
  else if (CORE_DECIMAL.test(text)) value = Number(text);
  else return undefined;
  if (!Number.isFinite(value)) return undefined;
  const written = writtenNumber(text);
  if (written) return written;
  const token = rawJson.rawJSON(JSON.stringify(value));
  itemTexts.set(token, text);
  return token;
}

/** The text a number token of an item stands for when read alone: as written. */
export function itemNumberText(token: object): string {
  return itemTexts.get(token) ?? JSON.stringify(token);
}
