/**
 * Secret values and how text is masked. The values of secret-looking environment
 * variables (and of those a workflow lists under `secrets:`) are replaced by `***` in
 * the data that tasks produce or weft substitutes; see mask_events.ts for which event
 * fields that is. A run's {@link Secrets} grows while it runs: a task's `environment`
 * is known only once interpolated, just before the task starts.
 *
 * Rules taken from GitHub Actions' secret masking: a multi-line secret is masked whole
 * and line by line (output arrives one line at a time, so a whole multi-line value
 * never appears in one line), and values too short to mask safely are refused with a
 * warning rather than masked (masking "1" or "on" would garble every line).
 * @module
 */
import { percentEncode } from "../expr/url.ts";
import { LiteralMatcher } from "./literal_matcher.ts";

/** Environment variable names whose values are secret. */
export const SECRET_NAME_PATTERN = /SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY/i;

/** Values (and lines of multi-line values) shorter than this, in characters, are never masked. */
export const MIN_SECRET_LENGTH = 4;

/** What a masked value is replaced with. */
export const MASK = "***";

/**
 * The strings to mask for one secret value: the value itself and, when it spans lines
 * (LF, CRLF or CR), each line and each line without its surrounding blanks (a shell
 * `read` loop strips them), a one-line value percent-encoded as it travels in a URL,
 * and the value JSON-escaped as it travels in a JSON body (plain, ASCII-only `\uXXXX`,
 * and with `\/`, as PHP and some servers escape a slash);
 * only those of at least {@link MIN_SECRET_LENGTH} characters.
 * @example secretFragments("-----BEGIN KEY-----\r\nabcd\n--") // whole value, "-----BEGIN KEY-----", "abcd"
 */
export function secretFragments(value: string): string[] {
  const fragments = new Set<string>();
  if (value.length >= MIN_SECRET_LENGTH) {
    fragments.add(value);
    // Put into an http URL, a one-line value (a token, a password) travels
    // percent-encoded (expr/url.ts).
    if (!/[\r\n]/.test(value)) fragments.add(percentEncode(value));
    // Put into a JSON body (an http task's `data`, a JSON output), it travels escaped:
    // as JSON.stringify writes it, and with every non-ASCII character as \uXXXX, as
    // ASCII-only encoders (Python's json.dumps) echo it back.
    const json = JSON.stringify(value).slice(1, -1);
    fragments.add(json);
    fragments.add(asciiJson(json));
    fragments.add(json.replaceAll("/", "\\/"));
  }
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r\n|\r|\n/)) {
      for (const part of [line, line.trim()]) {
        if (part.length >= MIN_SECRET_LENGTH) fragments.add(part);
      }
    }
  }
  return [...fragments];
}

/**
 * The values to mask: those of variables whose name looks secret, plus the variables
 * named in `declared` (a workflow's `secrets:`). Longest first, without duplicates;
 * values shorter than {@link MIN_SECRET_LENGTH} are left out.
 * @example secretValues({ API_TOKEN: "abc123", HOME: "/root" }) // ["abc123"]
 */
export function secretValues(env: Record<string, string>, declared: string[] = []): string[] {
  const secrets = new Secrets({ declared });
  secrets.addEnv(env);
  return secrets.values();
}

/**
 * A function that masks every secret value (and every line of a multi-line one) in a
 * string; the identity when there are none.
 */
export function createMasker(secrets: readonly string[]): (text: string) => string {
  const set = new Secrets();
  for (const value of secrets) set.add(value);
  return (text) => set.mask(text);
}

/**
 * Every {@link Secrets} of this process not yet collected, for {@link maskWithKnownSecrets}:
 * the last-resort handler of an unexpected error (cli/main.ts) is far from the run whose
 * secrets its message may quote. Weak, so a daemon firing many runs does not keep them.
 */
const LIVE = new Set<WeakRef<Secrets>>();
const COLLECTED = new FinalizationRegistry<WeakRef<Secrets>>((ref) => LIVE.delete(ref));

/**
 * `text` masked with the secrets of every {@link Secrets} alive in this process (the
 * runs started so far that are still referenced); the text as it is when there are none.
 */
export function maskWithKnownSecrets(text: string): string {
  for (const ref of LIVE) {
    const secrets = ref.deref();
    if (secrets === undefined) LIVE.delete(ref);
    else text = secrets.mask(text);
  }
  return text;
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
  readonly #refused = new Set<string>();
  readonly #identifiers = new Set<string>();
  #plain: LiteralMatcher | null = null;
  #keeping: LiteralMatcher | null = null;

  constructor(options: SecretsOptions = {}) {
    this.#declared = new Set(options.declared ?? []);
    this.#warn = options.warn ?? (() => {});
    const ref = new WeakRef(this);
    LIVE.add(ref);
    COLLECTED.register(this, ref);
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
    return this.#declared.has(name) || SECRET_NAME_PATTERN.test(name);
  }

  /** Adds the values of every secret variable of `env`. */
  addEnv(env: Readonly<Record<string, string>>): void {
    for (const name in env) {
      const value = env[name];
      if (typeof value === "string" && this.isSecretName(name)) this.add(value, name);
    }
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
    for (const fragment of secretFragments(value)) {
      if (this.#fragments.has(fragment)) continue;
      this.#fragments.add(fragment);
      this.#plain = this.#keeping = null;
    }
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

  /** The strings masked, longest first. */
  values(): string[] {
    return [...this.#fragments].sort((a, b) => b.length - a.length);
  }

  /** `text` with every secret (and line of a multi-line secret) replaced by `***`. */
  mask(text: string): string {
    if (this.#fragments.size === 0) return text;
    this.#plain ??= new LiteralMatcher(this.values());
    return this.#plain.replace(text, MASK);
  }

  /**
   * Masks one piece of a long line that arrives in pieces. With `final`, all of `text`
   * is masked. Otherwise its end that could still be the start of a secret — the last
   * (longest secret − 1) characters, unless a secret found earlier reaches further — is
   * returned unmasked as `rest`, to be put in front of the next piece: so a secret cut
   * by a piece boundary is masked as if the line had come whole. Every match starting
   * before that point has all its characters in `text`, so the result is the same.
   * @example maskPiece("…abc", false) // with secret "abcdef": rest "abc"
   */
  maskPiece(text: string, final: boolean): { masked: string; rest: string } {
    if (final || this.#fragments.size === 0) return { masked: this.mask(text), rest: "" };
    const values = this.values();
    let cut = text.length - (values[0].length - 1);
    if (cut <= 0) return { masked: "", rest: text };
    const matcher = this.#plain ??= new LiteralMatcher(values);
    for (const match of matcher.matches(text)) {
      if (match.index >= cut) break;
      cut = Math.max(cut, match.index + match.text.length);
    }
    return { masked: this.mask(text.slice(0, cut)), rest: text.slice(cut) };
  }

  /**
   * Like {@link mask}, for text weft writes around data (an error message quoting a
   * value): an identifier given to {@link protect} that contains a secret is left as
   * it is, so `dependency "dump-postgres" failed` keeps its task id when the secret is
   * `postgres`.
   */
  maskKeeping(text: string): string {
    if (this.#fragments.size === 0) return text;
    if (this.#keeping === null) {
      const secrets = this.values();
      const kept = [...this.#identifiers].filter((id) => secrets.some((s) => id.includes(s)));
      kept.sort((a, b) => b.length - a.length);
      // At any position an identifier is tried before a secret, so it wins there.
      this.#keeping = new LiteralMatcher([...kept, ...secrets]);
    }
    const identifiers = this.#identifiers;
    return this.#keeping.replace(text, (match) => identifiers.has(match) ? match : MASK);
  }
}

/** JSON string text with every non-ASCII UTF-16 unit written as a lowercase `\uXXXX` escape. */
function asciiJson(json: string): string {
  return json.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
