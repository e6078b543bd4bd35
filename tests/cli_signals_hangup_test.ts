/**
 * src/cli/signals.ts through the real CLI: SIGHUP (the terminal closed, ssh dropped) stops
 * `weft run` as SIGTERM does — its tasks' groups are ended and the run is recorded
 * cancelled — unless SIGHUP was ignored when weft started (`nohup`, `trap '' HUP`).
 * @module
 */
import assert from "node:assert/strict";
import { historyJson, waitForFile, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const HANGUP = new URL("./fixtures/signals/hangup.yml", import.meta.url).pathname;

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/** Starts `weft run hangup.yml` (through `sh -c PREFIX exec …`), waits for its task's pid. */
async function startRun(prefix: string, stream: "piped" | "null") {
  const dir = testTempDir();
  const env = { WEFT_HOME: `${dir}/home`, MARK: `${dir}/pid`, GO: `${dir}/go` };
  const argv = [Deno.execPath(), ...weftArgs(["run", HANGUP])].map((a) => `'${a}'`).join(" ");
  const child = new Deno.Command("sh", {
    args: ["-c", `${prefix} exec ${argv}`],
    env: weftEnv(env),
    clearEnv: true,
    stdin: "null",
    stdout: stream,
    stderr: stream,
  }).spawn();
  const taskPid = Number((await waitForFile(env.MARK)).trim());
  return { child, env, taskPid };
}

for (const stream of ["piped", "null"] as const) {
  Deno.test(`weft run, output ${stream}: SIGHUP (twice, as a closed terminal sends) ends the task and records the run cancelled, exit 130`, async () => {
    const { child, env, taskPid } = await startRun("", stream);
    try {
      Deno.kill(child.pid, "SIGHUP");
      Deno.kill(child.pid, "SIGHUP");
      const status = await child.status;
      assert.equal(status.code, 130);
      assert.equal(alive(taskPid), false, "the task's process outlived weft");
      const [run] = await historyJson(env.WEFT_HOME);
      assert.equal(run.status, "cancelled");
    } finally {
      if (alive(taskPid)) Deno.kill(taskPid, "SIGKILL");
      if (stream === "piped") {
        await child.stdout.cancel();
        await child.stderr.cancel();
      }
    }
  });
}

Deno.test("weft run started with SIGHUP ignored (nohup, trap '' HUP): a SIGHUP changes nothing, the run succeeds", async () => {
  const { child, env, taskPid } = await startRun("trap '' HUP;", "piped");
  try {
    Deno.kill(child.pid, "SIGHUP");
    // Time for a SIGHUP listened for to stop the run (it takes a few ms) before the task may end.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await Deno.writeTextFile(env.GO, "");
    const { code, stderr } = await child.output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    const [run] = await historyJson(env.WEFT_HOME);
    assert.equal(run.status, "success");
  } finally {
    if (alive(taskPid)) Deno.kill(taskPid, "SIGKILL");
  }
});
