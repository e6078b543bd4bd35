/**
 * A real `weft daemon` in a subprocess for the daemon tests: its stderr is read line by
 * line as it comes, so a test waits for an event's line instead of sleeping.
 * @module
 */
import assert from "node:assert/strict";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { openScheduleStore } from "../src/store/kv_schedules.ts";
import type { FireRecord, Schedule } from "../src/schedule/types.ts";

/** A port free on 127.0.0.1 right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A running daemon. */
export interface DaemonProcess {
  child: Deno.ChildProcess;
  /** Every stderr line so far. */
  lines: string[];
  /** Resolves with the first line (from `from` on) matching `pattern`; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, options?: { from?: number; timeoutMs?: number }): Promise<string>;
  /** Lines matching `pattern`. */
  count(pattern: RegExp): number;
  /** Sends the signal and waits for the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
  home: string;
}

/** Starts `weft daemon ARGS` with a private WEFT_HOME (or `home`) and `env` added. */
export function startDaemon(
  args: string[],
  options: { home?: string; cwd?: string; env?: Record<string, string> } = {},
): DaemonProcess {
  const home = options.home ?? testTempDir("home-");
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["daemon", ...args]),
    env: weftEnv({ ...options.env, WEFT_HOME: home }),
    clearEnv: true,
    cwd: options.cwd ?? Deno.cwd(),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  (async () => {
    let rest = "";
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      rest += decoder.decode(chunk, { stream: true });
      const parts = rest.split("\n");
      rest = parts.pop()!;
      lines.push(...parts);
      for (const w of waiters) w();
    }
    if (rest) lines.push(rest);
    ended = true;
    for (const w of waiters) w();
  })();
  const status = child.status;
  return {
    child,
    lines,
    home,
    count: (pattern) => lines.filter((l) => pattern.test(l)).length,
    waitFor(pattern, { from = 0, timeoutMs = 30_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.slice(from).find((l) => pattern.test(l));
          if (hit !== undefined) {
            done();
            resolve(hit);
          } else if (ended) {
            done();
            reject(
              new Error(`daemon ended without a line matching ${pattern}:\n${lines.join("\n")}`),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${lines.join("\n")}`),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop(signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
      return (await status).code;
    },
  };
}

/** Writes a workflow file into `dir`. */
export function writeFlow(dir: string, name: string, text: string): string {
  const path = `${dir}/${name}`;
  Deno.writeTextFileSync(path, text);
  return path;
}

/** A workflow under `<dir>/flows` with a schedule on it, in a fresh home. */
export interface ScheduledFlow {
  dir: string;
  file: string;
  home: string;
  /** `weft schedule add FILE --cron CRON --catchup 1h --tz UTC ...more` in that home. */
  add(cron: string, ...more: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

/**
 * Writes the workflow `j` (one task running `command`) into a new folder's `flows/` and
 * schedules it with `cron` (asserting the add worked), for tests of a real daemon.
 */
export async function scheduledFlow(
  prefix: string,
  command: string,
  cron: string,
): Promise<ScheduledFlow> {
  const dir = testTempDir(prefix);
  Deno.mkdirSync(`${dir}/flows`);
  const file = writeFlow(dir, "j.yml", `name: j\ntasks:\n  - id: a\n    command: ${command}\n`);
  const home = testTempDir("home-");
  const add = (cron: string, ...more: string[]) =>
    weft(["schedule", "add", file, "--cron", cron, "--catchup", "1h", "--tz", "UTC", ...more], {
      env: { WEFT_HOME: home },
    });
  const added = await add(cron);
  assert.equal(added.code, 0, added.stderr);
  return { dir, file, home, add };
}

/** What {@link gatedFlow} made. */
export interface GatedFlow {
  dir: string;
  home: string;
  /** `dir/x.yml`: workflow `x`, whose one task waits until the file `dir/go` exists. */
  file: string;
  env: { WEFT_HOME: string };
}

/**
 * A fresh test folder `dir` (with `dir/empty`, a `--dir` holding no workflow) and home,
 * and the workflow `dir/x.yml` whose run goes on until the test writes `dir/go`.
 */
export function gatedFlow(prefix: string): GatedFlow {
  const dir = testTempDir(prefix);
  const home = testTempDir("home-");
  Deno.mkdirSync(`${dir}/empty`);
  const file = writeFlow(
    dir,
    "x.yml",
    `name: x\ntasks:\n  - id: t\n    command: 'while [ ! -e ${dir}/go ]; do sleep 0.1; done'\n`,
  );
  return { dir, home, file, env: { WEFT_HOME: home } };
}

/**
 * {@link gatedFlow} with the schedule `s` on it (every second, `overlap: queue`, UTC,
 * `more` flags of `weft schedule add`), so that the next fire waits behind its run;
 * `add(cron, ...flags)` adds `s` on it again (`--replace` among the flags).
 */
export async function queuedSchedule(prefix: string, ...more: string[]) {
  const flow = gatedFlow(prefix);
  const add = (cron: string, ...more: string[]) =>
    addSchedule(flow.file, flow.env, cron, "queue", ...more);
  const added = await add("* * * * * *", ...more);
  assert.equal(added.code, 0, added.stderr);
  return { ...flow, add };
}

/**
 * `weft schedule add FILE --name s --cron CRON --tz UTC --overlap OVERLAP ...more` in the
 * home `env` names.
 */
export function addSchedule(
  file: string,
  env: Record<string, string>,
  cron: string,
  overlap: string,
  ...more: string[]
) {
  return weft(
    ["schedule", "add", file, "--name", "s", "--cron", cron, "--tz", "UTC", "--overlap", overlap]
      .concat(more),
    { env },
  );
}

/**
 * A {@link queuedSchedule} (`--catchup 1h`) whose daemon was killed (SIGKILL) while a fire
 * waited behind its run: that fire is on record `queued`, and the run's task has ended
 * (`go` written). Returns the fire's time as the log gave it.
 */
export async function leftQueuedFire(prefix: string) {
  const flow = await queuedSchedule(prefix, "--catchup", "1h");
  const first = startDaemon(["--dir", `${flow.dir}/empty`], { home: flow.home });
  let at: string;
  try {
    at = await queuedFire(first);
  } finally {
    await first.stop("SIGKILL");
  }
  Deno.writeTextFileSync(`${flow.dir}/go`, "");
  assert.equal((await fireAt(flow.home, at))?.outcome, "queued", "what the killed daemon left");
  return { ...flow, at };
}

/** The schedule `s` and its fires as the store in `home` holds them. */
export async function storedSchedule(
  home: string,
): Promise<{ s: Schedule | null; fires: FireRecord[] }> {
  const store = await openScheduleStore(home, { readOnly: true });
  try {
    return { s: await store.get("s"), fires: await store.listFires("s") };
  } finally {
    store.close();
  }
}

/** The fire of `s` at `at` as the store in `home` holds it. */
export async function fireAt(home: string, at: string): Promise<FireRecord | undefined> {
  return (await storedSchedule(home)).fires.find((f) => f.time === at);
}

/** Why a fire of a schedule paused while it waited never ran. */
export const PAUSED = "its schedule was paused while it waited";

/** The daemon's line saying the fire of `s` at `at` was skipped for `why`. */
export const skippedLine = (at: string, why: string) =>
  new RegExp(`schedule s: fire of ${escaped(at)} skipped, not run: ${why}`);

/**
 * Waits until `daemon` has started a run of schedule `s` and queued the next fire behind
 * it (a {@link queuedSchedule}); returns that fire's time as the log gives it.
 */
export async function queuedFire(daemon: DaemonProcess): Promise<string> {
  await daemon.waitFor(/run \S+ started \((schedule|catch-up) s \S+\)/);
  const queued = await daemon.waitFor(/schedule s: fire of \S+ queued behind the running run/);
  return queued.match(/fire of (\S+) queued/)![1];
}

/** `text` with the `+` and `.` of a logged fire time escaped, for a RegExp. */
export const escaped = (text: string) => text.replace(/[+.]/g, "\\$&");
