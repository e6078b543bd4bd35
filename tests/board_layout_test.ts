/**
 * src/cli/render/board_layout.ts and the board built on it: the board never grows
 * taller than the terminal, keeps its columns at any width, and redraws without
 * erasing from the top-left corner (which tmux copies into the scrollback).
 */
import assert from "node:assert/strict";
import { type EngineEvent, pendingTaskRecord, type TaskRecord } from "../src/engine/events.ts";
import { BoardRenderer } from "../src/cli/render/board.ts";
import {
  clearUp,
  fit,
  hiddenCount,
  layoutRows,
  pickRows,
  type RowCells,
  type RowState,
  taskRoom,
  wrappedHeight,
} from "../src/cli/render/board_layout.ts";
import { paint, type RenderOptions } from "../src/cli/render/format.ts";
import { at, runStarted, T0 } from "./_render.ts";

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const visible = (line: string) => [...line.replace(ANSI, "")].length;

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

function started(tasks: TaskRecord[]): EngineEvent {
  return runStarted({ id: "r1", workflow: "many" }, tasks);
}

function finished(id: string, status: TaskRecord["status"]): EngineEvent {
  const task = {
    ...pendingTaskRecord(id),
    status,
    attempts: 1,
    exitCode: status === "success" ? 0 : 1,
    startedAt: at(0),
    finishedAt: at(10),
    durationMs: 10,
  };
  return { type: "task_finished", runId: "r1", task };
}

/** The board lines of one frame: from its title, without what scrolls above it. */
function boardLines(frame: string): string[] {
  // deno-lint-ignore no-control-regex
  const lines = frame.replace(/^(\x1b\[[0-9;]*[A-Za-z]|\r)+/, "").trimEnd().split("\n");
  return lines.slice(lines.findIndex((l) => l.startsWith("many  ")));
}

Deno.test("board: 1,000 tasks in a 20-row terminal stay within 19 lines, running and failed first", () => {
  const board = new BoardRenderer({ ...options(), columns: 80, rows: 20 });
  const ids = Array.from({ length: 1000 }, (_, i) => `t${i}`);
  board.apply(started(ids.map((id) => pendingTaskRecord(id))));
  for (const id of ids.slice(0, 940)) board.apply(finished(id, "success"));
  board.apply(finished("t941", "failed"));
  for (const id of ["t998", "t999"]) {
    board.apply({ type: "task_started", runId: "r1", taskId: id, attempt: 1, at: at(5) });
  }
  const lines = boardLines(board.frame(T0 + 100));
  assert.ok(lines.length <= 19, `${lines.length} lines`);
  assert.match(lines[0], /^many {2}100ms {2}1000 tasks {2}run r1$/);
  const shown = lines.slice(1, -1);
  assert.equal(shown.length, taskRoom(20) - 1);
  // In their workflow order, the failure and both running tasks are among the shown.
  assert.match(shown.join("\n"), /t941 +failed[^]*t998 +running[^]*t999 +running/);
  assert.equal(lines.at(-1), `  … ${1000 - shown.length} more: 43 pending, 940 success`);
  // The next frame moves up over exactly the lines drawn.
  assert.ok(board.frame(T0 + 200).startsWith(clearUp(lines.length)));
});

Deno.test("board layout: pickRows keeps order, ranks running, failed, pending, then done", () => {
  const rows = (states: RowState[]) => states.map((state, i) => ({ id: `r${i}`, state }));
  const all = rows(["success", "pending", "failed", "skipped", "running", "retry", "pending"]);
  assert.deepEqual(pickRows(all, 10), all, "everything shows when it fits");
  assert.deepEqual(pickRows(all, 4).map((r) => r.id), ["r2", "r4", "r5"]);
  assert.deepEqual(pickRows(all, 5).map((r) => r.id), ["r1", "r2", "r4", "r5"]);
  assert.equal(
    hiddenCount(rows(["success", "pending", "retry", "success", "timed_out"])),
    "… 5 more: 1 retrying, 1 pending, 2 success, 1 timed out",
  );
});

Deno.test("board layout: 40 to 60 columns keep the state word; long ids are cut in the middle", () => {
  const id = "deploy_the_frontend_to_every_region_eu_west_1";
  const cells: RowCells[] = [
    {
      id,
      state: "running",
      symbol: "▶",
      duration: "12.3s",
      attempt: "attempt 2/3",
      detail: "",
      callback: false,
    },
    {
      id: "lint",
      state: "retry",
      symbol: "↻",
      duration: "1.0s",
      attempt: "attempt 1/3",
      detail: "failed, retry in 5.0s",
      callback: false,
    },
    {
      id: "notify",
      state: "interrupted",
      symbol: "■",
      duration: "",
      attempt: "",
      detail: "",
      callback: true,
    },
  ];
  for (const columns of [40, 45, 50, 60]) {
    const lines = layoutRows(cells, columns, paint(false));
    for (const line of lines) assert.ok(visible(line) <= columns - 1, `${columns}: ${line}`);
    assert.match(lines[0], /running/, `${columns}`);
    assert.match(lines[1], /retrying/, `${columns}`);
    assert.match(lines[2], /interrupted/, `${columns}`);
    // Every state word starts in the same column.
    const starts = lines.map((l, i) => l.indexOf(["running", "retrying", "interrupted"][i]));
    assert.equal(new Set(starts).size, 1, `${columns}: ${lines.join("\n")}`);
    assert.match(lines[0], /^ {2}▶ deploy.*….*_1 /, "both ends of the id stay");
  }
  // With room, the attempt column lines up across a retrying and a running row.
  const wide = layoutRows(cells, 120, paint(false));
  assert.equal(wide[0].indexOf("attempt"), wide[1].indexOf("attempt"));
  assert.equal(fit("abcdefghij", 5), "ab…ij");
  assert.equal(fit("abc", 5), "abc");
});

Deno.test("board: a pending task shows no attempt; a retry keeps the state column", () => {
  const board = new BoardRenderer({
    ...options({ maxAttempts: new Map([["build", 3], ["test", 3]]) }),
    columns: 80,
    rows: 30,
  });
  board.apply(started([pendingTaskRecord("build"), pendingTaskRecord("test")]));
  board.apply({ type: "task_started", runId: "r1", taskId: "build", attempt: 1, at: at(0) });
  board.apply({
    type: "attempt_finished",
    runId: "r1",
    taskId: "build",
    attempt: 1,
    status: "failed",
    exitCode: 2,
    error: "exited with code 2",
    startedAt: at(0),
    finishedAt: at(1000),
    retryInMs: 5000,
  });
  const lines = boardLines(board.frame(T0 + 1500));
  assert.equal(lines[2], "  · test   pending", "no `attempt 0/3`");
  assert.equal(lines[1].indexOf("retrying"), lines[2].indexOf("pending"));
  assert.match(lines[1], /retrying {5}1\.0s {2}attempt 1\/3 {2}failed, retry in 4\.5s$/);
});

Deno.test("board layout: redraws never erase from the line they move up to", () => {
  // ESC [ J right after moving to the board's first line would erase from the
  // top-left corner when the board fills the screen; tmux then copies the screen
  // into the scrollback on every frame.
  for (const n of [1, 5, 19]) {
    const text = clearUp(n);
    assert.ok(text.startsWith(`\x1b[${n}F\x1b[2K`));
    assert.ok(!text.includes("F\x1b[J"));
    assert.ok(text.endsWith("\x1b[1A"), "back on the first line");
  }
  assert.equal(clearUp(0), "\r\x1b[K");
});

Deno.test("board layout: wrappedHeight counts the lines a narrower terminal wraps onto", () => {
  const lines = ["\x1b[1mtitle\x1b[0m", "x".repeat(79), "", "é".repeat(30)];
  assert.equal(wrappedHeight(lines, 80), 4);
  assert.equal(wrappedHeight(lines, 40), 1 + 2 + 1 + 1);
  assert.equal(wrappedHeight(lines, 10), 1 + 8 + 1 + 3);
});

Deno.test("board: a resize lays out the next frame for the new size and clears the wrapped old one", () => {
  const board = new BoardRenderer({ ...options(), columns: 100, rows: 40 });
  const tasks = Array.from(
    { length: 30 },
    (_, i) => pendingTaskRecord(`deploy_to_region_number_${i}`),
  );
  board.apply(started(tasks));
  board.apply({
    type: "task_started",
    runId: "r1",
    taskId: "deploy_to_region_number_0",
    attempt: 1,
    at: at(0),
  });
  const wide = boardLines(board.frame(T0 + 50));
  assert.equal(wide.length, 31, "every task fits 40 rows");
  assert.ok(wide.some((l) => visible(l) > 40), "rows wider than 40 columns");
  board.resize(40, 12);
  assert.ok(board.dirty);
  const frame = board.frame(T0 + 60);
  // The old frame, wrapped at 40 columns, is cleared in full before the new one.
  assert.ok(frame.startsWith(`\x1b[${wrappedHeight(wide, 40)}F`));
  const narrow = boardLines(frame);
  assert.ok(narrow.length <= 11, `${narrow.length} lines in a 12-row terminal`);
  assert.ok(narrow.every((l) => visible(l) <= 39), "cut to the new width");
  assert.match(narrow.join("\n"), /_0 +running/);
  // The same size again changes nothing.
  board.frame(T0 + 70);
  board.resize(40, 12);
  assert.ok(board.frame(T0 + 80).startsWith(`\x1b[${narrow.length}F`));
});
