/**
 * The text side of an HTTP response: the reason phrase of a status (for messages
 * like `HTTP 503 Service Unavailable`) and the character set its body is decoded with.
 * @module
 */

import { ownText, quoteData } from "../model/data_text.ts";

/**
 * Reason phrases of the status codes registered with IANA (RFC 9110 §15, RFC 6585,
 * RFC 4918, RFC 8297, RFC 8470, RFC 7725). HTTP/2 and HTTP/3 send no phrase, and
 * HTTP/1.1 servers may send an empty one; messages still name the status.
 */
const REASONS: Record<number, string> = {
  100: "Continue",
  101: "Switching Protocols",
  102: "Processing",
  103: "Early Hints",
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content",
  207: "Multi-Status",
  208: "Already Reported",
  226: "IM Used",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  305: "Use Proxy",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  421: "Misdirected Request",
  422: "Unprocessable Content",
  423: "Locked",
  424: "Failed Dependency",
  425: "Too Early",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  506: "Variant Also Negotiates",
  507: "Insufficient Storage",
  508: "Loop Detected",
  510: "Not Extended",
  511: "Network Authentication Required",
};

/**
 * `503 Service Unavailable`: the status with the phrase the server sent, or the
 * registered phrase when it sent none; the bare number for an unregistered status
 * without a phrase.
 */
export function statusWithReason(status: number, sentPhrase: string): string {
  const phrase = sentPhrase.trim() || REASONS[status] || "";
  return phrase ? `${status} ${phrase}` : String(status);
}

/**
 * {@link statusWithReason} marked for messages (model/data_text.ts): the number and a
 * registered phrase are weft's own words (never masked: a secret `Found` leaves
 * `404 Not Found` whole); any other phrase the server sent is quoted data.
 */
export function markedStatus(status: number, sentPhrase: string): string {
  const phrase = sentPhrase.trim() || REASONS[status] || "";
  if (!phrase) return ownText(String(status));
  return phrase === REASONS[status]
    ? ownText(`${status} ${phrase}`)
    : ownText(`${status} `) + quoteData(phrase);
}

/**
 * The charset a `Content-Type` header declares (`text/html; charset="ISO-8859-1"` →
 * `iso-8859-1`), or undefined when it declares none. Parameter syntax per RFC 9110
 * §5.6.6: `;`-separated `name=value`, names case-insensitive, values a token or a
 * quoted string.
 */
export function declaredCharset(contentType: string | null): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(contentType);
  const value = match ? (match[1]?.replace(/\\(.)/g, "$1") ?? match[2]) : undefined;
  return value?.trim().toLowerCase() || undefined;
}

/**
 * A decoder for a response body. The label is resolved as the WHATWG Encoding
 * Standard does (so `iso-8859-1` and `latin1` decode as windows-1252, `utf-16` as
 * UTF-16LE); a byte order mark at the start of the body wins over the label, as in
 * the standard's "decode" algorithm; an unknown or missing label means UTF-8.
 * `start` is the body's first bytes (at least 3 when the body has them).
 */
export function bodyDecoder(label: string | undefined, start: Uint8Array): TextDecoder {
  const bom = start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf
    ? "utf-8"
    : start[0] === 0xfe && start[1] === 0xff
    ? "utf-16be"
    : start[0] === 0xff && start[1] === 0xfe
    ? "utf-16le"
    : undefined;
  for (const candidate of [bom, label]) {
    if (!candidate) continue;
    try {
      return new TextDecoder(candidate);
    } catch {
      // RangeError: not a label the Encoding Standard knows; try the next.
    }
  }
  return new TextDecoder();
}
