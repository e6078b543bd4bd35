/**
 * Reading a command's words by a program's option syntax (foreign_code.ts's table):
 * whether the word being read is program text in another language. Words are plain
 * (quotes removed, shell_words.ts Word.plain).
 * @module
 */
import type { ForeignProgram } from "./foreign_code.ts";
import { holdsValue } from "./shell_words.ts";

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
  const codeLetters = program.codeLetters ?? "";
  const argLetters = program.argLetters ?? "";
  const fileLetters = program.fileLetters ?? "";
  let optionsDone = false;
  let operand = 0;
  let fileGiven = false; // a code or file option was given: no operand is the program
  let pending: "code" | number = 0; // the next words: code, or this many data arguments
  for (let i = start + 1; i <= at; i++) {
    const w = i === at ? current : words[i];
    const here = i === at;
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
    if (!optionsDone && /^-./.test(w)) {
      // `-F"${x}"` reads as `-F` here: its argument is attached (the value), not the next word.
      const valued = !here && holdsValue(words, i);
      const long = w.startsWith("--") ? w.slice(2) : program.singleDash ? w.slice(1) : undefined;
      const name = long?.split("=")[0];
      const attached = long !== undefined && long.includes("=");
      if (name !== undefined && program.codeLongs?.includes(name)) {
        fileGiven = true;
        if (attached) {
          if (here) return true;
          if (program.codeEndsOptions) return false;
        } else if (!valued) pending = "code";
      } else if (name !== undefined && program.fileLongs?.includes(name)) {
        fileGiven = true;
        if (!attached && !valued) pending = 1;
      } else if (name !== undefined && program.argLongs?.includes(name)) {
        if (!attached && !valued) pending = 1;
      } else if (name !== undefined && program.pairLongs?.includes(name)) {
        pending = 2;
      } else if (!w.startsWith("--") && !program.singleDash) {
        // A cluster of letters: the first that takes an argument takes the rest of it.
        for (let j = 1; j < w.length; j++) {
          const letter = w[j];
          const rest = j < w.length - 1 || valued;
          if (codeLetters.includes(letter)) {
            fileGiven = true;
            if (!rest) pending = "code";
            else if (here) return true;
            else if (program.codeEndsOptions) return false;
            break;
          }
          if (fileLetters.includes(letter)) {
            fileGiven = true;
            if (!rest) pending = 1;
            if (program.operandEndsOptions) optionsDone = true;
            break;
          }
          if (argLetters.includes(letter)) {
            if (!rest) pending = 1;
            break;
          }
          if (program.attachedLetters?.includes(letter)) break;
        }
      }
      if (here) return false;
      continue;
    }
    // An operand.
    if (program.subcommand !== undefined && operand === 0 && w !== program.subcommand) {
      return false;
    }
    const code = (program.codeOperandsFrom !== undefined && operand >= program.codeOperandsFrom) ||
      (!fileGiven && operand === program.codeOperand);
    if (here) return code;
    if (program.operandEndsOptions && (program.subcommand === undefined || operand > 0)) {
      optionsDone = true;
    }
    operand++;
  }
  return false;
}
