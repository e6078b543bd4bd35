/**
 * Which variable and param names look secret (the values of such names are masked in
 * everything weft prints: engine/secret_names.ts, engine/secrets.ts), what a masked
 * value becomes and how short a value is never masked. Here, at the bottom of the
 * imports, so every layer applies the one rule (the engine's masking, and parse's
 * masking of the values a file writes: parse/file_secrets.ts).
 * @module
 */

/** What a masked value is replaced with. */
export const MASK = "***";

/** Values (and lines of multi-line values) shorter than this, in characters, are never masked. */
export const MIN_SECRET_LENGTH = 4;

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
