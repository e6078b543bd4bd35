/**
 * How programs that take code in an option or an operand are read (shell_later.ts): the
 * table of programs whose own option takes a command string, and the option skipping all
 * of shell_later.ts shares. Words are plain (quotes removed, shell_words.ts Word.plain).
 * @module
 */
import type { LaterCode } from "./shell_later.ts";

/**
 * Programs whose OWN option takes code, by base name: the option letters and long options
 * whose argument is that code, and who evaluates it. Sources: util-linux su(1),
 * runuser(1), script(1), flock(1); GNU coreutils env(1) (`-S` splits its argument into a
 * program and arguments, with its own quoting and `${VAR}` expansion, which weft does not
 * follow: "opaque"); bash(1) builtins mapfile/readarray (`-C` callback, evaluated with
 * the index and line appended), compgen/complete (`-W` word list, expanded again with
 * command substitution; `-C` command). `-F` of compgen/complete names a function (looked
 * up, never parsed), so it is not here. `sg GROUP [-c] COMMAND` and `flock FILE -c`,
 * whose code follows an operand, are read by shell_later.ts.
 */
export const CODE_OPTIONS: Record<
  string,
  { letters: string; longs: readonly string[]; kind: LaterCode }
> = {
  su: { letters: "c", longs: ["command", "session-command"], kind: "child" },
  runuser: { letters: "c", longs: ["command", "session-command"], kind: "child" },
  script: { letters: "c", longs: ["command"], kind: "child" },
  env: { letters: "S", longs: ["split-string"], kind: "opaque" },
  mapfile: { letters: "C", longs: [], kind: "here" },
  readarray: { letters: "C", longs: [], kind: "here" },
  compgen: { letters: "WC", longs: [], kind: "here" },
  complete: { letters: "WC", longs: [], kind: "here" },
};

/**
 * Whether the word being read (index `at`, whose plain text so far is `current`) is the
 * argument of one of the options `letters`/`longs`: after `-c` or a cluster ending in it
 * (`-qc`), after `--command`, or attached (`-c…`, `-qec…`, `--command=…`). Options are
 * looked for from `words[start + 1]` on, up to a `--`.
 */
export function optionArgument(
  words: readonly string[],
  start: number,
  at: number,
  current: string,
  letters: string,
  longs: readonly string[],
): boolean {
  // After `--` the words are operands (`npm run script -- -c x`).
  const ended = words.indexOf("--", start + 1);
  if (ended >= 0 && ended < at) return false;
  const before = at - 1 > start ? words[at - 1] : "";
  if (before.startsWith("--")) return longs.includes(before.slice(2));
  if (/^-[A-Za-z0-9]+$/.test(before) && letters.includes(before.at(-1)!)) return true;
  if (current.startsWith("--")) return longs.some((long) => current.startsWith(`--${long}=`));
  const cluster = /^-([A-Za-z0-9]+)/.exec(current)?.[1] ?? "";
  return [...cluster].some((letter) => letters.includes(letter));
}

/**
 * Skips the options from `words[from]` (stopping at `at`, the word being read): `--` ends
 * them; `letters` take the next word as their argument (unless attached: `-n5`), as do
 * the long options `longs` (unless `--name=value`). Returns the index of the first
 * operand (`at` when the word being read is it) and the flags seen: letters, and long
 * options with their `--`.
 */
export function skipOptions(
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
 * Programs that run a command in a container, a pod or a VM, whose shell never sees
 * weft's environment: a shell `-c` among their words is "remote".
 */
export const ELSEWHERE = new Set([
  "docker",
  "podman",
  "nerdctl",
  "kubectl",
  "oc",
  "lxc",
  "incus",
  "machinectl",
  "vagrant",
]);

/** `sh [options] -c CODE [NAME ARG...]`: CODE is the first operand when `-c` was given. */
export function shellCode(
  words: readonly string[],
  start: number,
  at: number,
): LaterCode | undefined {
  const { index, flags } = skipOptions(words, start + 1, at, "oO", ["rcfile", "init-file"]);
  return index === at && flags.has("c") ? "child" : undefined;
}

/** `su [options] [-] [USER] -c CODE`: options may follow the user; `-`/`-l` clears the environment. */
export function suCode(
  words: readonly string[],
  start: number,
  at: number,
  current: string,
): LaterCode | undefined {
  const { letters, longs } = CODE_OPTIONS.su;
  if (!optionArgument(words, start, at, current, letters, longs)) return undefined;
  let login = false;
  for (let i = start + 1; i < at; i++) {
    const w = words[i];
    if (w === "-" || /^-[A-Za-z]*l/.test(w) || w === "--login") login = true;
    if (w === "-m" || w === "-p" || w === "--preserve-environment") login = false;
  }
  return login ? "cleared" : "child";
}

/** `sg [-] GROUP [-c] COMMAND`: sg runs COMMAND with `/bin/sh -c`; `-` starts a login shell. */
export function sgCode(words: readonly string[], start: number, at: number): LaterCode | undefined {
  const login = words[start + 1] === "-";
  const group = start + (login ? 2 : 1);
  if (at <= group) return undefined;
  return login ? "cleared" : "child";
}
