/**
 * The request side of the `http` task type: everything an http task sends, prepared
 * and checked before any byte goes out — the URL (interpolated, percent-encoded, http or
 * https only), the headers (no CR, LF or NUL in a value), the authorization (`auth`, or
 * credentials in the URL as curl takes them) and the body (`data`: a text built for its
 * Content-Type, a mapping or list as JSON or a form's fields: http_body.ts). Running the
 * request is http.ts's job.
 * @module
 */
import { blockedPortTrouble } from "../model/fetch_ports.ts";
import type { TaskOf } from "../model/task.ts";
import type { TaskContext } from "./types.ts";
import { embeddedMessage, ownText, quoteData } from "../model/data_text.ts";
import { headerValuePlace, setCheckedHeader } from "../model/http_header.ts";
import { jsonLooking, textBody, valueBody } from "./http_body.ts";
import { isWrittenNumber } from "../model/json_number.ts";
import { basicCredentials } from "./http_secrets.ts";
import { urlLengthTrouble } from "../model/fetch_url_length.ts";

/** The fields of an http task this runner reads (top-level or nested). */
export type HttpTask = Pick<
  TaskOf<"http">,
  "url" | "method" | "headers" | "data" | "auth" | "expect_status" | "follow_redirects"
>;

/** A request ready to send: what fetch is given, and the URL as messages show it. */
export interface PreparedRequest {
  method: string;
  url: URL;
  /** The URL without credentials, for messages. */
  displayUrl: string;
  headers: Headers;
  body: string | undefined;
}

/**
 * Interpolates and checks everything before any byte is sent. Values in the URL are
 * percent-encoded for the part they land in (ctx.interpolateUrl); header values may not
 * hold CR, LF, NUL or another control character, which could end the header and start
 * another, and a value may not add a list member or parameter (model/http_header.ts).
 */
export function prepareRequest(task: HttpTask, ctx: TaskContext): PreparedRequest {
  let rawUrl: string;
  try {
    rawUrl = ctx.interpolateUrl(task.url);
  } catch (e) {
    const hint = (e as { hint?: string }).hint;
    // A value the URL refused is marked in the message (expr/url.ts); an unmarked
    // message is quoted whole.
    throw new Error(
      ownText("url: ") + embeddedMessage((e as Error).message) + (hint ? ` (${hint})` : ""),
    );
  }
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new Error(
      `invalid URL ${quoteData(JSON.stringify(rawUrl))}: give an absolute http:// or https:// URL`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(
      `unsupported URL scheme ${quoteData(url.protocol)} in ${quoteData(JSON.stringify(rawUrl))}`,
    );
  }
  // fetch refuses these ports whatever the server: refused before anything is sent, and
  // so before the run (tasks/preflight.ts), in validate's words (its own words are
  // "Requests to port 6000 are blocked").
  const blocked = blockedPortTrouble(url);
  if (blocked) {
    const method = task.method ??
      (task.data === undefined || task.data === null ? "GET" : "POST");
    // Named as the request would be: without the URL's credentials (sent as a header).
    const shown = new URL(url.href);
    shown.username = "";
    shown.password = "";
    throw new Error(
      `${method} ${quoteData(shown.href)} failed: ` +
        ownText(`${blocked.message}; ${blocked.hint}`),
    );
  }

  const headers = new Headers();
  for (const [name, value] of Object.entries(task.headers ?? {})) {
    // A value stays one element of the header: no `,`/`;` (a Cookie: one cookie's value).
    setCheckedHeader(headers, name, ctx.interpolatePlaced(value, headerValuePlace(name, value)));
  }

  // Credentials in the URL become Basic auth, as curl does; fetch refuses them otherwise.
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    url.username = "";
    url.password = "";
    if (!task.auth) headers.set("authorization", basicAuth(user, pass, "the URL's user name"));
  }
  if (task.auth) setCheckedHeader(headers, "authorization", authorizationHeader(task.auth, ctx));
  const tooLong = urlLengthTrouble(url);
  if (tooLong) throw new Error(ownText(`url: ${tooLong}`) + largestValue(task.url, ctx));

  let body: string | undefined;
  if (task.data !== undefined && task.data !== null) {
    if (typeof task.data === "string") {
      // Built for its Content-Type so that no value adds syntax to it (http_body.ts); a
      // text that is JSON without one is sent as JSON, as an object `data` is.
      if (!headers.has("content-type") && jsonLooking(task.data)) {
        headers.set("content-type", "application/json");
      }
      body = textBody(task.data, headers.get("content-type") ?? "", ctx);
    } else {
      // JSON, or a form's fields; refused for another type (expr/data_value.ts).
      body = valueBody(interpolateDeep(task.data, ctx), headers.get("content-type") ?? "");
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    }
  }
  const method = task.method ?? (body === undefined ? "GET" : "POST");
  if ((method === "GET" || method === "HEAD") && body !== undefined) {
    throw new Error(ownText(`a ${method} request cannot carry \`data\`; use POST, PUT or PATCH`));
  }
  return { method, url, displayUrl: url.href, headers, body };
}

/**
 * For a URL fetch refuses as too long: which `${...}` of `template` gives the most of it
 * and what to do, in weft's words (the expression as written, never its value).
 */
function largestValue(template: string, ctx: TaskContext): string {
  let largest = { source: "", length: 0 };
  ctx.interpolatePlaced(template, (text, offset, _raw, end) => {
    if (text.length > largest.length) {
      largest = { source: template.slice(offset, end), length: text.length };
    }
    return text;
  });
  const from = largest.length === 0
    ? ""
    : `; ${largest.source} holds ${largest.length.toLocaleString("en-US")} characters of it`;
  return ownText(`${from}: send a large value in \`data\` (a POST body), not in the URL`);
}

function authorizationHeader(auth: NonNullable<HttpTask["auth"]>, ctx: TaskContext): string {
  if ("bearer" in auth) return `Bearer ${ctx.interpolate(auth.bearer)}`;
  if ("token" in auth) return `Bearer ${ctx.interpolate(auth.token)}`;
  return basicAuth(ctx.interpolate(auth.username), ctx.interpolate(auth.password), "auth.username");
}

/**
 * `Basic base64(user:password)` (RFC 7617 §2). The user-id cannot contain `:` — the
 * server splits at the first one, so `u:x` with password `pw` would arrive as user `u`
 * with password `x:pw` — so such a user name (`what` names where it came from) is refused.
 */
function basicAuth(username: string, password: string, what: string): string {
  if (username.includes(":")) {
    throw new Error(
      `${what} ${quoteData(JSON.stringify(username))} contains ':', which a Basic auth ` +
        "user name cannot hold (RFC 7617: the user-id ends at the first ':'); refused",
    );
  }
  return `Basic ${basicCredentials(username, password)}`;
}

/**
 * Interpolates every string inside a JSON-like value; keys stay as written, and so does a
 * number kept as its written token (model/json_number.ts), which JSON.stringify writes verbatim.
 */
function interpolateDeep(value: unknown, ctx: TaskContext): unknown {
  if (typeof value === "string") return ctx.interpolate(value);
  if (isWrittenNumber(value)) return value;
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item, ctx));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateDeep(item, ctx)]),
    );
  }
  return value;
}
