/**
 * Text as a reader sees it, for secret masking (secrets.ts): a task can print a secret
 * with something invisible inside it — `grep --color=always` highlighting a word that
 * sits inside the value, `\e[K` after each match, a hyperlink, a zero-width space — or
 * with a tab that ends up one space wide. Such a line does not hold the secret as
 * written, yet it shows it: weft drops colour sequences when colour is off and expands
 * tabs (safe_text.ts), and a terminal running `weft logs` does both. Masking
 * therefore also matches secrets against this shown form and maps each match back to
 * the text, so what is stored and every display of it hold `***` there instead.
 * @module
 */

/**
 * Characters that start something shown differently from how it is written: ESC and
 * the one-byte CSI U+009B (escape sequences), TAB, and the invisible format characters
 * soft hyphen, zero-width space/joiners, word joiner and BOM. A line without any is
 * shown as written, and masking it costs one search for them.
 */
// deno-lint-ignore no-control-regex
export const HIDDEN = /[\x1b\x9b\t\u00ad\u200b-\u200d\u2060\ufeff]/;

/** {@link HIDDEN} but TAB: what a line of tabs alone lacks (then only a secret with a space can differ). */
// deno-lint-ignore no-control-regex
export const HIDDEN_BUT_TAB = /[\x1b\x9b\u00ad\u200b-\u200d\u2060\ufeff]/;

/**
 * The sequences a terminal does not show (ECMA-48 §5.4-5.6): a control sequence (CSI,
 * `ESC [` or U+009B, parameters, intermediates, a final byte; SGR colours and `\e[K`
 * among them), an OSC string up to BEL or ST (window titles, OSC 8 hyperlinks), any
 * other escape sequence (`ESC (B`, `ESC =`), and the invisible format characters.
 */
const INVISIBLE =
  // deno-lint-ignore no-control-regex
  /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[ -/]*[0-~]|[\u00ad\u200b-\u200d\u2060\ufeff]/g;

/** A text's shown form and, for each of its characters, its index in the text. */
export interface ShownText {
  text: string;
  at: number[];
}

/**
 * `text` as shown: escape sequences and invisible format characters removed, each tab
 * read as one space (the narrowest it is shown, when it sits just before a tab stop;
 * wider, the reader still sees the words of a secret around it). Null when the text
 * has none of these ({@link HIDDEN}): it is shown as written. Two native replaces: the
 * cheap check of a line before {@link shownText} maps it.
 */
export function shownPlain(text: string): string | null {
  if (!HIDDEN.test(text)) return null;
  return text.replace(INVISIBLE, "").replaceAll("\t", " ");
}

/**
 * {@link shownPlain} with each shown character's index in `text`, to map a match in the
 * shown form back to the text.
 * @example shownText("My\x1b[1mPass") // { text: "MyPass", at: [0, 1, 6, 7, 8, 9] }
 */
export function shownText(text: string): ShownText | null {
  if (!HIDDEN.test(text)) return null;
  const at: number[] = [];
  let last = 0;
  const keep = (end: number) => {
    for (let i = last; i < end; i++) at.push(i);
  };
  for (const match of text.matchAll(INVISIBLE)) {
    keep(match.index);
    last = match.index + match[0].length;
  }
  keep(text.length);
  return { text: shownPlain(text)!, at };
}

/** A stretch of text: from `index` to `end` (exclusive), UTF-16 indexes. */
export interface Span {
  index: number;
  end: number;
}

/**
 * The stretches `find` gives in `text` as written, and those it gives in the shown form
 * mapped back to the text (from the first shown character of a match to its last, the
 * hidden sequences between included), left to right, overlapping ones merged. `any`
 * says whether `find` would find anything: the shown form is mapped only then.
 */
export function withShown(
  text: string,
  find: (text: string) => Iterable<Span>,
  any: (text: string) => boolean,
): Span[] {
  const spans = [...find(text)];
  const plain = shownPlain(text);
  if (plain === null || !any(plain)) return spans;
  const shown = shownText(text)!;
  for (const span of find(shown.text)) {
    spans.push({ index: shown.at[span.index], end: shown.at[span.end - 1] + 1 });
  }
  spans.sort((a, b) => a.index - b.index || b.end - a.end);
  const merged: Span[] = [];
  for (const span of spans) {
    const top = merged[merged.length - 1];
    if (top !== undefined && span.index < top.end) top.end = Math.max(top.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}
