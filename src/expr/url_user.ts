/**
 * The rule for a URL's user name that weft applies wherever it builds or reads an
 * http(s) URL (url.ts, the http checks of `weft validate`): once percent-decoded, it may
 * not hold a `:`, since a Basic auth user-id ends at the first `:` (RFC 7617 §2; url.ts's
 * module text says more).
 * @module
 */
import { type CutForm, cutText } from "../model/data_text.ts";

/**
 * Why a URL's user name (`userName`, as written in the URL: percent-encoded) cannot be
 * sent, or undefined: decoded, it holds a `:`, which a Basic auth user-id cannot (RFC
 * 7617 §2; see url.ts's module text). Only `%3A` decodes to `:` (a bare `:` ends the name).
 * `cut` quotes the name's first 60 characters: the run marks it (model/data_text.ts
 * quoteCut, masked before the cut); `weft validate` quotes what the file says as it is.
 */
export function userNameTrouble(
  userName: string,
  cut: (text: string, max: number, form: CutForm) => string = cutText,
): { message: string; hint: string } | undefined {
  if (!/%3a/i.test(userName)) return undefined;
  let decoded = userName;
  try {
    decoded = decodeURIComponent(userName);
  } catch {
    // A malformed %-sequence elsewhere in the name: show it as written.
  }
  return {
    message: `the URL's user name ${
      cut(decoded, 60, { json: true })
    } contains ':', which a Basic auth user name cannot hold`,
    hint: "RFC 7617: the user-id ends at the first ':', so the server would read a shorter " +
      "user name; use the name the server expects",
  };
}
