/**
 * The secrets inside an http task's configuration (its `TaskRunner.secretsIn`, given in
 * the registry, tasks/mod.ts, so that the engine knows them before http.ts loads): the
 * value of every header named like a credential (model/http_header.ts CREDENTIAL) with
 * its credentials part (`Bearer X` → X), `auth`'s token or password and the Basic
 * credential built from it, and every `${env.NAME}` / `${params.NAME}` value inside
 * those — a task printing `$TOKEN` then shows `***`, not the part after `Bearer `; and
 * the password of the `url`'s user info (`http://user:PW@host/`) with the Basic
 * credential it is sent as, and the values of its query parameters named like a
 * credential (`?api_key=...`: model/http_header.ts urlCredentialSecrets).
 * @module
 */
import { referencedValues } from "../expr/mod.ts";
import {
  basicCredentials,
  CREDENTIAL,
  credentialSecrets,
  urlCredentialSecrets,
} from "../model/http_header.ts";

/** The fields read here (a task's configuration, as the engine hands it over). */
interface HttpSecretFields {
  url?: string;
  headers?: Record<string, string>;
  auth?: { token?: string; bearer?: string; username?: string; password?: string };
}

/**
 * Secret values of an http task, interpolated with `interpolate` (which may throw for a
 * value not yet known: the engine then tries again when the task starts); its `url`
 * built with `interpolateUrl`, as the request builds it (expr/url.ts), and its secrets
 * read from the URL so built: `${env.API_URL}/x` holds a password once its value is in.
 */
export function httpTaskSecrets(
  task: unknown,
  interpolate: (text: string) => string,
  _isSecretName?: (name: string) => boolean,
  interpolateUrl: (text: string) => string = interpolate,
): string[] {
  const { url, headers, auth } = (task ?? {}) as HttpSecretFields;
  const found: string[] = [];
  // Decided on the URL as built, never on the template: `${env.API_URL}/x` holds a
  // user info or a `?api_key=` only once its value is in.
  if (typeof url === "string") {
    try {
      found.push(...urlCredentialSecrets(interpolateUrl(url)));
    } catch {
      // A value known only later (added when the task starts), or one the request
      // refuses: the headers' and auth's secrets are still found.
    }
  }
  const credential = (name: string, template: string) => {
    if (!CREDENTIAL.test(name)) return;
    found.push(
      ...credentialSecrets(name, interpolate(template)),
      ...referencedValues(template, interpolate),
    );
  };
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === "string") credential(name, value);
  }
  if (auth) {
    const token = auth.token ?? auth.bearer;
    if (typeof token === "string") credential("authorization", `Bearer ${token}`);
    if (typeof auth.password === "string") {
      const password = interpolate(auth.password);
      found.push(password, ...referencedValues(auth.password, interpolate));
      const user = typeof auth.username === "string" ? interpolate(auth.username) : "";
      found.push(
        ...credentialSecrets("authorization", `Basic ${basicCredentials(user, password)}`),
      );
    }
  }
  return found.filter((value) => value.trim() !== "");
}

export { basicCredentials };
