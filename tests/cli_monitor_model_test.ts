/** The monitor's pure parts: the view model, the key parser and selection, the screen. */
import assert from "node:assert/strict";
import { pendingTaskRecord, type TaskRecord, type TaskState } from "../src/engine/events.ts";
import type { RunRecord } from "../src/store/run_store.ts";
import { applyKey, parseKeys, START } from "../src/cli/monitor/keys.ts";
import { buildView, type MonitorSnapshot } from "../src/cli/monitor/model.ts";
import { listedRunIds, renderScreen } from "../src/cli/monitor/screen.ts";
import type { RunDetail } from "../src/cli/monitor/snapshot.ts";
import { paint } from "../src/cli/render/format.ts";

// deno-lint-ignore no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

const NOW = new Date("2026-12-01T12:00:00Z");
const at = (msAgo: number) => new Date(NOW.getTime() - msAgo).toISOString();

function run(id: string, workflow: string, status: RunRecord["status"], msAgo: number): RunRecord {
  const finished = status !== "running";
  return {
    id,
    workflow,
    file: "/w.yml",
    fileHash: "f",
    params: {},
    startedAt: at(msAgo),
    host: "h",
    pid: 1,
    resumedFrom: null,
    status,
    finishedAt: finished ? at(msAgo - 1000) : null,
    durationMs: finished ? 1000 : null,
    pidStartTicks: null,
    summary: finished ? [] : null,
  };
}

function task(id: string, status: TaskState, startedMsAgo: number | null = null): TaskRecord {
  return {
    ...pendingTaskRecord(id),
    status,
    attempts: startedMsAgo === null ? 0 : 1,
    startedAt: startedMsAgo === null ? null : at(startedMsAgo),
    durationMs: status === "success" ? 250 : null,
  };
}

function snapshot(): MonitorSnapshot {
  const live = run("20261201T115900.000Z-aaaa", "deploy", "running", 60_000);
  const done = run("20261201T110000.000Z-bbbb", "deploy", "success", 3_600_000);
  const failed = run(
    "20261201T100000.000Z-cccc",
    "nightly_backup_of_everything",
    "failed",
    7_200_000,
  );
  return {
    running: [{
      run: live,
      tasks: [
        task("build", "success", 50_000),
        task("test", "running", 5_000),
        task("ship", "pending"),
      ],
    }],
    recent: [done, failed],
    window: [
      { run: live, tasks: [] },
      { run: done, tasks: [] },
      { run: failed, tasks: [] },
    ],
  };
}

Deno.test("buildView: progress through the DAG, running times, per-workflow figures", () => {
  const view = buildView(snapshot(), NOW);
  assert.equal(view.generatedAt, NOW.toISOString());
  const [live] = view.running;
  assert.deepEqual(live.progress, { done: 1, total: 3 });
  assert.equal(live.elapsedMs, 60_000);
  assert.deepEqual(live.tasks.map((t) => t.durationMs), [250, 5_000, null]);
  assert.deepEqual(view.recent.map((r) => r.status), ["success", "failed"]);
  assert.deepEqual(view.window, { hours: 24, since: "2026-11-30T12:00:00.000Z" });
  assert.deepEqual(
    view.workflows.map((w) => [w.workflow, w.runs, w.successRate, w.meanDurationMs, w.running]),
    [["deploy", 1, 100, 1000, 1], ["nightly_backup_of_everything", 1, 0, 1000, 0]],
  );
});

Deno.test("parseKeys: letters, arrows in both cursor modes, Enter, Esc and Ctrl-C", () => {
  assert.deepEqual(parseKeys("q"), ["quit"]);
  assert.deepEqual(parseKeys("\x03"), ["interrupt"]);
  assert.deepEqual(parseKeys("\x1b[A\x1b[B\x1bOA\x1bOB"), ["up", "down", "up", "down"]);
  assert.deepEqual(parseKeys("jk\r"), ["down", "up", "enter"]);
  assert.deepEqual(parseKeys("\x1b"), ["back"]);
  assert.deepEqual(parseKeys("\x1b[1;5A"), ["up"], "an arrow with a modifier");
  assert.deepEqual(parseKeys("x\x1b[15~z"), [], "unknown keys and F5 are skipped");
});

Deno.test("applyKey: select runs, open one, select its tasks, go back", () => {
  const runs = ["r1", "r2", "r3"];
  let s = applyKey(START, "down", runs, []);
  assert.equal(s.runId, "r2");
  s = applyKey(applyKey(s, "down", runs, []), "down", runs, []);
  assert.equal(s.runId, "r3", "stops at the last");
  s = applyKey(s, "up", runs, []);
  s = applyKey(s, "enter", runs, []);
  assert.deepEqual(s, { mode: "run", runId: "r2", taskId: null });
  s = applyKey(s, "down", runs, ["a", "b"]);
  assert.equal(s.taskId, "b");
  s = applyKey(s, "back", runs, ["a", "b"]);
  assert.deepEqual(s, { mode: "list", runId: "r2", taskId: null });
  // A selected run that left the list: the first one is selected instead.
  assert.equal(applyKey({ ...s, runId: "gone" }, "enter", runs, []).runId, "r1");
  assert.equal(applyKey(START, "enter", [], []).mode, "list", "nothing to open");
});

Deno.test("renderScreen: the list marks the selection, fits any size", () => {
  const view = buildView(snapshot(), NOW);
  const p = paint(false);
  const lines = renderScreen(view, START, null, { columns: 100, rows: 20 }, p, NOW);
  assert.equal(lines.length, 20);
  assert.match(lines[0], /^weft monitor {2}1 running/);
  assert.match(lines.join("\n"), /^> deploy +running 1\/3 +1m00s {2}20261201T115900/m);
  assert.match(lines.join("\n"), /^ {4}▶ test {2}running 5\.0s$/m);
  assert.match(lines.join("\n"), /^ {2}nightly_back…_everything +failed/m);
  assert.match(lines.at(-1)!, /^q quit/);
  const second = { ...START, runId: listedRunIds(view)[1] };
  assert.match(
    renderScreen(view, second, null, { columns: 100, rows: 20 }, p, NOW).join("\n"),
    /^> deploy +success/m,
  );
  for (const [columns, rows] of [[30, 6], [44, 12], [200, 50], [5, 2], [3, 2], [1, 1], [0, 0]]) {
    const frame = renderScreen(view, second, null, { columns, rows }, p, NOW);
    // Never a line too many or too wide, however small: it would scroll or wrap.
    assert.ok(frame.length <= Math.max(1, rows), `${columns}x${rows}: ${frame.length} lines`);
    assert.ok(
      frame.every((l) => [...l.replace(SGR, "")].length <= Math.max(0, columns - 1)),
      `${columns}x${rows}:\n${frame.join("\n")}`,
    );
    if (rows >= 3 && columns >= 3) {
      assert.ok(frame.some((l) => l.startsWith("> ")), `${columns}x${rows}: the selection shows`);
    }
  }
});

Deno.test("renderScreen: an opened run shows its tasks and the log tail, made safe", () => {
  const view = buildView(snapshot(), NOW);
  const { run, tasks } = snapshot().running[0];
  const detail: RunDetail = {
    run,
    tasks,
    log: {
      taskId: "test",
      attempt: 1,
      lines: Array.from({ length: 40 }, (_, i) => ({
        stream: i % 2 ? "stderr" as const : "stdout" as const,
        text: i === 39 ? "last \x1b[2J line" : `line ${i}`,
      })),
    },
  };
  const selection = { mode: "run" as const, runId: run.id, taskId: "test" };
  const lines = renderScreen(view, selection, detail, { columns: 80, rows: 15 }, paint(false), NOW);
  const text = lines.join("\n");
  assert.equal(lines.length, 15);
  assert.match(lines[0], /^deploy {2}20261201T115900\.000Z-aaaa {2}running 1m00s {2}1\/3 done/);
  assert.match(text, /^> ▶ test +running +5\.0s$/m);
  assert.match(text, /^ {2}· ship +pending$/m);
  assert.match(text, /── log of test \(attempt 1\) ──/);
  assert.match(text, /^err │ last \\e\[2J line$/m, "the newest line, escaped");
  assert.doesNotMatch(text, /line 20\b/, "only the tail that fits");
  assert.match(lines.at(-1)!, /^Esc back/);
});
