/**
 * The secrets inside an http task's configuration (its `TaskRunner.secretsIn`, given in
 * the registry, tasks/mod.ts, so that the engine knows them before http.ts loads): the
 * value of every header named like a credential (model/http_header.ts CREDENTIAL) with
 * its credentials part (`Bearer X` → X), `auth`'s token or password and the Basic
 * credential built from it, and every `${env.NAME}` / `${params.NAME}` value inside
 * those — a task printing `$TOKEN` then shows `***`, not the part after `Bearer `.
 * @module
 */
import { referencedValues } from "../expr/mod.ts";
import { CREDENTIAL, credentialSecrets } from "../model/http_header.ts";

/** The fields read here (a task's configuration, as the engine hands it over). */
interface HttpSecretFields {
  headers?: Record<string, string>;
  auth?: { token?: string; bearer?: string; username?: string; password?: string };
}

/**
 * Secret values of an http task, interpolated with `interpolate` (which may throw for a
 * value not yet known: the engine then tries again when the task starts).
 */
export function httpTaskSecrets(
  task: unknown,
  interpolate: (text: string) => string,
): string[] {
  const { headers, auth } = (task ?? {}) as HttpSecretFields;
  const found: string[] = [];
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

/**
 * base64 of `user:password` in UTF-8: Basic auth's credentials (RFC 7617 §2), as
 * http_request.ts sends them.
 */
export function basicCredentials(user: string, password: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(`${user}:${password}`)) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}
