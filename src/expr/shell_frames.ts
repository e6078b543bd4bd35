/**
 * The nesting the shell lexer (shell_lexer.ts) keeps while it reads a command: one frame
 * per construct open at this point (quotes, `$(`, backticks, `${`, arithmetic, heredoc
 * bodies, comments), and what that nesting says about a substitution placed here (its
 * {@link ShellContext}, and whether it is a pattern or an assigned word). See shell.ts.
 * @module
 */
import type { ShellContext } from "./shell.ts";
import type { LaterCode } from "./shell_later.ts";
import { type CommandState, newCommand, type Word } from "./shell_words.ts";

/** Unquoted command text: the top level, `$(...)` or backticks, with its simple command. */
export type CommandFrame = {
  kind: "root" | "subst" | "backtick";
  parens: number;
  cmd: CommandState;
  /** Backticks only: a backslash before `$`, a backtick, `\` or `"` was read inside. */
  escaped?: boolean;
};

/** A heredoc body, read line by line until a line equal to its delimiter. */
export type HeredocFrame = {
  kind: "heredoc";
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
  line: string;
  /** The current line holds a substitution or an expansion: it cannot be the delimiter. */
  dirty: boolean;
  /**
   * The prompt variable (PS0-PS4, PROMPT_COMMAND) the body is read into, if any
   * (`read PS4 <<EOF`, `read <<EOF PS4`, `while read PS4; …; done <<EOF`), as known when
   * the body starts: shell_later.ts promptRead.
   */
  prompt?: string;
};

/**
 * `${...}`: `stage` "start" right after `${` (or its `#`/`!` prefix), "name" while the
 * name is read, "op" right after it (or its `[...]`); `assigns` after `=` or `:=`, whose
 * word is assigned to the name; `pattern` after `# % / ^ , @` (and in a `${...}` nested in
 * such a word), whose word the shell reads as a pattern (or a replacement, where bash
 * 5.2 reads `&`) even inside double quotes; `heredoc` inside a heredoc body.
 */
export type ParamFrame = {
  kind: "param";
  inDouble: boolean;
  stage: "start" | "prefixed" | "name" | "op" | "rest";
  arithmetic: boolean;
  assigns: boolean;
  pattern: boolean;
  heredoc: boolean;
  /** The parameter's name, as read so far (shell_param.ts). */
  name?: string;
};

/** One construct open at this point of the text. */
export type Frame =
  | CommandFrame
  | HeredocFrame
  | { kind: "double" | "single" | "ansi" | "comment" }
  | ParamFrame
  | { kind: "arith"; parens: number; closer: ")" | "]" };

/** The open frames, innermost last; the root command frame is never popped. */
export class FrameStack {
  readonly #frames: Frame[];
  /** Where each frame was opened (`position()` then), in step with #frames. */
  readonly #openedAt: number[] = [0];

  /**
   * `integers`: the names declared `-i` anywhere before, shared by every command frame;
   * `position`: the offset being read, recorded for each frame opened.
   */
  constructor(integers: Set<string>, private readonly position: () => number = () => 0) {
    this.#frames = [{ kind: "root", parens: 0, cmd: newCommand(integers) }];
  }

  /**
   * The innermost construct still open that the shell refuses to end in (a quote, `$(`,
   * a backtick, `${`, arithmetic), and where it was opened; comments and heredoc bodies
   * (which the shell ends at the end of the text) are passed over.
   */
  unclosed(): { frame: Frame; at: number } | undefined {
    for (let k = this.#frames.length - 1; k > 0; k--) {
      const frame = this.#frames[k];
      if (frame.kind !== "comment" && frame.kind !== "heredoc") {
        return { frame, at: this.#openedAt[k] };
      }
    }
  }

  get top(): Frame {
    return this.#frames[this.#frames.length - 1];
  }

  /** Every frame, outermost first. */
  get all(): readonly Frame[] {
    return this.#frames;
  }

  /** Opens `frame`; a construct opened in a heredoc line keeps that line from ending the body. */
  push(frame: Frame): void {
    const top = this.top;
    if (top.kind === "heredoc") top.dirty = true;
    this.#frames.push(frame);
    this.#openedAt.push(this.position());
  }

  /** Closes the innermost frame, never the root one. */
  pop(): void {
    if (this.#frames.length > 1) {
      this.#frames.pop();
      this.#openedAt.pop();
    }
  }

  /** Closes the innermost frame, a heredoc body that ended, and opens `next` (the next body). */
  endHeredoc(next: HeredocFrame | undefined): void {
    this.#frames.pop();
    this.#openedAt.pop();
    if (next) this.push(next);
  }

  /** The context right now; `inDelimiter`: a heredoc delimiter word after `<<` is being read. */
  context(inDelimiter: boolean): ShellContext {
    if (inDelimiter) return "heredoc-delimiter";
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
   * Whether bash evaluates this point as arithmetic: a `$(( ))`, `(( ))`, `$[ ]`, a
   * subscript or a `${s:offset}` encloses it within its command, however deep in quotes and
   * `${...}` (`$(( "${N:-${x}}" ))`): the text there, expanded, is read as an expression,
   * where `a[$(cmd)]` runs a command.
   */
  inArithmetic(): boolean {
    for (let k = this.#frames.length - 1; k >= 0; k--) {
      const frame = this.#frames[k];
      if ("cmd" in frame || frame.kind === "heredoc") return false;
      if (frame.kind === "arith" || (frame.kind === "param" && frame.arithmetic)) return true;
    }
    return false;
  }

  /**
   * Whether this point is inside a `$(...)` or backticks whose output bash evaluates as
   * arithmetic (`$(( $(echo …) ))`, `a[$(…)]=1`): arithmetic encloses that command
   * substitution, or the word of an outer command that `arithmeticWord` (shell_lexer.ts:
   * an arithmetic place, a name's subscript, an integer variable's value) says is
   * arithmetic holds it.
   */
  outputInArithmetic(arithmeticWord: (cmd: CommandState, word: Word) => boolean): boolean {
    let k = this.#frames.length - 1;
    while (k > 0 && !("cmd" in this.#frames[k])) k--;
    for (k--; k >= 0; k--) {
      const frame = this.#frames[k];
      if (frame.kind === "arith" || (frame.kind === "param" && frame.arithmetic)) return true;
      if ("cmd" in frame && frame.cmd.current && arithmeticWord(frame.cmd, frame.cmd.current)) {
        return true;
      }
    }
    return false;
  }

  /** The command frames enclosing the innermost one (`$(…)` or backticks), outermost first. */
  outerCommands(): CommandFrame[] {
    const commands = this.#frames.filter((frame): frame is CommandFrame => "cmd" in frame);
    return commands.slice(0, -1);
  }

  /**
   * The names of the `${n=...}` and `${n:=...}` enclosing this point (within its command
   * frame), which assign their word to n.
   */
  assignedParams(): string[] {
    const names: string[] = [];
    for (let k = this.#frames.length - 1; k >= 0; k--) {
      const frame = this.#frames[k];
      if ("cmd" in frame || frame.kind === "heredoc") break;
      if (frame.kind === "param" && frame.assigns) names.push(frame.name ?? "");
    }
    return names;
  }

  /** The prompt variable a heredoc body enclosing this point is read into (HeredocFrame.prompt). */
  heredocPrompt(): string | undefined {
    for (const frame of this.#frames) {
      if (frame.kind === "heredoc" && frame.prompt) return frame.prompt;
    }
  }

  /**
   * Whether this point is in a pattern or replacement word of a `${...}` inside a heredoc
   * body, quotes inside the braces included: dash does not take those quotes as quoting
   * there (`${v%"$x"}` removes `*` as a pattern), so no quoting makes a value literal.
   */
  heredocPattern(): boolean {
    for (let k = this.#frames.length - 1; k >= 0; k--) {
      const frame = this.#frames[k];
      if ("cmd" in frame || frame.kind === "heredoc") return false;
      if (frame.kind === "param" && frame.pattern && frame.heredoc) return true;
    }
    return false;
  }

  /** Whether a heredoc body, not a command in it (`$(...)`), encloses this point. */
  inHeredocBody(): boolean {
    for (let k = this.#frames.length - 1; k >= 0; k--) {
      const frame = this.#frames[k];
      if ("cmd" in frame) return false;
      if (frame.kind === "heredoc") return true;
    }
    return false;
  }

  /**
   * Whether this point is inside a `$(...)` or backticks within a word that is code a
   * shell evaluates later (`sh -c "cd $(dirname …)"`): the substitution's output becomes
   * part of that code. `laterCode` is shell_later.ts laterCodeHere. Returns who evaluates it.
   */
  laterOutput(
    laterCode: (cmd: CommandState, word: Word) => LaterCode | undefined,
  ): LaterCode | undefined {
    const commands = this.#frames.filter((frame): frame is CommandFrame => "cmd" in frame);
    for (const { cmd } of commands.slice(0, -1)) {
      const later = cmd.current ? laterCode(cmd, cmd.current) : undefined;
      if (later) return later;
    }
  }

  /** A backslash that the shell drops inside backticks was read: see CommandFrame.escaped. */
  escapeInBacktick(): void {
    for (const frame of this.#frames) if (frame.kind === "backtick") frame.escaped = true;
  }

  /** Whether a backticks frame open here had a backslash the shell drops (CommandFrame.escaped). */
  backtickEscaped(): boolean {
    return this.#frames.some((frame) => frame.kind === "backtick" && frame.escaped === true);
  }

  /** The innermost command frame, unless a heredoc body (which is not part of a word) is nearer. */
  commandFrame(): CommandFrame | undefined {
    for (let k = this.#frames.length - 1; k >= 0; k--) {
      const frame = this.#frames[k];
      if (frame.kind === "heredoc") return undefined;
      if ("cmd" in frame) return frame;
    }
  }
}

/** The word of `frame`'s command being read, started here if none is. */
export function wordOf(frame: CommandFrame): Word {
  const { cmd } = frame;
  if (cmd.current) return cmd.current;
  const { redirect, hereString } = cmd;
  cmd.redirect = false;
  cmd.hereString = false;
  return cmd.current = { text: "", slots: [], redirect, ...(hereString ? { hereString } : {}) };
}

/** The characters that open `frame` (`"`, `$(`, `${`…), for messages. */
export function openerOf(frame: Frame): string {
  switch (frame.kind) {
    case "single":
      return "'";
    case "double":
      return '"';
    case "ansi":
      return "$'";
    case "backtick":
      return "`";
    case "subst":
      return "$(";
    case "param":
      return "${";
    case "arith":
      return frame.closer === "]" ? "[" : "((";
    default:
      return "";
  }
}
