/**
 * Fields that name one program (`shell`, a python `interpreter`), checked as the run
 * would start them (expr/program_words.ts): a value with blanks is one program's name.
 * @module
 */
import { shellWordsTrouble } from "../expr/shell.ts";
import {
  interpreterOptionsHint,
  type ProgramField,
  programWordsTrouble,
} from "../expr/program_words.ts";

/** How many times {@link blankProgramTrouble} looked at the file system (see fileSystemLooks). */
let looks = 0;

/**
 * How many times these checks have looked at the file system in this process: a
 * validation during which the count moved depends on more than the file's bytes, and
 * the validated-workflow cache keeps no such result (validated_cache.ts).
 */
export function fileSystemLooks(): number {
  return looks;
}

/**
 * Why a `shell` value (a step's or `defaults.shell`) cannot start, when it holds a blank
 * (expr/shell.ts shellWordsTrouble), or null; see {@link blankProgramTrouble}.
 */
export function blankShellTrouble(shell: unknown): ReturnType<typeof shellWordsTrouble> {
  return blankProgramTrouble("shell", shell);
}

/**
 * Why a field naming one program (`shell`, a python `interpreter`) cannot start, when it
 * holds a blank (expr/program_words.ts), or null; a path to an existing file passes (a
 * folder with a blank in its name), as the run would start it, and so does a value with
 * a `${...}` (its value is known at run time only).
 */
export function blankProgramTrouble(
  field: ProgramField,
  value: unknown,
): ReturnType<typeof shellWordsTrouble> {
  if (typeof value !== "string" || (field === "interpreter" && value.includes("${"))) return null;
  const trouble = field === "shell"
    ? shellWordsTrouble(value)
    : programWordsTrouble(field, value, interpreterOptionsHint);
  if (!trouble || !value.trim().startsWith("/")) return trouble;
  looks++;
  try {
    return Deno.statSync(value.trim()).isFile ? null : trouble;
  } catch {
    return trouble;
  }
}
