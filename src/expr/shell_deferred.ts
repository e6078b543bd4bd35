/**
 * The reference weft writes for a value in code a shell evaluates later (the words
 * shell_later.ts finds: `eval`, `trap`, `sh -c`…), and how a launch tells that a child
 * shell reads it (tasks/shell_launch.ts exports the variable then). See shell.ts.
 * @module
 */
import { ExpressionError } from "./errors.ts";
import type { ShellContext, ShellSlot } from "./shell.ts";
import { MAX_ARG_STRLEN } from "../model/limits.ts";
import { FOREIGN_PROGRAMS } from "./foreign_code.ts";

/**
 * Text that, once the shell has read weft's command, leaves the code evaluated later
 * reading the variable itself. `levels[0]` is the substitution in weft's command,
 * `levels[i + 1]` the same point as the shell that evaluates level i's later code sees it
 * (shell_lexer.ts); the last level is where the variable is read. There the reference is
 * quoted for the context open: `"${WEFT_V_1}"` outside quotes, `${WEFT_V_1}` inside "..."
 * or an unquoted heredoc, `'"${WEFT_V_1}"'` inside '...', `'"${WEFT_V_1}"$'` inside $'...',
 * and `${WEFT_V_1}` in a prompt string (not split into words, and keeping the quotes it
 * holds); `${WEFT_V_1-}` when a child shell is on the way (the same value;
 * {@link exportedLater} recognises it). Then, level by level outwards, it is written as
 * text for the quotes around it there, so that each shell passes it on unexpanded: `'` as
 * `'\''` inside '...', `\'` and `\\` inside $'...', `\` before `$ ` " \` inside "..."
 * (and before `'` too outside quotes); the first level's text gets `prefix`. So only the
 * innermost shell expands it, and the value is never code at any depth:
 * `sh -c "eval 'echo ${x}'"` → `sh -c "eval 'echo \"\${WEFT_V_1-}\"'"`.
 *
 * Refuses where the code runs without weft's environment (`ssh`, `sudo` without `-E`,
 * `su -`, `env -i`, at any level), where a child shell would need a value over
 * MAX_ARG_STRLEN in its environment, and where the nesting cannot be followed (deeper
 * than the lexer goes, a backslash right before the value in later code, a heredoc or a
 * prompt string on the way): there it points to a variable of the code's own.
 */
export function deferredReference(
  levels: readonly ShellSlot[],
  name: string,
  value: string,
  prefix: string,
  offset: number,
): string {
  const kinds = levels.slice(0, -1).map((level) => level.later);
  const innermost = levels[levels.length - 1];
  if (kinds.includes("remote")) {
    throw new ExpressionError(
      "cannot substitute a value into a command run on another machine or in a container " +
        "(`ssh host …`, `docker exec … sh -c`, `kubectl exec`…): the shell there would read " +
        "the value as code, and cannot see the variable weft passes it in",
      offset,
      "send the value on the remote command's standard input " +
        "(`printf '%s\\n' \"${params.x}\" | ssh host 'read -r x; …'`), in a file " +
        '(`scp`), or a container\'s environment (`docker exec -e X="${params.x}" c ' +
        "sh -c '… \"$X\"'`), and keep the remote command free of ${...}",
    );
  }
  if (kinds.includes("unknown")) {
    throw new ExpressionError(
      "cannot tell whether this value is code: it follows a shell's `-c` (or `su`, `sg`, " +
        "`script`…) given as an operand to a program weft does not know, which may run " +
        "that shell (a wrapper: the value would be read as code) or not (`conda install " +
        "bash -c CHANNEL`: the value is data). Weft neither splices it in nor changes it",
      offset,
      "pass the value through a variable, which keeps it data either way: " +
        '`X="${...}" prog … sh -c \'… "$X"\'` if the program runs that shell, ' +
        '`X="${...}"; prog … -c "$X"` if `-c` is its own option',
    );
  }
  if (kinds.includes("opaque")) {
    throw new ExpressionError(
      "cannot substitute a value into the string `env -S` splits into a command (or the " +
        "code of a shell it names): env " +
        "splits it with quotes and `${VAR}` expansion of its own, which weft does not " +
        "follow, and the value would be read as code",
      offset,
      "write the command as words after env's options, where weft follows it: " +
        "`env A=1 sh -c '… ${params.x} …'`",
    );
  }
  if (kinds.includes("cleared")) {
    throw new ExpressionError(
      "cannot substitute a value into code run after the environment is cleared " +
        "(`sudo` without -E, `doas`, `su -`, `env -i`): the shell that runs it would read " +
        "the value as code, and cannot see the variable weft passes it in",
      offset,
      "keep the environment (`sudo -E` or `--preserve-env`, `su` without `-`), or pass the " +
        'value as an argument after the code: `sudo sh -c \'echo "$1"\' sh "${params.x}"`',
    );
  }
  const depth = levels.length - 1;
  if (innermost.later) {
    throw unfollowed(offset, 0, `more than the ${depth} levels deep weft follows`);
  }
  const child = kinds.includes("child");
  if (child) {
    const bytes = new TextEncoder().encode(value).length;
    if (name.length + 2 + bytes > MAX_ARG_STRLEN) {
      throw new ExpressionError(
        `the value of the \${...} at character ${offset + 1} of the command is ${bytes} bytes, ` +
          "and the child shell it reaches (`sh -c`, `find -exec`…) can read it only from its " +
          `environment, where Linux takes no string over ${MAX_ARG_STRLEN} bytes ` +
          "(MAX_ARG_STRLEN, execve(2)); exported, it would make every command of the task fail " +
          'with "Argument list too long": write the value to a file first and let the child ' +
          "read that file",
        offset,
        "`printf '%s' \"${...}\" > value.txt; sh -c 'wc -c < value.txt'`",
      );
    }
  }
  // `-}` marks a child shell's reference for exportedLater; the value is the same.
  const variable = child ? `\${${name}-}` : `\${${name}}`;
  let code: string | undefined = kinds.at(-1) === "prompt"
    ? variable
    : REFERENCE[innermost.context]?.(variable);
  if (code === undefined) {
    throw unfollowed(offset, depth, `in a ${CONTEXT_NAME[innermost.context]} of that code`);
  }
  if (depth > 1 && innermost.afterBackslash) {
    throw unfollowed(offset, depth, "right after a backslash in that code");
  }
  for (let i = depth - 1; i >= 1; i--) {
    const level = levels[i];
    if (kinds[i - 1] === "prompt") throw unfollowed(offset, depth, "inside a prompt string");
    if (level.afterBackslash) throw unfollowed(offset, depth, "right after a backslash");
    code = AS_TEXT[level.context]?.(code);
    if (code === undefined) {
      throw unfollowed(offset, depth, `in a ${CONTEXT_NAME[level.context]} on the way`);
    }
  }
  return prefix + (AS_TEXT[levels[0].context] ?? AS_TEXT.unquoted!)(code);
}

/**
 * Refuses, whatever the value, a substitution weft cannot keep out of code: inside a
 * `$(...)` whose output becomes later code or arithmetic, or inside backticks whose body
 * the shell reads otherwise (ShellSlot.outputInLater, .outputInArithmetic,
 * .backtickEscapes), at any level.
 */
export function refuseUnfollowed(levels: readonly ShellSlot[], offset: number): void {
  // Inside a prompt string itself (`PS4='$(…)'`), the output is not read again, and
  // deferredReference refuses what needs it ("inside a prompt string").
  const intoCode = (s: ShellSlot, i: number) =>
    s.outputInLater && !s.integerOnly && levels[i - 1]?.later !== "prompt";
  if (levels.some(intoCode)) {
    throw new ExpressionError(
      "cannot substitute a value inside $(...) or backticks within code a shell runs later " +
        "(`sh -c`, `eval`, `trap`…): the command's output, holding the value, becomes part " +
        "of that code and would be read as code",
      offset,
      "pass the value through a variable and run the substitution in that code: " +
        `\`X="\${...}" sh -c 'cd "$(dirname "$X")"'\` (or \`export X="\${...}"\` before ` +
        "`eval`/`trap`); for `printf %q`, quote the variable, not the ${...}: " +
        `\`X="\${...}"; eval "$(printf 'echo %q' "$X")"\``,
    );
  }
  if (levels.some((s) => s.outputInArithmetic)) {
    throw new ExpressionError(
      "cannot substitute a value inside $(...) or backticks within arithmetic ($(( )), " +
        "(( )), an array subscript, let): bash evaluates the command's output, holding the " +
        "value, as an expression, where a[$(…)] runs a command",
      offset,
      "put the value straight into the arithmetic, where weft lets only an integer through " +
        "(`$(( ${...} + 1 ))`), or compute the output into a variable first: " +
        '`n=$(wc -l < "${...}")`, then `$(( n + 1 ))`',
    );
  }
  if (levels.some((s) => s.backtickEscapes)) {
    throw new ExpressionError(
      "cannot substitute a value inside backticks that hold a backslash before $, `, \\ " +
        "or \": the shell removes it before reading the backticks' text, which then " +
        "quotes the value otherwise than written (it would be split into words, globbed, " +
        "or read as code)",
      offset,
      'use $(...) instead of backticks: `echo "$(printf "[%s]" "${...}")"`',
    );
  }
}

/**
 * Refuses, whatever the value, a substitution inside another language's program text
 * (ShellSlot.foreign: `python3 -c`, `awk '…'`, `sqlite3 DB 'SQL'`…) at any level of later
 * code: that program reads the value as code, and weft has no quoting for its language.
 */
export function refuseForeign(levels: readonly ShellSlot[], offset: number): void {
  const name = levels.find((s) => s.later === "foreign")?.foreign;
  if (name === undefined) return;
  const program = FOREIGN_PROGRAMS[name];
  throw new ExpressionError(
    `cannot substitute a value into ${program.language} program text (what \`${name}\` ` +
      "runs: its `-c`/`-e` code, script, filter or statement): it would read the value as " +
      `code, not data, and weft cannot quote a value for ${program.language}`,
    offset,
    program.hint,
  );
}

/** The reference to `variable` where a shell reads it, by the context open there. */
const REFERENCE: Partial<Record<ShellContext, (variable: string) => string>> = {
  unquoted: (v) => `"${v}"`,
  double: (v) => v,
  heredoc: (v) => v,
  single: (v) => `'"${v}"'`,
  ansi: (v) => `'"${v}"$'`,
};

/** `code` written so that a shell reading it in this context passes it on as text. */
const AS_TEXT: Partial<Record<ShellContext, (code: string) => string>> = {
  single: (code) => code.replaceAll("'", `'\\''`),
  ansi: (code) => code.replace(/['\\]/g, "\\$&"),
  double: (code) => code.replace(/[$`"\\]/g, "\\$&"),
  unquoted: (code) => code.replace(/[$`"'\\]/g, "\\$&"),
};

const CONTEXT_NAME: Record<ShellContext, string> = {
  unquoted: "command",
  double: '"..."',
  single: "'...'",
  ansi: "$'...'",
  heredoc: "heredoc",
  "quoted-heredoc": "quoted heredoc",
  "heredoc-delimiter": "heredoc delimiter",
  "heredoc-pattern": "pattern inside a heredoc",
};

/** The refusal where the nesting of later code cannot be followed. */
function unfollowed(offset: number, depth: number, where: string): ExpressionError {
  return new ExpressionError(
    "cannot substitute a value into code that a shell runs later (`sh -c`, `eval`, " +
      `\`trap\`…) inside other such code, ${where}: weft cannot follow the quoting ` +
      `there${depth > 1 ? ` (${depth} levels deep)` : ""}, and the value would be read as code`,
    offset,
    "pass the value through a variable of the code's own: " +
      '`X="${...}" sh -c \'… "$X"\'` (or `export X="${...}"` before `eval`/`trap`)',
  );
}

/**
 * Whether `command` (as rendered) holds a deferred reference to `name` read by a child
 * shell (`${WEFT_V_1-}`, see {@link deferredReference}): that child must find the
 * variable in its environment, so a value the launch reads from a file must be exported
 * (tasks/shell_launch.ts). Weft's other references are written `${WEFT_V_1}`.
 */
export function exportedLater(command: string, name: string): boolean {
  return command.includes(`{${name}-}`);
}
