/**
 * The live board in a real terminal: `weft run` of a 1,000-task workflow inside a
 * tmux pane of 20 rows. The pane's scrollback must not hold a copy of the board per
 * frame (the board fits the pane, and its redraws do not push the screen into the
 * history). Needs tmux; skipped, with the reason printed, where it is not installed.
 */
import assert from "node:assert/strict";
import { weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { tmux, TMUX_MISSING, weftCommandLine } from "./_tmux.ts";

if (TMUX_MISSING) console.log(`cli_board_tmux_test: skipped: ${TMUX_MISSING}`);

/** `weft run FILE` as one shell command line for a tmux pane, with the test's environment. */
function weftRunCommand(file: string): string {
  return weftCommandLine(["run", file], weftEnv({ NO_COLOR: "1" }));
}

Deno.test({
  name: "board in tmux: 1,000 tasks in a 20-row pane leave one board, not one per frame",
  ignore: TMUX_MISSING !== "",
  async fn() {
    const dir = testTempDir("tmux-");
    const file = `${dir}/many.yml`;
    const tasks = Array.from(
      { length: 1000 },
      (_, i) => `  - id: t${i}\n    command: "${i === 500 ? "exit 3" : "true"}"\n`,
    );
    await Deno.writeTextFile(file, `name: many\ntasks:\n${tasks.join("")}`);
    const screen = await runInPane(file, { NO_COLOR: "1" }, "many", {
      rows: 20,
      joined: true,
      historyLimit: 100000,
    });
    const end = screen.trimEnd().split("\n").slice(-40).join("\n");
    assert.match(screen, /WEFT-EXIT=1/, end);
    const lines = screen.split("\n");
    const titles = lines.filter((l) => /^many {2}\S+ {2}1000 tasks {2}run /.test(l));
    assert.equal(titles.length, 1, `one board title in the scrollback:\n${end}`);
    const counts = lines.filter((l) => /^ {2}… \d+ more: /.test(l));
    assert.equal(counts.length, 1, "one count of the rows left out");
    assert.ok(
      lines.indexOf(counts[0]) - lines.indexOf(titles[0]) <= 19,
      "the board fits 20 rows",
    );
    assert.match(screen, /\(1000 tasks: 999 success, 1 failed\)/);
    assert.match(screen, /✖ t500 failed/);
  },
});

Deno.test({
  name:
    "board in tmux: after the pane narrows, the board is redrawn to fit, no stale copy on screen",
  ignore: TMUX_MISSING !== "",
  async fn() {
    const dir = testTempDir("tmux-resize-");
    const file = `${dir}/resize.yml`;
    await Deno.writeTextFile(
      file,
      `name: resize\ntasks:\n` +
        Array.from(
          { length: 6 },
          (_, i) =>
            `  - id: deploy_to_a_region_with_a_long_name_${i}\n` +
            `    command: "while [ ! -f ${dir}/go ]; do sleep 0.05; done"\n`,
        ).join(""),
    );
    const command = weftRunCommand(file);
    const socket = `weft-test-resize-${Deno.pid}`;
    await tmux(
      socket,
      "new-session",
      "-d",
      "-x",
      "120",
      "-y",
      "30",
      `${command}; echo WEFT-EXIT=$?; sleep 600`,
    );
    // The visible screen: on narrowing, tmux itself moves the wrapped top of what was
    // drawn into its history (the cursor keeps its row), out of any program's reach.
    const capture = () => tmux(socket, "capture-pane", "-p");
    const until = async (test: (screen: string) => boolean) => {
      let screen = "";
      // Bounded waits (not timing assertions).
      for (let i = 0; i < 300 && !test(screen = await capture()); i++) {
        if (screen.includes("WEFT-EXIT=")) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      return screen;
    };
    try {
      await tmux(socket, "set-option", "-g", "window-size", "manual");
      await until((s) => /running/.test(s));
      await tmux(socket, "resize-window", "-x", "44", "-y", "30");
      // Give the board a few redraws at the new width, then let the tasks end.
      await new Promise((r) => setTimeout(r, 500));
      await Deno.writeTextFile(`${dir}/go`, "");
      const screen = await until((s) => /\(6 tasks: 6 success\)/.test(s));
      const lines = screen.split("\n");
      const titles = lines.filter((l) => /^resize {2}/.test(l));
      assert.equal(titles.length, 1, `one board title:\n${screen}`);
      const rows = lines.filter((l) => /^ {2}\S /.test(l));
      assert.equal(rows.length, 6, `one row per task:\n${screen}`);
      assert.ok(rows.every((l) => [...l].length <= 43), `rows fit 44 columns:\n${screen}`);
    } finally {
      await tmux(socket, "kill-server").catch(() => {});
    }
  },
});

/**
 * Runs `weft run FILE` in a fresh tmux pane of `columns` (80) by `rows` (24); returns the whole
 * scrollback (with `colours`, `-e`: colours too; with `joined`, `-J`: wrapped lines joined).
 * `historyLimit` is set on the server once the session is made.
 */
async function runInPane(
  file: string,
  env: Record<string, string>,
  name: string,
  { colours = false, columns = 80, rows = 24, joined = false, historyLimit }: {
    colours?: boolean;
    columns?: number;
    rows?: number;
    joined?: boolean;
    historyLimit?: number;
  } = {},
): Promise<string> {
  const socket = `weft-test-${name}-${Deno.pid}`;
  const command = weftCommandLine(["run", file], weftEnv(env));
  await tmux(
    socket,
    "new-session",
    "-d",
    "-x",
    String(columns),
    "-y",
    String(rows),
    `${command}; echo WEFT-EXIT=$?; sleep 600`,
  );
  try {
    if (historyLimit !== undefined) {
      await tmux(socket, "set-option", "-g", "history-limit", String(historyLimit));
    }
    const flags = [...(colours ? ["-e"] : []), ...(joined ? ["-J"] : [])];
    let screen = "";
    // Bounded wait for the run to end (not a timing assertion).
    for (let i = 0; i < 600 && !screen.includes("WEFT-EXIT="); i++) {
      await new Promise((r) => setTimeout(r, 100));
      screen = await tmux(socket, "capture-pane", "-p", "-S", "-", ...flags);
    }
    return screen;
  } finally {
    await tmux(socket, "kill-server").catch(() => {});
  }
}

Deno.test({
  name: "board in tmux: a workflow name of wide characters leaves one title, not one per frame",
  ignore: TMUX_MISSING !== "",
  async fn() {
    const dir = testTempDir("tmux-wide-");
    const file = `${dir}/wide.yml`;
    // 15 CJK characters (30 columns) and the run id push the title past 80 columns
    // while it stays under 80 characters.
    await Deno.writeTextFile(
      file,
      `name: "每日数据库备份与远程同步工作流🚀"\ntasks:\n  - id: backup\n    command: sleep 1\n`,
    );
    const screen = await runInPane(file, { NO_COLOR: "1" }, "wide");
    assert.match(screen, /WEFT-EXIT=0/, screen);
    const titles = screen.split("\n").filter((l) => l.includes("1 task  run"));
    assert.equal(titles.length, 1, screen);
  },
});

Deno.test({
  name: "board in tmux: NO_COLOR set but empty leaves colour on; NO_COLOR=1 turns it off",
  ignore: TMUX_MISSING !== "",
  async fn() {
    const dir = testTempDir("tmux-nocolor-");
    const file = `${dir}/c.yml`;
    await Deno.writeTextFile(file, `name: c\ntasks:\n  - id: a\n    command: "true"\n`);
    // deno-lint-ignore no-control-regex
    const sgr = /\x1b\[[0-9;]*m/;
    const blank = await runInPane(file, { NO_COLOR: "" }, "nocolor-empty", { colours: true });
    assert.match(blank, /WEFT-EXIT=0/, blank);
    assert.match(blank, sgr, "colour with NO_COLOR=");
    const set = await runInPane(file, { NO_COLOR: "1" }, "nocolor-set", { colours: true });
    assert.match(set, /WEFT-EXIT=0/, set);
    assert.doesNotMatch(set, sgr, "no colour with NO_COLOR=1");
  },
});

Deno.test({
  name: "board in tmux: a pane of 1, 2 or 3 rows holds one board after the run, not one per frame",
  ignore: TMUX_MISSING !== "",
  async fn() {
    const dir = testTempDir("tmux-low-");
    const file = `${dir}/tiny.yml`;
    // A second of frames (ten a second): each scrolled a copy of the title into the history.
    await Deno.writeTextFile(
      file,
      `name: tiny\ntasks:\n  - id: a\n    command: sleep 1\n  - id: b\n    command: sleep 1\n`,
    );
    for (const rows of [1, 2, 3]) {
      const screen = await runInPane(file, { NO_COLOR: "1" }, `low${rows}`, { rows });
      assert.match(screen, /WEFT-EXIT=0/, screen);
      // The board's title (3 rows), or the status line drawn in its place (1 and 2 rows).
      const titles = screen.split("\n").filter((l) => /^tiny {2}\S+ {2}/.test(l));
      assert.equal(titles.length, 1, `${rows} rows: one board left in the history:\n${screen}`);
      assert.match(screen, /\(2 tasks: 2 success\)/);
    }
  },
});

Deno.test({
  name:
    "board in tmux: at 60 columns a long id is shortened; every row keeps its duration and attempt",
  ignore: TMUX_MISSING !== "",
  async fn() {
    const dir = testTempDir("tmux-narrow-");
    const file = `${dir}/retry.yml`;
    await Deno.writeTextFile(
      file,
      `name: r\ntasks:\n` +
        `  - id: flaky_deployment_step_number_one\n    retry: {attempts: 3, delay: 1}\n` +
        `    command: sleep 0.2; exit 1\n` +
        `  - id: b\n    retry: {attempts: 3}\n    command: sleep 1\n`,
    );
    const screen = await runInPane(file, { NO_COLOR: "1" }, "narrow", { columns: 60 });
    assert.match(screen, /WEFT-EXIT=1/, screen);
    // The last frame's rows, above the summary.
    const lines = screen.split("\n");
    const title = lines.findLastIndex((l) => /^r {2}\S+ {2}2 tasks/.test(l));
    const [flaky, b] = lines.slice(title + 1, title + 3);
    assert.match(flaky, /^ {2}✖ flaky_\S*…\S*_one {2}failed +\d\S*s +attempt 3\/3$/, screen);
    assert.match(b, /^ {2}✔ b +success +\d\S*s +attempt 1\/3$/, screen);
    // Columns line up: the state words, the durations, the attempts.
    for (const word of [/failed|success/, /\d+(\.\d)?m?s /, /attempt/]) {
      assert.equal(flaky.search(word), b.search(word), `${word}:\n${flaky}\n${b}`);
    }
  },
});

Deno.test({
  name: "board in tmux: a retry waiting for a free slot says so, not its back-off long over",
  ignore: TMUX_MISSING !== "",
  async fn() {
    const dir = testTempDir("tmux-slot-");
    const file = `${dir}/slot.yml`;
    // One slot: the failed attempt gives it to `hold`, which keeps it until told to end.
    await Deno.writeTextFile(
      file,
      `name: slot\nmax_parallel: 1\ntasks:\n` +
        `  - id: flaky\n    retry: {attempts: 2, delay: 1}\n` +
        `    command: "if [ ! -e ${dir}/tried ]; then touch ${dir}/tried; exit 1; fi"\n` +
        `  - id: hold\n    command: "while [ ! -f ${dir}/go ]; do sleep 0.05; done"\n`,
    );
    const socket = `weft-test-slot-${Deno.pid}`;
    await tmux(
      socket,
      "new-session",
      "-d",
      "-x",
      "120",
      "-y",
      "15",
      `${weftRunCommand(file)}; echo WEFT-EXIT=$?; sleep 600`,
    );
    try {
      let screen = "";
      // Bounded wait for the row to say it (not a timing assertion).
      for (let i = 0; i < 200 && !/waiting for a free slot/.test(screen); i++) {
        await new Promise((r) => setTimeout(r, 100));
        screen = await tmux(socket, "capture-pane", "-p");
      }
      await Deno.writeTextFile(`${dir}/go`, "");
      assert.match(
        screen,
        /^ {2}↻ flaky {2}retrying +\d\S*s +attempt 1\/2 {2}failed, waiting for a free slot$/m,
        screen,
      );
      assert.match(screen, /^ {2}\S hold {3}running /m, screen);
    } finally {
      await Deno.writeTextFile(`${dir}/go`, "");
      await tmux(socket, "kill-server").catch(() => {});
    }
  },
});

Deno.test({
  name:
    "board in tmux: the count of the rows left out counts callbacks apart, as title and summary do",
  ignore: TMUX_MISSING !== "",
  async fn() {
    const file = new URL("./fixtures/board_counts/cbcount.yml", import.meta.url).pathname;
    const screen = await runInPane(file, { NO_COLOR: "1" }, "cbcount", {
      columns: 50,
      rows: 5,
      joined: true,
    });
    assert.match(screen, /WEFT-EXIT=0/, screen);
    const lines = screen.split("\n");
    const title = lines.findLastIndex((l) => /^cb {2}\S+ {2}5 tasks, 2 callbacks/.test(l));
    assert.ok(title >= 0, screen);
    // A 5-row pane: the title, two rows, the count of the rest (3 tasks, the called callback).
    assert.equal(lines[title + 3], "  … 3 more: 3 success; 1 more callback: 1 success", screen);
    assert.match(lines[title + 4], /\(5 tasks: 5 success; 2 callbacks: 1 success, 1 not called\)/);
  },
});

Deno.test({
  name: "board in tmux: at 60 columns a retry's countdown stays readable, no detail cut mid-word",
  ignore: TMUX_MISSING !== "",
  async fn() {
    const file = new URL("./fixtures/board_counts/retry_narrow.yml", import.meta.url).pathname;
    const socket = `weft-test-retry-narrow-${Deno.pid}`;
    await tmux(
      socket,
      "new-session",
      "-d",
      "-x",
      "60",
      "-y",
      "10",
      `${weftRunCommand(file)}; echo WEFT-EXIT=$?; sleep 600`,
    );
    try {
      const capture = () => tmux(socket, "capture-pane", "-p");
      let during = "";
      // Bounded wait for a frame between two attempts (not a timing assertion).
      for (let i = 0; i < 300 && !/↻ flaky/.test(during); i++) {
        await new Promise((r) => setTimeout(r, 50));
        during = await capture();
      }
      const retrying = during.split("\n").find((l) => l.includes("↻ flaky")) ?? "";
      assert.match(
        retrying,
        /^ {2}↻ flaky {4}retrying +\d\S*s {2}attempt 1\/3 {2}(failed, )?retry (in \d\S*s|starting)$/,
        during,
      );
      let after = "";
      for (let i = 0; i < 300 && !after.includes("WEFT-EXIT="); i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await capture();
      }
      assert.match(after, /WEFT-EXIT=1/, after);
      const skipped = after.split("\n").find((l) => l.includes("⤼ lastone")) ?? "";
      // The reason whole, or none: never `(upstr…`.
      assert.match(skipped, /^ {2}⤼ lastone {2}skipped( +\(upstream\))?$/, after);
    } finally {
      await tmux(socket, "kill-server").catch(() => {});
    }
  },
});
