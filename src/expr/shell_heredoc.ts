/**
 * Heredocs for the shell lexer (shell_lexer.ts): the delimiter word read after `<<` (or
 * `<<-`), the bodies owed once the command line ends, and the line that ends a body.
 * @module
 */
import type { HeredocFrame } from "./shell_frames.ts";
import { BLANK, OPERATOR } from "./shell_words.ts";

/** A heredoc whose body starts after the current line. */
interface PendingHeredoc {
  delimiter: string;
  /** Any part of the delimiter was quoted: the body expands nothing. */
  quoted: boolean;
  /** `<<-`: leading tabs of body lines are removed, the delimiter's line included. */
  stripTabs: boolean;
  /**
   * The prompt variable the body is read into (HeredocFrame.prompt), asked when the body
   * starts: names given after `<<EOF` count (`read <<EOF PS4`).
   */
  prompt?: () => string | undefined;
}

/** A heredoc delimiter word being read after `<<`. */
interface DelimiterWord extends PendingHeredoc {
  started: boolean;
  quote: string | null;
  escape: boolean;
}

/** The heredocs of one text: the delimiter being read, then the bodies owed in order. */
export class Heredocs {
  readonly #pending: PendingHeredoc[] = [];
  #word: DelimiterWord | null = null;

  /** Whether a delimiter word after `<<` is being read. */
  get readingDelimiter(): boolean {
    return this.#word !== null;
  }

  /**
   * After `<<` (`stripTabs`: `<<-`), the delimiter word comes next; `prompt`: the prompt
   * variable the command reads the body into (HeredocFrame.prompt).
   */
  startDelimiter(stripTabs: boolean, prompt?: () => string | undefined): void {
    this.#word = {
      delimiter: "",
      quoted: false,
      stripTabs,
      ...(prompt ? { prompt } : {}),
      started: false,
      quote: null,
      escape: false,
    };
  }

  /** Consumes `c` into the delimiter word after `<<`; false when the word has ended. */
  readDelimiter(c: string): boolean {
    const w = this.#word!;
    if (w.escape) {
      w.escape = false;
      w.delimiter += c;
    } else if (w.quote) {
      if (c === w.quote) w.quote = null;
      else w.delimiter += c;
    } else if (BLANK.has(c) && !w.started) {
      // blanks between << and the word
    } else if (BLANK.has(c) || OPERATOR.has(c)) {
      if (w.started) this.#pending.push(w);
      this.#word = null;
      return false;
    } else {
      w.started = true;
      if (c === "\\") {
        w.quoted = w.escape = true;
      } else if (c === "'" || c === '"') {
        w.quoted = true;
        w.quote = c;
      } else w.delimiter += c;
    }
    return true;
  }

  /** The frame of the next body owed (at a newline, or when a body ends), if any. */
  nextBody(): HeredocFrame | undefined {
    const body = this.#pending.shift();
    if (!body) return undefined;
    const { prompt, ...rest } = body;
    const name = prompt?.();
    return { kind: "heredoc", ...rest, ...(name ? { prompt: name } : {}), line: "", dirty: false };
  }
}

/**
 * At the end of a heredoc body line: whether it ends the body (it equals the delimiter,
 * tabs removed after `<<-`, and held no expansion). Starts the frame's next line.
 */
export function endsHeredoc(frame: HeredocFrame): boolean {
  const line = frame.stripTabs ? frame.line.replace(/^\t+/, "") : frame.line;
  const ended = !frame.dirty && line === frame.delimiter;
  frame.line = "";
  frame.dirty = false;
  return ended;
}
