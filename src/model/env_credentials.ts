/**
 * The secrets an environment variable's value holds whatever the workflow does with it
 * (engine/secret_names.ts, engine/secrets.ts Secrets.addEnv mask them): the variables
 * weft itself reads as credentials ({@link CREDENTIAL_ENV}: the Slack webhook URL, the
 * SMTP password, a database URL), and, in any variable, the password of a URL's user
 * info (`scheme://user:PASSWORD@host`), as git, curl and CI systems mask it. Here in
 * model/ so that the notifications (notify/) and the engine read webhook URLs alike.
 * @module
 */
import { addWithDecoded, connectionSecrets } from "./connection.ts";
import { urlCredentialSecrets } from "./http_header.ts";

/** A path segment at least this long is a token on its own (Slack's is 24 characters). */
const TOKEN_SEGMENT_LENGTH = 16;

/**
 * The secrets of a webhook URL, whose path holds the token (Slack's
 * `/services/T…/B…/<token>`, Discord's `/api/webhooks/<id>/<token>`): the URL, its path
 * with the query as an HTTP request line names it (`curl -v` prints
 * `> POST /services/T0/B0/xoxb… HTTP/1.1`), the path alone, and its last segment when
 * it is long enough to be a token rather than a word; and the password of its user info
 * with the Basic credential fetch sends it as (model/http_header.ts urlCredentialSecrets).
 * Secrets.add drops what is shorter than a secret can be.
 */
export function webhookUrlSecrets(url: string): string[] {
  const found = [url, ...urlCredentialSecrets(url)];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return found;
  }
  const path = parsed.pathname;
  if (path !== "/" && path !== "") found.push(path + parsed.search, path);
  else if (parsed.search.length > 1) found.push(path + parsed.search);
  const last = path.split("/").filter((segment) => segment !== "").pop();
  if (last !== undefined && last.length >= TOKEN_SEGMENT_LENGTH) found.push(last);
  return found;
}

/**
 * The environment variables weft itself reads as credentials, and the secrets of each
 * one's value: secrets of every run whenever they are set, whatever their name says and
 * whether or not the workflow uses them for weft's purpose (a Slack channel, an email
 * channel, a database task). `SLACK_WEBHOOK_URL` as a webhook URL
 * ({@link webhookUrlSecrets}), `SMTP_PASSWORD` whole, `DATABASE_URL` as a database
 * task's connection is (model/connection.ts connectionSecrets: its password, also
 * percent-decoded, and a `password=` parameter).
 */
export const CREDENTIAL_ENV: Readonly<Record<string, (value: string) => string[]>> = {
  SLACK_WEBHOOK_URL: webhookUrlSecrets,
  SMTP_PASSWORD: (value) => [value],
  DATABASE_URL: connectionSecrets,
};

/** Whether `name` is one of {@link CREDENTIAL_ENV}. */
export function isCredentialEnvName(name: string): boolean {
  return Object.hasOwn(CREDENTIAL_ENV, name);
}

/** `scheme://` and the authority up to its last `@` (the user info before it). */
const USERINFO = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#\\\s]*)@/;

/**
 * Whether `value` may hold a URL user-info password ({@link urlPasswordSecrets}): a
 * cheap test before a value's secrets are worked out.
 */
export function mayHoldUrlPassword(value: string): boolean {
  return value.includes("://") && value.includes("@");
}

/**
 * The password of a URL's user info (`scheme://user:PASSWORD@host/…`), as written and
 * percent-decoded; none when the value is no such URL or its user info has no `:`.
 * The user name is left alone: it is a word as often as not (`app`, `postgres`).
 * @example urlPasswordSecrets("https://bot:s%40cret@git.example/x.git") // ["s%40cret", "s@cret"]
 */
export function urlPasswordSecrets(value: string): string[] {
  const userinfo = USERINFO.exec(value.trim())?.[1];
  if (userinfo === undefined) return [];
  const colon = userinfo.indexOf(":");
  if (colon < 0) return [];
  const found = new Set<string>();
  addWithDecoded(found, userinfo.slice(colon + 1));
  return [...found];
}

/**
 * The secrets of the environment variable `name` with `value`, besides the whole value
 * of a secret-named one (engine/secrets.ts): those of {@link CREDENTIAL_ENV} for the
 * variables weft reads as credentials, and in any variable a URL's user-info password
 * ({@link urlPasswordSecrets}). Secrets.add drops what is shorter than a secret can be.
 * @example envValueSecrets("GIT_URL", "https://bot:Tok3nValue@git.example/x") // ["Tok3nValue"]
 */
export function envValueSecrets(name: string, value: string): string[] {
  const found = new Set<string>();
  if (isCredentialEnvName(name)) {
    for (const secret of CREDENTIAL_ENV[name](value)) found.add(secret);
  }
  if (mayHoldUrlPassword(value)) {
    for (const secret of urlPasswordSecrets(value)) found.add(secret);
  }
  return [...found].filter((secret) => secret !== "");
}
