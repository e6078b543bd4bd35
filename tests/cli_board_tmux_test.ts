/**
 * The live board in a real terminal: `weft run` of a 1,000-task workflow inside a
 * tmux pane of 20 rows. The pane's scrollback must not hold a copy of the board per
 * frame (the board fits the pane, and its redraws do not push the screen into the
 * history). Needs tmux; skipped, with the reason printed, where it is not installed.
 */
import assert from "node:assert/strict";
import { weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const TMUX_MISSING = await (async () => {
  try {
    const { success } = await new Deno.Command("tmux", { args: ["-V"], stdout: "null" }).output();
    return success ? "" : "tmux -V failed";
  } catch {
    return "tmux is not installed (apt-get install tmux)";
  }
})();
if (TMUX_MISSING) console.log(`cli_board_tmux_test: skipped: ${TMUX_MISSING}`);

/** Runs tmux on a server of its own, so no user session is touched. */
async function tmux(socket: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("tmux", {
    args: ["-L", socket, "-f", "/dev/null", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`tmux ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

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
    const env = weftEnv({ NO_COLOR: "1" });
    const command = [
      "env",
      ...["WEFT_HOME", "PATH", "HOME", "DENO_DIR", "NO_COLOR"].flatMap((k) =>
        env[k] === undefined ? [] : [quote(`${k}=${env[k]}`)]
      ),
      quote(Deno.execPath()),
      ...weftArgs(["run", file]).map(quote),
    ].join(" ");
    const socket = `weft-test-${Deno.pid}`;
    await tmux(
      socket,
      "new-session",
      "-d",
      "-x",
      "80",
      "-y",
      "20",
      `${command}; echo WEFT-EXIT=$?; sleep 600`,
    );
    try {
      await tmux(socket, "set-option", "-g", "history-limit", "100000");
      let screen = "";
      // Bounded wait for the run to end (not a timing assertion).
      for (let i = 0; i < 600 && !screen.includes("WEFT-EXIT="); i++) {
        await new Promise((r) => setTimeout(r, 100));
        screen = await tmux(socket, "capture-pane", "-p", "-S", "-", "-J");
      }
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
    } finally {
      await tmux(socket, "kill-server").catch(() => {});
    }
  },
});
