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
 * Runs `weft run FILE` in a fresh 80-column tmux pane of `rows` rows (24); returns the whole
 * scrollback (with `colours`, `-e`: colours too; with `joined`, `-J`: wrapped lines joined).
 * `historyLimit` is set on the server once the session is made.
 */
async function runInPane(
  file: string,
  env: Record<string, string>,
  name: string,
  { colours = false, rows = 24, joined = false, historyLimit }: {
    colours?: boolean;
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
    "80",
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
