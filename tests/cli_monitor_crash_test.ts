/**
 * `weft monitor --live` (cli/monitor.ts) watching a run whose `weft run` is killed -9:
 * within a refresh the run shows `interrupted`, no longer `running` with its elapsed time
 * growing, and the task it left is ended (tester19 F6). In a tmux pane; skipped, with the
 * reason printed, where tmux is not installed.
 */
import assert from "node:assert/strict";
import { readProcStat } from "../src/proc.ts";
import { waitForFile, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { tmux, TMUX_MISSING, weftCommandLine } from "./_tmux.ts";

if (TMUX_MISSING) console.log(`cli_monitor_crash_test: skipped: ${TMUX_MISSING}`);

/** The pane's screen once `test` holds (a bounded wait, not a timing assertion). */
async function until(socket: string, test: (screen: string) => boolean, what: string) {
  let screen = "";
  for (let i = 0; i < 300; i++) {
    if (test(screen = await tmux(socket, "capture-pane", "-p"))) return screen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`waited for ${what}; the screen:\n${screen}`);
}

function alive(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat !== "absent" && stat.state !== "Z";
}

Deno.test({
  name: "monitor --live: a run killed -9 while watched turns interrupted, its task ended",
  ignore: TMUX_MISSING !== "",
  sanitizeResources: false,
  async fn() {
    const dir = testTempDir("monitor-crash-");
    const env = weftEnv({ NO_COLOR: "1", WEFT_HOME: `${dir}/home` });
    const file = `${dir}/watched.yml`;
    Deno.writeTextFileSync(
      file,
      `name: watched\ntasks:\n  - id: long\n    command: echo $$ > ${dir}/task.pid; sleep 300\n`,
    );
    const run = new Deno.Command(Deno.execPath(), {
      args: weftArgs(["run", file, "-q"]),
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const task = Number(await waitForFile(`${dir}/task.pid`));
    const socket = `weft-monitor-crash-${Deno.pid}`;
    await tmux(socket, "new-session", "-d", "-x", "100", "-y", "30", "bash --norc --noprofile");
    try {
      await tmux(socket, "send-keys", "-l", weftCommandLine(["monitor", "--live"], env));
      await tmux(socket, "send-keys", "Enter");
      await until(socket, (s) => /^> watched +running/m.test(s), "the running run");
      run.kill("SIGKILL");
      await run.status;
      const screen = await until(
        socket,
        (s) => /^> watched +interrupted/m.test(s),
        "the killed run shown interrupted",
      );
      assert.match(screen, /0 running/, screen);
      for (let i = 0; i < 100 && alive(task); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(!alive(task), "the task the dead run left was ended");
    } finally {
      await tmux(socket, "kill-server").catch(() => {});
      try {
        run.kill("SIGKILL");
      } catch { /* dead already */ }
      await run.status;
      if (alive(task)) Deno.kill(-task, "SIGKILL"); // its group: the shell and its sleep
    }
  },
});
