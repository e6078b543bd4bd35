/**
 * Programs that run their operands as a command (argv), whose option syntax weft knows:
 * where their command starts, so that shell_later.ts finds a shell's `-c` there (and only
 * there: `useradd -s /bin/bash -c NAME` holds no shell command). Words are plain (quotes
 * removed, shell_words.ts Word.plain).
 *
 * Arities are those of the programs' manuals: GNU coreutils nohup(1), nice(1), stdbuf(1),
 * timeout(1), chroot(1), env(1); GNU time(1); findutils xargs(1); util-linux setsid(1),
 * ionice(1), taskset(1), chrt(1), unshare(1), prlimit(1), setpriv(1), nsenter(1),
 * setarch(8); strace(1) 6.x; fakeroot(1); sudo(8); doas(1); bash(1) `exec`, `builtin`,
 * `command`. Options whose argument is optional (`unshare --mount[=file]`,
 * `prlimit --nofile[=limits]`, `nsenter -r[dir]`) take it attached only, so they are
 * flags here. An option a table misses that takes an argument leaves that argument as
 * the "command": a program weft does not know, whose shell operands shell_later.ts then
 * refuses rather than reads as data.
 * @module
 */
import { skipOptions } from "./shell_code_options.ts";
import { REMOTE_WRAPPERS } from "./shell_remote_wrappers.ts";

/** How a wrapper's words are laid out before the command it runs. */
export interface Wrapper {
  /** Option letters that take the next word as their argument (unless attached). */
  letters?: string;
  /** Long options that take the next word as their argument (unless `--name=value`). */
  longs?: readonly string[];
  /**
   * The operands before the command, each by what it looks like (`taskset MASK`,
   * `timeout DURATION`): a word that does not match is the command itself.
   */
  operands?: readonly RegExp[];
  /** Options may follow the operands too (`setarch ARCH -R PROGRAM`). */
  optionsAfterOperands?: boolean;
  /** Words `NAME=value` before the command are assignments (env, sudo). */
  assignments?: boolean;
  /** Whether the program clears the environment, given the flags seen. */
  clears?: (flags: ReadonlySet<string>) => boolean;
  /** Whether, given the flags seen, the program runs no command (`taskset -p MASK PID`). */
  noCommand?: (flags: ReadonlySet<string>) => boolean;
  /**
   * The command runs in a container, a pod or a VM (shell_remote_wrappers.ts), whose
   * shell never sees weft's environment.
   */
  remote?: boolean;
  /**
   * When the words hold `--` before the word being read, the command starts right after
   * it, whatever came before (`kubectl exec POD -c C -- COMMAND…`).
   */
  dashDash?: boolean;
  /**
   * The first operand names a subcommand, whose words are laid out as its entry says
   * (`docker exec`); the command of a subcommand not listed is not known.
   */
  subcommands?: Readonly<Record<string, Wrapper>>;
  /**
   * A multi-call binary: the first operand names the program that runs, as this prefix
   * followed by it (`busybox sed` is `sed`, `clickhouse client` is `clickhouse-client`).
   */
  applets?: string;
}

/** Where a wrapper's command starts: its index, the flags seen, and how to read it. */
export interface WrappedCommand {
  index: number;
  flags: Set<string>;
  /** The program's name, when not the base name of the word at `index` (an applet). */
  name?: string;
  /** The command runs elsewhere (a wrapper on the way is {@link Wrapper.remote}). */
  remote?: boolean;
}

// Operand patterns match the empty text too: a word made of a substitution (`taskset
// ${params.mask} sh -c`) has no text of its own (shell_words.ts Word.text).
const NUMBER = /^[0-9]*$/;
const ANY = /(?:)/;

export const WRAPPERS: Record<string, Wrapper> = {
  nohup: {},
  setsid: {},
  builtin: {},
  command: {},
  fakeroot: { letters: "lisb", longs: ["lib", "faked"] },
  exec: { letters: "a", clears: (f) => f.has("c") },
  time: { letters: "fo", longs: ["format", "output"] },
  nice: { letters: "n", longs: ["adjustment"] },
  ionice: { letters: "cnpPu", longs: ["class", "classdata", "pid", "pgid", "uid"] },
  stdbuf: { letters: "ioe", longs: ["input", "output", "error"] },
  timeout: {
    letters: "sk",
    longs: ["signal", "kill-after"],
    operands: [/^[0-9]*\.?[0-9]*(?:e[0-9]+)?[smhd]?$/i],
  },
  chroot: { longs: ["userspec", "groups"], operands: [ANY] },
  // taskset [-ac] MASK COMMAND…; with -p: MASK PID, no command.
  taskset: { operands: [/^[0-9a-fA-Fx,:-]*$/], noCommand: (f) => f.has("p") || f.has("--pid") },
  // chrt [options] PRIORITY COMMAND…; with -p: [PRIORITY] PID.
  chrt: {
    letters: "TPD",
    longs: ["sched-runtime", "sched-period", "sched-deadline"],
    operands: [NUMBER],
    noCommand: (f) => f.has("p") || f.has("--pid"),
  },
  unshare: {
    letters: "RwSG",
    longs: [
      "root",
      "wd",
      "setuid",
      "setgid",
      "propagation",
      "setgroups",
      "map-user",
      "map-users",
      "map-group",
      "map-groups",
      "monotonic",
      "boottime",
    ],
  },
  prlimit: { letters: "op", longs: ["output", "pid"], noCommand: (f) => f.has("p") },
  setpriv: {
    longs: [
      "groups",
      "inh-caps",
      "ambient-caps",
      "bounding-set",
      "rgid",
      "egid",
      "regid",
      "ruid",
      "euid",
      "reuid",
      "securebits",
      "pdeathsig",
      "selinux-label",
      "apparmor-profile",
    ],
  },
  nsenter: { letters: "tGS", longs: ["target", "setgid", "setuid"] },
  setarch: { operands: [ANY], optionsAfterOperands: true },
  linux32: {},
  linux64: {},
  strace: {
    letters: "abeEIoOpPsSuUX",
    longs: [
      "env",
      "attach",
      "user",
      "detach-on",
      "interruptible",
      "trace",
      "signal",
      "status",
      "trace-path",
      "columns",
      "output",
      "string-limit",
      "summary-sort-by",
      "summary-columns",
    ],
  },
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
  ...REMOTE_WRAPPERS,
};

/**
 * Where the command that wrapper `words[start]` runs starts (its index; `at`, the word
 * being read, when that word is it), and the flags seen; undefined when the wrapper
 * runs no command there (`taskset -p`) or the word being read is still one of its options;
 * "unlisted" for a subcommand the wrapper's entry does not list (`docker build`).
 */
export function wrappedCommand(
  words: readonly string[],
  start: number,
  at: number,
  wrapper: Wrapper,
): WrappedCommand | "unlisted" | undefined {
  const letters = wrapper.letters ?? "";
  const longs = wrapper.longs ?? [];
  let { index, flags } = skipOptions(words, start + 1, at, letters, longs);
  if (wrapper.subcommands) {
    if (index >= at) return undefined; // the word being read is the subcommand, or an option
    const name = words[index];
    if (!Object.hasOwn(wrapper.subcommands, name)) return "unlisted";
    const inner = wrappedCommand(words, index, at, wrapper.subcommands[name]);
    if (typeof inner === "object" && wrapper.remote) inner.remote = true;
    return inner;
  }
  if (wrapper.dashDash) {
    const end = words.indexOf("--", start + 1);
    if (end >= 0 && end < at) return { index: end + 1, flags, remote: wrapper.remote };
  }
  // env's `-` (as -i) and the assignments of env and sudo come before the command.
  if (wrapper.assignments) {
    while (index < at && (words[index] === "-" || /^[A-Za-z_]\w*=/.test(words[index]))) index++;
  }
  for (const operand of wrapper.operands ?? []) {
    if (index < at && operand.test(words[index])) index++;
  }
  if (wrapper.optionsAfterOperands) {
    const more = skipOptions(words, index, at, letters, longs);
    index = more.index;
    more.flags.forEach((flag) => flags.add(flag));
  }
  if (wrapper.noCommand?.(flags) || index > at) return undefined;
  if (wrapper.applets !== undefined && index < at) {
    return { index, flags, name: wrapper.applets + (words[index].split("/").at(-1) ?? "") };
  }
  return { index, flags, remote: wrapper.remote };
}
