/**
 * Make's "fast path" for shell tasks: a command with no shell syntax is run directly,
 * without a shell. On a machine where every exec costs milliseconds, that halves the
 * cost of a task like `true` or `npm test`.
 * @module
 */

/**
 * Only these characters: letters, digits, blanks and `-_./:,+@%=`. Anything else —
 * quotes, `$`, backslash, backtick, globs `*?[]`, `~`, `#`, braces, parentheses,
 * redirections, `|&;!`, a newline — may mean something to the shell.
 */
const PLAIN = /^[A-Za-z0-9 \t\-_./:,+@%=]+$/;

/**
 * First words the shell runs itself, or treats as syntax, where running a program of
 * that name (if one exists at all) would behave differently. Includes bash's builtins
 * and keywords, for commands written with bash in mind.
 */
const SHELL_WORDS = new Set([
  // POSIX special and regular builtins
  ".",
  ":",
  "alias",
  "bg",
  "break",
  "cd",
  "command",
  "continue",
  "eval",
  "exec",
  "exit",
  "export",
  "fc",
  "fg",
  "getopts",
  "hash",
  "jobs",
  "kill",
  "local",
  "read",
  "readonly",
  "return",
  "set",
  "shift",
  "source",
  "times",
  "trap",
  "type",
  "ulimit",
  "umask",
  "unalias",
  "unset",
  "wait",
  "pwd",
  // keywords
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "for",
  "while",
  "until",
  "do",
  "done",
  "case",
  "esac",
  "in",
  "function",
  "select",
  "time",
  "coproc",
  // bash builtins
  "bind",
  "builtin",
  "caller",
  "compgen",
  "complete",
  "declare",
  "dirs",
  "disown",
  "enable",
  "help",
  "history",
  "let",
  "logout",
  "mapfile",
  "popd",
  "pushd",
  "readarray",
  "shopt",
  "suspend",
  "typeset",
]);

/**
 * The program and arguments to exec for `command` when it needs no shell, else null.
 *
 * The rule (as GNU make's): the command contains only plain characters (see
 * {@link PLAIN}), so splitting it on blanks is exactly what `sh` would do; its first
 * word is not a shell builtin or keyword (`cd`, `exit`, `export`, `if`, …) and does
 * not assign a variable (`VAR=x cmd`). `echo` with an option-like argument stays with
 * the shell: `sh`'s builtin echo and `/bin/echo` disagree on `-e`.
 *
 * The caller must only use this for the default shell (`sh`) and a command into which
 * no value was interpolated.
 */
export function directArgv(command: string): string[] | null {
  if (!PLAIN.test(command)) return null;
  const words = command.split(/[ \t]+/).filter((word) => word !== "");
  if (words.length === 0) return null;
  const program = words[0];
  if (SHELL_WORDS.has(program) || program.includes("=")) return null;
  if (program === "echo" && words.some((word) => word.startsWith("-"))) return null;
  return words;
}
