/**
 * Runs the real weft CLI in a subprocess for the `weft run` and examples tests.
 * @module
 */

import assert from "node:assert/strict";
import type { RunReport, TaskRecord } from "../src/engine/events.ts";
import { testTempDir } from "./_tmp.ts";

/** Absolute path of main.ts. */
export const MAIN = new URL("../main.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;
/** Absolute path of tests/fixtures/run/. */
export const FIXTURES = new URL("./fixtures/run/", import.meta.url).pathname;
/** Absolute path of examples/. */
export const EXAMPLES = new URL("../examples/", import.meta.url).pathname;

/** Variables of the test runner's own environment that would change what a run does. */
const SCRUBBED = [
  "SKIP_TESTS",
  "DEPLOY_FAIL",
  "NO_COLOR",
  "WEFT_CHDIR",
  "WEFT_DEBUG",
  "FORCE_COLOR",
];

/** Options for one CLI invocation. */
export interface WeftOptions {
  /** Added to (and overriding) the inherited environment. */
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string;
  /**
   * Killed with SIGKILL (failing the test, naming the command) if still running after
   * this many milliseconds: for a weft that must not wait for ever (on a FIFO, say).
   */
  killAfterMs?: number;
  /** Awaited once weft is started, before its end is (e.g. writing a FIFO it reads). */
  whileRunning?: () => Promise<unknown>;
  /** Start weft from source (main.ts) even when the suite runs {@link TEST_PROGRAM}. */
  fromSource?: boolean;
}

/**
 * The one-file program `deno task test` builds before the suite (`deno task bundle`'s
 * form, the one `deno compile` ships), named by WEFT_TEST_PROGRAM relative to the
 * checkout; undefined when a test file is run alone (`deno test -A tests/x_test.ts`),
 * which then starts weft from source. A start from the bundle costs about a quarter less
 * CPU time than from source, and the suite starts weft thousands of times.
 */
export const TEST_PROGRAM: string | undefined = (() => {
  const named = Deno.env.get("WEFT_TEST_PROGRAM");
  return named ? new URL(named, new URL("../", import.meta.url)).pathname : undefined;
})();

/**
 * As root, whether user `nobody` (65534) can run weft from this checkout (read deno.json
 * and main.ts through every folder above them), for tests that run weft as another user
 * through setpriv: a clone in a private folder (`mktemp -d`, mode 0700) cannot be. Such
 * tests are skipped there, saying so in their names. True when not root (they then run
 * as this user).
 */
export const NOBODY_CAN_RUN_WEFT: boolean = Deno.uid() !== 0 || (() => {
  try {
    return new Deno.Command("setpriv", {
      args: [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "test",
        "-r",
        CONFIG,
        "-a",
        "-r",
        MAIN,
        ...(TEST_PROGRAM === undefined ? [] : ["-a", "-r", TEST_PROGRAM]),
      ],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
})();

/** Said in the name of a test skipped because {@link NOBODY_CAN_RUN_WEFT} is false. */
export const NOBODY_CANNOT_READ = " (skipped: user nobody cannot read this checkout)";

/** The environment a weft subprocess gets: ours, scrubbed, with a private WEFT_HOME. */
export function weftEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of SCRUBBED) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith("WEFT_")) delete env[name];
  return { WEFT_HOME: testTempDir("home-"), ...env, ...extra };
}

/** The `deno run` arguments that start weft with `args`: from {@link TEST_PROGRAM} if built. */
export function weftArgs(args: string[]): string[] {
  return TEST_PROGRAM === undefined
    ? sourceWeftArgs(args)
    : ["run", "-A", "--quiet", "--unstable-kv", "--no-config", TEST_PROGRAM, ...args];
}

/** The `deno run` arguments that start weft with `args` from source (main.ts). */
export function sourceWeftArgs(args: string[]): string[] {
  return ["run", "-A", "--quiet", "--config", CONFIG, MAIN, ...args];
}

/** Runs weft to completion; returns exit code and both streams as text. */
export async function weft(
  args: string[],
  options: WeftOptions = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: options.fromSource ? sourceWeftArgs(args) : weftArgs(args),
    env: weftEnv(options.env),
    clearEnv: true,
    cwd: options.cwd ?? Deno.cwd(),
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let hung = false;
  const guard = options.killAfterMs === undefined ? undefined : setTimeout(() => {
    hung = true;
    child.kill("SIGKILL");
  }, options.killAfterMs);
  try {
    if (options.stdin !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(options.stdin));
      await writer.close();
    }
    await options.whileRunning?.();
  } catch (e) {
    // Weft killed before it read what the test gives it: the hang is what to report.
    if (!hung) throw e;
  }
  const { code, stdout, stderr } = await child.output();
  clearTimeout(guard);
  assert.ok(!hung, `weft ${args.join(" ")} still ran after ${options.killAfterMs} ms`);
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/**
 * Starts weft in the background with piped output, each stream read as it comes:
 * `stderrIncludes`/`stdoutIncludes` resolve once that stream holds a text.
 */
export function startWeft(args: string[], env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(args),
    env: weftEnv(env),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = watchText(child.stdout);
  const stderr = watchText(child.stderr);
  return {
    child,
    /** Resolves once stderr contains `text`. */
    stderrIncludes: stderr.includes,
    /** Resolves once stdout contains `text`. */
    stdoutIncludes: stdout.includes,
    async finish() {
      const status = await child.status;
      return { code: status.code, stdout: await stdout.done, stderr: await stderr.done };
    },
  };
}

/** A stream read to its end as text, with a wait for a text to appear in it. */
function watchText(stream: ReadableStream<Uint8Array>) {
  let text = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  const done = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      for (const w of waiters) if (text.includes(w.text)) w.resolve();
    }
    return text;
  })();
  return {
    done,
    includes(wanted: string): Promise<void> {
      if (text.includes(wanted)) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      waiters.push({ text: wanted, resolve });
      return promise;
    },
  };
}

/** The record of task `id` in a run's report (`weft run --json`); fails the test if absent. */
export function reportTask(report: RunReport, id: string): TaskRecord {
  const found = report.tasks.find((t) => t.id === id);
  assert.ok(found, `task ${id} in the report`);
  return found;
}

/**
 * Ids of live processes whose process group is `pgid` (read from /proc); with `zombies`,
 * those that have exited and are not reaped yet too.
 */
export function processesInGroup(pgid: number, { zombies = false } = {}): number[] {
  return processesWith(STAT_PGRP, pgid, zombies);
}

/** Ids of the live children of `pid` (read from /proc). */
export function childrenOf(pid: number): number[] {
  return processesWith(STAT_PPID, pid, false);
}

// Fields of /proc/PID/stat after the parenthesised command name: state ppid pgrp ...
const STAT_PPID = 1;
const STAT_PGRP = 2;

/** Ids of processes whose stat field `field` is `value`: live ones, and zombies with `zombies`. */
function processesWith(field: number, value: number, zombies: boolean): number[] {
  const found: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[field]) === value && (zombies || fields[0] !== "Z")) {
        found.push(Number(entry.name));
      }
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Waits until `path` exists and has content; polls because a shell task writes it. */
export async function waitForFile(path: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const text = await Deno.readTextFile(path);
      if (text.trim()) return text.trim();
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${path} did not appear within ${timeoutMs} ms`);
}

/** `weft history --json` of WEFT_HOME `home`, asserted to succeed, parsed (newest first). */
export async function historyJson<T = { id: string; status: string }>(home: string): Promise<T[]> {
  const r = await weft(["history", "--json"], { env: { WEFT_HOME: home } });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/**
 * `weft validate FILE`, then `weft run FILE -p x='$(touch MARK)'`: each must refuse the
 * workflow (exit 2, nothing run); `check` gets each one's output (stdout and stderr) and
 * its verb. Throws when the value ran as code (the mark exists) or either exited otherwise.
 */
export async function refusedByValidateAndRun(
  file: string,
  env: Record<string, string>,
  check: (text: string, verb: "validate" | "run") => void,
): Promise<void> {
  const marks = testTempDir("refused-marks-");
  for (const verb of ["validate", "run"] as const) {
    const args = verb === "run" ? ["-p", `x=$(touch ${marks}/PWNED)`] : [];
    const out = await weft([verb, file, ...args], { env });
    assert.equal(out.code, 2, out.stdout + out.stderr);
    check(out.stdout + out.stderr, verb);
  }
  assert.deepEqual([...Deno.readDirSync(marks)], [], "the value ran as code");
}
