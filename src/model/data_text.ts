/**
 * Data quoted in weft's own messages. An error message is weft's words plus data it
 * quotes (a command, URL, header, value, a process's message). Secret masking applies
 * to the data only (issue 7 §1: masking never rewrites what weft itself writes), so the
 * data is marked where it is quoted — {@link quoteData} — and the engine's event masker
 * masks inside the marks and removes them ({@link resolveQuoted}) before any message
 * leaves the engine.
 *
 * The marks are the private-use characters U+E000 and U+E001; marks inside the data
 * itself are replaced by U+FFFD, so data can never end its own span early. A message
 * with no mark at all comes from a site that was not built this way, so it is masked
 * whole (the safe default); a message that quotes no data but is weft's own words is
 * marked with {@link ownText} so that it is left as it is.
 * @module
 */

const OPEN = "\uE000";
const CLOSE = "\uE001";
const OWN = "\uE002";
const MARKS = /[\uE000\uE001\uE002]/g;
/** Any mark: a message with none was not built with these helpers. */
const ANY_MARK = /[\uE000\uE001\uE002]/;

/** `text` marked as weft's own words throughout (it quotes no data): never masked. */
export function ownText(text: string): string {
  return OWN + text.replace(MARKS, "\uFFFD");
}

/** `text` marked as quoted data: the part of a message secret masking applies to. */
export function quoteData(text: string): string {
  return OPEN + text.replace(MARKS, "\uFFFD") + CLOSE;
}

/**
 * A message (a task's reason) put inside another one: kept as its marks say, weft's
 * words and quoted data alike; an unmarked message is quoted data, masked whole as it
 * would have been alone (the safe default), so embedding never unmasks anything.
 * @example ownText(`2 of 5 iterations failed; first: `) + embeddedMessage(error)
 */
export function embeddedMessage(message: string): string {
  return ANY_MARK.test(message) ? message : quoteData(message);
}

/**
 * A message with every quoted span passed through `mask` (identity by default) and
 * the marks removed; text outside the spans is weft's own and kept as it is. A message
 * with no mark (neither {@link quoteData} nor {@link ownText}) is passed through
 * `mask` whole.
 * @example resolveQuoted(`exited with code 1 running ${quoteData("echo code")}`, m)
 */
export function resolveQuoted(message: string, mask: (data: string) => string = (s) => s): string {
  if (!ANY_MARK.test(message)) return mask(message);
  return message.replace(/\uE000([^\uE000\uE001]*)\uE001/g, (_, data: string) => mask(data))
    .replace(MARKS, "");
}
