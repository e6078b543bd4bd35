/**
 * A run another weft marked interrupted while its own weft still lived (stopped with
 * SIGSTOP past the heartbeat's 30 s, store/settled.ts) stays interrupted: both stores
 * refuse its weft's later writes, and that weft, once it runs again, stops the run and
 * says why on stderr, so `--resume` of the interrupted run cannot race it to success.
 */
import assert from "node:assert/strict";
import { KvRunStore } from "../src/store/kv.ts";
import { MemoryRunStore } from "../src/store/memory.ts";
import { kvPath, logsPath } from "../src/store/open.ts";
import type { RunStore } from "../src/store/run_store.ts";
import { RunSettledError } from "../src/store/settled.ts";
import { PAUSE_CHECK_MS } from "../src/store/heartbeat.ts";
import {
  childrenOf,
  historyJson,
  startWeft,
  waitForFile,
  weft,
  weftArgs,
  weftEnv,
} from "./_run_cli.ts";
import { exists, testTempDir } from "./_tmp.ts";
import { fakeRunId, pendingTask, runInfo } from "./fixtures/history/events.ts";

const GATED = new URL("./fixtures/settled/gated.yml", import.meta.url).pathname;

for (const kind of ["kv", "memory"] as const) {
  Deno.test(`${kind} store: no write of a run's own weft lands once it is marked interrupted`, async () => {
    const dir = testTempDir();
    const store: RunStore = kind === "kv"
      ? await KvRunStore.open(`${dir}/weft.kv`, `${dir}/logs`)
      : new MemoryRunStore(`${dir}/logs`);
    try {
      const id = fakeRunId();
      const task = pendingTask("a");
      await store.createRun(runInfo({ id }), [task]);
      const running = { ...task, status: "running" as const, startedAt: new Date().toISOString() };
      await store.updateTask(id, running);
      await store.heartbeat(id, new Date().toISOString());
      assert.equal(await store.markInterrupted(id), true);
      const done = { ...running, status: "success" as const, finishedAt: new Date().toISOString() };
      const refused = [
        () => store.updateTask(id, done),
        () => store.writeRecords({ tasks: [{ runId: id, task: done }], attempts: [] }),
        () => store.heartbeat(id, new Date().toISOString()),
        () =>
          store.finishRun(
            {
              id,
              workflow: "w",
              status: "success",
              startedAt: running.startedAt,
              finishedAt: done.finishedAt,
              durationMs: 1,
              tasks: [done],
            } as Parameters<RunStore["finishRun"]>[0],
          ),
      ];
      for (const write of refused) {
        await assert.rejects(write, (e) => e instanceof RunSettledError && e.runId === id);
      }
      const { run, tasks } = await store.getRun(id);
      assert.deepEqual([run.status, tasks[0].status], ["interrupted", "interrupted"]);
      assert.equal(await store.lastHeartbeat?.(id), null, "no heartbeat written back");
    } finally {
      store.close();
    }
  });
}

/** What the tests read of a weft run in the background. */
interface Started {
  child: Deno.ChildProcess;
  finish(): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** Runs weft with `args` behind the command `wrap` (e.g. unshare); as startWeft. */
function startWrapped(wrap: string[], args: string[], env: Record<string, string>): Started {
  const child = new Deno.Command(wrap[0], {
    args: [...wrap.slice(1), Deno.execPath(), ...weftArgs(args)],
    env: weftEnv(env),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  return {
    child,
    async finish() {
      const { code, stdout, stderr } = await output;
      const decoder = new TextDecoder();
      return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
    },
  };
}

/** A `weft run` of gated.yml (behind `wrap`) whose weft is stopped (SIGSTOP) once task a runs. */
async function stoppedRun(dir: string, home: string, wrap: string[] = []) {
  const env = { WEFT_HOME: home, SETTLED_DIR: dir };
  const weftRun: Started = wrap.length
    ? startWrapped(wrap, ["run", GATED], env)
    : startWeft(["run", GATED], env);
  await waitForFile(`${dir}/a.started`);
  // Stopped once the task's start is on record, not in the middle of writing it: a weft
  // stopped inside a write holds weft.kv's write lock, and the readers below would wait
  // for it.
  await recordedRunning(home);
  // The weft itself (not a wrapper around it) is stopped; its task goes on meanwhile.
  const pid = wrap.length ? childrenOf(weftRun.child.pid)[0] : weftRun.child.pid;
  Deno.kill(pid, "SIGSTOP");
  return { weftRun, pid };
}

/** Waits until the run in `home` has its first task recorded running (polls the history). */
async function recordedRunning(home: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const [run] = await historyJson<{ id: string }>(home);
    if (run) {
      const status = await weft(["status", run.id, "--json"], { env: { WEFT_HOME: home } });
      const tasks = (JSON.parse(status.stdout) as { tasks: { status: string }[] }).tasks;
      if (tasks[0]?.status === "running") return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the run's first task was never recorded running");
}

async function assertStoppedAndSettled(
  weftRun: Started,
  dir: string,
  home: string,
  id: string,
) {
  const r = await weftRun.finish();
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`another weft marked run ${id} interrupted`));
  assert.match(r.stderr, /stopping the run/);
  assert.match(r.stderr, /a cancelled/);
  // Task a was stopped before its end, and b never started here.
  for (const file of ["a.done", "b.ran"]) {
    assert.equal(exists(`${dir}/${file}`), false, file);
  }
  const [run] = await historyJson<{ id: string; status: string }>(home);
  assert.deepEqual([run.id, run.status], [id, "interrupted"]);
  const status = await weft(["status", id, "--json"], { env: { WEFT_HOME: home } });
  const tasks = (JSON.parse(status.stdout) as { tasks: { status: string }[] }).tasks;
  assert.deepEqual(tasks.map((t) => t.status), ["interrupted", "interrupted"]);
}

Deno.test("a stopped weft whose run was marked interrupted meanwhile stops it when continued", async () => {
  const dir = testTempDir();
  const home = `${dir}/home`;
  const { weftRun, pid } = await stoppedRun(dir, home);
  const [{ id }] = await historyJson(home);
  // What recovery or `weft history mark-interrupted` does once the 30 s are over.
  const store = await KvRunStore.open(kvPath(home), logsPath(home));
  assert.equal(await store.markInterrupted(id), true);
  store.close();
  Deno.kill(pid, "SIGCONT");
  await assertStoppedAndSettled(weftRun, dir, home, id);
});

Deno.test("a task that ended while its weft was stopped starts nothing once the run was marked interrupted", async () => {
  const dir = testTempDir();
  const home = `${dir}/home`;
  const weftRun = startWeft(["run", GATED], { WEFT_HOME: home, SETTLED_DIR: dir });
  const pid = weftRun.child.pid;
  try {
    await waitForFile(`${dir}/a.started`);
    const [{ id }] = await historyJson(home);
    // Stopped once a's start is recorded, not in the midst of that write (whose lock the
    // history reads below would wait for).
    await weftRun.stderrIncludes("a started");
    for (;;) {
      const status = await weft(["status", id, "--json"], { env: { WEFT_HOME: home } });
      const tasks = (JSON.parse(status.stdout) as { tasks: { status: string }[] }).tasks;
      if (tasks[0].status === "running") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    Deno.kill(pid, "SIGSTOP");
    await Deno.writeTextFile(`${dir}/go`, "");
    // a ends (a.done is empty: waitForFile waits for text); its weft, stopped, misses it.
    while (!exists(`${dir}/a.done`)) await new Promise((r) => setTimeout(r, 20));
    // Stopped past two heartbeats (heartbeat.ts PAUSE_CHECK_MS), as before the 30 s after
    // which recovery or `weft history mark-interrupted` settles the run (done here at once).
    await new Promise((resolve) => setTimeout(resolve, PAUSE_CHECK_MS + 500));
    const store = await KvRunStore.open(kvPath(home), logsPath(home));
    assert.equal(await store.markInterrupted(id), true);
    store.close();
    Deno.kill(pid, "SIGCONT");
    const r = await weftRun.finish();
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`another weft marked run ${id} interrupted`));
    assert.equal(exists(`${dir}/b.ran`), false, "b never started");
    // The progress lines of task b (a run id ending in "b" is followed by " started" too).
    assert.doesNotMatch(r.stderr, /[▶✔] b (started|success)/);
    assert.match(r.stderr, new RegExp(`run ${id} interrupted`), "said as history has it");
    const [run] = await historyJson<{ id: string; status: string }>(home);
    assert.deepEqual([run.id, run.status], [id, "interrupted"]);
  } finally {
    try {
      Deno.kill(pid, "SIGCONT");
    } catch { /* ended */ }
  }
});

/** Whether `command --version`-like `args` run here (unshare needs root for a pid namespace). */
function runs(command: string, args: string[]): boolean {
  try {
    return new Deno.Command(command, { args, stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

const UNSHARE = ["unshare", "--pid", "--fork", "--mount-proc"];
const CAN_WRAP = runs(UNSHARE[0], [...UNSHARE.slice(1), "true"]) &&
  runs("faketime", ["-f", "+60s", "true"]);

Deno.test({
  name:
    `weft history mark-interrupted of a stopped weft of another pid namespace: it stops when continued${
      CAN_WRAP ? "" : " (skipped: needs unshare as root and faketime)"
    }`,
  ignore: !CAN_WRAP,
  fn: async () => {
    const dir = testTempDir();
    const home = `${dir}/home`;
    // Another pid namespace: this side cannot check its pid (store/run_owner.ts).
    const { weftRun, pid } = await stoppedRun(dir, home, UNSHARE);
    try {
      const [{ id }] = await historyJson(home);
      const refused = await weft(["history", "mark-interrupted", id], { env: { WEFT_HOME: home } });
      assert.equal(refused.code, 2, "seen alive within 30 s: refused");
      // Seen from a clock 60 s ahead, its weft has not beaten for over 30 s: marked.
      const marked = startWrapped(["faketime", "-f", "+60s"], ["history", "mark-interrupted", id], {
        WEFT_HOME: home,
      });
      const m = await marked.finish();
      assert.equal(m.code, 0, m.stderr);
      assert.match(m.stderr, /marked interrupted/);
      Deno.kill(pid, "SIGCONT");
      await assertStoppedAndSettled(weftRun, dir, home, id);
    } finally {
      try {
        Deno.kill(pid, "SIGCONT");
      } catch { /* ended */ }
    }
  },
});
