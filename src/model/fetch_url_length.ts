/**
 * The longest URL Deno's fetch sends: it hands the URL to the `http` crate, whose `Uri`
 * holds at most `u16::MAX - 1` bytes, and refuses a longer one with a bare "Invalid URL"
 * (measured with Deno 2: a 65 534-character URL goes, 65 535 fails). A serialized URL is
 * ASCII (WHATWG URL percent-encodes the rest, and the host is punycode), so its length in
 * characters is its length in bytes. Weft says so before fetching, naming the size and
 * the limit, where fetch would only say "Invalid URL".
 * @module
 */

/** The most characters of a URL's `href` fetch sends. */
export const FETCH_URL_MAX = 65_534;

/**
 * Undefined for a URL fetch sends; else the reason, in weft's words: how long the URL
 * is and the limit (`what` names it: "the URL", "a redirect's URL"). Lengths are counted
 * in characters of the URL as sent (values percent-encoded).
 */
export function urlLengthTrouble(url: URL, what = "the URL"): string | undefined {
  const length = url.href.length;
  if (length <= FETCH_URL_MAX) return undefined;
  const [has, max] = [length, FETCH_URL_MAX].map((n) => n.toLocaleString("en-US"));
  return `${what} is ${has} characters long, over the ${max} that fetch sends ` +
    "(it refuses a longer one as an invalid URL)";
}
