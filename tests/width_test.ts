/**
 * src/cli/render/width.ts and what measures with it: wide characters (CJK, emoji) take
 * two terminal columns, combining and zero-width ones none, so the live board, the
 * monitor and the history and metrics tables keep their lines within the terminal and
 * their columns aligned whatever the names.
 */
import assert from "node:assert/strict";
import {
  cutCols,
  fitCols,
  loadTextWidth,
  measuredText,
  padEndCols,
  textWidth,
} from "../src/cli/render/width.ts";
import { BoardRenderer } from "../src/cli/render/board.ts";
import { wrappedHeight } from "../src/cli/render/board_layout.ts";
import { paint } from "../src/cli/render/format.ts";
import { pendingTaskRecord } from "../src/engine/events.ts";
import { renderScreen } from "../src/cli/monitor/screen.ts";
import type { MonitorView } from "../src/cli/monitor/model.ts";
import { runStarted, T0 } from "./_render.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/wide_text/", import.meta.url).pathname;
const CJK = "每日数据库备份与远程同步工作流"; // 15 characters, 30 columns

Deno.test("width: wide, zero-width, combining and emoji characters are counted in columns", async () => {
  assert.equal(textWidth("plain"), 5); // no load needed
  await loadTextWidth();
  assert.equal(textWidth(CJK), 30);
  assert.equal(textWidth("👍 ok"), 5);
  assert.equal(textWidth("👨‍👩‍👧"), 2); // one ZWJ sequence, drawn as one emoji
  assert.equal(textWidth("e\u0301t\u200be"), 3); // combining accent and zero-width space
  assert.equal(textWidth("\x1b[31m部署\x1b[0m"), 4); // colour takes no column
  assert.equal(padEndCols("部署", 6), "部署  ");
});

Deno.test("width: cutting never splits a wide character nor passes the width", async () => {
  await loadTextWidth();
  for (let width = 1; width <= 31; width++) {
    const fitted = fitCols(CJK, width);
    assert.ok(textWidth(fitted) <= width, `fit ${width}: ${fitted}`);
    const cut = cutCols(`\x1b[1m${CJK}\x1b[0m tail`, width);
    assert.ok(textWidth(cut) <= width, `cut ${width}: ${cut}`);
  }
  assert.equal(fitCols(CJK, 12), "每日数…作流"); // 11 columns: no half character
  assert.equal(fitCols("deploy_eu_12", 9), "depl…u_12");
  assert.equal(cutCols("ab👍cd", 4), "ab…\x1b[0m"); // the emoji does not fit before the `…`
});

Deno.test("width: a wide workflow name keeps every board line within the terminal", async () => {
  await loadTextWidth();
  for (const columns of [40, 80, 120]) {
    const board = new BoardRenderer({
      color: false,
      verbose: false,
      quiet: false,
      liveOutput: new Set(),
      maxAttempts: new Map(),
      columns,
      rows: 20,
    });
    board.apply(runStarted({ id: "20261201T225905.216Z-a0075a3", workflow: CJK + "🚀" }, [
      pendingTaskRecord("部署_" + "步".repeat(40)),
    ]));
    const frame = board.frame(T0 + 100);
    // deno-lint-ignore no-control-regex
    const lines = frame.replace(/^(\x1b\[[0-9;]*[A-Za-z]|\r)+/, "").trimEnd().split("\n");
    for (const line of lines) assert.ok(textWidth(line) < columns, `${columns}: ${line}`);
    // So the next frame moves up over exactly the lines drawn: none wrapped.
    assert.equal(wrappedHeight(lines, columns), lines.length);
  }
});

Deno.test("width: monitor rows and 24-hour figures keep their columns with wide and long names", async () => {
  await loadTextWidth();
  const names = [CJK, "deploy-workflow-".repeat(6), "nightly"];
  const view = {
    generatedAt: new Date(T0).toISOString(),
    window: { hours: 24 },
    running: [],
    recent: names.map((workflow, i) => ({
      id: `run${i}`,
      workflow,
      status: "success",
      durationMs: 25,
    })),
    workflows: names.map((workflow) => ({
      workflow,
      runs: 3,
      successRate: 100,
      meanDurationMs: 25,
      running: 0,
    })),
  } as unknown as MonitorView;
  const lines = renderScreen(
    view,
    { mode: "list" } as never,
    null,
    { columns: 80, rows: 24 },
    paint(false),
    new Date(T0),
  );
  for (const line of lines) assert.ok(textWidth(line) < 80, line);
  const figures = lines.filter((l) => l.endsWith("100.0%   25ms"));
  assert.equal(figures.length, 3, lines.join("\n"));
  assert.equal(new Set(figures.map(textWidth)).size, 1, figures.join("\n"));
  const recent = lines.filter((l) => / success {2}25ms {2}run\d$/.test(l));
  assert.equal(recent.length, 3, lines.join("\n"));
  assert.equal(new Set(recent.map((l) => textWidth(l.replace(/^[> ] /, "")))).size, 1);
});

Deno.test("width: measuredText lays out again once the measure is loaded", async () => {
  let calls = 0;
  const text = await measuredText(() => `${++calls}${padEndCols("部", 3)}|`);
  assert.equal(text.endsWith("部 |"), true);
});

Deno.test("width (CLI): history and metrics tables stay aligned after a CJK workflow name", async () => {
  const home = testTempDir("home-");
  for (const file of ["wide-name.yml", "ascii-name.yml"]) {
    const run = await weft(["run", "-q", FIXTURES + file], { env: { WEFT_HOME: home } });
    assert.equal(run.code, 0, run.stderr);
  }
  await loadTextWidth();
  const history = await weft(["history"], { env: { WEFT_HOME: home } });
  assert.equal(history.code, 0, history.stderr);
  const rows = history.stdout.trimEnd().split("\n");
  const statusColumn = rows.map((row) => textWidth(row.slice(0, row.search(/STATUS|success/))));
  assert.equal(rows.length, 3);
  assert.equal(new Set(statusColumn).size, 1, history.stdout);
  const metrics = await weft(["metrics"], { env: { WEFT_HOME: home } });
  assert.equal(metrics.code, 0, metrics.stderr);
  const table = metrics.stdout.split("\n").filter((l) => /^(WORKFLOW|nightly|每日\S+) /.test(l));
  assert.equal(table.length, 3, metrics.stdout);
  const runsColumn = table.map((row) => textWidth(row.slice(0, row.search(/RUNS|1 +1 +0 /))));
  assert.equal(new Set(runsColumn).size, 1, metrics.stdout);
});
