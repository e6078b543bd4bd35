/**
 * Words of a simple command that a shell evaluates as code LATER, after weft's command
 * has been parsed: a value placed there as text (`'"${WEFT_V_1}"'` closes the quote and
 * splices the value in) would be parsed as code when that text runs. Used by
 * shell_lexer.ts at each substitution; shell.ts then writes a deferred reference (text
 * that reads the variable when the code runs) or refuses. See shell.ts's header.
 *
 * - "here": evaluated by the same shell — arguments of `eval`, `alias`, `trap`'s action,
 *   assignments to `PROMPT_COMMAND`; "prompt": assignments to `PS0`-`PS4`, prompt
 *   strings the same shell expands (running `$(...)`) without splitting them into words.
 * - "here" too: bash's `mapfile -C`/`readarray -C` callback, `compgen`/`complete` `-W`
 *   and `-C` (shell_code_options.ts CODE_OPTIONS).
 * - "child": the command string of a POSIX-family shell started with `-c` where a command
 *   starts (the first word, or after a wrapper of shell_wrappers.ts: `taskset -c 0 sh -c`),
 *   `su -c`, `runuser -c`, `script -c`, `sg GROUP [-c]`, `flock -c`, and `watch`'s command
 *   (which watch runs with `sh -c`): that shell must see the variable in its environment.
 *   `$BASH`, `$SHELL` and `$0` as a program name count as such a shell.
 * - "unknown": such a shell as an operand of a program weft does not know
 *   (`conda install bash -c X`, `my-wrapper sh -c X`), which may run it or not: refused,
 *   as neither a reference nor the value as text is right for both. Right after an option
 *   without `=` (`useradd -s /bin/bash -c NAME`) it is that option's argument: data.
 * - "opaque": `env -S`'s string, which env splits with quoting of its own: refused.
 * - "foreign": program text in another language (`python3 -c`, `awk '…'`, `sed 's/…/'`,
 *   `jq`, `sqlite3 DB 'SQL'`…, foreign_code.ts), where the command starts as above: that
 *   program would read the value as code, and weft cannot quote it there: refused.
 * - "cleared": as "child", through a program that clears the environment first (`sudo`
 *   without `-E`/`--preserve-env`, `doas`, `su -`/`su -l`, `env -i`, `exec -c`): the
 *   variable cannot reach the code.
 * - "remote": the command `ssh` runs on another machine, and a shell `-c` that a
 *   container or cluster tool starts elsewhere, in a shell that never sees the variable:
 *   where its command starts (shell_remote_wrappers.ts: `docker exec [opts] C sh -c`,
 *   `kubectl exec POD -- sh -c`), or, for a subcommand weft does not list, as an operand
 *   (found as for "unknown", shell_code_options.ts ELSEWHERE). Another language's code
 *   there is "foreign" (`docker exec db psql -c SQL`).
 *
 * Words are compared as the shell reads them, quotes, backslashes and line continuations
 * removed (`"sh" '-c'`, shell_words.ts Word.plain), programs by base name (`/bin/sh`);
 * the command's name comes after its redirections and assignments (`2>/dev/null sh`,
 * shell_lexer.ts). A command string built in a variable first (`c="… ${x}"; sh -c "$c"`),
 * a command read from a pipe or a heredoc (`echo … | sh`, `bash <<EOF`), a shell named by
 * another variable (`$MYSHELL -c`) or a substitution (`$(which sh) -c`), and programs that
 * run a command line without `sh -c` elsewhere (`parallel`, a remote tool not listed) are
 * not seen.
 * @module
 */
import { isPosixFamilyShell } from "./shell.ts";
import {
  CODE_OPTIONS,
  ELSEWHERE,
  optionArgument,
  sgCode,
  shellCode,
  skipOptions,
  suCode,
} from "./shell_code_options.ts";
import { wrappedCommand, WRAPPERS } from "./shell_wrappers.ts";
import { foreignProgram } from "./foreign_code.ts";
import { inForeignCode } from "./foreign_words.ts";
import {
  addPlain,
  assignmentTargets,
  assignsWords,
  atCommandPosition,
  type CommandState,
  EXPANDED_LATER,
  holdsValue,
  isPromptName,
  NAME_OPERANDS,
  ownName,
  resolveName,
  type Word,
  zshPrintOptions,
} from "./shell_words.ts";

export { isPromptName };

/** Who evaluates a word as code later, if anyone (see the module doc). */
export type LaterCode =
  | "here"
  | "prompt"
  | "child"
  | "cleared"
  | "remote"
  | "opaque"
  | "unknown"
  | "foreign";

/**
 * Filled in when a word is "foreign": the program whose text it is (foreign_code.ts);
 * when later code is the command's words from `joined` on, joined with spaces (`eval`'s
 * arguments, `watch`'s command): their index in the command's words. The shell parses
 * that one string, so `eval eval echo X` is `eval echo X` at the next level, not `X` alone.
 */
export interface ForeignNote {
  program?: string;
  joined?: number;
  /** The later code is the value of a `PS4=…`/`PROMPT_COMMAND=…` assignment word. */
  assignment?: boolean;
}

/**
 * Assignments whose value the shell expands later (shell_words.ts EXPANDED_LATER: bash runs
 * the `$(...)` in them) or runs (PROMPT_COMMAND); the name as the shell reads it.
 */
const PROMPT_ASSIGNMENT = new RegExp(
  `^((?:${EXPANDED_LATER}|PROMPT_COMMAND)(?:\\[[^\\]]*\\])?)\\+?=`,
);
/** Prompt strings: expanded without word splitting or quote removal, unlike a command. */
const PROMPT_STRING = new RegExp(`^(?:${EXPANDED_LATER})\\b`);

/**
 * The prompt variable (PS0-PS4, PROMPT_COMMAND) among `reads`, the names a command (of
 * the text of `cmd`) reads its input into (CommandState.reads: `read -r PS4`,
 * `mapfile -t PS0`, `while read PS4; …; done`), through namerefs.
 */
export function promptRead(cmd: CommandState, reads: Iterable<string>): string | undefined {
  return [...reads].map((name) => resolveName(cmd, name)).find(isPromptName);
}

/**
 * The prompt variable read from a process substitution of `cmd` open here
 * (`read PS4 < <(printf %s …)`, `done < <(…)`): its output is that command's input.
 */
export function promptFed(cmd: CommandState): string | undefined {
  for (const block of cmd.blocks) {
    const prompt = block.feeds && promptRead(cmd, block.feeds);
    if (prompt) return prompt;
  }
}

/**
 * The prompt variable (PS0-PS4, PROMPT_COMMAND) that a value in `word` of `cmd` is
 * assigned to (shell_words.ts assignmentTargets, through namerefs), by any form of
 * assignment but `PS4=…` itself (which {@link laterCodeHere} defers): an element of
 * `PS4=( … )`, the operands of `printf -v PS4`, the words of `for PS4 in …`, a here-string
 * read into it (`read -r PS4 <<< …`, `while read PS4; …; done <<< …`), `r=…` where
 * `declare -n r=PS4`. `params`: the names of the `${n:=…}` around it (shell_frames.ts
 * assignedParams). The variable then holds the value's own text, which bash expands as a
 * prompt (or runs as PROMPT_COMMAND): refused (shell.ts ShellSlot.promptAssigned).
 */
export function promptAssignedHere(
  cmd: CommandState,
  word: Word,
  params: readonly string[],
): string | undefined {
  const targets = assignmentTargets(cmd, word, params);
  // `PS4=…` as written gets a deferred reference; `r=…` through a nameref does not.
  const own = word.subscript === "value" && !word.redirect && assignsWords(cmd)
    ? ownName(word)
    : undefined;
  return targets.find((name, i) => isPromptName(name) && (i < params.length || name !== own));
}

/**
 * Whether a value now in `cmd`'s current word is an argument of zsh's `print -P`
 * (`-P` in an option word before it: `print -rP`, `print -v x -P`, `print -u 1 -P`: shell_words.ts
 * zshPrintOptions), which expands it as a
 * prompt, running its `$(…)` under `setopt promptsubst`: refused (ShellSlot.promptArgument).
 */
export function zshPromptArgument(cmd: CommandState): boolean {
  return zshPrintOptions(cmd).prompt;
}

/** runuser(1)'s long options that take an argument, but for `--command`. */
const RUNUSER_LONGS = ["user", "group", "supp-group", "shell", "whitelist-environment"];

/** Letters of ssh's options that take an argument (OpenSSH 9). */
const SSH_LETTERS = "BbcDEeFIiJLlmOoPpQRSWw";

/** A program name that is a variable holding the running or the login shell. */
const SHELL_VARIABLE = /^\$(?:\{(?:BASH|SHELL|0)\}|BASH|SHELL|0)$/;

/** Whether the plain word `w` names a POSIX-family shell (see {@link SHELL_VARIABLE}). */
const namesShell = (w: string) => isPosixFamilyShell(w) || SHELL_VARIABLE.test(w);

/** The program's base name (`/bin/sh` → `sh`). */
const baseName = (w: string) => w.split("/").at(-1) ?? "";

/**
 * Whether the word now read is a `NAME=value` operand of `env` (env(1): the assignments
 * come before the command it runs, after its options): `env BASH_ENV=… bash -c …`.
 */
function envAssignmentHere(cmd: CommandState): boolean {
  if (cmd.name !== "env" || cmd.nameAt < 0) return false;
  for (let i = cmd.nameAt + 1; i < cmd.words.length; i++) {
    if (!/^-|^[A-Za-z_]\w*=/.test(cmd.plain[i] ?? "")) return false; // the command began
  }
  return true;
}

/**
 * Whether a substitution now, inside `word` of `cmd`, lands in code evaluated later, and
 * by whom; undefined for an ordinary word (data, or code weft's lexer already reads).
 */
export function laterCodeHere(
  cmd: CommandState,
  word: Word,
  note?: ForeignNote,
): LaterCode | undefined {
  if (word.redirect || cmd.test || cmd.compound > 0 || cmd.arithmetic) return undefined;
  // An assignment word (`PS4=…` where a command starts), or an operand of `export` & co.,
  // which reads its operands as assignments whatever their quotes (`export "PS4=…"`,
  // `declare P"S4"=…`); its name through the text's namerefs (`declare -n r=PS4`).
  const operand = (NAME_OPERANDS.has(cmd.name ?? "") && !atCommandPosition(cmd)) ||
    envAssignmentHere(cmd);
  if ((word.subscript === "value" && atCommandPosition(cmd)) || operand) {
    // `PROMPT_COMMAND=` at most: a long word is not copied at each substitution.
    const head = (word.plain ?? "").slice(0, 32);
    const own = /^([A-Za-z_]\w*)((?:\[[^\]]*\])?\+?=)/.exec(head);
    const assigned = own ? resolveName(cmd, own[1]) + own[2] : head;
    if (PROMPT_ASSIGNMENT.test(assigned)) {
      if (note) note.assignment = true;
      return PROMPT_STRING.test(assigned) ? "prompt" : "here";
    }
  }
  if (cmd.name === undefined || cmd.nameAt < 0) return undefined;
  return commandCode(cmd.plain, cmd.nameAt, cmd.words.length, word.plain ?? "", note);
}

/**
 * For the command whose program is `words[start]`, whether word `at` (the one being read,
 * past the end of `words`, its plain text so far `current`) is code evaluated later.
 * `note` gets the program of "foreign" code.
 */
function commandCode(
  words: readonly string[],
  start: number,
  at: number,
  current: string,
  note?: ForeignNote,
  programName?: string,
): LaterCode | undefined {
  if (at <= start) return undefined; // the substitution is in the program's name
  const name = programName ?? baseName(words[start]);
  const foreign = foreignProgram(name);
  if (foreign && inForeignCode(words, start, at, current, foreign.program)) {
    if (note) note.program = foreign.name;
    return "foreign";
  }
  switch (name) {
    case "eval": {
      // eval joins its arguments with spaces and parses the result; bash skips a `--`.
      const dashes = at > start + 1 && words[start + 1] === "--" && !holdsValue(words, start + 1);
      if (note) note.joined = start + (dashes ? 2 : 1);
      return "here";
    }
    case "alias":
      return "here";
    case "trap": {
      // trap [-lp] [--] [ACTION SIGNAL...]: the action is the first operand.
      const { index } = skipOptions(words, start + 1, at, "", []);
      return index === at ? "here" : undefined;
    }
    case "ssh": {
      const { index } = skipOptions(words, start + 1, at, SSH_LETTERS, []);
      return at > index ? "remote" : undefined; // after the destination: the remote command
    }
    case "runuser": {
      // runuser -u USER [--] COMMAND…: argv, not `-c` code.
      const { index, flags } = skipOptions(words, start + 1, at, "ugGsw", RUNUSER_LONGS);
      const code = flags.has("c") || flags.has("--command") || flags.has("--session-command");
      if ((flags.has("u") || flags.has("--user")) && !code) {
        return index < at ? commandCode(words, index, at, current, note) : undefined;
      }
      return suCode(words, start, at, current);
    }
    case "su":
      return suCode(words, start, at, current);
    case "sg":
      return sgCode(words, start, at);
    case "flock":
      return flockCode(words, start, at, current, note);
    case "watch":
      return watchCode(words, start, at, current, note);
    case "find":
      return findCode(words, start, at, current, note);
  }
  if (namesShell(words[start])) return shellCode(words, start, at);
  const option = CODE_OPTIONS[name];
  if (option && optionArgument(words, start, at, current, option.letters, option.longs)) {
    return option.kind;
  }
  if (name === "env" && splitsIntoShell(words, start, at)) return "opaque";
  const wrapper = WRAPPERS[name];
  if (!wrapper) return NO_COMMANDS.has(name) ? undefined : operandCode(words, start, at, current);
  const command = wrappedCommand(words, start, at, wrapper);
  if (command === "unlisted") return operandCode(words, start, at, current);
  if (!command || command.index >= at) return undefined;
  const inner = commandCode(words, command.index, at, current, note, command.name);
  if (command.remote && inner !== undefined && SHELL_CODE.has(inner)) return "remote";
  return inner === "child" && wrapper.clears?.(command.flags) ? "cleared" : inner;
}

/**
 * Shell code a child shell runs: where that shell runs elsewhere, it is "remote". ("unknown"
 * stays: a shell right after an option may be no command at all, `usermod -s /bin/sh -c`.)
 */
const SHELL_CODE = new Set<LaterCode>(["child", "cleared", "opaque"]);

/**
 * Whether `env`'s options before word `at` hold `-S STRING` whose words name a shell
 * (`env -S "sh -c" "echo …"`): the words after it may be that shell's code, which env's own
 * splitting makes opaque to weft.
 */
function splitsIntoShell(words: readonly string[], start: number, at: number): boolean {
  for (let i = start + 1; i < at; i++) {
    const w = words[i];
    const attached = /^-[A-Za-z]*S(.+)$/.exec(w)?.[1] ?? /^--split-string=(.*)$/.exec(w)?.[1];
    const string = attached ?? (/^(?:-[A-Za-z]*S|--split-string)$/.test(w) ? words[i + 1] : "");
    if ((string ?? "").split(/[ \t\n]+/).some(namesShell)) return true;
  }
  return false;
}

/**
 * Builtins and programs that never run an operand as a command: `printf '%s' sh -c "$x"`
 * prints its words.
 */
const NO_COMMANDS = new Set([
  "echo",
  "printf",
  "cat",
  "ls",
  "grep",
  "egrep",
  "fgrep",
  "test",
  "[",
  "cd",
  "read",
  "export",
  "declare",
  "typeset",
  "local",
  "readonly",
  "unset",
  "type",
  "hash",
  "which",
]);

/**
 * A program weft does not know (`conda install bash -c …`, `my-wrapper sh -c …`): the
 * first shell with `-c` (or program of CODE_OPTIONS, `su`, `runuser`, `sg`, `flock`)
 * standing as one of its OPERANDS whose code word `at` is. Such a program may run it
 * (a wrapper weft has no table for) or not (the shell is data, `-c` the program's own
 * option): weft can neither give it a reference (which would change the value of a
 * program that does not) nor splice the value in (code, for one that does), so it is
 * "unknown", which shell_deferred.ts refuses. So is a shell right after one of its
 * options (`useradd -s /bin/bash -c NAME`, `foo -v sh -c CODE`): without the program's
 * table weft cannot tell the option's argument from a command after a flag, and taking
 * it for data would splice the value into code for `foo`. Under shell_code_options.ts
 * ELSEWHERE it is "remote".
 */
function operandCode(
  words: readonly string[],
  start: number,
  at: number,
  current: string,
): LaterCode | undefined {
  for (const j of candidates(words, at)) {
    if (j <= start) continue;
    const found = commandCode(words, j, at, current);
    if (!found) continue;
    // Maybe no command at all, but the option's argument: nothing to say about where it runs.
    if (optionWithArgument(words[j - 1])) return "unknown";
    if (ELSEWHERE.has(baseName(words[start]))) return "remote";
    return found === "cleared" || found === "remote" || found === "opaque" ? found : "unknown";
  }
  return undefined;
}

/** An option that may take the next word as its argument: `-s`, `--shell`, not `--`, `-`, `--x=1`. */
const optionWithArgument = (w: string) => /^-[^=]+$/.test(w) && w !== "--";

/** Programs {@link operandCode} looks for besides shells. */
const FOUND_ANYWHERE = new Set(["su", "runuser", "sg", "flock", ...Object.keys(CODE_OPTIONS)]);

/**
 * The indices in `words` (up to `at`) of words naming a shell or a program of
 * {@link FOUND_ANYWHERE}; per words array (which only grows), extended as it grows, so
 * that a long command is not scanned again at each substitution.
 */
function candidates(words: readonly string[], at: number): readonly number[] {
  let scan = candidateScans.get(words);
  if (!scan) candidateScans.set(words, scan = { checked: 0, found: [] });
  for (; scan.checked < Math.min(at, words.length); scan.checked++) {
    const w = words[scan.checked];
    if (namesShell(w) || FOUND_ANYWHERE.has(baseName(w))) scan.found.push(scan.checked);
  }
  return scan.found;
}

const candidateScans = new WeakMap<readonly string[], { checked: number; found: number[] }>();

/** `flock [options] FILE -c CODE` (run with `sh -c`) or `flock [options] FILE COMMAND...`. */
function flockCode(
  words: readonly string[],
  start: number,
  at: number,
  current: string,
  note?: ForeignNote,
): LaterCode | undefined {
  const { index } = skipOptions(words, start + 1, at, "wE", ["wait", "timeout"]);
  const next = index + 1; // after the lock file
  if (next >= at) return undefined;
  if (words[next] === "-c" || words[next] === "--command") {
    return next + 1 === at ? "child" : undefined;
  }
  return commandCode(words, next, at, current, note);
}

/** `watch [options] COMMAND...`: the words are joined and run with `sh -c`, unless `-x`. */
function watchCode(
  words: readonly string[],
  start: number,
  at: number,
  current: string,
  note?: ForeignNote,
): LaterCode | undefined {
  const { index, flags } = skipOptions(words, start + 1, at, "nq", ["interval", "equexit"]);
  if (index > at) return undefined;
  if (flags.has("x") || flags.has("--exec")) {
    return index < at ? commandCode(words, index, at, current, note) : undefined;
  }
  if (note) note.joined = index; // watch joins its words with spaces for `sh -c`
  return "child";
}

/** `find … -exec COMMAND… ;` (also `-execdir`, `-ok`, `-okdir`, ended by `;` or `+`). */
function findCode(
  words: readonly string[],
  start: number,
  at: number,
  current: string,
  note?: ForeignNote,
): LaterCode | undefined {
  // Read on from where the last substitution in this command left off (by `start`).
  let byStart = findScans.get(words);
  if (!byStart) findScans.set(words, byStart = new Map());
  const scan = byStart.get(start) ?? { checked: start + 1, command: -1 };
  byStart.set(start, scan);
  for (; scan.checked < at; scan.checked++) {
    const w = words[scan.checked];
    if (scan.command < 0 && /^-(?:exec|execdir|ok|okdir)$/.test(w)) scan.command = scan.checked + 1;
    else if (scan.command >= 0 && scan.checked > scan.command && (w === ";" || w === "+")) {
      scan.command = -1;
    }
  }
  return scan.command >= 0 && scan.command < at
    ? commandCode(words, scan.command, at, current, note)
    : undefined;
}

/** Per plain words array and find's index in it: how far {@link findCode} has read. */
const findScans = new WeakMap<
  readonly string[],
  Map<number, { checked: number; command: number }>
>();

/**
 * Feeds `c`, a character of `word` as the shell that evaluates it later will read it
 * (weft's shell has removed its own quoting), to the word's later text. At a
 * substitution, shell_lexer.ts lexes that text as a command of its own, so that
 * `sh -c "echo '${x}'"` is known to put the value inside the child shell's single quotes
 * (where the reference must close them, shell_deferred.ts), and `sh -c "eval '…${x}'"`
 * to put it in code that child evaluates later again.
 */
export function feedInner(word: Word, c: string): void {
  word.inner = (word.inner ?? "") + c;
  addPlain(word, c);
}
