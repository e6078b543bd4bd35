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
 * into a query), a query, a fragment and a host (lowercased, IDNA `xn--` labels; not for a word of under 8 letters, whose
 * lowercase is an ordinary word), where the parser changes it. The parser drops
 * tab and line breaks, and blanks at the URL's ends. For secret masking (engine/secrets.ts):
 * a secret placed in a URL is masked in the form the URL shows it in. (Not the user info:
 * weft shows a URL without it, having moved it to an Authorization header.)
 * @example urlSpellings("my pass!word'x") // ["my%20pass%21word%27x", "my%20pass!word'x", ...]
 */
export function urlSpellings(text: string): string[] {
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
  // Only text that is a whole host: a `/ ? # @ :` in it would end the host there. And
  // not a short word, whose lowercase form is an ordinary word (`HTTP` → `http`, every
  // URL's scheme) that masking would find everywhere.
  if (!/[\/\\?#@:]/.test(text) && !SHORT_WORD.test(text)) {
    try {
      forms.add(new URL(`http://${text}/`).hostname);
    } catch {
      // Not a host: a URL holding it there is refused.
    }
  }
  forms.delete(text);
  forms.delete("");
  return [...forms];
}
