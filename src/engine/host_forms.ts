/**
 * The URL host spellings of a run's secrets (secret_forms.ts hostForms: `Production` →
 * `production`, `2130706433` → `127.0.0.1`) that are not masked yet: such a spelling is
 * an ordinary word or address as often as not, so engine/secrets.ts masks it only once a
 * URL weft builds shows the secret in its host (Secrets.noteUrl).
 * @module
 */

/** Host spellings waiting for a URL that shows them, each with the secret texts it spells. */
export class PendingHostForms {
  readonly #forms = new Map<string, Set<string>>();

  /** Waits for `form`, the host spelling of the secret text `part`. */
  add(part: string, form: string): void {
    const parts = this.#forms.get(form) ?? new Set();
    this.#forms.set(form, parts.add(part));
  }

  /** Stops waiting for `form` (masked already). */
  delete(form: string): void {
    this.#forms.delete(form);
  }

  /**
   * The spellings `url` shows a secret in, no longer waited for: `url` is a URL as built
   * (before the URL parser reads it) whose host as written holds a secret text and whose
   * host as the parser spells it holds that text's spelling. None for a text that is no
   * URL or has no host.
   */
  shownBy(url: string): string[] {
    if (this.#forms.size === 0) return [];
    let hostname;
    try {
      // Read as an http URL whatever its scheme: WHATWG keeps the host of a `postgres:`
      // URL as written, while the drivers that connect with it read it as http's
      // (lowercased, `2130706433` → `127.0.0.1`), and so do the messages they give.
      hostname = new URL(url.replace(/^[^:/?#]*:/, "http:")).hostname;
    } catch {
      return [];
    }
    // The host as written: the authority after `//`, up to the path, without user info.
    const written = /^[^:/?#]*:\/\/([^/?#\\]*)/.exec(url)?.[1].replace(/^.*@/, "") ?? "";
    if (hostname === "" || written === "") return [];
    const shown: string[] = [];
    for (const [form, parts] of this.#forms) {
      if (hostname.includes(form) && [...parts].some((part) => written.includes(part))) {
        this.#forms.delete(form);
        shown.push(form);
      }
    }
    return shown;
  }
}
