/**
 * Secret masking. The values of secret-looking environment variables (and of those a
 * workflow lists under `secrets:`) are replaced by `***` wherever they would be shown
 * or stored: the engine masks its events at the source, and the run store's recorder
 * masks again before anything reaches WEFT_HOME.
 * @module
 */

/** Environment variable names whose values are secret. */
export const SECRET_NAME_PATTERN = /SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY/i;

/** Values shorter than this are not masked: masking "1" or "on" would garble all output. */
export const MIN_SECRET_LENGTH = 3;

/** What a masked value is replaced with. */
export const MASK = "***";

/**
 * The values to mask: those of variables whose name looks secret, plus the variables
 * named in `declared` (a workflow's `secrets:`). Longest first, without duplicates,
 * so a secret that contains another is masked whole.
 * @example secretValues({ API_TOKEN: "abc123", HOME: "/root" }) // ["abc123"]
 */
export function secretValues(env: Record<string, string>, declared: string[] = []): string[] {
  const names = new Set(declared);
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!SECRET_NAME_PATTERN.test(name) && !names.has(name)) continue;
    if (typeof value === "string" && value.length >= MIN_SECRET_LENGTH) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** A function that masks every secret value in a string (identity when there are none). */
export function createMasker(secrets: readonly string[]): (text: string) => string {
  const values = [...new Set(secrets)]
    .filter((v) => v.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  const escaped = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(escaped.join("|"), "g");
  return (text) => text.replace(pattern, MASK);
}

/**
 * Masks every string inside a JSON-like value (objects, arrays, strings), returning a
 * copy; keys are masked too. Other values are returned as they are.
 * @example maskDeep({ line: "token=abc123" }, createMasker(["abc123"])) // { line: "token=***" }
 */
export function maskDeep<T>(value: T, mask: (text: string) => string): T {
  if (typeof value === "string") return mask(value) as T;
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, mask)) as T;
  if (value && typeof value === "object") {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[mask(key)] = maskDeep(item, mask);
    return copy as T;
  }
  return value;
}
