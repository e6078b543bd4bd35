/**
 * Reading a command's words by a program's option syntax (foreign_code.ts's table):
 * whether the word being read is program text in another language. Words are plain
 * (quotes removed, shell_words.ts Word.plain).
 *
 * A single-dash word is a cluster of letters (`perl -lane`, `psql -Atc`), read letter by
 * letter as getopt and perl read it: a flag takes nothing and the next letter follows; a
 * letter with a numeric argument (`perl -l[octal]`, `-0[octal]`) takes the digits that
 * follow and the cluster goes on; a letter taking an argument takes the rest of the word,
 * or the next word when nothing follows it. A value that lands where letters or an
 * option's name are still being read (`perl -n"${x}"`) could add any option, code
 * included: for a program with code options it counts as code.
 * @module
 */
import type { ForeignProgram } from "./foreign_code.ts";
import { holdsValue } from "./shell_words.ts";

/** What an option takes: program text, program text besides the code operand, a file, data. */
type Takes = "code" | "also" | "file" | "operand" | "arg" | "pair";

/** One option word, read: what its option takes and whether that is attached to the word. */
interface OptionRead {
  /** What the (last) option of the word takes, if anything. */
  takes?: Takes;
  /** Its argument is in this word (`-cCODE`, `--eval=CODE`): no next word is taken. */
  attached: boolean;
  /** The word's text after its letter is program text (perl's `-MModule`, `-F/,/`). */
  attachedCode?: boolean;
  /** The word ends while letters or a long option's name are still being read. */
  open: boolean;
  /** The option was a letter of a cluster (not a long option). */
  letter: boolean;
}

/** Whether the program has any option whose argument is program text. */
function hasCodeOptions(p: ForeignProgram): boolean {
  return Boolean(
    p.codeLetters || p.codeLongs?.length || p.alsoCodeLetters || p.alsoCodeLongs?.length ||
      p.attachedCodeLetters || p.operandCodeLongs?.length,
  );
}

/** Reads option word `w` (which holds a value after its text when `valued`) by `p`'s syntax. */
function readOption(p: ForeignProgram, w: string, valued: boolean): OptionRead {
  const long = w.startsWith("--") ? w.slice(2) : p.singleDash ? w.slice(1) : undefined;
  if (long !== undefined) {
    const name = long.split("=")[0];
    const attached = long.includes("=");
    const open = !attached;
    const read = (takes: Takes): OptionRead => ({ takes, attached, open, letter: false });
    const key = p.caseless ? name.toLowerCase() : name;
    const has = (names: readonly string[] | undefined) =>
      names?.some((n) => (p.caseless ? n.toLowerCase() : n) === key) ?? false;
    if (has(p.codeLongs)) return read("code");
    if (has(p.alsoCodeLongs)) return read("also");
    if (has(p.operandCodeLongs)) return read("operand");
    if (has(p.fileLongs)) return read("file");
    if (has(p.argLongs)) return read("arg");
    if (has(p.pairLongs)) return read("pair");
    return { attached, open, letter: false };
  }
  for (let j = 1; j < w.length; j++) {
    const letter = w[j];
    const number = p.numberLetters?.[letter];
    if (number) {
      j += number.exec(w.slice(j + 1))?.[0].length ?? 0;
      continue;
    }
    const attached = j < w.length - 1 || valued;
    const read = (takes: Takes): OptionRead => ({ takes, attached, open: false, letter: true });
    if (p.attachedCodeLetters?.includes(letter)) {
      return { attached, attachedCode: true, open: false, letter: true };
    }
    if (p.codeLetters?.includes(letter)) return read("code");
    if (p.alsoCodeLetters?.includes(letter)) return read("also");
    if (p.fileLetters?.includes(letter)) return read("file");
    if (p.argLetters?.includes(letter)) return read("arg");
    if (p.attachedLetters?.includes(letter)) return { attached, open: false, letter: true };
  }
  return { attached: false, open: true, letter: true };
}

/**
 * Whether word `at` (the one being read, its plain text so far `current`) of the command
 * whose program is `words[start]` (described by `program`) is program text.
 */
export function inForeignCode(
  words: readonly string[],
  start: number,
  at: number,
  current: string,
  program: ForeignProgram,
): boolean {
  let optionsDone = false;
  let operand = 0;
  let fileGiven = false; // a code or file option was given: no operand is the program
  let operandCode = false; // an option made the first operand the program (`node -p`)
  let pending: "code" | number = 0; // the next words: code, or this many data arguments
  let subcommandSkipped = false;
  for (let i = start + 1; i <= at; i++) {
    const here = i === at;
    const w = here ? current : words[i];
    if (pending === "code") {
      if (here) return true;
      pending = 0;
      if (program.codeEndsOptions) return false;
      continue;
    }
    if (pending > 0) {
      pending--;
      if (here) return false;
      continue;
    }
    if (!optionsDone && w === "--") {
      optionsDone = true;
      if (here) return false;
      continue;
    }
    // `sqlite3 DB -A ARGS…`: this word and all after it go to another command, as data.
    if (!optionsDone && program.restOption?.test(w)) return false;
    if (!optionsDone && (/^-./.test(w) || (here && w === "-"))) {
      // `-F"${x}"` reads as `-F` here: its argument is attached (the value), not the next word.
      const read = readOption(program, w, !here && holdsValue(words, i));
      if (here) {
        // The value continues this word: an option's argument, or more letters or name.
        if (read.attachedCode) return true;
        if (read.takes === undefined) return read.open && hasCodeOptions(program);
        if (read.takes === "code" || read.takes === "also") return true;
        return !read.letter && !read.attached && hasCodeOptions(program);
      }
      const { takes, attached } = read;
      if (takes === "code" || takes === "file") fileGiven = true;
      if (takes === "operand") operandCode = true;
      if (takes === "code" || takes === "also") {
        if (!attached) pending = "code";
        else if (program.codeEndsOptions) return false;
      } else if (takes === "file" || takes === "arg") {
        if (!attached) pending = 1;
        if (takes === "file" && program.operandEndsOptions) optionsDone = true;
      } else if (takes === "pair") pending = 2;
      continue;
    }
    // An operand.
    if (operand === 0 && program.subcommand !== undefined && w !== program.subcommand) {
      return false;
    }
    if (operand === 0 && !subcommandSkipped && program.optionalSubcommands?.includes(w)) {
      if (here) return false;
      subcommandSkipped = true;
      continue; // `yq eval FILTER`: the operands count from the next
    }
    const code = (program.codeOperandsFrom !== undefined && operand >= program.codeOperandsFrom) ||
      (!fileGiven && (operand === program.codeOperand || (operandCode && operand === 0)));
    if (here) return code;
    if (program.operandEndsOptions && (program.subcommand === undefined || operand > 0)) {
      optionsDone = true;
    }
    operand++;
  }
  return false;
}
