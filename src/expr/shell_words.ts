/**
 * The words of a simple command, as far as they matter to shell-safe rendering: bash
 * evaluates some arguments as arithmetic (`[[ a -eq b ]]`, `let`, `declare -i`,
 * `a[i]=`), where a value like `x[$(cmd)]` runs code, so substitutions there become
 * integer-only. Used by shell_lexer.ts.
 * @module
 */
import type { ShellContext } from "./shell.ts";

/** A slot while lexing: `[[ x -eq ${v} ]]` turns earlier ones arithmetic when `-eq` is read. */
export interface MutableSlot {
  context: ShellContext;
  afterBackslash: boolean;
  integerOnly: boolean;
}

/** One word; `text` holds its literal characters. */
export interface Word {
  /** Grown only through {@link addToWord}. */
  text: string;
  slots: MutableSlot[];
  /**
   * How `text` stands against `/^[A-Za-z_][A-Za-z0-9_]*\[[^\]]*$/` (`name[`, no `]`
   * since: "open"), followed as it grows: testing that regex at each substitution would
   * rescan a long word each time.
   * Absent while `text` is empty.
   */
  subscript?: "name" | "open" | "no";
}

/** Appends `c` (one UTF-16 unit) to `word`'s text. */
export function addToWord(word: Word, c: string): void {
  word.text += c;
  const s = word.subscript;
  if (s === undefined) word.subscript = /[A-Za-z_]/.test(c) ? "name" : "no";
  else if (s === "name") word.subscript = c === "[" ? "open" : /\w/.test(c) ? "name" : "no";
  else if (s === "open" && c === "]") word.subscript = "no";
}

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
  "{",
]);
const DECLARE = new Set(["declare", "typeset", "local", "readonly"]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

/** A fresh simple command. */
export const newCommand = (): CommandState => ({
  words: [],
  current: null,
  previous: null,
  test: false,
  arithmetic: false,
  declaring: false,
  cases: 0,
});

/** Whether the next word is in command position (only keywords and assignments before it). */
export function atCommandPosition(cmd: CommandState): boolean {
  // A `words` array only grows (a new command gets a new one): the words already found
  // to be keywords or assignments are not tested again (a long run of assignments would
  // make that quadratic).
  let seen = commandPrefix.get(cmd.words);
  if (!seen) commandPrefix.set(cmd.words, seen = { checked: 0, ok: true });
  for (; seen.ok && seen.checked < cmd.words.length; seen.checked++) {
    const w = cmd.words[seen.checked];
    seen.ok = RESERVED.has(w) || ASSIGNMENT.test(w);
  }
  return seen.ok;
}

/** Per `words` array: how many {@link atCommandPosition} has tested, and whether all passed. */
const commandPrefix = new WeakMap<string[], { checked: number; ok: boolean }>();

/** Whether a substitution now, inside `word`, is evaluated as arithmetic by bash. */
export function arithmeticHere(cmd: CommandState, word: Word): boolean {
  return cmd.arithmetic ||
    (cmd.test && ARITHMETIC_TESTS.has(cmd.previous?.text ?? "")) ||
    (word.subscript === "open" && atCommandPosition(cmd));
}

/** A word of `cmd` is complete: update what the command's words tell about arithmetic. */
export function endWord(cmd: CommandState): void {
  const word = cmd.current;
  if (!word) return;
  cmd.current = null;
  const text = word.text;
  if (cmd.test) {
    if (text === "]]") cmd.test = false;
    else if (ARITHMETIC_TESTS.has(text)) {
      cmd.previous?.slots.forEach((slot) => slot.integerOnly = true);
    }
  } else if (atCommandPosition(cmd)) {
    if (text === "[[") cmd.test = true;
    else if (text === "let") cmd.arithmetic = true;
    else if (DECLARE.has(text)) cmd.declaring = true;
    else if (text === "case") cmd.cases++;
    else if (text === "esac" && cmd.cases > 0) cmd.cases--;
  } else if (cmd.declaring && /^-[A-Za-z]*i/.test(text)) cmd.arithmetic = true;
  cmd.words.push(text);
  cmd.previous = word;
}
