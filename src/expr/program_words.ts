/**
 * One program, as a field names it: a task's `shell` (tasks/shell.ts runs it with
 * `-c COMMAND`) and a python task's `interpreter` (tasks/python.ts runs it with the
 * script) are each started as one program, a name or a path, never split into words.
 * So `/usr/bin/env bash`, `bash --posix`, `/usr/bin/env python3` or `python3 -u` are
 * looked for as a program of that whole name and not found: `weft validate` says so
 * (parse/program_checks.ts blankProgramTrouble) instead of the run failing every time.
 * @module
 */

/** The fields that name one program. */
export type ProgramField = "shell" | "interpreter";

/**
 * Why `value` (the text of `field`, no `${...}` in it) cannot start, or null when it
 * holds no blank inside (blanks around it are trimmed). `offset` is the first blank's,
 * in `value` as written. `extraHint(program)` adds what to do with the options.
 */
export function programWordsTrouble(
  field: ProgramField,
  value: string,
  extraHint: (program: string) => string = () => "",
): { offset: number; message: string; hint: string } | null {
  const trimmed = value.trim();
  const inside = trimmed.search(/\s/);
  if (inside < 0) return null;
  const words = trimmed.split(/\s+/);
  // `/usr/bin/env bash`: the program env would have started is the one to write.
  const envFirst = words[0].split("/").at(-1) === "env";
  const program = (envFirst ? words.slice(1).find((w) => !w.startsWith("-")) : words[0]) ??
    words[0];
  return {
    offset: value.indexOf(trimmed) + inside,
    message: `${field} ${JSON.stringify(trimmed)} has arguments, and weft runs \`${field}\` as ` +
      `one program: it would look for a program named ${JSON.stringify(trimmed)} and not find it`,
    hint: `\`${field}\` is one program, a name or a path, without arguments; write ` +
      `\`${field}: ${program}\`${extraHint(program)}`,
  };
}

/** The options of a python `interpreter`: where they go instead. */
export function interpreterOptionsHint(): string {
  return "; weft runs Python unbuffered already (PYTHONUNBUFFERED), and other options go " +
    "in `environment:` (PYTHONWARNINGS, PYTHONOPTIMIZE, …)";
}
