/**
 * Texts weft builds from its own words and values — a path made of the workflow file's
 * folder, what the file writes and the `${...}` values in it (tasks/path_field.ts) — and
 * which of their parts are its own. Secret masking keeps a secret found wholly inside
 * such an own part where one of these texts is quoted (README: "What weft writes itself
 * — … reasons, paths … — is kept as it is"): a secret that happens to be a folder's name
 * (`deploy` in /srv/deploy/) no longer turns every path weft names into one that does
 * not exist. A secret touching a value's part is masked, as is any text not built here.
 * @module
 */
import { ownParts, type TextSpan } from "../model/data_text.ts";
import { LiteralMatcher } from "./literal_matcher.ts";

/**
 * At most this many texts a run: a loop of many items each with its own path adds one
 * per item, and a text left out is only masked whole, as it was before (the safe side).
 */
const MAX_TEXTS = 4096;

/** The texts of one run, each with the stretches that are weft's own. */
export class BuiltTexts {
  /** Plain text → its own stretches (empty: all data). */
  readonly #own = new Map<string, TextSpan[]>();
  #matcher: LiteralMatcher | null = null;

  /**
   * Adds a text marked with ownText/quoteData (model/data_text.ts). The same plain text
   * built twice with different parts (a folder written in one task, the same folder
   * given by a value in another) is all data from then on: neither reading is trusted.
   */
  add(marked: string): void {
    const { text, own } = ownParts(marked);
    if (text === "") return;
    const known = this.#own.get(text);
    if (known === undefined) {
      if (this.#own.size >= MAX_TEXTS) return;
      this.#own.set(text, own);
      this.#matcher = null;
    } else if (!sameSpans(known, own) && known.length > 0) {
      this.#own.set(text, []);
    }
  }

  /** Whether `text` is, whole, one of the texts added. */
  has(text: string): boolean {
    return this.#own.has(text);
  }

  /**
   * The own stretches of the texts added found in `text` (left to right, without overlap,
   * the longest at a position), as indexes into `text`.
   */
  ownIn(text: string): TextSpan[] {
    if (this.#own.size === 0) return [];
    this.#matcher ??= new LiteralMatcher([...this.#own.keys()].sort((a, b) => b.length - a.length));
    const found: TextSpan[] = [];
    for (const match of this.#matcher.matches(text)) {
      for (const span of this.#own.get(match.text) ?? []) {
        found.push({ index: match.index + span.index, end: match.index + span.end });
      }
    }
    return found;
  }
}

function sameSpans(a: readonly TextSpan[], b: readonly TextSpan[]): boolean {
  return a.length === b.length && a.every((s, i) => s.index === b[i].index && s.end === b[i].end);
}
