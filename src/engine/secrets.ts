/**
 * Secret values and how text is masked. The values of secret-looking environment
 * variables (and of those a workflow lists under `secrets:`) are replaced by `***` in
 * the data that tasks produce or weft substitutes; see mask_events.ts for which event
 * fields that is, and secret_names.ts for which names look secret. A run's
 * {@link Secrets} grows while it runs: a task's `environment` is known only once
 * interpolated, just before the task starts.
 *
 * Rules taken from GitHub Actions' secret masking: a multi-line secret is masked whole
 * and line by line (output arrives one line at a time, so a whole multi-line value
 * never appears in one line), and values too short to mask safely are refused with a
 * warning rather than masked (masking "1" or "on" would garble every line).
 * @module
 */
import { hostForms, MIN_SECRET_LENGTH, secretFragments } from "./secret_forms.ts";
import { LiteralMatcher, replaceSpans } from "./literal_matcher.ts";
import { HIDDEN, HIDDEN_BUT_TAB, shownPlain, shownText, withShown } from "./shown_text.ts";
import { BuiltTexts } from "./built_text.ts";
import { resolveQuoted } from "../model/data_text.ts";
import { isSecretLikeName } from "./secret_names.ts";
import {
  envValueSecrets,
  isCredentialEnvName,
  mayHoldUrlPassword,
} from "../model/env_credentials.ts";
import { MASK } from "../model/secret_name.ts";
import { keepKnown } from "./known_secrets.ts";
import { PendingHostForms } from "./host_forms.ts";

export { MIN_SECRET_LENGTH, secretFragments };

export { MASK };

/**
 * A function that masks every secret value (and every line of a multi-line one) in a
 * string; the identity when there are none.
 */
export function createMasker(secrets: readonly string[]): (text: string) => string {
  const set = new Secrets();
  for (const value of secrets) set.add(value);
  return (text) => set.mask(text);
}

/** Options of {@link Secrets}. */
export interface SecretsOptions {
  /** Variable names whose values are secret whatever their name (a workflow's `secrets:`). */
  declared?: readonly string[];
  /**
   * Told, once per variable name, that a secret's value is too short to mask (one line,
   * without a newline). Default: ignored.
   */
  warn?: (message: string) => void;
}

/**
 * The secret values of one run, and the masking of text with them. Values are added
 * as they become known; the matching expressions are rebuilt lazily after an addition.
 */
export class Secrets {
  readonly #declared: Set<string>;
  readonly #warn: (message: string) => void;
  readonly #fragments = new Set<string>();
  /** Host spellings masked only once a URL shows them (host_forms.ts, {@link noteUrl}). */
  readonly #hosts = new PendingHostForms();
  readonly #refused = new Set<string>();
  /** Values {@link add} took: their forms depend on the value alone, worked out once. */
  readonly #added = new Set<string>();
  readonly #identifiers = new Set<string>();
  readonly #writtenSources: (() => Iterable<string>)[] = [];
  #written: Set<string> | null = null;
  readonly #built = new BuiltTexts();
  /** Whether a fragment holds a space: only then can a tab shown as one unmask it. */
  #spaced = false;
  #plain: LiteralMatcher | null = null;
  #keeping: LiteralMatcher | null = null;
  /** How many fragments were added so far (see {@link generation}). */
  #generation = 0;

  constructor(options: SecretsOptions = {}) {
    this.#declared = new Set(options.declared ?? []);
    this.#warn = options.warn ?? (() => {});
    keepKnown(this);
  }

  /**
   * Grows each time a value to mask is added: what was masked before may show a secret
   * learned since (a record kept to be rewritten, store/records_journal.ts).
   */
  get generation(): number {
    return this.#generation;
  }

  /** True while there is nothing to mask (masking is then the identity). */
  get empty(): boolean {
    return this.#fragments.size === 0;
  }

  /** Adds names whose values are secret whatever they are called. */
  declare(names: Iterable<string>): void {
    for (const name of names) this.#declared.add(name);
  }

  /** Whether a variable's value is secret: by its name, or because it was declared. */
  isSecretName(name: string): boolean {
    return this.#declared.has(name) || isSecretLikeName(name);
  }

  /**
   * Adds the secrets of every variable of `env` ({@link addEnvValue}): the values of
   * the secret ones, and what the others hold of a credential.
   */
  addEnv(env: Readonly<Record<string, string>>): void {
    for (const name in env) {
      const value = env[name];
      if (typeof value === "string") this.addEnvValue(name, value);
    }
  }

  /**
   * Adds the secrets of the variable `name` set to `value`: the whole value when the
   * name is secret ({@link isSecretName}); and, whatever the name, those of a variable
   * weft reads as a credential and a URL's user-info password
   * (model/env_credentials.ts envValueSecrets: `SLACK_WEBHOOK_URL`, `DATABASE_URL`,
   * `https://user:PASSWORD@host`).
   */
  addEnvValue(name: string, value: string): void {
    if (this.isSecretName(name)) this.add(value, name);
    for (const secret of envValueSecrets(name, value)) this.add(secret);
  }

  /**
   * Whether the variable `name` set to `value` may hold a secret ({@link addEnvValue}
   * finds some): a cheap test, by the name and whether the value may be a URL with a
   * password.
   */
  mayHoldSecret(name: string, value: string): boolean {
    return this.isSecretName(name) || isCredentialEnvName(name) || mayHoldUrlPassword(value);
  }

  /**
   * Adds the values of every secret run parameter (resolved: `-p` over the default):
   * a parameter is secret by its name, as a variable is, or when listed under
   * `secrets:`. A too-short value is warned about as `param NAME`.
   */
  addParams(params: Readonly<Record<string, string>>): void {
    for (const name in params) {
      const value = params[name];
      if (typeof value === "string" && this.isSecretName(name)) this.add(value, `param ${name}`);
    }
  }

  /**
   * Adds one secret value. An empty value is ignored; a value shorter than
   * {@link MIN_SECRET_LENGTH} is refused, with a warning naming `name` when given.
   */
  add(value: string, name?: string): void {
    if (value === "") return;
    if (value.length < MIN_SECRET_LENGTH) {
      if (name !== undefined && !this.#refused.has(name)) {
        this.#refused.add(name);
        this.#warn(
          `weft: warning: ${name} is not masked: its value is shorter than ` +
            `${MIN_SECRET_LENGTH} characters, too short to mask safely`,
        );
      }
      return;
    }
    // Each task's attempt adds its environment's secrets again: the same value, the same forms.
    if (this.#added.has(value)) return;
    this.#added.add(value);
    for (const fragment of secretFragments(value)) this.#addFragment(fragment);
    for (const { part, form } of hostForms(value)) {
      if (!this.#fragments.has(form)) this.#hosts.add(part, form);
    }
  }

  /**
   * Tells that a task is given `url` (as built from its template, before the URL parser
   * reads it): a secret written in its host, which the parser spells otherwise
   * (`Production` → `production`, `2130706433` → `127.0.0.1`: expr/url_spellings.ts
   * hostSpelling), is masked from now on in that spelling too, wherever it shows. Until a
   * URL shows it so, that spelling is left alone: it is an ordinary word or address as
   * often as not (`deploying to production`), and data that holds no secret is kept.
   * A text that is no URL, or whose host the parser keeps as written, changes nothing.
   */
  noteUrl(url: string): void {
    for (const form of this.#hosts.shownBy(url)) this.#addFragment(form);
  }

  #addFragment(fragment: string): void {
    if (this.#fragments.has(fragment)) return;
    this.#fragments.add(fragment);
    this.#generation++;
    this.#hosts.delete(fragment);
    if (fragment.includes(" ")) this.#spaced = true;
    this.#plain = this.#keeping = null;
  }

  /**
   * Names weft itself gives (workflow name, task ids and names): {@link maskKeeping}
   * leaves them whole in the text it masks.
   */
  protect(identifiers: Iterable<string>): void {
    for (const identifier of identifiers) {
      if (this.#identifiers.has(identifier)) continue;
      this.#identifiers.add(identifier);
      this.#keeping = null;
    }
  }

  /**
   * Where the names a workflow writes in its own task definitions can be read (the
   * words of each task's config as written): an output key among them is the author's
   * name, kept as it is (mask_events.ts maskOutputs). Read only when a key holds a
   * secret, so a run whose keys hold none never collects them.
   */
  protectWrittenNames(source: () => Iterable<string>): void {
    this.#writtenSources.push(source);
    this.#written = null;
  }

  /** Whether `name` is a word of a task definition given to {@link protectWrittenNames}. */
  isWrittenName(name: string): boolean {
    if (this.#written === null) {
      this.#written = new Set();
      for (const source of this.#writtenSources) {
        for (const word of source()) this.#written.add(word);
      }
    }
    return this.#written.has(name);
  }

  /**
   * A text weft built from its own words and values (a path: tasks/path_field.ts),
   * marked with ownText/quoteData (model/data_text.ts): where a message quotes it (or
   * holds it, whole, as an output value), a secret lying wholly in its own part is kept
   * ({@link maskQuoted}). See built_text.ts.
   */
  addBuilt(marked: string): void {
    this.#built.add(marked);
  }

  /**
   * `data` quoted in one of weft's messages, masked as {@link mask} does, but for a
   * secret lying wholly inside the own part of a text given to {@link addBuilt} that
   * `data` holds (the workflow's folder in `looked for /srv/deploy/x.js`). A secret that
   * touches a value's part, or lies outside every such text, is masked.
   */
  maskQuoted(data: string): string {
    if (this.#fragments.size === 0) return data;
    // The usual case, a message holding no secret: one search, as mask makes.
    if (!HIDDEN.test(data) && !this.#matcher().has(data)) return data;
    const spans = this.#spans(data);
    if (spans.length === 0) return data;
    const own = this.#built.ownIn(data);
    const masked = own.length === 0
      ? spans
      : spans.filter((s) => !own.some((o) => o.index <= s.index && s.end <= o.end));
    return replaceSpans(data, masked, MASK);
  }

  /**
   * A message marked with ownText/quoteData (model/data_text.ts) resolved: its quoted
   * data masked by {@link maskQuoted}, weft's words kept; an unmarked one masked whole.
   */
  maskMessage(message: string): string {
    return resolveQuoted(message, (data) => this.maskQuoted(data));
  }

  /**
   * The secret values themselves, as {@link add} took them (not the forms masked), for
   * telling whether a text is a part of one (loop_secrets.ts).
   */
  addedValues(): string[] {
    return [...this.#added];
  }

  /** The strings masked, longest first. */
  values(): string[] {
    return [...this.#fragments].sort((a, b) => b.length - a.length);
  }

  /**
   * `text` with every secret (and line of a multi-line secret, and every form of one)
   * replaced by `***`: each stretch of overlapping occurrences as one `***`, so a secret
   * beside another one it overlaps leaves nothing behind (LiteralMatcher.replaceAll).
   * A secret is also found as the text is shown (shown_text.ts): with colour and other
   * escape sequences inside it, or a tab for a space; the whole stretch, hidden
   * sequences included, becomes `***`.
   */
  mask(text: string): string {
    if (this.#fragments.size === 0) return text;
    if (
      !HIDDEN.test(text) || (!this.#spaced && !HIDDEN_BUT_TAB.test(text)) ||
      !this.#matcher().has(shownPlain(text)!)
    ) {
      return this.#matcher().replaceAll(text, MASK);
    }
    return replaceSpans(text, this.#spans(text), MASK);
  }

  /**
   * Masks one piece of a line that arrives in pieces (a long line, or a line the task
   * paused in: a prompt). With `final`, all of `text` is masked. Otherwise its end that
   * could still be the start of a secret — the longest end of it (as shown,
   * shown_text.ts) that begins some secret, so at most (longest secret − 1) characters
   * and usually none — is returned unmasked as `rest`, to be put in front of the next
   * piece: so a secret cut by a piece boundary is masked as if the line had come whole,
   * while the rest of the piece (`Enter the code: `) is given at once, in order, and
   * reaches the log before a crash can lose it. Every occurrence starting before that
   * point has all its characters in `text`; a stretch of overlapping ones that reaches
   * past it is held back whole (one going on into the next piece could still join it),
   * or, when it begins the text, masked up to its end (so the text held back cannot grow
   * without end).
   * @example maskPiece("…abc", false) // with secret "abcdef": rest "abc"
   * @example maskPiece("Enter the code: ", false) // masked "Enter the code: ", rest ""
   */
  maskPiece(text: string, final: boolean): { masked: string; rest: string } {
    if (final || this.#fragments.size === 0) return { masked: this.mask(text), rest: "" };
    // Counted in shown characters: a secret with colour codes inside is longer as written.
    const shown = shownText(text);
    const plain = shown === null ? text : shown.text;
    const hold = this.#secretStartAtEnd(plain);
    let cut = hold === 0
      ? text.length
      : shown === null
      ? text.length - hold
      : shown.at[plain.length - hold];
    if (cut <= 0) return { masked: "", rest: text };
    for (const span of this.#spans(text)) {
      if (span.index >= cut) break;
      if (span.end > cut) {
        cut = span.index > 0 ? span.index : span.end;
        break;
      }
    }
    return { masked: this.mask(text.slice(0, cut)), rest: text.slice(cut) };
  }

  /**
   * Length of the longest end of `text` that is the start (not the whole) of a secret
   * or of one of its forms; 0 when none is. Work: the secrets' total length at most
   * per character of a secret's length, whatever the length of `text`.
   */
  #secretStartAtEnd(text: string): number {
    let best = 0;
    for (const secret of this.#fragments) {
      const first = secret[0];
      // Candidate starts: the last (length − 1) characters of `text`, longest first.
      for (let k = Math.min(secret.length - 1, text.length); k > best; k--) {
        const at = text.length - k;
        if (text[at] === first && text.startsWith(secret.slice(0, k), at)) {
          best = k;
          break;
        }
      }
    }
    return best;
  }

  /**
   * Like {@link mask}, for text weft writes around data (an error message quoting a
   * value): an identifier given to {@link protect} that contains a secret is left as
   * it is, so `dependency "dump-postgres" failed` keeps its task id when the secret is
   * `postgres`. Only a stretch of secrets lying wholly inside such an identifier is
   * kept; one that goes on past it is masked. A text weft built ({@link addBuilt}: a
   * data_processor's `output_file`), given whole, keeps its own parts ({@link maskQuoted}).
   * So does a stretch lying wholly inside one of `kept` (sorted, not overlapping: the
   * keys of a JSON output value the workflow reads, mask_events.ts).
   */
  maskKeeping(text: string, kept: readonly { index: number; end: number }[] = []): string {
    if (this.#fragments.size === 0) return text;
    // A path weft made (a data_processor's `output_file`): its own parts kept.
    if (this.#built.has(text)) return this.maskQuoted(text);
    if (this.#keeping === null) {
      const secrets = this.values();
      const kept = [...this.#identifiers].filter((id) => secrets.some((s) => id.includes(s)));
      kept.sort((a, b) => b.length - a.length);
      this.#keeping = new LiteralMatcher(kept);
    }
    const ids = [...this.#keeping.matches(text)];
    if (ids.length === 0 && kept.length === 0) return this.mask(text);
    let k = 0;
    // Left to right: `k` moves on to the identifier that may hold each stretch.
    const outsideIds = this.#spans(text).filter((span) => {
      while (k < ids.length && ids[k].index + ids[k].text.length <= span.index) k++;
      const id = ids[k];
      return !(id && id.index <= span.index && span.end <= id.index + id.text.length) &&
        !within(kept, span);
    });
    return replaceSpans(text, outsideIds, MASK);
  }

  /** The stretches of `text` to mask, as written and as shown (shown_text.ts withShown). */
  #spans(text: string): { index: number; end: number }[] {
    const matcher = this.#matcher();
    return withShown(text, (t) => matcher.spans(t), (t) => matcher.has(t));
  }

  /** The matcher of every fragment, longest first (so the longest wins at a position). */
  #matcher(): LiteralMatcher {
    return this.#plain ??= new LiteralMatcher(this.values());
  }
}

/** Whether `span` lies wholly inside one of `sorted` (by index, not overlapping). */
function within(
  sorted: readonly { index: number; end: number }[],
  span: { index: number; end: number },
): boolean {
  let low = 0;
  let high = sorted.length - 1;
  // The last range starting at or before the span.
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (sorted[mid].index <= span.index) low = mid + 1;
    else high = mid - 1;
  }
  return high >= 0 && span.end <= sorted[high].end;
}
