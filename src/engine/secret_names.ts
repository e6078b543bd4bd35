/**
 * Which variable and param names look secret, and the values of an environment to mask
 * by that rule (engine/secrets.ts masks them).
 * @module
 */
import { MIN_SECRET_LENGTH } from "./secret_forms.ts";

// The rule lives in model/ so that `weft validate` (parse/) can keep to it too.
export { isSecretLikeName } from "../model/secret_name.ts";
import { isSecretLikeName } from "../model/secret_name.ts";
import { envValueSecrets } from "../model/env_credentials.ts";

/**
 * The values to mask: those of variables whose name looks secret, plus the variables
 * named in `declared` (a workflow's `secrets:`), and the credentials any variable holds
 * (model/env_credentials.ts envValueSecrets: `SLACK_WEBHOOK_URL`, `DATABASE_URL`'s
 * password, a URL's user-info password). Longest first, without duplicates;
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
    for (const secret of envValueSecrets(name, value)) {
      if (secret.length >= MIN_SECRET_LENGTH) values.add(secret);
    }
  }
  return [...values].sort((a, b) => b.length - a.length);
}
