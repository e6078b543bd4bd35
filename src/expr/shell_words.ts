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
  /** See ShellSlot.promptArgument (shell.ts). */
  promptArgument?: boolean;
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
  /** A `declare`/`local`/`typeset` with `-n`: its operands are namerefs (see {@link namerefsOf}). */
  declaresRefs: boolean;
  /**
   * The variables this command reads its standard input into: the name operands of
   * `read`/`mapfile`/`readarray` (as read so far), and for the command that closes a
   * compound one (`done`, `fi`, `}`, `esac`, a subshell's `)`), the names read inside it
   * (`while read PS4; do …; done <<< …`). A new set for each command: a heredoc owed
   * keeps its command's (shell_lexer.ts).
   */
  reads: Set<string>;
  /**
   * The slots of this command's here-strings: a name `read` is given after them
   * (`read <<< "${v}" PS4`) is their target too ({@link endWord}).
   */
  inputSlots: MutableSlot[];
  /** The slots of all this command's words (for {@link CommandState.piped}). */
  ownSlots: MutableSlot[];
  /**
   * The slots of the commands piped into this one (`printf %s "${v}" | read PS4`), whose
   * output, value and all, may be its input: read into a prompt variable, refused.
   */
  piped: MutableSlot[];
  /**
   * The compound commands open in this frame (`while`…`done`, `{`…`}`, `( … )`) and its
   * process substitutions (`<( … )`), innermost last, carried from command to command.
   */
  blocks: Block[];
  /** A `declare`/`local`/`typeset`/`readonly` with `-a` or `-A`: `name=(…)` is an array. */
  declaresArrays: boolean;
  /** The same with `-A`: its arrays' keys (`m=([key]=v)`) are text, not arithmetic. */
  declaresMaps: boolean;
}

/** A compound command or a process substitution open in a command frame (CommandState.blocks). */
export interface Block {
  /** The names read (`read`, `mapfile`) by the commands inside it. */
  reads: Set<string>;
  /** For `( … )` and `<( … )`: the frame's `parens` level it closes below. */
  parens?: number;
  /** For `<( … )`: the reads of the command whose input it is (`read PS4 < <(…)`). */
  feeds?: Set<string>;
  /** The slots piped into it (`… | while read PS4; …`): CommandState.piped. */
  piped?: MutableSlot[];
  /**
   * For `<( … )`: the command it is a word of, which goes on after its `)`
   * (`read < <(…) PS4`), and the slots of the commands inside it, which that command
   * may read (CommandState.piped).
   */
  resume?: CommandState;
  slots?: MutableSlot[];
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

/** Per text (its CommandState.integers, as {@link arraysByText}): its namerefs. */
const namerefsByText = new WeakMap<Set<string>, Map<string, string>>();

/**
 * The namerefs made earlier in `cmd`'s text (`declare -n r=PS4`, `local -n r`): each
 * name's target, "" while it has none (`declare -n r; r=PS4` gives it one).
 */
function namerefsOf(cmd: CommandState): Map<string, string> {
  let refs = namerefsByText.get(cmd.integers);
  if (!refs) namerefsByText.set(cmd.integers, refs = new Map());
  return refs;
}

/**
 * Per text (its CommandState.integers, as {@link arraysByText}): the slots of the values
 * given as input anywhere in it (a here-string, a heredoc body, a process substitution
 * `<( … )`, a command piped into another), and the prompt variable read into anywhere in
 * it (`read -r PS4`, `mapfile PS0`), once one is. Where both are, each such value is
 * refused (MutableSlot.promptAssigned), in whichever order they come: the input may reach
 * the read by ways the lexer does not follow (`exec 3<<< …; read PS4 <&3`, `coproc`,
 * `f <<< …` where `f() { read PS4; }`). Scripts that read into a prompt variable are rare.
 */
const inputsByText = new WeakMap<Set<string>, { slots: MutableSlot[]; prompt?: string }>();

function inputsOf(integers: Set<string>): { slots: MutableSlot[]; prompt?: string } {
  let inputs = inputsByText.get(integers);
  if (!inputs) inputsByText.set(integers, inputs = { slots: [] });
  return inputs;
}

/** Marks `slot` as assigned to the prompt variable `name`, unless it is integer-only. */
const markPrompt = (slot: MutableSlot, name: string) => {
  if (!slot.integerOnly) slot.promptAssigned ??= name;
};

/**
 * `slots` are given as input in the text whose CommandState.integers is `integers`
 * (see {@link inputsByText}): refused if the text reads into a prompt variable anywhere.
 */
export function givenAsInput(integers: Set<string>, slots: Iterable<MutableSlot>): void {
  const inputs = inputsOf(integers);
  for (const slot of slots) {
    if (inputs.prompt) markPrompt(slot, inputs.prompt);
    else inputs.slots.push(slot);
  }
}

/** The text of `cmd` reads into the prompt variable `name`: its inputs are refused. */
function readIntoPrompt(cmd: CommandState, name: string): void {
  const inputs = inputsOf(cmd.integers);
  inputs.prompt ??= name;
  for (const slot of inputs.slots) markPrompt(slot, inputs.prompt);
  inputs.slots = [];
}

/** How many namerefs {@link resolveName} follows (bash warns past a loop). */
const NAMEREF_HOPS = 8;

/** The variable (base name) an assignment to `name` sets, through the text's namerefs. */
export function resolveName(cmd: CommandState, name: string): string {
  let base = baseOf(name);
  const refs = namerefsOf(cmd);
  for (let hop = 0; hop < NAMEREF_HOPS && refs.get(base); hop++) base = baseOf(refs.get(base)!);
  return base;
}

/** A name without its subscript (`PS4[0]` → `PS4`). */
const baseOf = (name: string) => name.replace(/\[.*$/s, "");

/** bash's and zsh's prompt strings, as a regular expression's alternatives. */
const PROMPT_STRINGS = "PS[0-4]|PROMPT[234]?|PROMPT_EOL_MARK|RPROMPT2?|RPS[12]|SPROMPT";

/**
 * The variables a shell expands later, running the `$(…)` in their text: bash's prompt
 * strings PS0-PS4 (bash(1) PROMPTING) and zsh's names for them and its other prompts
 * (PROMPT, PROMPT2-4, PROMPT_EOL_MARK, RPROMPT, RPROMPT2, RPS1, RPS2, SPROMPT;
 * zshparam(1), under `setopt promptsubst`), BASH_ENV (bash(1) INVOCATION: expanded as a non-interactive
 * bash starts) and ENV (POSIX sh: as an interactive shell starts). Expanded as one string,
 * not split into words: a reference to a variable is expanded once, its value not read
 * again (shell_later.ts "prompt").
 */
export const EXPANDED_LATER = `${PROMPT_STRINGS}|BASH_ENV|ENV`;

/** The prompt strings among {@link EXPANDED_LATER} (all but BASH_ENV and ENV), by name. */
export const PROMPT_STRING_NAME = new RegExp(`^(?:${PROMPT_STRINGS})$`);

/** A prompt variable's name (or an element's: `PS4[0]`), as an assignment's target. */
const PROMPT_NAME = new RegExp(`^(?:${EXPANDED_LATER}|PROMPT_COMMAND)(?:\\[[^\\]]*\\])?$`);

/**
 * Whether `name` is a prompt variable ({@link EXPANDED_LATER}, PROMPT_COMMAND: run as code)
 * or an element of one.
 */
export const isPromptName = (name: string | undefined): name is string =>
  PROMPT_NAME.test(name ?? "");

/**
 * THE variables a value placed now in `word` of `cmd` is assigned to, each through the
 * namerefs of the text (`declare -n r=PS4; r=…` assigns PS4): those of the `${n:=…}`
 * around it (`params`, shell_frames.ts assignedParams) first, then by the command's
 * words: `NAME=…` (where a command starts, or an operand of `declare` & co.), an element
 * of `NAME=( … )`, the words of `for NAME in`, the operands after `printf -v NAME`, and
 * a here-string read into the command's names (`read -r NAME <<< …`, and the names read
 * inside the compound command it closes: `while read NAME; …; done <<< …`; a name given
 * after it, `read <<< … NAME`, is added at that word by {@link endWord}). Empty where the
 * value is assigned to no variable. Both what bash may evaluate as arithmetic
 * ({@link valueUseHere}: a variable declared `-i`) and what it expands as a prompt
 * (shell_later.ts promptAssignedHere: PS0-PS4, PROMPT_COMMAND) ask this.
 */
export function assignmentTargets(
  cmd: CommandState,
  word: Word,
  params: readonly string[] = [],
): string[] {
  return [...params, ...directTargets(cmd, word)].map((name) => resolveName(cmd, name));
}

/** {@link assignmentTargets} by the command's words, before namerefs. */
function directTargets(cmd: CommandState, word: Word): string[] {
  if (word.redirect) return word.hereString ? [...cmd.reads] : [];
  if (cmd.compound > 0) return cmd.compoundName ? [cmd.compoundName] : [];
  if (cmd.forList) {
    const name = cmd.plain[cmd.nameAt + 1];
    return name ? [name] : [];
  }
  if (word.subscript === "value" && assignsWords(cmd)) return [ownName(word)];
  if (cmd.name === "printf" || cmd.name === "print") {
    const target = cmd.name === "printf" ? printfTarget(cmd) : zshPrintOptions(cmd).target;
    return target ? [target] : [];
  }
  return [];
}

/** Whether a `NAME=…` word of `cmd` now is an assignment: where a command starts, or an operand of `declare` & co. */
export const assignsWords = (cmd: CommandState) =>
  atCommandPosition(cmd) || NAME_OPERANDS.has(cmd.name ?? "");

/** The name a `NAME=…` (or `NAME[i]+=…`) word assigns. */
export const ownName = (word: Word) => /^[A-Za-z_]\w*/.exec(word.text)?.[0] ?? "";

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
  declaresRefs: false,
  reads: new Set(),
  inputSlots: [],
  ownSlots: [],
  piped: [],
  blocks: [],
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
export function valueUseHere(
  cmd: CommandState,
  word: Word,
  params: readonly string[] = [],
): "integer" | "name" | undefined {
  const use = nameUseHere(cmd, word, params);
  // Inside the subscript of a name bash reads (`unset "a[${v}]"`, `printf -v "a[${v}]"`,
  // `[[ -v a[${v}] ]]`, `arr=([${v}]=1)`): that subscript is arithmetic, whoever wrote
  // its `[`, so the value is integer-only; a key of `declare -A m=([${v}]=1)` is text.
  if (use !== "name" || word.redirect) return use;
  const plain = word.plain ?? "";
  if (cmd.compound > 0) return /^\[[^\]]*$/.test(plain) && !cmd.declaresMaps ? "integer" : use;
  return /^(?:-v)?[A-Za-z_]\w*\[[^\]]*$/.test(plain) ? "integer" : use;
}

/**
 * {@link valueUseHere} without the subscripts of a name read as one: "integer" or "name"
 * where the value is assigned to a variable ({@link assignmentTargets}: `n=…`,
 * `printf -v n`, `read n <<< …`, `${n:=…}` alike), "name" where it is read as a name.
 */
function nameUseHere(
  cmd: CommandState,
  word: Word,
  params: readonly string[],
): "integer" | "name" | undefined {
  const targets = assignmentTargets(cmd, word, params);
  if (targets.length > 0) {
    return targets.some((target) => cmd.integers.has(target)) ? "integer" : "name";
  }
  if (word.redirect) return undefined;
  if (cmd.compound > 0 || cmd.forList) return "name";
  if (cmd.test) {
    const previous = cmd.previous?.text;
    return previous === "-v" || previous === "-R" ? "name" : undefined;
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
      // The output assigned to `printf -v n` is a target above (assignmentTargets).
      return previous === "-v" || (word.plain ?? "").startsWith("-v") ? "name" : undefined;
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

/** The letters of zsh's `print` options that take an argument (zshbuiltins(1)). */
const PRINT_ARGUMENT_LETTERS = "uCvxXf";

/**
 * What the options of zsh's `print` in `cmd` say, as far as its words are read: whether
 * one is `-P` (its operands are expanded as prompts) and the name `-v NAME` (`-vNAME`,
 * `-rv NAME`) assigns. An option that takes an argument (`-u N`, `-C N`, `-v NAME`,
 * `-x N`, `-X N`, `-f FMT`) takes the rest of its word, or else the next word; options
 * end at `--`, `-` or the first operand.
 */
export function zshPrintOptions(cmd: CommandState): { prompt: boolean; target?: string } {
  const result: { prompt: boolean; target?: string } = { prompt: false };
  if (cmd.name !== "print" || cmd.nameAt < 0) return result;
  const args = cmd.plain.slice(cmd.nameAt + 1);
  for (let i = 0; i < args.length; i++) {
    const w = args[i];
    if (w === "--" || w === "-" || !/^[-+]/.test(w)) break;
    for (let k = 1; k < w.length; k++) {
      const letter = w[k];
      if (letter === "P" && w[0] === "-") result.prompt = true;
      if (PRINT_ARGUMENT_LETTERS.includes(letter)) {
        const argument = k + 1 < w.length ? w.slice(k + 1) : args[++i];
        if (letter === "v" && argument !== undefined) result.target = argument;
        break;
      }
    }
  }
  return result;
}

/** A word of `cmd` is complete: update what the command's words tell about arithmetic. */
export function endWord(cmd: CommandState): void {
  const word = cmd.current;
  if (!word) return;
  cmd.current = null;
  cmd.ownSlots.push(...word.slots);
  if (word.redirect) {
    // `> file` is no argument and leaves the command position as it was.
    if (word.hereString) {
      cmd.inputSlots.push(...word.slots);
      givenAsInput(cmd.integers, word.slots);
    }
    return;
  }
  const text = word.text;
  // Quotes matter to reserved words (`"if"` is a command) and assignments; a builtin or
  // a program is named and given options the same with or without them (`"eval"`, `'-c'`).
  const plain = word.plain ?? "";
  if (text === "{" && cmd.name === "function" && cmd.compound === 0) {
    // `function f { x=${v}; }`: the body's first command starts here.
    Object.assign(cmd, newCommand(cmd.integers), { cases: cmd.cases, blocks: cmd.blocks });
    cmd.blocks.push({ reads: new Set() });
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
    if (OPENS_BLOCK.has(text)) cmd.blocks.push({ reads: new Set(), piped: cmd.piped });
    else if (CLOSES_BLOCK.has(text)) closeBlock(cmd, cmd.blocks.findLastIndex((b) => !b.parens));
    // `x=PS4` gives a nameref declared without a target one (`declare -n x; x=PS4`).
    const assigned = /^([A-Za-z_]\w*)=(.*)$/s.exec(plain);
    if (assigned && namerefsOf(cmd).get(assigned[1]) === "") {
      namerefsOf(cmd).set(assigned[1], assigned[2]);
    }
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
    if (plain.includes("n")) cmd.declaresRefs = true;
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
  if (cmd.declaring && cmd.declaresRefs && !plain.startsWith("-")) {
    // `declare -n r=PS4`: an assignment to r assigns PS4 (`declare -n r`: once r=… says).
    const ref = /^([A-Za-z_]\w*)(?:=(.*))?$/s.exec(plain);
    if (ref) namerefsOf(cmd).set(ref[1], ref[2] ?? "");
  }
  const read = cmd.nameAt >= 0 && cmd.words.length > cmd.nameAt ? readName(cmd, plain) : undefined;
  if (read) {
    cmd.reads.add(read);
    cmd.blocks.findLast((b) => !b.feeds)?.reads.add(read);
    // `read <<< "${v}" PS4`: the here-strings before are read into it too.
    const target = resolveName(cmd, read);
    for (const slot of cmd.inputSlots) {
      if (slot.integerOnly) continue;
      if (cmd.integers.has(target)) slot.integerOnly = true;
      else slot.nameOrNumber = true;
      if (isPromptName(target)) markPrompt(slot, target);
    }
    // `printf %s "${v}" | read PS4`, `… | while read PS4; …`: what is piped in may hold
    // the value (for a prompt only: a pipe's data into other names is the script's).
    if (isPromptName(target)) {
      readIntoPrompt(cmd, target);
      const piped = [cmd.piped, ...cmd.blocks.map((b) => b.piped ?? [])].flat();
      for (const slot of piped) markPrompt(slot, target);
    }
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

/** Reserved words (and `for`, `select`, `case`) that open a compound command, where a command starts. */
const OPENS_BLOCK = new Set(["while", "until", "if", "for", "select", "case", "{"]);
/** Those that close one: the command they start takes the redirections of the whole. */
const CLOSES_BLOCK = new Set(["done", "fi", "esac", "}"]);

/**
 * Closes `cmd.blocks[at]` (and any opened after it): the names read inside it are read
 * from this command's input (`done <<< …`), and from that of the compound command
 * around it, which its own redirections leave to it.
 */
export function closeBlock(cmd: CommandState, at: number): void {
  if (at < 0) return;
  const closed = cmd.blocks.splice(at);
  for (const block of closed) {
    if (block.feeds) continue;
    for (const name of block.reads) {
      cmd.reads.add(name);
      cmd.blocks.findLast((b) => !b.feeds)?.reads.add(name);
    }
  }
}

/**
 * The variable word `plain` of a `read`, `mapfile` or `readarray` command names as one
 * to read into, if it does: an operand (`read -r PS4`), or `-a`'s argument (`-aPS4`), but
 * not the argument of an option that takes data (`read -p PROMPT`).
 */
function readName(cmd: CommandState, plain: string): string | undefined {
  const dataOptions = READ_DATA_OPTIONS[cmd.name ?? ""];
  if (dataOptions === undefined) return undefined;
  const previous = cmd.words.length > cmd.nameAt + 1 ? cmd.plain.at(-1)! : "";
  if (/^-[A-Za-z]+$/.test(previous) && dataOptions.includes(previous.at(-1)!)) return undefined;
  const name = /^-[A-Za-z]*a(.+)$/.exec(plain)?.[1] ?? (plain.startsWith("-") ? "" : plain);
  return /^[A-Za-z_]\w*(?:\[[^\]]*\])?$/.test(name) ? name : undefined;
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
