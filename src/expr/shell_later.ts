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
 * - "child": the command string of a POSIX-family shell started with `-c` (directly or
 *   through `nohup env sudo doas timeout nice ionice stdbuf setsid chroot flock xargs
 *   exec command builtin time`, `find -exec`), `su -c`, `runuser -c`, `flock -c`, and
 *   `watch`'s command (which watch runs with `sh -c`): that shell must see the variable
 *   in its environment.
 * - "cleared": as "child", through a program that clears the environment first (`sudo`
 *   without `-E`/`--preserve-env`, `doas`, `su -`/`su -l`, `env -i`, `exec -c`): the
 *   variable cannot reach the code.
 * - "remote": the command `ssh` runs on another machine, in a shell that never sees it.
 *
 * Words are compared with quotes and backslashes removed (`'sh' "-c"`), programs by base
 * name (`/bin/sh`). A command string built in a variable first (`c="… ${x}"; sh -c "$c"`),
 * a command read from a pipe or a heredoc (`echo … | sh`, `bash <<EOF`), and programs
 * that start a shell elsewhere (`docker exec`, `kubectl exec`, `parallel`) are not seen.
 * @module
 */
import { isPosixFamilyShell } from "./shell.ts";
import { atCommandPosition, type CommandState, NAME_OPERANDS, type Word } from "./shell_words.ts";

/** Who evaluates a word as code later, if anyone (see the module doc). */
export type LaterCode = "here" | "prompt" | "child" | "cleared" | "remote";

/** Assignments whose value the shell expands as a prompt (bash runs `$(...)` in them). */
const PROMPT_ASSIGNMENT = /^(?:PS[0-4]|PROMPT_COMMAND)(?:\[[^\]]*\])?\+?=/;
/** Prompt strings: expanded without word splitting or quote removal, unlike a command. */
const PROMPT_STRING = /^PS[0-4]\b/;

/**
 * Programs that run their operands as a command (argv): the option letters and long
 * options that take a separate argument, how many operands come before the command, and
 * whether the program clears the environment (given the options seen).
 */
interface Wrapper {
  letters?: string;
  longs?: readonly string[];
  operands?: number;
  /** Words `NAME=value` before the command are assignments (env, sudo). */
  assignments?: boolean;
  clears?: (flags: ReadonlySet<string>) => boolean;
}

const WRAPPERS: Record<string, Wrapper> = {
  nohup: {},
  setsid: {},
  builtin: {},
  command: {},
  exec: { letters: "a", clears: (f) => f.has("c") },
  time: { letters: "fo", longs: ["format", "output"] },
  nice: { letters: "n", longs: ["adjustment"] },
  ionice: { letters: "cnpPu", longs: ["class", "classdata", "pid", "pgid", "uid"] },
  stdbuf: { letters: "ioe", longs: ["input", "output", "error"] },
  timeout: { letters: "sk", longs: ["signal", "kill-after"], operands: 1 },
  chroot: { longs: ["userspec", "groups"], operands: 1 },
  xargs: {
    letters: "ILnPsdEa",
    longs: ["arg-file", "delimiter", "max-lines", "max-args", "max-procs", "max-chars"],
  },
  env: {
    letters: "uCS",
    longs: ["unset", "chdir", "split-string"],
    assignments: true,
    clears: (f) => f.has("i") || f.has("-") || f.has("--ignore-environment"),
  },
  sudo: {
    letters: "CDghpRrtTUu",
    longs: ["close-from", "chdir", "group", "host", "prompt", "role", "type", "user", "other-user"],
    assignments: true,
    clears: (f) => !f.has("E") && ![...f].some((flag) => flag.startsWith("--preserve-env")),
  },
  doas: { letters: "uC", clears: () => true },
};

/** Letters of ssh's options that take an argument (OpenSSH 9). */
const SSH_LETTERS = "BbcDEeFIiJLlmOoPpQRSWw";

/**
 * Whether a substitution now, inside `word` of `cmd`, lands in code evaluated later, and
 * by whom; undefined for an ordinary word (data, or code weft's lexer already reads).
 */
export function laterCodeHere(cmd: CommandState, word: Word): LaterCode | undefined {
  if (word.redirect || cmd.test || cmd.compound > 0 || cmd.arithmetic) return undefined;
  if (word.subscript === "value") {
    // `PROMPT_COMMAND=` at most: a long word is not copied at each substitution.
    const head = plain(word.text.slice(0, 32));
    if (
      PROMPT_ASSIGNMENT.test(head) && (atCommandPosition(cmd) || NAME_OPERANDS.has(cmd.name ?? ""))
    ) return PROMPT_STRING.test(head) ? "prompt" : "here";
  }
  const name = cmd.name?.split("/").at(-1);
  if (name === undefined || cmd.nameAt < 0) return undefined;
  if (name === "eval" || name === "alias") return "here";
  if (!PROGRAMS.has(name) && !(name in WRAPPERS) && !isPosixFamilyShell(name)) return undefined;
  return commandCode(plainWords(cmd.words), cmd.nameAt, cmd.words.length);
}

/**
 * Per `words` array of a command (which only grows): its words without quotes and
 * backslashes, extended as it grows, so that a substitution does not copy them all again.
 */
const plainOf = new WeakMap<string[], string[]>();

function plainWords(words: string[]): readonly string[] {
  let plainList = plainOf.get(words);
  if (!plainList) plainOf.set(words, plainList = []);
  for (let i = plainList.length; i < words.length; i++) plainList.push(plain(words[i]));
  return plainList;
}

/** The programs {@link commandCode} reads itself, besides shells and {@link WRAPPERS}. */
const PROGRAMS = new Set(["trap", "ssh", "su", "runuser", "flock", "watch", "find"]);

/** `text` with quotes and backslashes removed. */
const plain = (text: string) => text.replace(/[\\'"]/g, "");

/**
 * For the command whose program is `words[start]`, whether word `at` (the one being read,
 * past the end of `words`) is code evaluated later.
 */
function commandCode(words: readonly string[], start: number, at: number): LaterCode | undefined {
  if (at <= start) return undefined; // the substitution is in the program's name
  const name = words[start].split("/").at(-1) ?? "";
  switch (name) {
    case "eval":
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
    case "su":
    case "runuser":
      return suCode(words, start, at);
    case "flock":
      return flockCode(words, start, at);
    case "watch":
      return watchCode(words, start, at);
    case "find":
      return findCode(words, start, at);
  }
  if (isPosixFamilyShell(name)) return shellCode(words, start, at);
  const wrapper = WRAPPERS[name];
  if (!wrapper) return undefined;
  let { index, flags } = skipOptions(
    words,
    start + 1,
    at,
    wrapper.letters ?? "",
    wrapper.longs ?? [],
  );
  // env's `-` (as -i) and the assignments of env and sudo come before the command.
  if (wrapper.assignments) {
    while (index < at && (words[index] === "-" || /^[A-Za-z_]\w*=/.test(words[index]))) index++;
  }
  index += wrapper.operands ?? 0;
  if (index >= at) return undefined;
  const inner = commandCode(words, index, at);
  return inner === "child" && wrapper.clears?.(flags) ? "cleared" : inner;
}

/** `sh [options] -c CODE [NAME ARG...]`: CODE is the first operand when `-c` was given. */
function shellCode(words: readonly string[], start: number, at: number): LaterCode | undefined {
  const { index, flags } = skipOptions(words, start + 1, at, "oO", ["rcfile", "init-file"]);
  return index === at && flags.has("c") ? "child" : undefined;
}

/** `su [options] [-] [USER] -c CODE`: options may follow the user; `-`/`-l` clears the environment. */
function suCode(words: readonly string[], start: number, at: number): LaterCode | undefined {
  const before = words[at - 1];
  const takesCode = at - 1 > start && (before === "--command" || before === "--session-command" ||
    /^-[A-Za-z]*c$/.test(before));
  if (!takesCode) return undefined;
  let login = false;
  for (let i = start + 1; i < at - 1; i++) {
    const w = words[i];
    if (w === "-" || w === "-l" || w === "--login") login = true;
    if (w === "-m" || w === "-p" || w === "--preserve-environment") login = false;
  }
  return login ? "cleared" : "child";
}

/** `flock [options] FILE -c CODE` (run with `sh -c`) or `flock [options] FILE COMMAND...`. */
function flockCode(words: readonly string[], start: number, at: number): LaterCode | undefined {
  const { index } = skipOptions(words, start + 1, at, "wE", ["wait", "timeout"]);
  const next = index + 1; // after the lock file
  if (next >= at) return undefined;
  if (words[next] === "-c" || words[next] === "--command") {
    return next + 1 === at ? "child" : undefined;
  }
  return commandCode(words, next, at);
}

/** `watch [options] COMMAND...`: the words are joined and run with `sh -c`, unless `-x`. */
function watchCode(words: readonly string[], start: number, at: number): LaterCode | undefined {
  const { index, flags } = skipOptions(words, start + 1, at, "nq", ["interval", "equexit"]);
  if (index > at) return undefined;
  if (flags.has("x") || flags.has("--exec")) {
    return index < at ? commandCode(words, index, at) : undefined;
  }
  return "child";
}

/** `find … -exec COMMAND… ;` (also `-execdir`, `-ok`, `-okdir`, ended by `;` or `+`). */
function findCode(words: readonly string[], start: number, at: number): LaterCode | undefined {
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
  return scan.command >= 0 && scan.command < at ? commandCode(words, scan.command, at) : undefined;
}

/** Per plain words array and find's index in it: how far {@link findCode} has read. */
const findScans = new WeakMap<
  readonly string[],
  Map<number, { checked: number; command: number }>
>();

/**
 * Skips the options from `words[from]` (stopping at `at`, the word being read): `--` ends
 * them; `letters` take the next word as their argument (unless attached: `-n5`), as do
 * the long options `longs` (unless `--name=value`). Returns the index of the first
 * operand (`at` when the word being read is it) and the flags seen: letters, and long
 * options with their `--`.
 */
function skipOptions(
  words: readonly string[],
  from: number,
  at: number,
  letters: string,
  longs: readonly string[],
): { index: number; flags: Set<string> } {
  const flags = new Set<string>();
  let i = from;
  while (i < at) {
    const w = words[i];
    if (w === "--") return { index: i + 1, flags };
    if (w === "-") flags.add("-");
    if (!/^[-+]./.test(w)) break;
    if (w.startsWith("--")) {
      const long = w.slice(2).split("=")[0];
      flags.add(`--${long}`);
      i += longs.includes(long) && !w.includes("=") ? 2 : 1;
      continue;
    }
    let skip = 1;
    for (let j = 1; j < w.length; j++) {
      if (w[0] === "-") flags.add(w[j]);
      if (letters.includes(w[j])) {
        if (j === w.length - 1) skip = 2; // its argument is the next word
        break;
      }
    }
    i += skip;
  }
  return { index: i, flags };
}

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
}
