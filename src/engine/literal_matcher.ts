/**
 * Finding any of several literal strings in text, for secret masking (secrets.ts).
 * The usual case (a few short secrets) is one regular expression alternation, the
 * fastest way in V8. But V8 refuses to compile a literal of more than about 32K
 * characters ("Regular expression too large"), and a secret can be any size (GitHub
 * Actions masks any size): strings too long for the expression, and those beyond a
 * total size, are found by plain `indexOf` instead, with the same result as the one
 * alternation would give.
 * @module
 */

/** Strings longer than this, in UTF-16 units, are searched with `indexOf`, not a regex. */
export const REGEX_LITERAL_LIMIT = 1024;

/** At most this many characters of (escaped) expression source; further strings use `indexOf`. */
const REGEX_SOURCE_LIMIT = 256 * 1024;

/** One match: where it starts in the text and the string found there. */
export interface LiteralMatch {
  index: number;
  text: string;
}

/**
 * Finds, left to right and without overlap, the occurrences of a list of literal
 * strings, as the alternation `s0|s1|…` would: the leftmost match wins, and at one
 * position the string earliest in the list. Empty strings are ignored.
 */
export class LiteralMatcher {
  /** The alternation of the short strings, or null when there are none. */
  readonly #pattern: RegExp | null;
  /** The strings searched with indexOf, in list order, with their places in the list. */
  readonly #long: { text: string; priority: number }[] = [];
  /** Each string's first place in the list (a regex match is ranked by it). */
  readonly #priority = new Map<string, number>();

  constructor(strings: readonly string[]) {
    const parts: string[] = [];
    let size = 0;
    strings.forEach((text, priority) => {
      if (text === "" || this.#priority.has(text)) return;
      this.#priority.set(text, priority);
      const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      if (text.length <= REGEX_LITERAL_LIMIT && size + escaped.length + 1 <= REGEX_SOURCE_LIMIT) {
        parts.push(escaped);
        size += escaped.length + 1;
      } else {
        this.#long.push({ text, priority });
      }
    });
    this.#pattern = parts.length > 0 ? new RegExp(parts.join("|"), "g") : null;
  }

  /**
   * `text` with every match replaced by `replacement`: a string taken literally (it
   * must not hold `$`, which String.replace would read as a pattern), or what the
   * function returns for the match.
   */
  replace(text: string, replacement: string | ((match: string) => string)): string {
    if (this.#long.length === 0) {
      // The hot path: one native replace, as before long strings were possible.
      if (this.#pattern === null) return text;
      return typeof replacement === "string"
        ? text.replace(this.#pattern, replacement)
        : text.replace(this.#pattern, replacement);
    }
    let result = "";
    let last = 0;
    for (const match of this.matches(text)) {
      const put = typeof replacement === "string" ? replacement : replacement(match.text);
      result += text.slice(last, match.index) + put;
      last = match.index + match.text.length;
    }
    return last === 0 ? text : result + text.slice(last);
  }

  /** Whether any of the strings occurs in `text`. */
  has(text: string): boolean {
    if (this.#pattern !== null) {
      const found = this.#pattern.test(text);
      this.#pattern.lastIndex = 0;
      if (found) return true;
    }
    return this.#long.some((long) => text.includes(long.text));
  }

  /**
   * `text` with every character that lies in some occurrence of some string replaced:
   * each stretch of overlapping occurrences becomes one `replacement` (taken literally).
   * Unlike {@link replace}, an occurrence that begins inside another one and goes on
   * past its end is covered too (`AAAA1111` and `1111BBBB` in `AAAA1111BBBB` leave
   * nothing of either), so nothing of a secret shows beside another secret.
   */
  replaceAll(text: string, replacement: string): string {
    // Most lines hold no secret: one native search says so, without the generators.
    if (this.#long.length === 0) {
      if (this.#pattern === null) return text;
      this.#pattern.lastIndex = 0;
      const any = this.#pattern.test(text);
      this.#pattern.lastIndex = 0;
      if (!any) return text;
    }
    return replaceSpans(text, this.spans(text), replacement);
  }

  /**
   * The stretches of `text` covered by occurrences, left to right: each one from the
   * start of an occurrence to the furthest end of the occurrences that overlap it (by
   * at least one character; occurrences that only touch make two stretches). At each
   * position only the string earliest in the list is seen, so to cover every occurrence
   * list longer strings before their prefixes (longest first, as Secrets does).
   */
  *spans(text: string): Generator<{ index: number; end: number }> {
    const found = this.matches(text, true);
    let next = found.next();
    while (!next.done) {
      const index = next.value.index;
      let end = index + next.value.text.length;
      next = found.next();
      while (!next.done && next.value.index < end) {
        end = Math.max(end, next.value.index + next.value.text.length);
        next = found.next();
      }
      yield { index, end };
    }
  }

  /**
   * The matches in `text`, left to right, without overlap; with `overlapping`, also each
   * one that begins inside the one before (the one found first at each position).
   */
  *matches(text: string, overlapping = false): Generator<LiteralMatch> {
    const pattern = this.#pattern;
    // Next occurrence at or after `from` of each long string: -2 not looked for yet,
    // -1 none. A literal matches at a position whatever comes before it, so an
    // occurrence found from an earlier `from` stays the next one while it is not passed.
    const next = this.#long.map(() => -2);
    let regexNext: LiteralMatch | null | undefined;
    let from = 0;
    while (from < text.length) {
      let best: LiteralMatch | null = null;
      let bestPriority = Infinity;
      if (pattern !== null) {
        if (regexNext === undefined || (regexNext !== null && regexNext.index < from)) {
          pattern.lastIndex = from;
          const found = pattern.exec(text);
          pattern.lastIndex = 0;
          regexNext = found ? { index: found.index, text: found[0] } : null;
        }
        if (regexNext !== null) {
          best = regexNext;
          bestPriority = this.#priority.get(regexNext.text) ?? Infinity;
        }
      }
      this.#long.forEach((long, k) => {
        if (next[k] !== -1 && next[k] < from) next[k] = text.indexOf(long.text, from);
        const index = next[k];
        if (index < 0) return;
        if (
          best === null || index < best.index ||
          (index === best.index && long.priority < bestPriority)
        ) {
          best = { index, text: long.text };
          bestPriority = long.priority;
        }
      });
      if (best === null) return;
      const match: LiteralMatch = best;
      yield match;
      from = overlapping ? match.index + 1 : match.index + match.text.length;
    }
  }
}

/**
 * `text` with each of `spans` (left to right, not overlapping: as
 * {@link LiteralMatcher.spans} gives them) replaced by `replacement`; `text` itself when
 * there is none.
 */
export function replaceSpans(
  text: string,
  spans: Iterable<{ index: number; end: number }>,
  replacement: string,
): string {
  let result = "";
  let last = 0;
  for (const span of spans) {
    result += text.slice(last, span.index) + replacement;
    last = span.end;
  }
  return last === 0 ? text : result + text.slice(last);
}
