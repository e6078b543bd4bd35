/**
 * One HTTP request header weft sends, checked before any byte goes out: the same rule
 * for an http task's `headers` (tasks/http_request.ts) and a webhook notification's
 * (notify/config.ts). Leading and trailing blanks and line breaks are trimmed, as the
 * Fetch Standard normalizes header values (a token read from a file keeps no final
 * newline); a CR, LF or NUL left inside the value could end the header and start
 * another (RFC 9110 §5.5), so it is refused, as is a name that is not an RFC 9110
 * §5.6.2 token (fetch's Headers refuses it).
 * @module
 */
import { quoteData } from "./data_text.ts";

/** Header names whose values are credentials (notify/config.ts masks them too). */
export const CREDENTIAL = /authorization|token|key|secret|cookie|password/i;

/**
 * Sets header `name` to `raw` (trimmed) on `headers` and returns the value set. Throws Error naming the header,
 * with the name and the reason (fetch's own message for a bad name) quoted as data, for
 * a value holding CR, LF or NUL or a name fetch refuses.
 */
export function setCheckedHeader(headers: Headers, name: string, raw: string): string {
  const value = raw.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
  const bad = /[\r\n\0]/.exec(value);
  if (bad) {
    const what = bad[0] === "\0" ? "a NUL character" : "a line break (CR or LF)";
    // A credential's value is not repeated, even masked-by-name: it may not be a secret.
    const shown = CREDENTIAL.test(name) ? "" : ` ${quoteData(JSON.stringify(value.slice(0, 60)))}`;
    throw new Error(
      `header ${
        quoteData(JSON.stringify(name))
      }: its value${shown} contains ${what}, which could start another header; refused`,
    );
  }
  try {
    headers.set(name, value);
    return value;
  } catch (e) {
    throw new Error(
      `header ${quoteData(JSON.stringify(name))}: ${quoteData((e as Error).message)}`,
    );
  }
}
