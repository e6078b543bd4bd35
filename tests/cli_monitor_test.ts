/**
 * `weft monitor` and `weft monitor --json` through the real CLI on a seeded WEFT_HOME:
 * a run still running (recorded by this process, which is alive), finished runs, and
 * one older than the 24-hour window.
 */
import assert from "node:assert/strict";
import { openStore } from "../src/store/open.ts";
import { createRecorder } from "../src/store/recorder.ts";
import { seed, tempHome, weft } from "./fixtures/history/cli.ts";
import { fakeRunId, publish, runEvents } from "./fixtures/history/events.ts";
import { startDaemon, writeFlow } from "./_daemon.ts";
import { weft as runWeft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const HOUR = 3_600_000;

/** Records a run of `deploy` whose task `build` ended, `test` runs and `ship` waits. */
async function seedRunning(home: string): Promise<string> {
  const id = fakeRunId(new Date(), "live");
  const events = runEvents({
    id,
    workflow: "deploy",
    tasks: [{ id: "build" }, { id: "test" }, { id: "ship" }],
  });
  const cut = events.findIndex((e) => e.type === "task_started" && e.taskId === "test");
  const store = await openStore(home);
  const recorder = createRecorder(store, store.logsDir);
  publish(recorder.listener, events.slice(0, cut + 1));
  await recorder.flush();
  store.close();
  return id;
}

async function seeded(home: string) {
  const now = Date.now();
  const old = fakeRunId(new Date(now - 30 * HOUR));
  const ok = fakeRunId(new Date(now - 2 * HOUR));
  const bad = fakeRunId(new Date(now - HOUR));
  await seed(home, [
    { id: old, workflow: "deploy", startedAt: new Date(now - 30 * HOUR).toISOString() },
    {
      id: ok,
      workflow: "deploy",
      startedAt: new Date(now - 2 * HOUR).toISOString(),
      tasks: [{ id: "build", durationMs: 100 }],
    },
    {
      id: bad,
      workflow: "nightly",
      startedAt: new Date(now - HOUR).toISOString(),
      tasks: [{ id: "dump", status: "failed" }],
    },
  ]);
  const running = await seedRunning(home);
  return { old, ok, bad, running };
}

Deno.test("weft monitor --json: running runs with progress, recent runs, 24-hour figures", async () => {
  const { home, cleanup } = await tempHome();
  try {
    const ids = await seeded(home);
    const result = await weft(["monitor", "--json"], { WEFT_HOME: home });
    assert.equal(result.code, 0, result.stderr);
    const view = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(view), [
      "generatedAt",
      "running",
      "recent",
      "window",
      "workflows",
    ]);
    assert.equal(view.running.length, 1);
    const run = view.running[0];
    assert.equal(run.id, ids.running);
    assert.equal(run.workflow, "deploy");
    assert.deepEqual(run.progress, { done: 1, total: 3 });
    assert.deepEqual(
      run.tasks.map((t: { id: string; status: string }) => [t.id, t.status]),
      [["build", "success"], ["test", "running"], ["ship", "pending"]],
    );
    assert.equal(typeof run.tasks[1].durationMs, "number", "a running task's time so far");
    assert.equal(run.tasks[2].durationMs, null);
    // Newest first, finished only; the old run too (the list is not bounded by the window).
    assert.deepEqual(view.recent.map((r: { id: string }) => r.id), [ids.bad, ids.ok, ids.old]);
    assert.equal(view.recent[0].status, "failed");
    assert.equal(view.window.hours, 24);
    // The figures leave out the run of 30 hours ago.
    const deploy = view.workflows.find((w: { workflow: string }) => w.workflow === "deploy");
    assert.deepEqual(
      { runs: deploy.runs, successRate: deploy.successRate, running: deploy.running },
      { runs: 1, successRate: 100, running: 1 },
    );
    assert.equal(typeof deploy.meanDurationMs, "number");
    const nightly = view.workflows.find((w: { workflow: string }) => w.workflow === "nightly");
    assert.deepEqual({ runs: nightly.runs, successRate: nightly.successRate }, {
      runs: 1,
      successRate: 0,
    });
    const limited = JSON.parse(
      (await weft(["monitor", "--json", "--limit", "1"], { WEFT_HOME: home })).stdout,
    );
    assert.deepEqual(limited.recent.map((r: { id: string }) => r.id), [ids.bad]);
    assert.equal(limited.running.length, 1);
  } finally {
    await cleanup();
  }
});

Deno.test("weft monitor: prints the view once as text", async () => {
  const { home, cleanup } = await tempHome();
  try {
    const ids = await seeded(home);
    const result = await weft(["monitor"], { WEFT_HOME: home });
    assert.equal(result.code, 0, result.stderr);
    const text = result.stdout;
    assert.match(text, /^Running: 1$/m);
    assert.match(
      text,
      new RegExp(`^deploy {2}${ids.running} {2}running \\S+ {2}1/3 tasks done`, "m"),
    );
    assert.match(text, /^ {2}✔ build +success +\S+/m);
    assert.match(text, /^ {2}▶ test +running +\S+/m);
    assert.match(text, /^ {2}· ship +pending +-/m);
    assert.match(text, /^Finished: the last 3$/m);
    assert.match(text, new RegExp(`^${ids.bad} +nightly +failed `, "m"));
    assert.match(text, /^Last 24 hours, per workflow$/m);
    assert.match(text, /^deploy +1 +100\.00% +\S+ +1$/m);
    assert.match(text, /^nightly +1 +0\.00% +\S+ +0$/m);
  } finally {
    await cleanup();
  }
});

Deno.test("weft monitor: an empty home reads as nothing, and is not created", async () => {
  const { home, cleanup } = await tempHome();
  try {
    const result = await weft(["monitor"], { WEFT_HOME: home });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Running: none$/m);
    assert.match(result.stdout, /^Finished: none$/m);
    assert.match(result.stdout, /^Last 24 hours: no runs$/m);
    await assert.rejects(Deno.stat(home), Deno.errors.NotFound);
  } finally {
    await cleanup();
  }
});

Deno.test("weft monitor --live without a terminal: one clear line, exit 2", async () => {
  const { home, cleanup } = await tempHome();
  try {
    const result = await weft(["monitor", "--live"], { WEFT_HOME: home });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, "");
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    assert.match(result.stderr, /--live needs a terminal.*weft monitor --json/);
    const both = await weft(["monitor", "--live", "--json"], { WEFT_HOME: home });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--live or --json, not both/);
  } finally {
    await cleanup();
  }
});

Deno.test("weft monitor --json: a run the daemon started shows while it runs", async () => {
  const dir = testTempDir("monitor-daemon-");
  writeFlow(
    dir,
    "watched.yml",
    `name: watched
trigger:
  type: schedule
  config:
    schedule: "* * * * * *"
tasks:
  - id: hold
    command: while [ ! -f ${dir}/go ]; do sleep 0.1; done
`,
  );
  const daemon = startDaemon(["--dir", dir]);
  try {
    await daemon.waitFor(/run \S+ started/);
    let running: Array<{ workflow: string; tasks: Array<{ id: string; status: string }> }> = [];
    // Bounded wait for the run's task to be recorded as running (not a timing assertion).
    for (let i = 0; i < 100; i++) {
      const result = await runWeft(["monitor", "--json"], { env: { WEFT_HOME: daemon.home } });
      assert.equal(result.code, 0, result.stderr);
      running = JSON.parse(result.stdout).running;
      if (running.some((r) => r.tasks[0]?.status === "running")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const run = running.find((r) => r.tasks[0]?.status === "running");
    assert.ok(run, `a running run of the daemon:\n${JSON.stringify(running)}`);
    assert.equal(run.workflow, "watched");
    assert.equal(run.tasks[0].id, "hold");
  } finally {
    await Deno.writeTextFile(`${dir}/go`, "");
    await daemon.stop();
  }
});

Deno.test("readRunDetail: a log that cannot be read is an error, not an empty log", async () => {
  const { home, cleanup } = await tempHome();
  try {
    const id = await seedRunning(home);
    const { readRunDetail } = await import("../src/cli/monitor/snapshot.ts");
    const { logFilePath } = await import("../src/store/mod.ts");
    const store = await openStore(home, { readOnly: true });
    try {
      const detail = await readRunDetail(store, id, "build", 10);
      assert.equal(detail?.log?.taskId, "build");
      // Where the log should be, a folder: opening works, reading fails (EISDIR).
      const path = `${store.logsDir}/${logFilePath(id, "build", 1)}`;
      await Deno.remove(path).catch(() => {});
      await Deno.mkdir(path, { recursive: true });
      await assert.rejects(() => readRunDetail(store, id, "build", 10));
    } finally {
      store.close();
    }
  } finally {
    await cleanup();
  }
});

Deno.test("weft monitor: FINISHED is local time, as history shows STARTED, in any zone", async () => {
  const home = testTempDir("home-");
  const file = new URL("./fixtures/io_full/ok.yml", import.meta.url).pathname;
  const run = await runWeft(["run", file, "--json"], { env: { WEFT_HOME: home } });
  const finishedAt = JSON.parse(run.stdout).finishedAt as string;
  for (const zone of ["Europe/Berlin", "Pacific/Kiritimati", "America/Los_Angeles"]) {
    const env = { WEFT_HOME: home, TZ: zone };
    const text = (await runWeft(["monitor"], { env })).stdout;
    const parts = new Intl.DateTimeFormat("sv-SE", {
      timeZone: zone,
      dateStyle: "short",
      timeStyle: "medium",
    }).format(new Date(finishedAt)); // `2026-12-01 18:36:27`
    assert.ok(text.includes(parts), `${zone}: ${parts} not in\n${text}`);
    assert.ok(!text.includes(finishedAt), text);
  }
});
