/**
 * `weft monitor --live` in a real terminal: a tmux pane running a shell, the monitor
 * started in it while a `weft run` with a waiting task runs in another process. Keys
 * are sent with send-keys and the screen read with capture-pane. Needs tmux; skipped,
 * with the reason printed, where it is not installed.
 */
import assert from "node:assert/strict";
import { childrenOf, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { tmux, TMUX_MISSING, weftCommandLine } from "./_tmux.ts";

if (TMUX_MISSING) console.log(`cli_monitor_tmux_test: skipped: ${TMUX_MISSING}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A tmux server of its own (so no user session is touched) with one shell pane. */
class Pane {
  constructor(readonly socket: string) {}

  tmux(...args: string[]): Promise<string> {
    return tmux(this.socket, ...args);
  }

  screen(): Promise<string> {
    return this.tmux("capture-pane", "-p");
  }

  keys(...keys: string[]): Promise<string> {
    return this.tmux("send-keys", ...keys);
  }

  /** Types a shell command line and runs it. */
  type(line: string): Promise<string> {
    return this.tmux("send-keys", "-l", line).then(() => this.keys("Enter"));
  }

  /** The screen once `test` holds (a bounded wait, not a timing assertion). */
  async until(test: (screen: string) => boolean, what: string): Promise<string> {
    let screen = "";
    for (let i = 0; i < 300; i++) {
      if (test(screen = await this.screen())) return screen;
      await sleep(100);
    }
    assert.fail(`waited for ${what}; the screen:\n${screen}`);
  }

  /** `alternate_on cursor_flag`: 1 0 while the monitor draws, 0 1 in the shell. */
  modes(): Promise<string> {
    return this.tmux("display-message", "-p", "#{alternate_on} #{cursor_flag}").then((s) =>
      s.trim()
    );
  }
}

Deno.test({
  name: "monitor --live in tmux: shows another process's run, opens it, resizes, q and ^C",
  ignore: TMUX_MISSING !== "",
  sanitizeResources: false,
  async fn() {
    const dir = testTempDir("monitor-tmux-");
    const env = weftEnv({ NO_COLOR: "1" });
    const file = `${dir}/mon.yml`;
    await Deno.writeTextFile(
      file,
      `name: mon\ntasks:\n  - id: work\n    command: |\n` +
        `      echo "monitor-line-1"\n      echo "to-stderr" >&2\n` +
        `      while [ ! -f ${dir}/go ]; do sleep 0.1; done\n` +
        `  - id: after\n    depends_on: work\n    command: echo after\n`,
    );
    await Deno.writeTextFile(
      `${dir}/quick.yml`,
      `name: quick\ntasks:\n  - id: q1\n    command: "true"\n`,
    );
    const weft = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: weftArgs(args),
        env,
        clearEnv: true,
        stdin: "null",
        stdout: "null",
        stderr: "null",
      });
    assert.equal((await weft(["run", `${dir}/quick.yml`]).output()).code, 0);
    const run = weft(["run", file]).spawn();
    const monitorLine = weftCommandLine(["monitor", "--live"], env);
    const pane = new Pane(`weft-monitor-${Deno.pid}`);
    await pane.tmux(
      "new-session",
      "-d",
      "-x",
      "100",
      "-y",
      "30",
      "env PS1='$ ' bash --norc --noprofile",
    );
    try {
      await pane.tmux("set-option", "-g", "window-size", "manual");
      await pane.type(`stty -g > ${dir}/stty.before`);
      await pane.type(`${monitorLine}; echo MONITOR-EXIT=$?`);
      // The run of the other process, with its running task.
      let screen = await pane.until(
        (s) => /RUNNING \(1\)/.test(s) && /▶ work {2}running/.test(s),
        "the running run",
      );
      assert.match(screen, /^> mon +running 0\/2 +\S+ {2}\d{8}T/m, screen);
      assert.match(screen, /^ {2}quick {2}success +\S+ {2}\d{8}T/m, screen);
      assert.equal(await pane.modes(), "1 0", "alternate screen, cursor hidden");
      // Down selects the finished run, Up the running one again.
      await pane.keys("Down");
      screen = await pane.until((s) => /^> quick/m.test(s), "Down to select quick");
      await pane.keys("Up");
      await pane.until((s) => /^> mon/m.test(s), "Up to select mon");
      // Enter opens it: its tasks and the tail of the selected task's log.
      await pane.keys("Enter");
      screen = await pane.until((s) => /out │ monitor-line-1/.test(s), "the log tail");
      assert.match(screen, /^mon {2}\S+ {2}running /m, screen);
      assert.match(screen, /^> ▶ work +running/m, screen);
      assert.match(screen, /^ {2}· after +pending/m, screen);
      assert.match(screen, /── log of work \(attempt 1\) ──/, screen);
      assert.match(screen, /err │ to-stderr/, screen);
      await pane.keys("Down");
      screen = await pane.until((s) => /^> · after/m.test(s), "Down to the next task");
      await pane.until((s) => /no log: the task has not started/.test(s), "after's log");
      await pane.keys("Escape");
      await pane.until((s) => /RUNNING \(1\)/.test(s) && /RECENT/.test(s), "Esc back");
      // Narrower and shorter: the frame is redrawn to fit.
      await pane.tmux("resize-window", "-x", "44", "-y", "12");
      screen = await pane.until(
        (s) => /^weft monitor/.test(s) && /^q quit/m.test(s) && /RUNNING \(1\)/.test(s),
        "a frame at 44x12",
      );
      const lines = screen.replace(/\n+$/, "").split("\n");
      assert.ok(lines.length <= 12, `at most 12 lines:\n${screen}`);
      assert.ok(lines.every((l) => [...l].length <= 43), `lines fit 44 columns:\n${screen}`);
      assert.match(screen, /RUNNING \(1\)/, screen);
      await pane.tmux("resize-window", "-x", "100", "-y", "30");
      await pane.until((s) => /LAST 24H/.test(s) && /▶ work/.test(s), "a frame at 100x30");
      // q: the shell's screen is back, with the cursor, and the tty's modes as they were.
      await pane.keys("q");
      screen = await pane.until((s) => /MONITOR-EXIT=0/.test(s), "q to exit");
      assert.doesNotMatch(screen, /RUNNING \(/, "the alternate screen is left");
      assert.equal(await pane.modes(), "0 1", "main screen, cursor shown");
      await pane.type(`stty -g | cmp -s - ${dir}/stty.before && echo STTY-SAME || echo STTY-DIFF`);
      await pane.until((s) => /^STTY-(SAME|DIFF)/m.test(s), "stty compared");
      assert.match(await pane.screen(), /^STTY-SAME/m, "raw mode was undone");
      // Ctrl-C (0x03 in raw mode) also exits, restored, with 130.
      await pane.type("clear");
      await pane.type(`${monitorLine}; echo MONITOR-EXIT=$?`);
      await pane.until((s) => /RUNNING \(1\)/.test(s), "the monitor again");
      await pane.keys("C-c");
      screen = await pane.until((s) => /MONITOR-EXIT=130/.test(s), "Ctrl-C to exit");
      assert.doesNotMatch(screen, /RUNNING \(/);
      assert.equal(await pane.modes(), "0 1");
      await pane.type(
        `stty -g | cmp -s - ${dir}/stty.before && echo STTY-SAME2 || echo STTY-DIFF2`,
      );
      await pane.until((s) => /^STTY-(SAME|DIFF)2/m.test(s), "stty compared");
      assert.match(await pane.screen(), /^STTY-SAME2/m, "raw mode was undone after Ctrl-C");
      // SIGTERM from outside: restored as well.
      await pane.type("clear");
      await pane.type(`${monitorLine}; echo MONITOR-EXIT=$?`);
      await pane.until((s) => /RUNNING \(1\)/.test(s), "the monitor a third time");
      const shell = Number((await pane.tmux("display-message", "-p", "#{pane_pid}")).trim());
      const [monitor] = childrenOf(shell);
      assert.ok(monitor, "the monitor's process");
      Deno.kill(monitor, "SIGTERM");
      screen = await pane.until((s) => /MONITOR-EXIT=130/.test(s), "SIGTERM to exit");
      assert.equal(await pane.modes(), "0 1");
      await pane.type(
        `stty -g | cmp -s - ${dir}/stty.before && echo STTY-SAME3 || echo STTY-DIFF3`,
      );
      await pane.until((s) => /^STTY-(SAME|DIFF)3/m.test(s), "stty compared");
      assert.match(await pane.screen(), /^STTY-SAME3/m, "raw mode was undone after SIGTERM");
    } finally {
      await Deno.writeTextFile(`${dir}/go`, "");
      await pane.tmux("kill-server").catch(() => {});
      assert.equal((await run.status).code, 0, "the watched run ends well");
    }
  },
});
