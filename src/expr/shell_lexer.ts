/**
 * A resumable lexer over the literal text of a shell command, tracking just enough
 * (quotes, escapes, comments, `$(`, backticks, `${`, arithmetic, heredocs, and the words
 * of each simple command) to tell which context a substitution lands in. See shell.ts.
 * The open constructs are kept in shell_frames.ts, heredoc delimiters and bodies in
 * shell_heredoc.ts, the head of each `${...}` is read by shell_param.ts.
 * @module
 */
import {
  type CommandFrame,
  FrameStack,
  openerOf,
  type ParamFrame,
  wordOf,
} from "./shell_frames.ts";
import { endsHeredoc, Heredocs } from "./shell_heredoc.ts";
import {
  feedInner,
  type ForeignNote,
  laterCodeHere,
  promptAssignedHere,
  promptFed,
  promptRead,
  zshPromptArgument,
} from "./shell_later.ts";
import { readParamHead } from "./shell_param.ts";
import {
  addPlain,
  addToWord,
  arithmeticHere,
  arraysOf,
  atCommandPosition,
  BLANK,
  type Block,
  closeBlock,
  type CommandState,
  endWord,
  givenAsInput,
  type MutableSlot,
  newCommand,
  OPERATOR,
  valueUseHere,
  type Word,
} from "./shell_words.ts";

/** Whether `name=` in `word` (a declare operand) assigns an array: `-a`/`-A`, or a known array. */
const declaresArray = (cmd: CommandState, word: Word) =>
  cmd.declaresArrays || arraysOf(cmd).has(/^[A-Za-z_]\w*/.exec(word.plain ?? "")?.[0] ?? "");

/**
 * Whether bash evaluates `word` of `cmd` as arithmetic, as far as the text tells: its
 * place (arithmeticHere), or a name's subscript or an integer variable's value
 * (valueUseHere).
 */
const arithmeticWord = (cmd: CommandState, word: Word) =>
  arithmeticHere(cmd, word) || valueUseHere(cmd, word) === "integer";

/** The `name=` (`name[...]+=`) that starts an assignment word. */
const ASSIGNED_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

/** `name=` or `name[...]+=` and nothing after: followed by `(`, a compound assignment. */
const COMPOUND_START = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=$/;

/**
 * How many levels of code evaluated later (`sh -c "eval '…'"` is two) the lexer follows;
 * a value deeper than that is refused (shell_deferred.ts).
 */
const LATER_DEPTH = 4;

/** See the module doc; feed literal text, call substitute() at each `${...}`, then finish(). */
export class ShellLexer {
  /**
   * `depth`: how many levels of later code this text is inside (0 for a task's command;
   * see {@link laterSlot}).
   */
  constructor(private readonly depth = 0) {}

  /** Per word holding later code: the lexer over its later text. */
  private readonly laterLexers = new WeakMap<Word, ShellLexer>();
  /** Names declared `-i` anywhere before: assigning to one is arithmetic. */
  private readonly integers = new Set<string>();
  /** How many characters of literal text were fed before the current `feed` call. */
  #base = 0;
  /** The offset (in all the literal text fed) of the character being read. */
  #at = 0;
  private readonly frames = new FrameStack(this.integers, () => this.#at);
  private readonly heredocs = new Heredocs();
  private escapeNext = false;

  /** Whether the text read so far ends inside a shell comment (`# ...` up to the newline). */
  get inComment(): boolean {
    return this.frames.top.kind === "comment";
  }

  /** The context right now, at a substitution, and the lexer state after it. */
  substitute(): MutableSlot {
    const top = this.frames.top;
    const slot: MutableSlot = {
      context: this.frames.context(this.heredocs.readingDelimiter),
      afterBackslash: this.escapeNext,
      integerOnly: this.frames.inArithmetic(),
      nameOrNumber: false,
    };
    this.escapeNext = false;
    if (top.kind === "heredoc") top.dirty = true;
    const frame = this.frames.commandFrame();
    if (frame) {
      const word = wordOf(frame);
      const params = this.frames.assignedParams();
      const use = arithmeticHere(frame.cmd, word)
        ? "integer"
        : valueUseHere(frame.cmd, word, params);
      if (use === "integer") slot.integerOnly = true;
      else if (use === "name") slot.nameOrNumber = true;
      const note: ForeignNote = {};
      const later = slot.integerOnly ? undefined : laterCodeHere(frame.cmd, word, note);
      if (later === "foreign") {
        // Another language's text: not lexed as a shell's (refused whatever follows).
        slot.later = later;
        slot.foreign = note.program;
      } else if (later) {
        slot.later = later;
        slot.inner = this.laterSlot(word, frame.cmd, note);
      }
      if (use === "name" && frame.cmd.declaring && frame.cmd.compound === 0) {
        // `declare -a "l=${v}"`, `declare "${v}"`: bash re-parses `l=(…)` there.
        // Only with -a/-A, or for a name made an array before (`l=(); declare l="${v}"`):
        // elsewhere bash 5.2 assigns `(…)` as a plain string.
        if (word.equals === undefined) slot.declareOperand = "name";
        else if (word.equals === "end" && declaresArray(frame.cmd, word)) {
          slot.declareOperand = "value";
        }
      }
      if (!slot.integerOnly) {
        const prompt = promptAssignedHere(frame.cmd, word, params);
        if (prompt) slot.promptAssigned = prompt;
        if (zshPromptArgument(frame.cmd)) {
          slot.promptArgument = true;
        }
      }
      word.slots.push(slot);
    }
    // The command frames around this one (`$(…)`, backticks), read four times below.
    const outer = this.frames.outerCommands();
    const commands = frame ? [...outer, frame] : outer;
    if (!slot.integerOnly && !slot.promptAssigned) {
      // Read into a prompt variable from a heredoc or a process substitution
      // (`read PS4 < <(printf %s ${x})`), or the output of a `$(...)` assigned to one
      // (`printf -v PS4 %s "$(echo ${x})"`).
      const prompt = this.frames.heredocPrompt() ??
        commands.map(({ cmd }) => promptFed(cmd)).find((name) => name !== undefined) ??
        outer.map(({ cmd }) => cmd.current ? promptAssignedHere(cmd, cmd.current, []) : undefined)
          .find((name) => name !== undefined);
      if (prompt) slot.promptAssigned = prompt;
      // The output of a `$(...)` in an argument of zsh's `print -P`.
      if (outer.some(({ cmd }) => cmd.current && zshPromptArgument(cmd))) {
        slot.promptArgument = true;
      }
    }
    if (!slot.integerOnly) {
      slot.outputInLater = this.frames.laterOutput(laterCodeHere);
      if (this.frames.outputInArithmetic(arithmeticWord)) slot.outputInArithmetic = true;
      // `[[ $(echo ${v}) -eq 1 ]]`: the operand's output turns arithmetic once `-eq` is read.
      for (const { cmd } of outer) {
        if (cmd.test && cmd.current) (cmd.current.nested ??= []).push(slot);
      }
    }
    if (this.frames.backtickEscaped()) slot.backtickEscapes = true;
    // Input to some command (a heredoc's body, a here-string, a process substitution
    // `<( … )`, also inside a `$(…)` there): refused if the text reads into a prompt
    // variable anywhere (shell_words.ts givenAsInput; the here-string's own word and a
    // pipe's commands are given by endWord and operator).
    if (
      this.frames.all.some((f) => f.kind === "heredoc") ||
      outer.some(({ cmd }) => cmd.current?.hereString) ||
      commands.some(({ cmd }) => cmd.blocks.some((b) => b.feeds))
    ) {
      givenAsInput(this.integers, [slot]);
    }
    return slot;
  }

  /**
   * The substitution as the shell that evaluates `word` later sees it: `word`'s later
   * text (shell_later.ts feedInner) lexed as a command of its own, which may hold later
   * code again (`sh -c "trap '… ${x}' EXIT"`). Undefined past {@link LATER_DEPTH}.
   */
  private laterSlot(word: Word, cmd: CommandState, note: ForeignNote): MutableSlot | undefined {
    if (this.depth + 1 >= LATER_DEPTH) return undefined;
    if (note.joined !== undefined) return this.joinedSlot(word, cmd, note.joined);
    let lexer = this.laterLexers.get(word);
    if (!lexer) {
      this.laterLexers.set(word, lexer = new ShellLexer(this.depth + 1));
      // `PS4=…`, `PROMPT_COMMAND=…`: the later text is the assigned value, not `PS4=` again
      // (which would be later code at every level, refused as too deep).
      if (note.assignment) word.inner = (word.inner ?? "").replace(ASSIGNED_NAME, "");
    }
    lexer.feed(word.inner ?? "");
    word.inner = ""; // fed: a long word is not copied again at its next substitution
    return lexer.substitute();
  }

  /**
   * {@link laterSlot} where the later code is `cmd`'s words from index `joined` on, joined
   * with spaces (`eval`'s arguments: shell_later.ts ForeignNote.joined): one lexer reads
   * them all, as the shell parses that one string, so that `eval eval echo ${x}` puts the
   * value in `eval echo …` at the next level, which is later code again.
   */
  private joinedSlot(word: Word, cmd: CommandState, joined: number): MutableSlot {
    let byStart = this.joinedLexers.get(cmd.words);
    if (!byStart) this.joinedLexers.set(cmd.words, byStart = new Map());
    let state = byStart.get(joined);
    if (!state) byStart.set(joined, state = { lexer: new ShellLexer(this.depth + 1), word: -1 });
    const at = cmd.words.length; // the word being read
    let text = "";
    if (state.word !== at) {
      // The rest of the word read last, then the words since, each after a space.
      if (state.word >= joined) text += cmd.inners[state.word];
      for (let i = Math.max(state.word + 1, joined); i < at; i++) {
        text += (i > joined ? " " : "") + cmd.inners[i];
      }
      if (at > joined) text += " ";
      state.word = at;
    }
    text += word.inner ?? "";
    word.inner = ""; // fed: a long word is not copied again at its next substitution
    state.lexer.feed(text);
    return state.lexer.substitute();
  }

  /** Per command (its words array) and index of joined later code: its lexer, and the word read last. */
  private readonly joinedLexers = new WeakMap<
    readonly string[],
    Map<number, { lexer: ShellLexer; word: number }>
  >();

  /** Ends the text: the last word of the command is complete. */
  finish(): void {
    for (const frame of this.frames.all) if ("cmd" in frame) endWord(frame.cmd);
  }

  /** Feeds literal text. Lookahead stops at the end of `text`: what follows is a substitution. */
  feed(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      this.#at = this.#base + i;
      if (this.escapeNext) {
        this.escapeNext = false;
        // Inside backticks the shell drops these backslashes before it parses the body,
        // which then reads otherwise than this lexer does (`"\`printf \"${x}\"\`"`).
        if ('$`\\"'.includes(c)) this.frames.escapeInBacktick();
        const top = this.frames.top;
        if (top.kind === "heredoc") top.line += c;
        else if ("cmd" in top && c !== "\n") {
          addToWord(wordOf(top), c);
          feedInner(wordOf(top), c);
        } else if (top.kind === "double" && c !== "\n") {
          // Inside "...", only `$ ` " \` lose their backslash.
          if (!'$`"\\'.includes(c)) this.inner("\\");
          this.inner(c);
        } else if (top.kind === "ansi") this.inner(c); // `\'` is a quote, `\\` a backslash
        continue;
      }
      if (this.heredocs.readingDelimiter && this.heredocs.readDelimiter(c)) continue;
      i = this.step(text, i);
    }
    this.#base += text.length;
  }

  /**
   * After {@link finish}: what the text leaves open that the shell refuses to run
   * (`echo "hello`: "Unterminated quoted string"), as the characters that opened it and
   * their offset in all the literal text fed; undefined when nothing is.
   */
  unclosed(): { opener: string; at: number } | undefined {
    const open = this.frames.unclosed();
    if (!open) return undefined;
    return { opener: openerOf(open.frame), at: open.at };
  }

  /** Handles the character at `i`; returns the index of the last character consumed. */
  private step(text: string, i: number): number {
    const c = text[i];
    const next = text[i + 1];
    const top = this.frames.top;
    switch (top.kind) {
      case "single":
        if (c === "'") this.frames.pop();
        else this.inner(c);
        return i;
      case "ansi":
        if (c === "\\") this.escapeNext = true;
        else if (c === "'") this.frames.pop();
        else this.inner(c);
        return i;
      case "comment":
        if (c !== "\n") return i;
        this.frames.pop();
        return i - 1; // the command frame sees the newline (it may start a heredoc body)
      case "double":
        if (c === "\\") this.escapeNext = true;
        else if (c === '"') this.frames.pop();
        else {
          this.inner(c);
          return this.expansion(text, i, true);
        }
        return i;
      case "param":
        return this.param(top, text, i);
      case "arith":
        if (c === "\\") this.escapeNext = true;
        else if (c === "(" || c === "[") top.parens++;
        else if (c === ")" || c === "]") {
          if (top.parens > 0) top.parens--;
          else if (top.closer === "]" && c === "]") this.frames.pop();
          else if (top.closer === ")" && c === ")" && next === ")") {
            this.frames.pop();
            return i + 1;
          }
        } else if (c === '"') this.frames.push({ kind: "double" });
        else return this.expansion(text, i, true);
        return i;
      case "heredoc":
        if (c === "\n") {
          // A line equal to the delimiter ends the body; the next one owed may follow.
          if (endsHeredoc(top)) this.frames.endHeredoc(this.heredocs.nextBody());
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

  /**
   * `c`, inside a quote of the word being read (not in a `$(...)` or `${...}` in it), as
   * a shell evaluating the word later reads it (shell_later.ts feedInner).
   */
  private inner(c: string): void {
    const all = this.frames.all;
    const below = all[all.length - 2];
    if (below && "cmd" in below && below.cmd.current) feedInner(below.cmd.current, c);
  }

  /** Inside `${...}`: `${a[i]}` subscripts and `${s:offset:length}` are arithmetic in bash. */
  private param(top: ParamFrame, text: string, i: number): number {
    const c = text[i];
    const head = readParamHead(top, c, text[i + 1]);
    if (head === "taken") return i;
    if (head === "subscript") {
      this.frames.push({ kind: "arith", parens: 0, closer: "]" });
      return i;
    }
    if (c === "\\") this.escapeNext = true;
    else if (c === "}") this.frames.pop();
    // Inside "...", a `'` quotes in a pattern (every shell) but is a plain character in
    // `${v:-w}`'s word.
    else if (c === "'" && (!top.inDouble || top.pattern)) this.frames.push({ kind: "single" });
    else if (c === '"') this.frames.push({ kind: "double" });
    else return this.expansion(text, i, top.inDouble);
    return i;
  }

  /** `$(`, `$((`, `$[`, `${` and backticks, which open a new frame in most contexts. */
  private expansion(text: string, i: number, inDouble: boolean): number {
    const c = text[i];
    const next = text[i + 1];
    if (c === "`") {
      if (this.frames.top.kind === "backtick") this.frames.pop();
      else this.frames.push({ kind: "backtick", parens: 0, cmd: newCommand(this.integers) });
      return i;
    }
    if (c !== "$") return i;
    if (next === "(" && text[i + 2] === "(") {
      this.frames.push({ kind: "arith", parens: 0, closer: ")" });
      return i + 2;
    }
    if (next === "(") {
      this.frames.push({ kind: "subst", parens: 0, cmd: newCommand(this.integers) });
      return i + 1;
    }
    if (next === "[") {
      this.frames.push({ kind: "arith", parens: 0, closer: "]" }); // bash's old $[ ... ]
      return i + 1;
    }
    if (next === "{") {
      const top = this.frames.top;
      this.frames.push({
        kind: "param",
        inDouble,
        stage: "start",
        arithmetic: false,
        assigns: false,
        // `${a%${b:-w}}`: w is part of a's pattern (`"${b:-w}"` would quote it).
        pattern: top.kind === "param" && top.pattern && !top.arithmetic,
        heredoc: this.frames.inHeredocBody(),
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
    if (c === "\\" && next === "\n") return i + 1; // a line continuation: no character at all
    if (BLANK.has(c) || OPERATOR.has(c)) {
      // `2>/dev/null sh -c …`, `{fd}<f`: a file descriptor, part of the redirection.
      const fd = cmd.current?.text;
      if ((c === "<" || c === ">") && fd !== undefined && /^(?:\d+|\{[A-Za-z_]\w*\})$/.test(fd)) {
        cmd.current!.redirect = true;
      }
      endWord(cmd);
      return this.operator(top, text, i);
    }
    if (c === "#" && wordStart) {
      this.frames.push({ kind: "comment" });
      return i;
    }
    addToWord(wordOf(top), c);
    switch (c) {
      case "\\":
        this.escapeNext = true;
        return i;
      case "'":
        this.frames.push({ kind: "single" });
        return i;
      case '"':
        this.frames.push({ kind: "double" });
        return i;
      case "$":
        if (next === "'") {
          this.frames.push({ kind: "ansi" });
          return i + 1;
        }
        addPlain(wordOf(top), c);
        return this.expansion(text, i, false);
      case "`":
        addPlain(wordOf(top), c);
        return this.expansion(text, i, false);
      default:
        feedInner(wordOf(top), c);
        return i;
    }
  }

  /** Blanks and `; & | < > ( )` and newlines in command text. */
  private operator(top: CommandFrame, text: string, i: number): number {
    const c = text[i];
    const next = text[i + 1];
    const { cmd } = top;
    if (BLANK.has(c)) return i;
    // && || ( ) < > inside [[ ]], and line breaks: bash reads `[[ -n x &&⏎ ${v} -eq 3 ]]`
    // as one test, whose -eq operands stay arithmetic.
    if (cmd.test && c !== ";") return i;
    let compound = cmd.compound;
    let closing: Block | undefined;
    let resumed: Block | undefined;
    switch (c) {
      case "(":
        if (next === "(" && (atCommandPosition(cmd) || cmd.words.at(-1) === "for")) {
          this.frames.push({ kind: "arith", parens: 0, closer: ")" }); // bash's (( )) and for (( ))
          return i + 1;
        }
        top.parens++;
        if (
          cmd.compound === 0 && COMPOUND_START.test(cmd.words.at(-1) ?? "") &&
          (atCommandPosition(cmd) || cmd.declaring || cmd.name === "export")
        ) {
          compound = top.parens; // `a=(`: its elements may be arithmetic (`declare -ai a`)
          cmd.compoundName = /^[A-Za-z_]\w*/.exec(cmd.words.at(-1)!)![0];
          arraysOf(cmd).add(cmd.compoundName);
        } else if (cmd.compound === 0 && i > 0 && text[i - 1] === "<") {
          // `<( … )`: its output is this command's input (`read PS4 < <(…)`).
          const resume = { ...cmd, current: null, redirect: false, hereString: false };
          cmd.blocks.push({
            reads: new Set(),
            parens: top.parens,
            feeds: cmd.reads,
            resume,
            slots: [],
          });
        } else if (cmd.compound === 0 && atCommandPosition(cmd)) {
          cmd.blocks.push({ reads: new Set(), parens: top.parens }); // a subshell
        }
        break;
      case ")":
        if (top.parens > 0) {
          // `( read PS4 ) <<< …`: the subshell's reads are the next redirection's.
          const at = cmd.blocks.findLastIndex((b) => b.parens === top.parens);
          if (at >= 0 && !cmd.blocks[at].feeds) closing = cmd.blocks[at];
          if (at >= 0 && cmd.blocks[at].resume) resumed = cmd.blocks[at];
          if (at >= 0) cmd.blocks.splice(at);
          top.parens--;
          if (top.parens < compound) compound = 0;
        } else if (cmd.cases > 0) break; // the end of a case pattern; a command follows
        else if (top.kind === "subst") {
          this.frames.pop();
          return i;
        }
        break;
      case "<":
        if (next === "<" && text[i + 2] === "<") {
          cmd.redirect = true; // a here-string: its word is data
          cmd.hereString = true;
          return i + 2;
        }
        if (next === "<") {
          const stripTabs = text[i + 2] === "-";
          // Read into the command's names, `read <<EOF PS4` too: known when the body starts.
          const reads = cmd.reads;
          this.heredocs.startDelimiter(stripTabs, () => promptRead(cmd, reads));
          return i + (stripTabs ? 2 : 1);
        }
        cmd.redirect = true;
        return next === "&" ? i + 1 : i; // `<&3`
      case ">":
        cmd.redirect = true;
        return next === "&" || next === "|" ? i + 1 : i; // `>&2`, `>|f`
      case "&":
        if (next === ">") {
          cmd.redirect = true; // bash's `&>f` and `&>>f`: no command ends here
          return i + 1;
        }
        break;
      case "\n": {
        const body = this.heredocs.nextBody();
        if (body) this.frames.push(body);
        break;
      }
    }
    // ; & | ( ) and newline end the simple command; a `declare -A m=(` opened here keeps
    // its keys text.
    const cases = cmd.cases;
    const declaresMaps = compound > 0 && cmd.declaresMaps;
    const compoundName = compound > 0 ? cmd.compoundName : undefined;
    const blocks = cmd.blocks;
    // `a | b`: what a writes (and what was piped into it) is b's input; not `||`.
    const pipe = c === "|" && next !== "|" && text[i - 1] !== "|";
    const piped = pipe ? [...cmd.piped, ...cmd.ownSlots] : [];
    if (pipe) givenAsInput(cmd.integers, cmd.ownSlots);
    // Inside `<( … )`: what its commands write is the input of the command around it.
    (resumed ?? cmd.blocks.findLast((b) => b.resume))?.slots?.push(...cmd.ownSlots);
    Object.assign(cmd, newCommand(cmd.integers), {
      piped,
      cases,
      compound,
      declaresMaps,
      compoundName,
      blocks,
    });
    if (closing) {
      blocks.push(closing);
      closeBlock(cmd, blocks.length - 1);
    }
    if (resumed?.resume) {
      // `read < <(…) PS4`: the command around `<( … )` goes on.
      const { resume, slots = [] } = resumed;
      Object.assign(cmd, resume, {
        blocks,
        piped: [...resume.piped, ...slots],
        ownSlots: [...resume.ownSlots, ...slots],
      });
    }
    return i;
  }
}
