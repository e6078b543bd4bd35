/**
 * The live board in small terminals (src/cli/render/board.ts, board_layout.ts): it never
 * makes the terminal scroll for a frame, however few its rows; on a narrow terminal its
 * columns give way in a fixed order, each keeping its place; and a retry's row counts its
 * back-off down, then says what the attempt waits for.
 */
import assert from "node:assert/strict";
import { type EngineEvent, pendingTaskRecord, type TaskRecord } from "../src/engine/events.ts";
import { BoardRenderer } from "../src/cli/render/board.ts";
import {
  fitDetail,
  hiddenCount,
  layoutRows,
  MIN_BOARD_ROWS,
  pickRows,
  type RowCells,
  taskRoom,
} from "../src/cli/render/board_layout.ts";
import { paint, type RenderOptions } from "../src/cli/render/format.ts";
import { at, runStarted, T0 } from "./_render.ts";

// deno-lint-ignore no-control-regex
const CSI = /\x1b\[(\d*)([A-Za-z])/y;
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const width = (line: string) => [...line.replace(ANSI, "")].length;

function options(fields: Partial<RenderOptions> = {}): RenderOptions {
  return {
    color: false,
    verbose: false,
    quiet: false,
    liveOutput: new Set(),
    maxAttempts: new Map(),
    ...fields,
  };
}

/**
 * The cursor of a terminal `rows` high as frames move it, counting the lines it scrolls
 * into the scrollback: a newline on the last row scrolls, cursor moves stop at the edges
 * (as in xterm and tmux). The board's lines never wrap (layoutRows cuts them), so text
 * moves nothing; the cursor starts on the last row, below a shell's earlier lines.
 */
class Cursor {
  row: number;
  scrolled = 0;
  constructor(readonly rows: number) {
    this.row = rows - 1;
  }

  write(text: string): void {
    for (let i = 0; i < text.length;) {
      CSI.lastIndex = i;
      const csi = CSI.exec(text);
      if (csi) {
        const n = Number(csi[1] || 1);
        if (csi[2] === "F" || csi[2] === "A") this.row = Math.max(0, this.row - n);
        if (csi[2] === "B") this.row = Math.min(this.rows - 1, this.row + n);
        i = CSI.lastIndex;
        continue;
      }
      if (text[i] === "\n") {
        if (this.row === this.rows - 1) this.scrolled++;
        else this.row++;
      }
      i++;
    }
  }
}

function started(ids: string[]): EngineEvent {
  return runStarted({ id: "r1", workflow: "tiny" }, ids.map((id) => pendingTaskRecord(id)));
}

function start(id: string, ms: number, attempt = 1): EngineEvent {
  return { type: "task_started", runId: "r1", taskId: id, attempt, at: at(ms) };
}

Deno.test("board: in a terminal of 1 to 6 rows no frame scrolls, and the board shows within rows - 1", () => {
  for (const rows of [1, 2, 3, 4, 5, 6]) {
    for (const count of [1, 2, 10]) {
      const board = new BoardRenderer({ ...options(), columns: 80, rows });
      const ids = Array.from({ length: count }, (_, i) => `task_${i}`);
      board.apply(started(ids));
      board.apply(start("task_0", 0));
      if (count > 1) board.apply(start("task_1", 0));
      const cursor = new Cursor(rows);
      // The first frame may push the shell's lines up to make room; no later one may.
      cursor.write(board.frame(T0 + 100));
      const before = cursor.scrolled;
      const frames: string[] = [];
      for (let ms = 200; ms <= 1000; ms += 100) {
        const frame = board.frame(T0 + ms);
        frames.push(frame);
        cursor.write(frame);
      }
      const what = `${rows} rows, ${count} tasks:\n${frames.at(-1)}`;
      assert.equal(cursor.scrolled, before, `no frame scrolls: ${what}`);
      const lines = frames.at(-1)!.replace(ANSI, "").split("\n");
      assert.ok(lines.every((l) => width(l) <= 79), what);
      if (rows < MIN_BOARD_ROWS) {
        // One status line, redrawn over itself.
        assert.equal(lines.length, 1, what);
        assert.match(lines[0], /^\rtiny {2}1\.0s {2}\d+ running/, what);
      } else {
        assert.ok(lines.length - 1 <= rows - 1, `at most rows - 1 board lines: ${what}`);
        assert.match(lines[0], /^tiny {2}1\.0s {2}\d+ tasks? {2}run r1$/, what);
      }
    }
  }
});

Deno.test("board layout: a 3-row terminal leaves one task line: a count, or the only task", () => {
  assert.equal(taskRoom(3), 1);
  assert.equal(taskRoom(4), 2);
  const rows = [{ state: "running" as const }, { state: "pending" as const }];
  assert.deepEqual(pickRows(rows, 1), [], "no row, the count line says them");
  assert.deepEqual(pickRows(rows.slice(0, 1), 1), rows.slice(0, 1));
  const board = new BoardRenderer({ ...options(), columns: 80, rows: 3 });
  board.apply(started(["a", "b"]));
  board.apply(start("a", 0));
  const lines = board.frame(T0 + 100).replace(ANSI, "").replace(/^\r/, "").split("\n");
  assert.deepEqual(lines.slice(1), ["  … 2 more: 1 running, 1 pending", ""]);
});

Deno.test("board: a status line ends its line with the run's last frame, or when the board ends", () => {
  const board = new BoardRenderer({ ...options(), columns: 80, rows: 1 });
  board.apply(started(["a"]));
  board.apply(start("a", 0));
  const frame = board.frame(T0 + 100);
  assert.equal(frame, "\r\x1b[Ktiny  100ms  1 running", "no newline: the cursor stays on it");
  assert.equal(board.end(), "\n", "what is printed next starts on a line of its own");
  assert.equal(board.end(), "");
  // Through the run's end: the status line, then the summary under it.
  const task: TaskRecord = {
    ...pendingTaskRecord("a"),
    status: "success",
    attempts: 1,
    exitCode: 0,
    startedAt: at(0),
    finishedAt: at(200),
    durationMs: 200,
  };
  board.apply({ type: "task_finished", runId: "r1", task });
  board.apply({
    type: "run_finished",
    runId: "r1",
    report: {
      id: "r1",
      workflow: "tiny",
      status: "success",
      startedAt: at(0),
      finishedAt: at(200),
      durationMs: 200,
      tasks: [task],
    },
  });
  const last = board.frame(T0 + 300);
  assert.ok(
    last.startsWith("\r\x1b[Ktiny  200ms  1 success\nrun r1 success in 200ms"),
    JSON.stringify(last),
  );
  assert.equal(board.end(), "", "the summary ended its line");
});

Deno.test("board: a resize between a board and a status line clears what the last frame drew", () => {
  const board = new BoardRenderer({ ...options(), columns: 80, rows: 10 });
  board.apply(started(["a", "b"]));
  board.apply(start("a", 0));
  const tall = board.frame(T0 + 100);
  assert.equal(tall.split("\n").length - 1, 3, "title and two rows");
  board.resize(80, 2);
  const low = board.frame(T0 + 200);
  assert.ok(low.startsWith("\x1b[3F\x1b[2K"), "back over the three board lines");
  assert.ok(!low.includes("\n"));
  board.resize(80, 10);
  const again = board.frame(T0 + 300);
  assert.ok(again.startsWith("\r\x1b[K"), "the status line is cleared where the cursor is");
  assert.equal(again.split("\n").length - 1, 3);
});

/** A row of cells, every field given. */
function cells(fields: Partial<RowCells> & Pick<RowCells, "id" | "state">): RowCells {
  return { symbol: "·", duration: "", attempt: "", detail: "", callback: false, ...fields };
}

const ROWS: RowCells[] = [
  cells({
    id: "flaky_deployment_step_number_one",
    state: "retry",
    duration: "502ms",
    attempt: "attempt 1/3",
    detail: "failed, retry in 1.0s",
  }),
  cells({ id: "b", state: "running", duration: "1.1s", attempt: "attempt 1/3" }),
  cells({ id: "each", state: "failed", duration: "15.5s", detail: "exit 1 — 1 of 30 iterations" }),
  cells({ id: "d", state: "pending" }),
];

Deno.test("board layout: ids are shortened before a column goes; columns go detail, attempt, duration", () => {
  let lost = 0; // columns gone so far, narrowing: detail, then attempt, then duration
  for (let columns = 130; columns >= 30; columns--) {
    const lines = layoutRows(ROWS, columns, paint(false));
    const what = `${columns} columns:\n${lines.join("\n")}`;
    for (const line of lines) assert.ok(width(line) <= columns - 1, what);
    // Every state word in one column; every duration in the one after it.
    const word = lines[0].indexOf("retrying");
    assert.ok(word > 0, what);
    assert.deepEqual(
      lines.map((l, i) => l.indexOf(["retrying", "running", "failed", "pending"][i])),
      [
        word,
        word,
        word,
        word,
      ],
    );
    const retry = lines[0];
    const shows = {
      duration: retry.includes("502ms"),
      attempt: retry.includes("attempt 1/3"),
      detail: retry.includes("failed,"),
    };
    if (shows.duration) {
      const column = word + "interrupted".length + 2;
      assert.equal(retry.indexOf("502ms"), column, what);
      assert.equal(lines[1].indexOf("1.1s"), column, what);
      assert.equal(lines[2].indexOf("15.5s"), column, `the duration in its own column: ${what}`);
    }
    if (shows.attempt) assert.equal(retry.indexOf("attempt"), lines[1].indexOf("attempt"), what);
    const gone = !shows.duration ? 3 : !shows.attempt ? 2 : !shows.detail ? 1 : 0;
    assert.ok(gone >= lost, `a column came back as the terminal narrowed: ${what}`);
    lost = gone;
    // Whole while the detail shows; a column goes only when it would not fit beside the id
    // cut to its least (`flaky…_one`): indent and symbol 4, id 10, each column after 2 more.
    const id = retry.slice(4, word).trimEnd();
    if (shows.detail) assert.equal(id, "flaky_deployment_step_number_one", what);
    const least = 4 + 10 + 2 + "interrupted".length;
    if (!shows.duration) assert.ok(columns - 1 < least + 2 + 5, what);
    if (!shows.attempt) assert.ok(columns - 1 < least + 2 + 5 + 2 + 11, what);
    assert.ok(id.length >= 10, what);
  }
  assert.equal(lost, 3, "at 30 columns only the id and the state word are left");
  // The tester's widths: 60 columns keep every attempt, 40 every duration.
  const at60 = layoutRows(ROWS, 60, paint(false));
  assert.match(at60[0], /^ {2}· flaky_deplo…number_one {2}retrying {5}502ms {2}attempt 1\/3$/);
  assert.match(at60[1], /^ {2}· b {23}running {6}1\.1s {3}attempt 1\/3$/);
  const at40 = layoutRows(ROWS, 40, paint(false));
  assert.match(at40[2], / failed {7}15\.5s$/, "the reason goes before the duration");
});

Deno.test("board: a retry's row counts its back-off down, then says what the attempt waits for", () => {
  const board = new BoardRenderer({
    ...options({ maxAttempts: new Map([["flaky", 3]]) }),
    columns: 120,
    rows: 10,
  });
  board.apply(started(["flaky"]));
  board.apply(start("flaky", 0));
  board.apply({
    type: "attempt_finished",
    runId: "r1",
    taskId: "flaky",
    attempt: 1,
    status: "failed",
    exitCode: 1,
    error: "exited with code 1",
    startedAt: at(0),
    finishedAt: at(500),
    retryInMs: 1500,
  });
  const row = (ms: number) => board.frame(T0 + ms).split("\n").find((l) => l.includes("flaky"));
  const note = (text: string) =>
    new RegExp(`^ {2}↻ flaky {2}retrying {5}500ms {2}attempt 1/3 {2}${text}$`);
  assert.match(row(500) ?? "", note("failed, retry in 1\\.5s"));
  assert.match(row(1100) ?? "", note("failed, retry in 900ms"));
  assert.match(row(1950) ?? "", note("failed, retry in 100ms"));
  // Its back-off is over and the engine has not said more: the attempt is starting.
  assert.match(row(2100) ?? "", note("failed, retry starting"));
  board.apply({
    type: "attempt_waiting",
    runId: "r1",
    taskId: "flaky",
    attempt: 2,
    waitingFor: "slot",
    at: at(2000),
  });
  assert.match(row(2200) ?? "", note("failed, waiting for a free slot"));
  assert.match(row(5000) ?? "", note("failed, waiting for a free slot"));
  board.apply({ ...start("flaky", 6000, 2) });
  assert.match(row(6100) ?? "", /^ {2}\S flaky {2}running {6}100ms {2}attempt 2\/3$/);
});

Deno.test("board: a parallel: false retry says it waits to run alone", () => {
  const board = new BoardRenderer({ ...options(), columns: 100, rows: 10 });
  board.apply(started(["solo"]));
  board.apply(start("solo", 0));
  board.apply({
    type: "attempt_finished",
    runId: "r1",
    taskId: "solo",
    attempt: 1,
    status: "timed_out",
    exitCode: null,
    error: null,
    startedAt: at(0),
    finishedAt: at(100),
    retryInMs: 0,
  });
  board.apply({
    type: "attempt_waiting",
    runId: "r1",
    taskId: "solo",
    attempt: 2,
    waitingFor: "alone",
    at: at(100),
  });
  assert.match(board.frame(T0 + 200), /↻ solo {2}retrying .* {2}timed out, waiting to run alone$/m);
});

/** A task `id` that ended `status` at `ms`, after one attempt (a callback with `callback`). */
function ended(id: string, status: TaskRecord["status"], callback = false): TaskRecord {
  return {
    ...pendingTaskRecord(id, id, "shell", callback),
    status,
    attempts: status === "skipped" ? 0 : 1,
    exitCode: status === "skipped" ? null : status === "success" ? 0 : 1,
    reason: status === "skipped" && !callback ? "upstream" : null,
    startedAt: status === "skipped" ? null : at(0),
    finishedAt: at(10),
    durationMs: status === "skipped" ? null : 10,
  };
}

Deno.test("board: the count of the rows left out counts tasks and callbacks apart, as title and summary do", () => {
  // cbcount.yml: a to e, `notify` called on a's success, `cleanup` on e's failure (never).
  const tasks = ["a", "b", "c", "d", "e"].map((id) => ended(id, "success"));
  const notify = ended("notify", "success", true);
  const cleanup = {
    ...pendingTaskRecord("cleanup", "cleanup", "shell", true),
    status: "skipped" as const,
  };
  const board = new BoardRenderer({ ...options(), columns: 80, rows: 5 });
  board.apply(
    runStarted({ id: "r1", workflow: "cb" }, [
      ...["a", "b", "c", "d", "e"].map((id) => pendingTaskRecord(id)),
      pendingTaskRecord("notify", "notify", "shell", true),
      pendingTaskRecord("cleanup", "cleanup", "shell", true),
    ]),
  );
  for (const task of tasks) {
    board.apply({ type: "task_started", runId: "r1", taskId: task.id, attempt: 1, at: at(0) });
  }
  for (const task of tasks) board.apply({ type: "task_finished", runId: "r1", task });
  board.apply({ type: "task_started", runId: "r1", taskId: "notify", attempt: 1, at: at(10) });
  board.apply({ type: "task_finished", runId: "r1", task: notify });
  board.apply({ type: "task_finished", runId: "r1", task: cleanup });
  board.apply({
    type: "run_finished",
    runId: "r1",
    report: {
      id: "r1",
      workflow: "cb",
      status: "success",
      startedAt: at(0),
      finishedAt: at(20),
      durationMs: 20,
      tasks: [...tasks, notify, cleanup],
    },
  });
  const lines = board.frame(T0 + 30).replace("\r\x1b[K", "").split("\n");
  assert.match(lines[0], /^cb {2}20ms {2}5 tasks, 2 callbacks {2}run r1$/);
  // Two rows show (a 5-row terminal), three tasks and the called callback are left out.
  assert.deepEqual(lines.slice(1, 3).map((l) => l.trim().split(/ +/)[1]), ["a", "b"]);
  assert.equal(lines[3], "  … 3 more: 3 success; 1 more callback: 1 success");
  assert.match(lines[4], /\(5 tasks: 5 success; 2 callbacks: 1 success, 1 not called\)$/);
  // Only callbacks left out, or only tasks: each count on its own.
  const rows = (n: number, callback: boolean) =>
    Array.from({ length: n }, () => ({ state: "success" as const, callback }));
  assert.equal(hiddenCount(rows(2, true)), "… 2 more callbacks: 2 success");
  assert.equal(hiddenCount(rows(940, false)), "… 940 more: 940 success");
  assert.equal(
    hiddenCount([...rows(1, false), { state: "running", callback: true }]),
    "… 1 more: 1 success; 1 more callback: 1 running",
  );
});

Deno.test("board layout: a detail shows whole, as its brief, or not at all, never a fragment", () => {
  const rows: RowCells[] = [
    cells({
      id: "flaky",
      state: "retry",
      duration: "537ms",
      attempt: "attempt 1/3",
      detail: "failed, retry in 1.2s",
      brief: "retry in 1.2s",
    }),
    cells({ id: "lastone", state: "skipped", detail: "(upstream)", brief: "(upstream)" }),
    cells({
      id: "deploy",
      state: "failed",
      duration: "2.0s",
      detail: "exit 1 — could not resolve host api.example.com",
      brief: "exit 1",
    }),
  ];
  const details = [
    ["failed, retry in 1.2s", "retry in 1.2s"],
    ["(upstream)"],
    ["exit 1 — could not resolve host api.example.com", "exit 1"],
  ];
  let seen = "";
  for (let columns = 130; columns >= 20; columns--) {
    const lines = layoutRows(rows, columns, paint(false));
    const what = `${columns} columns:\n${lines.join("\n")}`;
    lines.forEach((line, i) => {
      assert.ok(width(line) <= columns - 1, what);
      // What follows the last fixed column: the attempt on the retry, the state or the
      // duration on the others.
      const after = line.split(/ {2,}/).slice(i === 0 ? 5 : i === 1 ? 3 : 4).join("  ");
      if (after === "") return;
      if (i === 2 && after.endsWith("…")) {
        // A reason cut at its end keeps the exit code and some of the reason.
        assert.ok(details[2][0].startsWith(after.slice(0, -1)), what);
        assert.ok(after.slice("exit 1 — ".length, -1).trim().length >= 4, what);
        return;
      }
      assert.ok(details[i].includes(after), `row ${i} shows ${JSON.stringify(after)}: ${what}`);
    });
    if (lines[0].includes("retry in 1.2s")) seen += `${columns} `;
  }
  // The fault's widths: at 60 columns the countdown still shows, as its brief.
  const at60 = layoutRows(rows, 60, paint(false));
  assert.match(at60[0], /^ {2}· flaky {4}retrying {5}537ms {2}attempt 1\/3 {2}retry in 1\.2s$/);
  assert.match(at60[1], /^ {2}· lastone {2}skipped +\(upstream\)$/);
  assert.ok(seen.includes("60 "), seen);
  assert.equal(fitDetail(rows[0], 12), "", "no room for the brief: no detail");
  assert.equal(fitDetail(rows[2], 16), "exit 1 — could…");
  assert.equal(fitDetail(rows[2], 15), "exit 1", "too little of the reason: the brief");
  assert.equal(fitDetail({ detail: "(upstream)" }, 9), "", "no brief: whole or nothing");
});
