/**
 * The words of a simple command, as far as they matter to shell-safe rendering: bash
 * evaluates some arguments as arithmetic (`[[ a -eq b ]]`, `let`, `declare -i`,
 * `a[i]=`), where a value like `x[$(cmd)]` runs code, so substitutions there become
 * integer-only. Other places may be arithmetic, depending on what the lexer cannot see
 * (see {@link valueUseHere}): there a value may not hold a subscript that runs code.
 * Used by shell_lexer.ts.
 * @module
 */
import type { ShellContext } from "./shell.ts";
import type { LaterCode } from "./shell_later.ts";

/** A slot while lexing: `[[ x -eq ${v} ]]` turns earlier ones arithmetic when `-eq` is read. */
export interface MutableSlot {
  context: ShellContext;
  afterBackslash: boolean;
  integerOnly: boolean;
  /** See ShellSlot.nameOrNumber (shell.ts). */
  nameOrNumber: boolean;
  /** See ShellSlot.later (shell.ts). */
  later?: LaterCode;
  /** See ShellSlot.foreign (shell.ts). */
  foreign?: string;
  /** See ShellSlot.inner (shell.ts). */
  inner?: MutableSlot;
  /** See ShellSlot.outputInLater (shell.ts). */
  outputInLater?: LaterCode;
  /** See ShellSlot.outputInArithmetic (shell.ts). */
  outputInArithmetic?: boolean;
  /** See ShellSlot.backtickEscapes (shell.ts). */
  backtickEscapes?: boolean;
  /** See ShellSlot.declareOperand (shell.ts). */
  declareOperand?: "name" | "value";
  /** See ShellSlot.promptAssigned (shell.ts). */
  promptAssigned?: string;
}

/** One word; `text` holds its literal characters. */
export interface Word {
  /** Grown only through {@link addToWord}. */
  text: string;
  slots: MutableSlot[];
  /**
   * How `text` stands against `/^[A-Za-z_][A-Za-z0-9_]*\[[^\]]*$/` (`name[`, no `]`
   * since: "open") and {@link ASSIGNMENT} (`name=`, `name[...]+=`, anything after:
   * "value"), followed as it grows: testing those regexes at each substitution would
   * rescan a long word each time. "closed" after `name[...]`, "plus" after its `+`.
   * Absent while `text` is empty.
   */
  subscript?: "name" | "open" | "closed" | "plus" | "value" | "no";
  /** The target of a redirection (`> ${f}`, `<<< ${v}`): data, not an argument. */
  redirect?: boolean;
  /** The word of a here-string (`<<< ${v}`): the command's standard input. */
  hereString?: boolean;
  /**
   * Inside `[[ ]]`: the slots inside a `$(...)` or backticks within this word, whose output
   * is arithmetic when the word turns out an operand of `-eq` & co.
   */
  nested?: MutableSlot[];
  /**
   * The word's text as a shell that later evaluates it reads it (its characters once
   * weft's shell has removed its own quoting), from where shell_lexer.ts laterSlot last
   * read it: see shell_later.ts feedInner.
   */
  inner?: string;
  /**
   * The word's text with quotes, backslashes and line continuations removed, as the shell
   * matches a program's name or an option (`"sh"`, `'-c'`); only its first
   * {@link PLAIN_MAX} characters (names and options are short, a command string need not
   * be copied). Grown through {@link addPlain}.
   */
  plain?: string;
  /**
   * Where the word's plain text stands against its first `=`: absent before one, "end"
   * right after it (`name=`: what follows starts the assigned value), "after" past it.
   */
  equals?: "end" | "after";
}

/** How many characters of a word's plain text are kept (see Word.plain). */
const PLAIN_MAX = 256;

/** Appends `c`, a character of `word` once the shell removed its quoting, to its plain text. */
export function addPlain(word: Word, c: string): void {
  const plain = word.plain ?? "";
  if (plain.length < PLAIN_MAX) word.plain = plain + c;
  if (word.equals !== undefined) word.equals = "after";
  else if (c === "=") word.equals = "end";
}

/** Blanks between words. */
export const BLANK = new Set([" ", "\t"]);
/** Characters of the operators that end a word (and, but for `<` `>`, a simple command). */
export const OPERATOR = new Set([";", "&", "|", "<", ">", "(", ")", "\n"]);

/** Appends `c` (one UTF-16 unit) to `word`'s text. */
export function addToWord(word: Word, c: string): void {
  word.text += c;
  const s = word.subscript;
  if (s === undefined) word.subscript = /[A-Za-z_]/.test(c) ? "name" : "no";
  else if (s === "name") {
    word.subscript = c === "[" ? "open" : /\w/.test(c) ? "name" : afterName(c);
  } else if (s === "open") {
    if (c === "]") word.subscript = "closed";
  } else if (s === "closed") word.subscript = afterName(c);
  else if (s === "plus") word.subscript = c === "=" ? "value" : "no";
}

/** The state after a name (or its `[...]`) when `c` follows. */
const afterName = (c: string) => c === "=" ? "value" : c === "+" ? "plus" : "no";

/** The words of the simple command being read in one command frame. */
export interface CommandState {
  words: string[];
  current: Word | null;
  previous: Word | null;
  /** Inside `[[ ]]`, where the operands of `-eq` & co. are evaluated as arithmetic. */
  test: boolean;
  /** After `let` or `declare -i`: every argument is evaluated as arithmetic. */
  arithmetic: boolean;
  declaring: boolean;
  /** Open `case` statements: their `pat)` does not close a `$(`. */
  cases: number;
  /** The words' plain texts (Word.plain), in step with `words`. */
  plain: string[];
  /**
   * In step with `words`: what is left of each word's Word.inner once it ended (all of it
   * but what shell_lexer.ts laterSlot already read), for later code that joins words.
   */
  inners: string[];
  /** The command's name (its plain text), once read, and its index in `words`. */
  name?: string;
  nameAt: number;
  /** The next word is the target of a redirection. */
  redirect: boolean;
  /** The next word is a here-string's (`<<<`). */
  hereString?: boolean;
  /** Inside `a=( ... )`: the frame's `parens` level it ends below (0: not inside one). */
  compound: number;
  /** Inside `a=( ... )`: the array's name (a). */
  compoundName?: string;
  /** After `for NAME in` / `select NAME in`: each word is assigned to NAME. */
  forList: boolean;
  /** Names declared with the integer attribute so far (`declare -i n`), shared by all commands of one text. */
  integers: Set<string>;
  /** A `declare`/`local`/`typeset`/`readonly` with `-a` or `-A`: `name=(…)` is an array. */
  declaresArrays: boolean;
  /** The same with `-A`: its arrays' keys (`m=([key]=v)`) are text, not arithmetic. */
  declaresMaps: boolean;
}

/**
 * Names made arrays so far (`list=(…)`, `declare -a list`), shared like
 * CommandState.integers by all commands of one text: kept per that set, which every
 * command of the text holds, so that no caller of {@link newCommand} passes another.
 */
const arraysByText = new WeakMap<Set<string>, Set<string>>();

/** The names made arrays earlier in `cmd`'s text (see {@link arraysByText}). */
export function arraysOf(cmd: CommandState): Set<string> {
  let arrays = arraysByText.get(cmd.integers);
  if (!arrays) arraysByText.set(cmd.integers, arrays = new Set());
  return arrays;
}

const ARITHMETIC_TESTS = new Set(["-eq", "-ne", "-lt", "-le", "-gt", "-ge"]);
const RESERVED = new Set([
  "if",
  "then",
  "else",
  "elif",
  "do",
  "while",
  "until",
  "!",
  "time",
  "coproc",
  "{",
]);
const DECLARE = new Set(["declare", "typeset", "local", "readonly"]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;
/** bash builtins whose operands are all variable names (`unset a[i]`, `export n=v`). */
export const NAME_OPERANDS = new Set([
  "declare",
  "typeset",
  "local",
  "export",
  "readonly",
  "unset",
]);
/** bash builtins reading into named variables: the options that take a value (data) instead. */
const READ_DATA_OPTIONS: Record<string, string> = {
  read: "dinNptu",
  mapfile: "dnOsuCc",
  readarray: "dnOsuCc",
};

/** A fresh simple command; `integers` is shared by all commands of one text. */
export const newCommand = (integers: Set<string>): CommandState => ({
  words: [],
  plain: [],
  inners: [],
  current: null,
  previous: null,
  test: false,
  arithmetic: false,
  declaring: false,
  cases: 0,
  nameAt: -1,
  redirect: false,
  hereString: false,
  compound: 0,
  compoundName: undefined,
  forList: false,
  integers,
  declaresArrays: false,
  declaresMaps: false,
});

/** Whether the next word is in command position (only keywords and assignments before it). */
export function atCommandPosition(cmd: CommandState): boolean {
  // A `words` array only grows (a new command gets a new one): the words already found
  // to be keywords or assignments are not tested again (a long run of assignments would
  // make that quadratic).
  let seen = commandPrefix.get(cmd.words);
  if (!seen) commandPrefix.set(cmd.words, seen = { checked: 0, ok: true });
  for (; seen.ok && seen.checked < cmd.words.length; seen.checked++) {
    seen.ok = beforeCommand(cmd.words[seen.checked], cmd.words[seen.checked - 1]);
  }
  return seen.ok;
}

/**
 * Whether word `w` (raw text), after `previous`, keeps the next word in command position: a
 * reserved word (only unquoted: `"if"` is a command), an assignment, or the `-p` of bash's
 * `time -p`.
 */
function beforeCommand(w: string, previous: string | undefined): boolean {
  return RESERVED.has(w) || ASSIGNMENT.test(w) || (w === "-p" && previous === "time");
}

/** Per `words` array: how many {@link atCommandPosition} has tested, and whether all passed. */
const commandPrefix = new WeakMap<string[], { checked: number; ok: boolean }>();

/** Whether a substitution now, inside `word`, is evaluated as arithmetic by bash. */
export function arithmeticHere(cmd: CommandState, word: Word): boolean {
  return cmd.arithmetic ||
    (cmd.test && ARITHMETIC_TESTS.has(cmd.previous?.text ?? "")) ||
    (word.subscript === "open" && atCommandPosition(cmd));
}

/**
 * Whether bash may evaluate a substitution now, inside `word`, as arithmetic for a reason
 * the text does not settle: "integer" where the value is assigned to a name declared
 * `-i` earlier in the text; "name" where the value is assigned to a variable (which may
 * have the integer attribute, set anywhere) or read as a variable name (`printf -v`,
 * `read`, `declare`, `unset`, `[[ -v ]]`...), in both of which bash evaluates a subscript
 * `a[...]` as arithmetic, running the `$(...)` or backticks in it. Undefined elsewhere.
 * Only called where {@link arithmeticHere} is false.
 */
export function valueUseHere(cmd: CommandState, word: Word): "integer" | "name" | undefined {
  const use = nameUseHere(cmd, word);
  // Inside the subscript of a name bash reads (`unset "a[${v}]"`, `printf -v "a[${v}]"`,
  // `[[ -v a[${v}] ]]`, `arr=([${v}]=1)`): that subscript is arithmetic, whoever wrote
  // its `[`, so the value is integer-only; a key of `declare -A m=([${v}]=1)` is text.
  if (use !== "name") return use;
  const plain = word.plain ?? "";
  if (cmd.compound > 0) return /^\[[^\]]*$/.test(plain) && !cmd.declaresMaps ? "integer" : use;
  return /^(?:-v)?[A-Za-z_]\w*\[[^\]]*$/.test(plain) ? "integer" : use;
}

/** {@link valueUseHere} without the subscripts of a name read as one. */
function nameUseHere(cmd: CommandState, word: Word): "integer" | "name" | undefined {
  if (word.redirect) return undefined;
  if (cmd.compound > 0 || cmd.forList) return "name";
  if (cmd.test) {
    const previous = cmd.previous?.text;
    return previous === "-v" || previous === "-R" ? "name" : undefined;
  }
  if (
    word.subscript === "value" && (atCommandPosition(cmd) || NAME_OPERANDS.has(cmd.name ?? ""))
  ) {
    const assigned = cmd.integers.size > 0 ? /^[A-Za-z_]\w*/.exec(word.text)![0] : "";
    return cmd.integers.has(assigned) ? "integer" : "name";
  }
  const name = cmd.name;
  if (name === undefined) return undefined;
  // The word before this one, if it is an argument (not the command's name).
  const previous = cmd.words.length > cmd.nameAt + 1 ? cmd.plain.at(-1) : undefined;
  if (NAME_OPERANDS.has(name)) return "name";
  const dataOptions = READ_DATA_OPTIONS[name];
  if (dataOptions !== undefined) {
    const last = previous?.startsWith("-") ? previous.at(-1)! : "";
    return last !== "" && dataOptions.includes(last) ? undefined : "name";
  }
  switch (name) {
    case "printf":
      if (previous === "-v" || (word.plain ?? "").startsWith("-v")) return "name";
      // `declare -i n; printf -v n %s "${v}"`: the output is assigned to n, as arithmetic.
      return cmd.integers.has(printfTarget(cmd) ?? "") ? "integer" : undefined;
    case "wait":
      return previous !== undefined && /^-[A-Za-z]*p$/.test(previous) ? "name" : undefined;
    case "getopts": // getopts OPTSTRING NAME [ARG...]
      return cmd.words.length === cmd.nameAt + 2 ? "name" : undefined;
    case "test":
    case "[":
      return previous === "-v" || previous === "-R" ? "name" : undefined;
  }
  return undefined;
}

/** The variable a `printf -v NAME` (or `-vNAME`) of `cmd` assigns, once its words say. */
export function printfTarget(cmd: CommandState): string | undefined {
  const args = cmd.plain.slice(cmd.nameAt + 1);
  const at = args.indexOf("-v");
  return at >= 0 ? args[at + 1] : args.find((arg) => arg.startsWith("-v"))?.slice(2);
}

/** A word of `cmd` is complete: update what the command's words tell about arithmetic. */
export function endWord(cmd: CommandState): void {
  const word = cmd.current;
  if (!word) return;
  cmd.current = null;
  if (word.redirect) return; // `> file` is no argument and leaves the command position as it was
  const text = word.text;
  // Quotes matter to reserved words (`"if"` is a command) and assignments; a builtin or
  // a program is named and given options the same with or without them (`"eval"`, `'-c'`).
  const plain = word.plain ?? "";
  if (text === "{" && cmd.name === "function" && cmd.compound === 0) {
    // `function f { x=${v}; }`: the body's first command starts here.
    Object.assign(cmd, newCommand(cmd.integers), { cases: cmd.cases });
    return;
  }
  if (cmd.compound > 0) {
    // The elements of `a=( ... )`, not a command.
  } else if (cmd.test) {
    if (text === "]]") cmd.test = false;
    else if (ARITHMETIC_TESTS.has(text)) {
      cmd.previous?.slots.forEach((slot) => slot.integerOnly = true);
      cmd.previous?.nested?.forEach((slot) => slot.outputInArithmetic ||= !slot.integerOnly);
    }
  } else if (atCommandPosition(cmd)) {
    // `x[0]=1` makes x an array: a later `declare "x=${v}"` re-parses a value `(…)`.
    const element = /^([A-Za-z_]\w*)\[[^\]]*\]\+?=/.exec(text);
    if (element) arraysOf(cmd).add(element[1]);
    if (text === "[[") cmd.test = true;
    else if (plain === "let") cmd.arithmetic = true;
    else if (DECLARE.has(plain)) cmd.declaring = true;
    else if (text === "case") cmd.cases++;
    else if (text === "esac" && cmd.cases > 0) cmd.cases--;
    if (!beforeCommand(text, cmd.words.at(-1))) {
      cmd.name = plain;
      cmd.nameAt = cmd.words.length;
    }
  } else if (cmd.declaring && /^-[A-Za-z]+$/.test(plain)) {
    if (plain.includes("i")) cmd.arithmetic = true;
    if (/[aA]/.test(plain)) cmd.declaresArrays = true;
    if (plain.includes("A")) cmd.declaresMaps = true;
  } else if (
    (cmd.name === "builtin" || cmd.name === "command") && cmd.words.length === cmd.nameAt + 1 &&
    !plain.startsWith("-")
  ) {
    // `builtin printf -v ...`: the command's name is the next word.
    cmd.name = plain;
    cmd.nameAt = cmd.words.length;
    if (DECLARE.has(plain)) cmd.declaring = true;
    else if (plain === "let") cmd.arithmetic = true;
  } else if (text === "in" && (cmd.name === "for" || cmd.name === "select")) {
    cmd.forList = cmd.words.length === cmd.nameAt + 2;
  } else if (cmd.declaring && (cmd.arithmetic || cmd.declaresArrays) && !plain.startsWith("-")) {
    // `declare -i n` or `local -i n=0`: a later `n=${...}` is arithmetic; `declare -a l`:
    // a later `declare l="${...}"` re-parses a value `(…)` as the array's elements.
    const declared = /^[A-Za-z_][A-Za-z0-9_]*/.exec(plain)?.[0];
    if (declared && cmd.arithmetic) cmd.integers.add(declared);
    if (declared && cmd.declaresArrays) arraysOf(cmd).add(declared);
  }
  if (word.slots.length > 0) {
    let valued = valuedWords.get(cmd.plain);
    if (!valued) valuedWords.set(cmd.plain, valued = new Set());
    valued.add(cmd.plain.length);
  }
  cmd.words.push(text);
  cmd.plain.push(plain);
  cmd.inners.push(word.inner ?? "");
  cmd.previous = word;
}

/** Per CommandState.plain: the indices of the words that hold a substitution. */
const valuedWords = new WeakMap<readonly string[], Set<number>>();

/**
 * Whether word `index` of a command's plain words (CommandState.plain) holds a
 * substitution: its plain text lacks the value, so `-F"${x}"` reads `-F` like an option
 * whose argument is the next word, which it is not.
 */
export function holdsValue(plain: readonly string[], index: number): boolean {
  return valuedWords.get(plain)?.has(index) ?? false;
}
