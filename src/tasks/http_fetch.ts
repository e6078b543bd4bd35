/**
 * How an `http` task's request goes out: the default limit of its wait
 * ({@link HTTP_DEFAULT_TIMEOUT_MS}, known to the registry before http.ts loads) and its
 * redirects. Redirects are followed by weft itself (fetch's `redirect:
 * "manual"`) so that what goes to another origin is weft's choice: fetch's own following
 * drops only `Authorization` on a cross-origin hop, and would send a custom credential
 * header (`X-Api-Key`, `X-Auth-Token`, `Cookie`…) on to whatever host the server names.
 * Here every header named like a credential (model/http_header.ts CREDENTIAL) is dropped
 * on the first hop to another origin (scheme, host or port), for the rest of the chain,
 * as curl drops its `-H` credentials when `-L` changes host. The method and body change
 * as the Fetch Standard says (§4.4 HTTP-redirect fetch): 303 turns any method but HEAD
 * into GET, 301/302 turn POST into GET, both dropping the body and its headers; 307/308
 * keep them. At most {@link MAX_REDIRECTS} hops, fetch's own limit.
 * @module
 */
import { CREDENTIAL, urlMasked } from "../model/http_header.ts";
import { ownText, quoteCut, quoteData } from "../model/data_text.ts";
import { blockedPortTrouble } from "../model/fetch_ports.ts";
import { urlLengthTrouble } from "../model/fetch_url_length.ts";

/**
 * The limit of an http task's attempt when neither it nor `defaults` sets `timeout`, in
 * ms: as the seed's HTTP task (`timeout: task.timeout || 30000`), so a server that
 * accepts and never answers does not hold the run for good.
 */
export const HTTP_DEFAULT_TIMEOUT_MS = 30_000;

/** The most redirects followed for one request (the Fetch Standard's limit). */
export const MAX_REDIRECTS = 20;

/** The statuses that redirect when a `Location` comes with them (Fetch Standard). */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Headers that describe a body, dropped with it when a redirect turns the request into GET. */
const BODY_HEADERS = ["content-type", "content-encoding", "content-language", "content-location"];

/** What is sent: a method, headers and a body, to a URL. */
export interface RedirectRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string | undefined;
}

/** One redirect followed: the status that caused it and where it led. */
export interface Hop {
  status: number;
  statusText: string;
  /** The next request's method and URL (without user info). */
  method: string;
  to: URL;
  /** Names of the credential headers dropped at this hop (another origin). */
  dropped: string[];
}

/** A redirect weft cannot follow; the message is marked (model/data_text.ts). */
export class RedirectTrouble extends Error {}

/**
 * Whether an http task follows redirects: its `follow_redirects`, else yes unless its
 * `expect_status` lists a 3xx (the redirect itself is then what is checked, as
 * `curl` without `-L` sees it).
 */
export function followsRedirects(
  task: { follow_redirects?: boolean; expect_status?: number[] },
): boolean {
  if (task.follow_redirects !== undefined) return task.follow_redirects;
  return !(task.expect_status ?? []).some((status) => status >= 300 && status < 400);
}

/**
 * Sends `request`, following redirects when `follow` (see the module doc), and returns
 * the last response with the URL it came from. `onHop` hears of each redirect before its
 * request goes out. Throws what fetch throws, and RedirectTrouble for a redirect to a URL
 * that is not http(s), to a blocked port, or past {@link MAX_REDIRECTS} hops.
 */
export async function fetchFollowing(
  request: RedirectRequest,
  follow: boolean,
  signal: AbortSignal,
  onHop: (hop: Hop) => void,
): Promise<{ response: Response; url: URL }> {
  let { method, url, body } = request;
  const headers = new Headers(request.headers);
  for (let hops = 0;; hops++) {
    const response = await fetch(url, { method, headers, body, signal, redirect: "manual" });
    const location = response.headers.get("location");
    if (!follow || !REDIRECT_STATUSES.has(response.status) || location === null) {
      return { response, url };
    }
    await response.body?.cancel().catch(() => {});
    if (hops === MAX_REDIRECTS) {
      throw new RedirectTrouble(ownText(`more than ${MAX_REDIRECTS} redirects; stopped`));
    }
    const next = nextUrl(location, url);
    const dropped: string[] = [];
    if (next.origin !== url.origin) {
      for (const name of [...headers.keys()]) {
        if (CREDENTIAL.test(name)) {
          headers.delete(name);
          dropped.push(name);
        }
      }
    }
    const status = response.status;
    if (
      (status === 303 && method !== "HEAD") ||
      ((status === 301 || status === 302) && method === "POST")
    ) {
      method = "GET";
      body = undefined;
      for (const name of BODY_HEADERS) headers.delete(name);
    }
    onHop({ status, statusText: response.statusText, method, to: next, dropped });
    url = next;
  }
}

/** The URL a `Location` names, read against `base`; refused unless http(s) on an allowed port. */
function nextUrl(location: string, base: URL): URL {
  let next: URL;
  try {
    next = new URL(location, base);
  } catch {
    throw new RedirectTrouble(
      `a redirect to ${quoteData(JSON.stringify(urlMasked(location)))}, which is not a URL`,
    );
  }
  if (next.protocol !== "http:" && next.protocol !== "https:") {
    throw new RedirectTrouble(
      `a redirect to ${quoteData(JSON.stringify(urlMasked(next.href)))}: only http and https ` +
        "are followed",
    );
  }
  // User info in a Location is not sent on (fetch refuses such a redirect in most modes).
  next.username = "";
  next.password = "";
  const tooLong = urlLengthTrouble(next, "its URL");
  if (tooLong) {
    throw new RedirectTrouble(
      `a redirect to ${quoteCut(urlMasked(next.href), 200, { ellipsis: true })}: ${
        ownText(tooLong)
      }`,
    );
  }
  const blocked = blockedPortTrouble(next);
  if (blocked) {
    throw new RedirectTrouble(
      `a redirect to ${quoteData(urlMasked(next.href))}: ${ownText(blocked.message)}`,
    );
  }
  return next;
}
