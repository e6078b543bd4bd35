import assert from "node:assert/strict";
import {
  type EngineEvent,
  pendingTaskRecord,
  type RunReport,
  type TaskRecord,
} from "../src/engine/events.ts";
import { PlainRenderer } from "../src/cli/render/plain.ts";
import { BoardRenderer, cut } from "../src/cli/render/board.ts";
import { clockTime, paint, type RenderOptions, summaryLine } from "../src/cli/render/format.ts";
import { createProgress } from "../src/cli/render/progress.ts";
import { formatPlan } from "../src/cli/render/plan.ts";
import { terminalSafe } from "../src/safe_text.ts";
import { at, runStarted, T0 } from "./_render.ts";

const hhmmss = (ms: number) => clockTime(T0 + ms);
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[/;

function record(id: string, fields: Partial<TaskRecord> = {}): TaskRecord {
  return { ...pendingTaskRecord(id), ...fields };
}

function options(fields: Partial<RenderOptions> = {}): RenderOptions {
  return {
    color: false,
    verbose: false,
    quiet: false,
    liveOutput: new Set(),
    maxAttempts: new Map([["build", 3]]),
    ...fields,
  };
}

/** A run: build succeeds on its second try, test is skipped, deploy fails with output. */
function failingRun(): EngineEvent[] {
  const runId = "20260102T120000Z-abcdef";
  const tasks = [
    record("build"),
    record("test"),
    record("deploy"),
    record("rollback", { callback: true }),
    record("notify-success", { callback: true }),
  ];
  const finished: TaskRecord[] = [
    record("build", {
      status: "success",
      exitCode: 0,
      attempts: 2,
      startedAt: at(0),
      finishedAt: at(2100),
      durationMs: 2100,
    }),
    record("test", { status: "skipped", reason: "condition", finishedAt: at(2100) }),
    record("deploy", {
      status: "failed",
      exitCode: 1,
      attempts: 1,
      startedAt: at(2200),
      finishedAt: at(2500),
      durationMs: 300,
      reason: "exit_code",
      error: "exited with code 1",
    }),
    record("rollback", {
      callback: true,
      status: "success",
      exitCode: 0,
      attempts: 1,
      finishedAt: at(2700),
      durationMs: 150,
    }),
    record("notify-success", { callback: true, status: "skipped" }),
  ];
  const report: RunReport = {
    id: runId,
    workflow: "deploy",
    status: "failed",
    startedAt: at(0),
    finishedAt: at(2800),
    durationMs: 2800,
    tasks: finished,
  };
  const deployOutput = Array.from({ length: 12 }, (_, i) => `deploy line ${i + 1}`);
  return [
    runStarted({ id: runId, workflow: "deploy", file: "/x/deploy.yml", fileHash: "00" }, tasks),
    { type: "task_started", runId, taskId: "build", attempt: 1, at: at(0) },
    {
      type: "output",
      runId,
      taskId: "build",
      attempt: 1,
      stream: "stdout",
      line: "compiling",
      at: at(10),
    },
    {
      type: "attempt_finished",
      runId,
      taskId: "build",
      attempt: 1,
      status: "failed",
      exitCode: 2,
      error: null,
      startedAt: at(0),
      finishedAt: at(1000),
      retryInMs: 5000,
    },
    { type: "task_started", runId, taskId: "build", attempt: 2, at: at(1000) },
    { type: "task_finished", runId, task: finished[0] },
    { type: "task_finished", runId, task: finished[1] },
    { type: "task_started", runId, taskId: "deploy", attempt: 1, at: at(2200) },
    ...deployOutput.map((line): EngineEvent => ({
      type: "output",
      runId,
      taskId: "deploy",
      attempt: 1,
      stream: "stderr",
      line,
      at: at(2300),
    })),
    { type: "task_finished", runId, task: finished[2] },
    { type: "task_started", runId, taskId: "rollback", attempt: 1, at: at(2550) },
    { type: "task_finished", runId, task: finished[3] },
    { type: "task_finished", runId, task: finished[4] },
    { type: "run_finished", runId, report },
  ];
}

function renderPlain(events: EngineEvent[], opts: RenderOptions): string {
  const renderer = new PlainRenderer(opts);
  return events.map((e) => renderer.render(e)).join("");
}

Deno.test("plain: timestamped lines per event, final summary, failure recap, no ANSI", () => {
  const text = renderPlain(failingRun(), options());
  const lines = text.trimEnd().split("\n");
  assert.equal(
    lines[0],
    `${hhmmss(0)} run 20260102T120000Z-abcdef started: deploy (3 tasks, 2 callbacks)`,
  );
  assert.equal(lines[1], `${hhmmss(0)} ▶ build started (attempt 1/3)`);
  assert.equal(lines[2], `${hhmmss(1000)} ↻ build failed exit 2 (attempt 1/3), retrying in 5.0s`);
  assert.equal(lines[3], "    │ compiling", "a retried attempt shows its output tail");
  assert.equal(lines[4], `${hhmmss(1000)} ▶ build started (attempt 2/3)`);
  assert.equal(lines[5], `${hhmmss(2100)} ✔ build success 2.1s`);
  assert.equal(lines[6], `${hhmmss(2100)} ⤼ test skipped (condition)`);
  assert.equal(lines[7], `${hhmmss(2200)} ▶ deploy started`);
  assert.equal(lines[8], `${hhmmss(2500)} ✖ deploy failed exit 1 300ms`);
  assert.equal(lines[9], `${hhmmss(2550)} ▶ rollback started`);
  assert.equal(lines[10], `${hhmmss(2700)} ✔ rollback success 150ms`);
  assert.equal(
    lines[11],
    "run 20260102T120000Z-abcdef failed in 2.8s " +
      "(3 tasks: 1 success, 1 failed, 1 skipped; 2 callbacks: 1 success, 1 not called)",
    "counted as the first line counts: tasks, then callbacks apart",
  );
  // The failure's last lines come once, under the summary, each marked with its stream.
  assert.equal(lines[12], "✖ deploy failed: exited with code 1 — last 10 of 12 lines:");
  assert.equal(lines[13], "    stderr │ deploy line 3");
  assert.equal(lines[22], "    stderr │ deploy line 12");
  assert.equal(lines.length, 23);
  assert.ok(!ANSI.test(text));
});

Deno.test("plain: --verbose shows every output line with the task id; the recap still follows", () => {
  const text = renderPlain(failingRun(), options({ verbose: true }));
  assert.match(text, /^\[build\] compiling$/m);
  assert.match(text, /^\[deploy\] deploy line 1$/m);
  assert.doesNotMatch(text, /│ compiling/, "a retried attempt's lines were shown live");
  // Among other tasks' lines they may have scrolled away: the summary recaps them.
  assert.match(text, /^run \S+ failed in 2\.8s.*\n✖ deploy failed.*\n {4}stderr │ deploy line 3$/m);
});

Deno.test("plain: live_output shows one task's lines; others' show in the recap", () => {
  const text = renderPlain(failingRun(), options({ liveOutput: new Set(["build"]) }));
  assert.match(text, /^\[build\] compiling$/m);
  assert.doesNotMatch(text, /^\[deploy\]/m);
  assert.match(text, /^ {4}stderr │ deploy line 12$/m);
});

Deno.test("plain: --quiet prints only failures, the final line and the recap", () => {
  const text = renderPlain(failingRun(), options({ quiet: true }));
  const lines = text.trimEnd().split("\n");
  assert.equal(lines[0], `${hhmmss(2500)} ✖ deploy failed exit 1 300ms`);
  assert.match(lines[1], /^run \S+ failed in 2\.8s/);
  assert.equal(lines.length, 1 + 1 + 11);
});

Deno.test("plain: colour only when asked", () => {
  const text = renderPlain(failingRun(), options({ color: true }));
  assert.ok(text.includes("\x1b[32m✔\x1b[39m"));
  assert.ok(text.includes("\x1b[31mfailed\x1b[39m"));
});

Deno.test("plain: timeouts, cancellations and runner errors read clearly", () => {
  const renderer = new PlainRenderer(options());
  const timedOut = renderer.render({
    type: "task_finished",
    runId: "r",
    task: record("slow", {
      status: "timed_out",
      reason: "timeout",
      error: "timed out after 30.0s",
      durationMs: 30000,
      finishedAt: at(0),
    }),
  });
  assert.equal(timedOut, `${hhmmss(0)} ⏱ slow timed out 30.0s\n`);
  const broken = renderer.render({
    type: "task_finished",
    runId: "r",
    task: record("ping", {
      type: "http",
      status: "failed",
      exitCode: 1,
      reason: "exit_code",
      error: "GET http://x/ returned HTTP 503 Service Unavailable (expected 2xx)",
      durationMs: 12,
      finishedAt: at(0),
    }),
  });
  assert.equal(
    broken,
    `${
      hhmmss(0)
    } ✖ ping failed exit 1 12ms — GET http://x/ returned HTTP 503 Service Unavailable (expected 2xx)\n`,
  );
  const cancelled = renderer.render({
    type: "task_finished",
    runId: "r",
    task: record("sleepy", {
      status: "cancelled",
      reason: "signal",
      durationMs: 1200,
      finishedAt: at(0),
    }),
  });
  assert.equal(cancelled, `${hhmmss(0)} ■ sleepy cancelled 1.2s\n`);
  const upstream = renderer.render({
    type: "task_finished",
    runId: "r",
    task: record("after", { status: "skipped", reason: "upstream", finishedAt: at(0) }),
  });
  assert.equal(upstream, `${hhmmss(0)} ⤼ after skipped (upstream)\n`);
});

Deno.test("summary line: singular, cancelled", () => {
  const report: RunReport = {
    id: "r1",
    workflow: "w",
    status: "cancelled",
    startedAt: at(0),
    finishedAt: at(4200),
    durationMs: 4200,
    tasks: [record("a", { status: "cancelled" })],
  };
  assert.equal(summaryLine(report, paint(false)), "run r1 cancelled in 4.2s (1 task: 1 cancelled)");
});

Deno.test("summary line: a loop's iterations are counted by their loop, as the first line counts", () => {
  const report: RunReport = {
    id: "r2",
    workflow: "w",
    status: "failed",
    startedAt: at(0),
    finishedAt: at(2000),
    durationMs: 2000,
    tasks: [
      record("b", { status: "timed_out" }),
      record("b[x]", { status: "timed_out" }),
      record("b[y]", { status: "cancelled" }),
      record("cb", { status: "success", callback: true, attempts: 1 }),
      record("cbl[0]", { status: "success", callback: true, attempts: 1 }),
    ],
  };
  assert.equal(
    summaryLine(report, paint(false)),
    "run r2 failed in 2.0s (1 task: 1 timed out; 1 callback: 1 success)",
  );
});

Deno.test("board: one line per task, redrawn in place, failures scroll above", () => {
  const board = new BoardRenderer({ ...options(), columns: 60, rows: 30 });
  const events = failingRun();
  const frames: string[] = [];
  // Draw after the first task starts, then after everything.
  board.apply(events[0]);
  board.apply(events[1]);
  frames.push(board.frame(T0 + 500));
  for (const e of events.slice(2, -1)) board.apply(e);
  frames.push(board.frame(T0 + 2750));
  board.apply(events.at(-1)!);
  frames.push(board.frame(T0 + 2800));

  const first = frames[0].split("\n");
  assert.equal(
    first[0],
    "\r\x1b[K" + "deploy  500ms  3 tasks, 2 callbacks  run 20260102T120000Z-…\x1b[0m",
    "the title counts as the summary does; a narrow terminal cuts the run id first",
  );
  assert.match(first[1], /^ {2}\S build {3}running {6}500ms {2}attempt 1\/3$/);
  assert.equal(first[2], "  · test    pending", "no `attempt 0/3` before the first try");
  assert.equal(first[3], "  · deploy  pending");
  assert.equal(first.length, 5, "callbacks appear only when called");

  const second = frames[1];
  assert.ok(
    second.startsWith("\x1b[4F\x1b[2K\x1b[1B\x1b[J\x1b[1A✖ deploy failed exit 1 300ms\n"),
    "moves up over the 4 board lines, clears, then scrolls the failure above the board",
  );
  const rows = second.split("\n").filter((l) => l.startsWith("  ") && !l.includes("│"));
  assert.deepEqual(rows.map((l) => l.slice(0, 24).trimEnd()), [
    "  ✔ build     success",
    "  ⤼ test      skipped",
    "  ✖ deploy    failed",
    "  ✔ rollback  success",
  ]);
  // The duration in a column of its own; the exit code and the reason after the attempt.
  assert.deepEqual(rows.map((l) => l.slice(27).trimEnd()), [
    "2.1s   attempt 2/3",
    "                    (condition)",
    "300ms               exit 1",
    "150ms  (callback)",
  ]);
  assert.doesNotMatch(second, /notify-success/);

  const last = frames[2];
  assert.ok(last.startsWith("\x1b[5F\x1b[2K"));
  assert.match(
    last,
    /\(3 tasks: 1 success, 1 failed, 1 skipped; 2 callbacks: 1 success, 1 not called\)\n✖ deploy failed: /,
  );
  assert.ok(last.endsWith("    stderr │ deploy line 12\n"), "the recap ends the report");
  assert.equal(board.animated, false);
});

Deno.test("board: the last frame's header shows the run's recorded duration, as the summary does", () => {
  const board = new BoardRenderer({ ...options(), columns: 80, rows: 30 });
  for (const e of failingRun()) board.apply(e);
  // Drawn 0.7 s after the run's recorded end (2.8 s): notifications, a slow terminal.
  const frame = board.frame(T0 + 3500);
  const header = frame.split("\n").find((l) => l.includes("3 tasks, 2 callbacks"));
  assert.match(header ?? "", /deploy {2}2\.8s {2}3 tasks/, "the header's duration");
  assert.match(frame, /run \S+ failed in 2\.8s /, "the summary's duration");
  assert.doesNotMatch(frame, /3\.5s/);
});

Deno.test("board: a retry shows on the task's line until the next attempt", () => {
  const board = new BoardRenderer({ ...options(), columns: 80, rows: 30 });
  for (const e of failingRun().slice(0, 4)) board.apply(e);
  assert.match(
    board.frame(T0 + 1500),
    /^ {2}↻ build {3}retrying {5}1\.0s {2}attempt 1\/3 {2}failed, retry in 4\.5s$/m,
    "the state column stays a state word; the failed attempt's time in the duration column",
  );
});

Deno.test("board: taller than the terminal shows running tasks first and a count", () => {
  const board = new BoardRenderer({ ...options(), columns: 80, rows: 6 });
  const tasks = Array.from({ length: 10 }, (_, i) => record(`t${i}`));
  board.apply(runStarted({ id: "r", workflow: "wide" }, tasks));
  board.apply({ type: "task_started", runId: "r", taskId: "t9", attempt: 1, at: at(0) });
  const lines = board.frame(T0 + 100).trimEnd().split("\n");
  assert.equal(lines.length, 5, "title + 3 tasks + the count line fit in rows - 1");
  assert.match(lines[3], / t9 +running/);
  assert.match(lines[4], /… 7 more: 7 pending/);
});

Deno.test("cut: long lines end in an ellipsis, colour codes do not count", () => {
  assert.equal(cut("abcdef", 4), "abc…\x1b[0m");
  assert.equal(cut("\x1b[32mabcdef\x1b[39m", 10), "\x1b[32mabcdef\x1b[39m");
  assert.equal(cut("\x1b[32mabcdef\x1b[39m", 3), "\x1b[32mab…\x1b[0m");
});

Deno.test("progress (plain): writes every event in order, closes after the last write", async () => {
  const written: string[] = [];
  const progress = createProgress({ kind: "plain" }, options(), async (text) => {
    await Promise.resolve();
    written.push(text);
  });
  for (const e of failingRun()) progress.listener(e);
  progress.notice("stopping… (Ctrl-C again to kill)");
  await progress.close();
  const text = written.join("");
  assert.equal(text, renderPlain(failingRun(), options()) + text.split("\n").at(-2) + "\n");
  assert.match(text.split("\n").at(-2)!, / stopping… \(Ctrl-C again to kill\)$/);
});

Deno.test("progress (plain): lines shown while a write is under way go out together, in order", async () => {
  const writes: string[] = [];
  let release = () => {};
  const blocked = new Promise<void>((resolve) => release = resolve);
  const progress = createProgress({ kind: "plain" }, options(), async (text) => {
    writes.push(text);
    if (writes.length === 1) await blocked; // a slow terminal
  });
  const events = failingRun();
  progress.listener(events[0]);
  await new Promise((resolve) => setTimeout(resolve, 0)); // the first write is under way
  assert.equal(writes.length, 1);
  for (const e of events.slice(1)) progress.listener(e);
  release();
  await progress.close();
  assert.equal(writes.join(""), renderPlain(events, options()));
  assert.equal(writes.length, 2, "the rest of the run in one more write");
});

Deno.test("progress (live): hides the cursor, draws the final frame, shows the cursor", async () => {
  const written: string[] = [];
  const progress = createProgress(
    { kind: "live", columns: 80, rows: 24 },
    options({ color: true }),
    (text) => {
      written.push(text);
      return Promise.resolve();
    },
  );
  for (const e of failingRun()) progress.listener(e);
  await progress.close();
  const text = written.join("");
  assert.ok(text.startsWith("\x1b[?25l"));
  assert.ok(text.endsWith("\x1b[?25h"));
  assert.match(text, /failed.*in 2\.8s/);
});

Deno.test("plan: waves, conditions, alone marker, callbacks with callers", () => {
  const text = formatPlan(
    {
      waves: [
        [{ id: "pre-build", name: "Pre-build validation", type: "shell", alone: false }],
        [{ id: "build", name: "build", type: "shell", alone: true }],
        [
          {
            id: "test",
            name: "test",
            type: "shell",
            condition: "${env.SKIP} != 'true'",
            alone: false,
          },
          { id: "ping", name: "ping", type: "http", alone: false },
        ],
      ],
      callbacks: [{ id: "rollback", calledBy: [{ task: "deploy", on: "failure" }] }],
    },
    "deployment",
    paint(false),
  );
  assert.equal(
    text,
    [
      "plan for deployment: 4 tasks in 3 waves, 1 callback (dry run: nothing runs)",
      "wave 1",
      "  pre-build  shell  Pre-build validation",
      "wave 2",
      "  build      shell  runs alone",
      "wave 3 (2 in parallel)",
      "  test       shell  if ${env.SKIP} != 'true'",
      "  ping       http",
      "callbacks",
      "  rollback   ← deploy on failure",
      "",
    ].join("\n"),
  );
});

// ---- terminal safety ------------------------------------------------------------

const HOSTILE = [
  "before\x1b[2J\x1b[Hafter", // clear screen, cursor home
  "\x1b]0;pwned\x07title", // OSC: set the window title, ended by BEL
  "over\rwrite\b\x7f", // CR, BS, DEL
  "c1 \u009b2J \u009d0;t\u009c", // one-byte CSI, OSC, ST
  "bidi \u202eevil\u202c \u2066x\u2069",
];

Deno.test("terminalSafe: controls are shown escaped, never sent; plain text is untouched", () => {
  assert.equal(terminalSafe(HOSTILE[0], false), "before\\e[2J\\e[Hafter");
  assert.equal(terminalSafe(HOSTILE[1], false), "\\e]0;pwned\\atitle");
  assert.equal(terminalSafe(HOSTILE[2], false), "over\\rwrite\\b\\x7f");
  assert.equal(terminalSafe(HOSTILE[3], false), "c1 \\u009b2J \\u009d0;t\\u009c");
  assert.equal(terminalSafe(HOSTILE[4], false), "bidi \\u202eevil\\u202c \\u2066x\\u2069");
  assert.equal(terminalSafe("nul\0 nl\n x\x01", false), "nul\\0 nl\\n x\\x01");
  for (const line of HOSTILE) {
    assert.doesNotMatch(
      terminalSafe(line, true),
      // deno-lint-ignore no-control-regex
      /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/,
    );
  }
  const text = "plain text, ünïcode ✔";
  assert.equal(terminalSafe(text, true), text);
});

Deno.test("terminalSafe: colour sequences kept (then reset) with colour on, dropped with it off", () => {
  const red = "\x1b[31mred\x1b[1;4m still";
  assert.equal(terminalSafe(red, true), red + "\x1b[0m");
  assert.equal(terminalSafe(red, false), "red still");
  // Only SGR passes: a cursor move right after a colour is still escaped.
  assert.equal(terminalSafe("\x1b[32mok\x1b[2K", true), "\x1b[32mok\\e[2K\x1b[0m");
  assert.equal(terminalSafe("a\tb\tc", false), "a       b       c");
});

/** A run whose one task prints hostile lines and fails with an error quoting one. */
function hostileRun(): EngineEvent[] {
  const runId = "r1";
  const failed = record("esc", {
    status: "failed",
    exitCode: 1,
    attempts: 1,
    startedAt: at(0),
    finishedAt: at(100),
    durationMs: 100,
    reason: "error",
    error: "GET http://h/x → \x1b[2Jboom",
  });
  return [
    runStarted(
      { id: runId, workflow: "esc\x1b]0;t\x07", file: "/x/esc.yml", fileHash: "00" },
      [record("esc")],
    ),
    { type: "task_started", runId, taskId: "esc", attempt: 1, at: at(0) },
    ...HOSTILE.map((line): EngineEvent => ({
      type: "output",
      runId,
      taskId: "esc",
      attempt: 1,
      stream: "stdout",
      line,
      at: at(50),
    })),
    { type: "task_finished", runId, task: failed },
    {
      type: "run_finished",
      runId,
      report: {
        id: runId,
        workflow: "esc\x1b]0;t\x07",
        status: "failed",
        startedAt: at(0),
        finishedAt: at(100),
        durationMs: 100,
        tasks: [failed],
      },
    },
  ];
}

// Any control character but the SGR sequences weft paints with itself.
const UNSAFE_OUT =
  // deno-lint-ignore no-control-regex
  /\x1b(?!\[[0-9;]*m)|[\x00-\x09\x0b-\x1a\x1c-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

Deno.test("renderers: failure tails, -v lines, errors and names reach the terminal escaped", () => {
  for (const verbose of [false, true]) {
    for (const color of [false, true]) {
      const plain = new PlainRenderer(options({ verbose, color }));
      const text = hostileRun().map((e) => plain.render(e)).join("");
      assert.doesNotMatch(text, UNSAFE_OUT, `plain verbose=${verbose} color=${color}`);
      assert.match(text, /before\\e\[2J\\e\[Hafter/);
      assert.match(text, /boom/);
      const board = new BoardRenderer({ ...options({ verbose, color }), columns: 200, rows: 30 });
      let frames = "";
      for (const e of hostileRun()) {
        board.apply(e);
        frames += board.frame(T0 + 100);
      }
      // The board's own cursor moves (ESC [ n F, ESC [ J) are weft's; none come from the task.
      // deno-lint-ignore no-control-regex
      const fromTask = frames.replace(/\x1b\[\d*[FABJK]|\x1b\[2K/g, "");
      assert.doesNotMatch(fromTask.replaceAll("\r", ""), UNSAFE_OUT, `board verbose=${verbose}`);
      assert.match(frames, /\\e\[2Jboom/);
      assert.match(frames, /before\\e\[2J\\e\[Hafter/);
    }
  }
});

Deno.test("summary line: a callback called and skipped by its condition is no 'not called'", () => {
  const report: RunReport = {
    id: "r1",
    workflow: "w",
    status: "failed",
    startedAt: at(0),
    finishedAt: at(400),
    durationMs: 400,
    tasks: [
      record("bad", { status: "failed", attempts: 1 }),
      record("cb_s", { callback: true, status: "skipped", reason: "not_called" }),
      record("cb_f", { callback: true, status: "skipped", reason: "condition" }),
      record("cb_u", { callback: true, status: "skipped", reason: "upstream" }),
    ],
  };
  assert.equal(
    summaryLine(report, paint(false)),
    "run r1 failed in 400ms (1 task: 1 failed; 3 callbacks: 2 skipped, 1 not called)",
  );
});
