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
 *
 * Data quoted only in part (its first N characters) is marked whole with
 * {@link quoteCut}: the span U+E003, the cut, U+E000 data U+E001. Masking sees the
 * whole value and the cut is made after it: a cut made first would leave the start of
 * a long secret that masking cannot recognise, since it is not the whole secret.
 * @module
 */

const OPEN = "\uE000";
const CLOSE = "\uE001";
const OWN = "\uE002";
const CUT = "\uE003";
const MARKS = /[\uE000-\uE003]/g;
/**
 * Any mark: a message with none was not built with these helpers. A {@link quoteCut}
 * span holds U+E000; a lone U+E003 does not make a message marked.
 */
const ANY_MARK = /[\uE000\uE001\uE002]/;
/** A {@link quoteCut} span (its cut and form) or a {@link quoteData} span. */
const SPAN = /\uE003(\d+)([ejw]*)\uE000([^\uE000-\uE003]*)\uE001|\uE000([^\uE000\uE001]*)\uE001/g;
/** A {@link quoteCut} span, kept whole when the text holding it is quoted again. */
const CUT_SPAN = /\uE003\d+[ejw]*\uE000[^\uE000-\uE003]*\uE001/g;
/**
 * Characters of the data kept beyond the cut: the mark need not hold megabytes to show
 * 60 characters, yet must hold any secret starting before the cut whole (README: secrets
 * of any size, a 140,000-character key among them).
 */
const KEPT_BEYOND_CUT = 1024 * 1024;

/** How {@link quoteCut} shows its data once masked and cut. */
export interface CutForm {
  /** Trimmed, each run of white space made one space, before the cut. */
  squash?: boolean;
  /** `…` added when the cut left something out. */
  ellipsis?: boolean;
  /** The cut text JSON-quoted (`"abc"`), the ellipsis inside the quotes. */
  json?: boolean;
}

/** `text` marked as weft's own words throughout (it quotes no data): never masked. */
export function ownText(text: string): string {
  return OWN + text.replace(MARKS, "\uFFFD");
}

/**
 * `text` marked as quoted data: the part of a message secret masking applies to. A
 * {@link quoteCut} span inside `text` (a message quoted whole) stays a span of its own,
 * so that it is still masked before it is cut.
 */
export function quoteData(text: string): string {
  if (!text.includes(CUT)) return OPEN + text.replace(MARKS, "\uFFFD") + CLOSE;
  let out = "";
  let from = 0;
  for (const span of text.matchAll(CUT_SPAN)) {
    out += OPEN + text.slice(from, span.index).replace(MARKS, "\uFFFD") + CLOSE + span[0];
    from = span.index + span[0].length;
  }
  return out + OPEN + text.slice(from).replace(MARKS, "\uFFFD") + CLOSE;
}

/**
 * `text` marked as quoted data that the message shows cut to its first `max` characters
 * (UTF-16 units), in `form`. The mark holds the whole value: {@link resolveQuoted} masks
 * it first and cuts the masked text, so a secret longer than the cut, or one the cut
 * falls inside, is never shown in part. Unmasked, it reads as the cut made here would:
 * `quoteCut(v, 60, { json: true })` as `JSON.stringify(v.slice(0, 60))`.
 * @example `value ${quoteCut(value, 60, { json: true })} cannot be used as a host`
 */
export function quoteCut(text: string, max: number, form: CutForm = {}): string {
  const flags = (form.ellipsis ? "e" : "") + (form.json ? "j" : "") + (form.squash ? "w" : "");
  const kept = text.length > max + KEPT_BEYOND_CUT ? text.slice(0, max + KEPT_BEYOND_CUT) : text;
  return CUT + Math.max(0, Math.floor(max)) + flags + OPEN + kept.replace(MARKS, "\uFFFD") +
    CLOSE;
}

/**
 * `text` as {@link quoteCut} shows it with nothing to mask, without marks: for a message
 * printed where no secret is known (`weft validate` quoting what the file says).
 */
export function cutText(text: string, max: number, form: CutForm = {}): string {
  return resolveQuoted(quoteCut(text, max, form));
}

/** Masked data of a {@link quoteCut} span shown as its flags say: squashed, cut, quoted. */
function shownCut(masked: string, max: number, flags: string): string {
  const text = flags.includes("w") ? masked.trim().replace(/\s+/g, " ") : masked;
  const cut = text.length > max ? text.slice(0, max) + (flags.includes("e") ? "…" : "") : text;
  return flags.includes("j") ? JSON.stringify(cut) : cut;
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
 * the marks removed; text outside the spans is weft's own and kept as it is. A
 * {@link quoteCut} span is masked whole, then cut. A message with no mark (neither
 * {@link quoteData}, {@link quoteCut} nor {@link ownText}) is passed through `mask` whole.
 * @example resolveQuoted(`exited with code 1 running ${quoteData("echo code")}`, m)
 */
export function resolveQuoted(message: string, mask: (data: string) => string = (s) => s): string {
  if (!ANY_MARK.test(message)) return mask(message);
  return message.replace(
    SPAN,
    (_, max: string | undefined, flags: string, cut: string, data: string | undefined) =>
      data === undefined ? shownCut(mask(cut), Number(max), flags) : mask(data),
  ).replace(MARKS, "");
}

/** A stretch of text: from `index` to `end` (exclusive), UTF-16 indexes. */
export interface TextSpan {
  index: number;
  end: number;
}

/**
 * A marked text (built with {@link ownText} and {@link quoteData}) as plain text, and the
 * stretches of it that are weft's own: those outside every quoteData span. For texts
 * weft builds from its own words and values (a path: the workflow's folder, what the
 * file writes, the `${...}` values in it; engine/built_text.ts). An unmarked text, one
 * with a {@link quoteCut} span or one whose marks do not pair up is all data (the safe
 * default): `own` is empty.
 * @example ownParts(ownText("/srv/") + quoteData("x")) // { text: "/srv/x", own: [{ index: 0, end: 5 }] }
 */
export function ownParts(marked: string): { text: string; own: TextSpan[] } {
  const text = marked.replace(MARKS, "");
  if (!ANY_MARK.test(marked) || marked.includes(CUT) || !WELL_MARKED.test(marked)) {
    return { text, own: [] };
  }
  const own: TextSpan[] = [];
  let at = 0;
  let start = 0;
  for (const piece of marked.split(/([\uE000\uE001])/)) {
    if (piece === OPEN) {
      if (at > start) own.push({ index: start, end: at });
    } else if (piece === CLOSE) {
      start = at;
    } else {
      at += piece.replaceAll(OWN, "").length;
    }
  }
  if (at > start) own.push({ index: start, end: at });
  return { text, own };
}

/** Each U+E000 closed by a U+E001 before the next one opens, and no U+E001 unopened. */
const WELL_MARKED = /^[^\uE000\uE001]*(?:\uE000[^\uE000\uE001]*\uE001[^\uE000\uE001]*)*$/;

/** Whether `marked`'s quoteData spans pair up (none cut short by a text operation on it). */
export function wellMarked(marked: string): boolean {
  return WELL_MARKED.test(marked);
}
