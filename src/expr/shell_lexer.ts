/**
 * A resumable lexer over the literal text of a shell command, tracking just enough
 * (quotes, escapes, comments, `$(`, backticks, `${`, arithmetic, heredocs, and the words
 * of each simple command) to tell which context a substitution lands in. See shell.ts.
 * @module
 */
import type { ShellContext } from "./shell.ts";
import {
  addToWord,
  arithmeticHere,
  atCommandPosition,
  type CommandState,
  endWord,
  type MutableSlot,
  newCommand,
  valueUseHere,
  type Word,
} from "./shell_words.ts";

type CommandFrame = { kind: "root" | "subst" | "backtick"; parens: number; cmd: CommandState };
type HeredocFrame = {
  kind: "heredoc";
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
  line: string;
  dirty: boolean;
};
type Frame =
  | CommandFrame
  | HeredocFrame
  | { kind: "double" | "single" | "ansi" | "comment" }
  /**
   * `${...}`: `stage` "start" right after `${` (or its `#`/`!` prefix), "name" while the
   * name is read, "op" right after it (or its `[...]`); `assigns` after `=` or `:=`, whose
   * word is assigned to the name; `pattern` after `# % / ^ , @` (and in a `${...}` nested in
   * such a word), whose word the shell reads as a pattern (or a replacement, where bash
   * 5.2 reads `&`) even inside double quotes; `heredoc` inside a heredoc body.
   */
  | {
    kind: "param";
    inDouble: boolean;
    stage: "start" | "prefixed" | "name" | "op" | "rest";
    arithmetic: boolean;
    assigns: boolean;
    pattern: boolean;
    heredoc: boolean;
  }
  | { kind: "arith"; parens: number; closer: ")" | "]" };

interface PendingHeredoc {
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
}

/** A heredoc delimiter word being read after `<<`. */
interface DelimiterWord extends PendingHeredoc {
  started: boolean;
  quote: string | null;
  escape: boolean;
}

const BLANK = new Set([" ", "\t"]);
const OPERATOR = new Set([";", "&", "|", "<", ">", "(", ")", "\n"]);
const NAME_CHAR = /[A-Za-z0-9_]/;
/** `name=` or `name[...]+=` and nothing after: followed by `(`, a compound assignment. */
const COMPOUND_START = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=$/;

/** See the module doc; feed literal text, call substitute() at each `${...}`, then finish(). */
export class ShellLexer {
  /** Names declared `-i` anywhere before: assigning to one is arithmetic. */
  private readonly integers = new Set<string>();
  private readonly frames: Frame[] = [
    { kind: "root", parens: 0, cmd: newCommand(this.integers) },
  ];
  private readonly pending: PendingHeredoc[] = [];
  private word: DelimiterWord | null = null;
  private escapeNext = false;

  /** The context right now, at a substitution, and the lexer state after it. */
  substitute(): MutableSlot {
    const top = this.top;
    const slot: MutableSlot = {
      context: this.context(),
      afterBackslash: this.escapeNext,
      integerOnly: top.kind === "arith" || (top.kind === "param" && top.arithmetic),
      nameOrNumber: false,
    };
    this.escapeNext = false;
    if (top.kind === "heredoc") top.dirty = true;
    const frame = this.commandFrame();
    if (frame) {
      const word = this.wordOf(frame);
      const use = arithmeticHere(frame.cmd, word)
        ? "integer"
        : this.assigningParam()
        ? "name"
        : valueUseHere(frame.cmd, word);
      if (use === "integer") slot.integerOnly = true;
      else if (use === "name") slot.nameOrNumber = true;
      word.slots.push(slot);
    }
    return slot;
  }

  /** Whether a `${n=...}` or `${n:=...}` encloses this point (within its command frame). */
  private assigningParam(): boolean {
    for (let k = this.frames.length - 1; k >= 0; k--) {
      const frame = this.frames[k];
      if ("cmd" in frame || frame.kind === "heredoc") return false;
      if (frame.kind === "param" && frame.assigns) return true;
    }
    return false;
  }

  /** Ends the text: the last word of the command is complete. */
  finish(): void {
    for (const frame of this.frames) if ("cmd" in frame) endWord(frame.cmd);
  }

  private context(): ShellContext {
    if (this.word) return "heredoc-delimiter";
    if (this.heredocPattern()) return "heredoc-pattern";
    const top = this.top;
    switch (top.kind) {
      case "double":
      case "single":
      case "ansi":
        return top.kind;
      case "param":
        // Arithmetic parts are integer-only, so they need no quotes. A pattern is one
        // even inside "...": only quotes inside the braces make a value literal there.
        if (top.arithmetic) return "double";
        return top.inDouble && !top.pattern ? "double" : "unquoted";
      case "arith":
        return "double";
      case "heredoc":
        return top.quoted ? "quoted-heredoc" : "heredoc";
      default: // command frames and comments
        return "unquoted";
    }
  }

  /**
   * Whether this point is in a pattern or replacement word of a `${...}` inside a heredoc
   * body, quotes inside the braces included: dash does not take those quotes as quoting
   * there (`${v%"$x"}` removes `*` as a pattern), so no quoting makes a value literal.
   */
  private heredocPattern(): boolean {
    for (let k = this.frames.length - 1; k >= 0; k--) {
      const frame = this.frames[k];
      if ("cmd" in frame || frame.kind === "heredoc") return false;
      if (frame.kind === "param" && frame.pattern && frame.heredoc) return true;
    }
    return false;
  }

  /** Whether a heredoc body, not a command in it (`$(...)`), encloses this point. */
  private inHeredocBody(): boolean {
    for (let k = this.frames.length - 1; k >= 0; k--) {
      const frame = this.frames[k];
      if ("cmd" in frame) return false;
      if (frame.kind === "heredoc") return true;
    }
    return false;
  }

  private get top(): Frame {
    return this.frames[this.frames.length - 1];
  }

  /** The innermost command frame, unless a heredoc body (which is not part of a word) is nearer. */
  private commandFrame(): CommandFrame | undefined {
    for (let k = this.frames.length - 1; k >= 0; k--) {
      const frame = this.frames[k];
      if (frame.kind === "heredoc") return undefined;
      if ("cmd" in frame) return frame;
    }
  }

  private wordOf(frame: CommandFrame): Word {
    const { cmd } = frame;
    if (cmd.current) return cmd.current;
    const redirect = cmd.redirect;
    cmd.redirect = false;
    return cmd.current = { text: "", slots: [], redirect };
  }

  private push(frame: Frame): void {
    const top = this.top;
    if (top.kind === "heredoc") top.dirty = true;
    this.frames.push(frame);
  }

  private pop(): void {
    if (this.frames.length > 1) this.frames.pop();
  }

  /** Feeds literal text. Lookahead stops at the end of `text`: what follows is a substitution. */
  feed(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (this.escapeNext) {
        this.escapeNext = false;
        const top = this.top;
        if (top.kind === "heredoc") top.line += c;
        else if ("cmd" in top && c !== "\n") addToWord(this.wordOf(top), c);
        continue;
      }
      if (this.word && this.readDelimiter(c)) continue;
      i = this.step(text, i);
    }
  }

  /** Consumes `c` into the delimiter word after `<<`; false when the word has ended. */
  private readDelimiter(c: string): boolean {
    const w = this.word!;
    if (w.escape) {
      w.escape = false;
      w.delimiter += c;
    } else if (w.quote) {
      if (c === w.quote) w.quote = null;
      else w.delimiter += c;
    } else if (BLANK.has(c) && !w.started) {
      // blanks between << and the word
    } else if (BLANK.has(c) || OPERATOR.has(c)) {
      if (w.started) this.pending.push(w);
      this.word = null;
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

  /** Handles the character at `i`; returns the index of the last character consumed. */
  private step(text: string, i: number): number {
    const c = text[i];
    const next = text[i + 1];
    const top = this.top;
    switch (top.kind) {
      case "single":
        if (c === "'") this.pop();
        return i;
      case "ansi":
        if (c === "\\") this.escapeNext = true;
        else if (c === "'") this.pop();
        return i;
      case "comment":
        if (c !== "\n") return i;
        this.pop();
        return i - 1; // the command frame sees the newline (it may start a heredoc body)
      case "double":
        if (c === "\\") this.escapeNext = true;
        else if (c === '"') this.pop();
        else return this.expansion(text, i, true);
        return i;
      case "param":
        return this.param(top, text, i);
      case "arith":
        if (c === "\\") this.escapeNext = true;
        else if (c === "(" || c === "[") top.parens++;
        else if (c === ")" || c === "]") {
          if (top.parens > 0) top.parens--;
          else if (top.closer === "]" && c === "]") this.pop();
          else if (top.closer === ")" && c === ")" && next === ")") {
            this.pop();
            return i + 1;
          }
        } else if (c === '"') this.push({ kind: "double" });
        else return this.expansion(text, i, true);
        return i;
      case "heredoc":
        if (c === "\n") {
          this.endHeredocLine(top);
          return i;
        }
        top.line += c;
        if (top.quoted) return i;
        if (c === "\\") this.escapeNext = true;
        else return this.expansion(text, i, true);
        return i;
      default:
        return this.command(top, text, i);
    }
  }

  /** Inside `${...}`: `${a[i]}` subscripts and `${s:offset:length}` are arithmetic in bash. */
  private param(top: Extract<Frame, { kind: "param" }>, text: string, i: number): number {
    const c = text[i];
    const next = text[i + 1];
    if (top.stage === "start" && (c === "#" || c === "!") && next !== "}") {
      top.stage = "prefixed"; // `${#v}` (length), `${!v}` (indirection); `${#}` is `$#`
      return i;
    }
    if (top.stage === "start" || top.stage === "prefixed") {
      if (/[A-Za-z0-9_]/.test(c)) {
        top.stage = "name";
        return i;
      }
      top.stage = "op";
      if ("@*#?-$!".includes(c)) return i; // a special parameter: `${#}`, `${@%x}`
    }
    if (top.stage === "name") {
      if (NAME_CHAR.test(c)) return i;
      top.stage = "op";
    }
    if (top.stage === "op") {
      if (c === "[") {
        this.push({ kind: "arith", parens: 0, closer: "]" });
        return i;
      }
      top.stage = "rest";
      // `${s:2}` is an offset; `${s:-x}`, `${s:=x}`, `${s:?x}`, `${s:+x}` are not.
      if (c === ":" && (next === undefined || !"-=?+".includes(next))) {
        top.arithmetic = true;
        return i;
      }
      // `${n:=word}` assigns word to n, which may have the integer attribute.
      top.assigns = c === "=" || (c === ":" && next === "=");
      // `${v-w}` `${v:-w}` & co. take w as a word; every other operator (`#` `%`, bash's
      // `/` `^` `,` `@`, and any a shell may add) as a pattern or replacement, or refuses it.
      if (c !== "}" && !"-=?+:".includes(c)) top.pattern = true;
    }
    if (c === "\\") this.escapeNext = true;
    else if (c === "}") this.pop();
    // Inside "...", a `'` quotes in a pattern (every shell) but is a plain character in
    // `${v:-w}`'s word.
    else if (c === "'" && (!top.inDouble || top.pattern)) this.push({ kind: "single" });
    else if (c === '"') this.push({ kind: "double" });
    else return this.expansion(text, i, top.inDouble);
    return i;
  }

  /** `$(`, `$((`, `$[`, `${` and backticks, which open a new frame in most contexts. */
  private expansion(text: string, i: number, inDouble: boolean): number {
    const c = text[i];
    const next = text[i + 1];
    if (c === "`") {
      if (this.top.kind === "backtick") this.pop();
      else this.push({ kind: "backtick", parens: 0, cmd: newCommand(this.integers) });
      return i;
    }
    if (c !== "$") return i;
    if (next === "(" && text[i + 2] === "(") {
      this.push({ kind: "arith", parens: 0, closer: ")" });
      return i + 2;
    }
    if (next === "(") {
      this.push({ kind: "subst", parens: 0, cmd: newCommand(this.integers) });
      return i + 1;
    }
    if (next === "[") {
      this.push({ kind: "arith", parens: 0, closer: "]" }); // bash's old $[ ... ]
      return i + 1;
    }
    if (next === "{") {
      const top = this.top;
      this.push({
        kind: "param",
        inDouble,
        stage: "start",
        arithmetic: false,
        assigns: false,
        // `${a%${b:-w}}`: w is part of a's pattern (`"${b:-w}"` would quote it).
        pattern: top.kind === "param" && top.pattern && !top.arithmetic,
        heredoc: this.inHeredocBody(),
      });
      return i + 1;
    }
    return i;
  }

  /** Unquoted command text (top level, `$(...)`, backticks). */
  private command(top: CommandFrame, text: string, i: number): number {
    const c = text[i];
    const next = text[i + 1];
    const { cmd } = top;
    const wordStart = cmd.current === null;
    if (BLANK.has(c) || OPERATOR.has(c)) {
      endWord(cmd);
      return this.operator(top, text, i);
    }
    if (c === "#" && wordStart) {
      this.push({ kind: "comment" });
      return i;
    }
    addToWord(this.wordOf(top), c);
    switch (c) {
      case "\\":
        this.escapeNext = true;
        return i;
      case "'":
        this.push({ kind: "single" });
        return i;
      case '"':
        this.push({ kind: "double" });
        return i;
      case "$":
        if (next === "'") {
          this.push({ kind: "ansi" });
          return i + 1;
        }
        return this.expansion(text, i, false);
      case "`":
        return this.expansion(text, i, false);
      default:
        return i;
    }
  }

  /** Blanks and `; & | < > ( )` and newlines in command text. */
  private operator(top: CommandFrame, text: string, i: number): number {
    const c = text[i];
    const next = text[i + 1];
    const { cmd } = top;
    if (BLANK.has(c)) return i;
    if (cmd.test && c !== "\n" && c !== ";") return i; // && || ( ) < > inside [[ ]]
    let compound = cmd.compound;
    switch (c) {
      case "(":
        if (next === "(" && (atCommandPosition(cmd) || cmd.words.at(-1) === "for")) {
          this.push({ kind: "arith", parens: 0, closer: ")" }); // bash's (( )) and for (( ))
          return i + 1;
        }
        top.parens++;
        if (
          cmd.compound === 0 && COMPOUND_START.test(cmd.words.at(-1) ?? "") &&
          (atCommandPosition(cmd) || cmd.declaring || cmd.name === "export")
        ) {
          compound = top.parens; // `a=(`: its elements may be arithmetic (`declare -ai a`)
        }
        break;
      case ")":
        if (top.parens > 0) {
          top.parens--;
          if (top.parens < compound) compound = 0;
        } else if (cmd.cases > 0) break; // the end of a case pattern; a command follows
        else if (top.kind === "subst") {
          this.pop();
          return i;
        }
        break;
      case "<":
        if (next === "<" && text[i + 2] === "<") {
          cmd.redirect = true; // a here-string: its word is data
          return i + 2;
        }
        if (next === "<") {
          const stripTabs = text[i + 2] === "-";
          this.word = {
            delimiter: "",
            quoted: false,
            stripTabs,
            started: false,
            quote: null,
            escape: false,
          };
          return i + (stripTabs ? 2 : 1);
        }
        cmd.redirect = true;
        return i;
      case ">":
        cmd.redirect = true;
        return i;
      case "\n": {
        const body = this.pending.shift();
        if (body) this.push({ kind: "heredoc", ...body, line: "", dirty: false });
        break;
      }
    }
    // ; & | ( ) and newline end the simple command.
    const cases = cmd.cases;
    Object.assign(cmd, newCommand(cmd.integers), { cases, compound });
    return i;
  }

  /** At the end of a heredoc body line: a line equal to the delimiter ends the body. */
  private endHeredocLine(frame: HeredocFrame): void {
    const line = frame.stripTabs ? frame.line.replace(/^\t+/, "") : frame.line;
    const ended = !frame.dirty && line === frame.delimiter;
    frame.line = "";
    frame.dirty = false;
    if (!ended) return;
    this.frames.pop();
    const body = this.pending.shift();
    if (body) this.push({ kind: "heredoc", ...body, line: "", dirty: false });
  }
}
