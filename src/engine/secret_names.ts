/**
 * Which variable and param names look secret, and the values of an environment to mask
 * by that rule (engine/secrets.ts masks them).
 * @module
 */
import { MIN_SECRET_LENGTH } from "./secret_forms.ts";

/**
 * The words of a secret name, matched by {@link isSecretLikeName} in a name without its
 * `-`/`_` separators (so `API_KEY`, `api-key`, `apiKey` and `OPENAI_APIKEY` all hold
 * `APIKEY`), any case.
 */
const SECRET_NAME_PATTERN = /SECRET|TOKEN|PASSWORD|PASSWD|APIKEY|PRIVATEKEY/i;

/**
 * Whether a variable or param name looks secret: it holds one of the words of
 * {@link SECRET_NAME_PATTERN} once its `-` and `_` are dropped, in any case — so the
 * separators and the case boundaries of SCREAMING_SNAKE, kebab-case and camelCase
 * (`API_KEY`, `api-key`, `apiKey`, `OPENAI_APIKEY`) give the same answer. The one rule
 * for environment variables and params alike (Secrets.isSecretName, resume_params.ts).
 */
export function isSecretLikeName(name: string): boolean {
  return SECRET_NAME_PATTERN.test(name.replace(/[-_]/g, ""));
}

/**
 * The values to mask: those of variables whose name looks secret, plus the variables
 * named in `declared` (a workflow's `secrets:`). Longest first, without duplicates;
 * values shorter than {@link MIN_SECRET_LENGTH} are left out.
 * @example secretValues({ API_TOKEN: "abc123", HOME: "/root" }) // ["abc123"]
 */
export function secretValues(env: Record<string, string>, declared: string[] = []): string[] {
  const names = new Set(declared);
  const values = new Set<string>();
  for (const name in env) {
    const value = env[name];
    if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) continue;
    if (names.has(name) || isSecretLikeName(name)) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}
