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
