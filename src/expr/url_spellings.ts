/**
 * The ways a value reads inside a URL as weft shows it, for secret masking
 * (engine/secret_forms.ts): a secret placed in a URL is masked in the form the URL shows.
 * @module
 */
import { percentEncode } from "./url.ts";

/** What the URL parser spells a path, query or fragment value from, and the end it adds. */
const PLACES = ["http://h/", "http://h/?", "http://h/#"];
/** Ends text placed in a URL, so that trailing blanks are not stripped as the URL's own. */
const END = "/z";
/** Letters only, under 8 of them: its host form (lowercased) is left out. */
const SHORT_WORD = /^\p{L}{1,7}$/u;

/**
 * The ways `text` can read inside a URL as weft prints and stores it (`URL.href`, the
 * WHATWG URL Standard's serialization): percent-encoded by weft ({@link percentEncode},
 * a `${...}` value in the user info, path, query or fragment), and as the URL parser
 * spells text inserted as written (`raw(...)`, a base URL) in a path (which may go on
 * into a query), a query, a fragment and, unless `host` is false, a host
 * ({@link hostSpelling}), where the parser changes it. The parser drops
 * tab and line breaks, and blanks at the URL's ends. For secret masking (engine/secrets.ts):
 * a secret placed in a URL is masked in the form the URL shows it in. (Not the user info:
 * weft shows a URL without it, having moved it to an Authorization header.)
 * @example urlSpellings("my pass!word'x") // ["my%20pass%21word%27x", "my%20pass!word'x", ...]
 */
export function urlSpellings(text: string, { host = true } = {}): string[] {
  const forms = new Set([percentEncode(text)]);
  for (const place of PLACES) {
    try {
      const href = new URL(place + text + END).href;
      if (href.startsWith(place) && href.endsWith(END)) {
        forms.add(href.slice(place.length, -END.length));
      }
    } catch {
      // Not a URL there: the parser refuses it, so no URL shows it.
    }
  }
  const hostForm = host ? hostSpelling(text) : undefined;
  if (hostForm !== undefined) forms.add(hostForm);
  forms.delete(text);
  forms.delete("");
  return [...forms];
}

/**
 * How the URL parser spells `text` as a URL's whole host (WHATWG URL Standard, host
 * parsing): lowercased, IDNA `xn--` labels, a number read as an IPv4 address
 * (`2130706433`, `0x7f000001` → `127.0.0.1`); undefined when that is `text` itself, when
 * the parser refuses it, when it holds a `/ \ ? # @ :` (which would end the host there),
 * or for a word of under 8 letters, whose lowercase is an ordinary word (`HTTP` → `http`,
 * every URL's scheme). Such a form is an ordinary word or address as often as not, so
 * engine/secrets.ts masks it only once a URL showed the secret in its host.
 * @example hostSpelling("Hunter2SecretXY") // "hunter2secretxy"
 */
export function hostSpelling(text: string): string | undefined {
  if (/[\/\\?#@:]/.test(text) || SHORT_WORD.test(text)) return undefined;
  try {
    const hostname = new URL(`http://${text}/`).hostname;
    return hostname === text || hostname === "" ? undefined : hostname;
  } catch {
    return undefined; // Not a host: a URL holding it there is refused.
  }
}
