/**
 * Progress output is bounded (cli/render/progress.ts): when nobody reads weft's stderr
 * (`weft run -v 2>&1 | less` left waiting, a terminal stopped with Ctrl-S), task output
 * waits for it instead of piling up in memory, and every line still arrives, in order.
 */
import assert from "node:assert/strict";
import { type EngineEvent, pendingTaskRecord } from "../src/engine/events.ts";
import type { RenderOptions } from "../src/cli/render/format.ts";
import { createProgress, MAX_QUEUED_TEXT } from "../src/cli/render/progress.ts";
import { weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { at, runStarted } from "./_render.ts";

const RUN = "20260102T120000Z-abcdef";
/** Cursor movement, erasing and colour sequences (ECMA-48 CSI). */
// deno-lint-ignore no-control-regex
const CSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

function options(fields: Partial<RenderOptions> = {}): RenderOptions {
  return {
    color: false,
    verbose: true,
    quiet: false,
    liveOutput: new Set(),
    maxAttempts: new Map(),
    ...fields,
  };
}

function output(n: number): EngineEvent {
  return {
    type: "output",
    runId: RUN,
    taskId: "flood",
    attempt: 1,
    stream: "stdout",
    line: `line ${n} ${"x".repeat(100)}`,
    at: at(0),
  };
}

/** A sink that takes nothing until `open()`: a pipe nobody reads. */
function stuckSink() {
  const writes: string[] = [];
  let open = () => {};
  const opened = new Promise<void>((resolve) => open = resolve);
  return {
    writes,
    open,
    write: async (text: string) => {
      writes.push(text);
      await opened;
    },
  };
}

/** Whether `promise` is settled after the event loop ran everything it could. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(() => done = true, () => done = true);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return done;
}

/** Feeds output events until the listener asks to wait; returns how many went in. */
function feedUntilWait(listener: (e: EngineEvent) => unknown, first: number) {
  for (let n = first;; n++) {
    const waiting = listener(output(n));
    if (waiting instanceof Promise) return { next: n + 1, waiting };
    assert.ok(n - first < 2 * MAX_QUEUED_TEXT / 100, "the listener asked to wait in time");
  }
}

Deno.test("progress (plain): output waits once the terminal is behind, and every line arrives in order", async () => {
  const sink = stuckSink();
  const progress = createProgress({ kind: "plain" }, options(), sink.write);
  progress.listener(runStarted({ id: RUN, workflow: "w" }, [pendingTaskRecord("flood")]));
  const { next, waiting } = feedUntilWait(progress.listener, 1);
  // Held back near the bound: about MAX_QUEUED_TEXT of lines, not everything the task prints.
  const lineLength = `[flood] line 1 ${"x".repeat(100)}\n`.length;
  assert.ok((next - 1) * lineLength <= MAX_QUEUED_TEXT + 2 * lineLength);
  assert.equal(await settled(waiting), false, "nothing was written: the task waits");
  // Events other than output never wait: the scheduler goes on.
  const other = progress.listener({
    type: "task_started",
    runId: RUN,
    taskId: "other",
    attempt: 1,
    at: at(0),
  });
  assert.equal(other, undefined);
  sink.open();
  await waiting;
  for (let n = next; n < next + 1000; n++) progress.listener(output(n));
  await progress.close();
  const shown = sink.writes.join("").split("\n").filter((l) => l.startsWith("[flood]"));
  assert.equal(shown.length, next + 999);
  shown.forEach((line, i) => assert.ok(line.startsWith(`[flood] line ${i + 1} `), line));
});

Deno.test("progress (live): no frame piles up behind a stopped terminal; output above the board waits", async () => {
  const sink = stuckSink();
  const progress = createProgress(
    { kind: "live", columns: 80, rows: 24 },
    options(),
    sink.write,
  );
  progress.listener(runStarted({ id: RUN, workflow: "w" }, [pendingTaskRecord("flood")]));
  const { next, waiting } = feedUntilWait(progress.listener, 1);
  assert.equal(await settled(waiting), false, "nothing was written: the task waits");
  // Redraw ticks while the terminal is stopped draw nothing more.
  await new Promise((resolve) => setTimeout(resolve, 350));
  sink.open();
  await waiting;
  await progress.close();
  // The lines as the terminal shows them: cursor moves and clears taken out.
  const text = sink.writes.join("").replace(CSI, "").replaceAll("\r", "");
  const frames = text.split("\n").filter((l) => l.startsWith("w  "));
  assert.ok(frames.length <= 4, `${frames.length} frames`);
  const shown = text.split("\n").filter((l) => l.startsWith("[flood]"));
  assert.equal(shown.length, next - 1);
  shown.forEach((line, i) => assert.ok(line.startsWith(`[flood] line ${i + 1} `), line));
});

/** VmRSS of a live process, in KiB. */
function rssKiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1]);
}

/** Size of the one log file under `dir` (0 until it exists). */
function logSize(dir: string): number {
  try {
    for (const run of Deno.readDirSync(dir)) {
      for (const file of Deno.readDirSync(`${dir}/${run.name}`)) {
        if (file.name.endsWith(".log")) {
          return Deno.statSync(`${dir}/${run.name}/${file.name}`).size;
        }
      }
    }
  } catch {
    // not made yet
  }
  return 0;
}

const LINES = 400_000;
const PAD = "x".repeat(200);
/** ~82 MiB of numbered lines. */
const FLOOD = "name: flood\ntasks:\n  - id: count\n    command: >-\n      awk 'BEGIN { pad = " +
  `"${PAD}"; for (i = 1; i <= ${LINES}; i++) print i " " pad }'\n`;

/** `weft run FILE -v ...` with stdout and stderr on one pipe (`2>&1 |`), not read yet. */
function startFlood(dir: string, args: string[] = []) {
  const file = `${dir}/flood.yml`;
  Deno.writeTextFileSync(file, FLOOD);
  const env = weftEnv({ WEFT_HOME: `${dir}/home` });
  const child = new Deno.Command("sh", {
    args: ["-c", 'exec "$0" "$@" 2>&1', Deno.execPath(), ...weftArgs(["run", file, "-v", ...args])],
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  return { child, env, logs: `${dir}/home/logs` };
}

Deno.test("weft run -v into a pipe nobody reads holds the task back: memory stays flat, then all output comes in order", async () => {
  const { child, logs } = startFlood(testTempDir("pipe-"));
  // Wait for the task to be under way (its first lines on record), then watch a while.
  while (logSize(logs) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  let peak = 0;
  for (let i = 0; i < 30; i++) {
    peak = Math.max(peak, rssKiB(child.pid));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // An idle weft takes ~100 MiB; holding the output it read would take hundreds more.
  assert.ok(peak < 160 * 1024, `peak VmRSS ${peak} KiB while nobody read`);
  // Nothing read: weft stopped reading the task too, which waits on its pipe (the log,
  // written as output is read, holds a small part of the ~82 MiB the task prints).
  const held = logSize(logs);
  assert.ok(held < 16 * 1024 * 1024, `${held} bytes logged while nobody read`);

  const text = await new Response(child.stdout).text();
  const { code } = await child.status;
  assert.equal(code, 0, text.slice(-2000));
  const shown = text.split("\n").filter((l) => l.startsWith("[count] "));
  assert.equal(shown.length, LINES);
  shown.forEach((line, i) => {
    if (line !== `[count] ${i + 1} ${PAD}`) assert.fail(`line ${i + 1}: ${line.slice(0, 40)}`);
  });
});

Deno.test("weft run -v whose reader goes away (| head -1) finishes the run and exits 0", async () => {
  const { child, env } = startFlood(testTempDir("pipe-"));
  const reader = child.stdout.getReader();
  const first = await reader.read();
  assert.match(new TextDecoder().decode(first.value), /run \S+ started: flood/);
  await reader.cancel(); // the reader goes away, as `head -1` does
  assert.equal((await child.status).code, 0);
  const history = await new Deno.Command(Deno.execPath(), {
    args: weftArgs(["history", "--json"]),
    env,
    clearEnv: true,
  }).output();
  const runs = JSON.parse(new TextDecoder().decode(history.stdout));
  assert.equal(runs[0].status, "success");
});

Deno.test("weft run -v --json whose stderr reader goes away still prints the report on stdout", async () => {
  const dir = testTempDir("pipe-");
  Deno.writeTextFileSync(`${dir}/flood.yml`, FLOOD);
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", `${dir}/flood.yml`, "-v", "--json"]),
    env: weftEnv({ WEFT_HOME: `${dir}/home` }),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new Response(child.stdout).text();
  const reader = child.stderr.getReader();
  await reader.read();
  await reader.cancel();
  assert.equal((await child.status).code, 0);
  const report = JSON.parse(await stdout);
  assert.equal(report.status, "success");
  assert.equal(report.tasks[0].status, "success");
});
