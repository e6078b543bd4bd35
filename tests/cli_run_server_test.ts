/**
 * The README's "start a server, then run tests against it" pattern, through the real
 * CLI: one task starts a server in the background, stops it from an EXIT trap, and the
 * task's result is the tests'. And without the trap, weft ends the task's process
 * group when the task ends, so the server does not outlive it.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const DIR = new URL("./fixtures/server_pattern/", import.meta.url).pathname;

/** Whether `pid` is still running (a zombie, ended but not reaped, is not). */
function running(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function runPattern(file: string, fail: boolean) {
  const out = testTempDir("server-");
  const result = await weft(["run", `${DIR}${file}`], {
    env: { OUT: out, DENO: Deno.execPath(), FAIL: fail ? "1" : "0" },
  });
  const pid = Number(await Deno.readTextFile(`${out}/pid`));
  const stopped = await Deno.readTextFile(`${out}/stopped`).catch(() => "");
  return { ...result, pid, stopped };
}

Deno.test("server pattern: the tests' result is the task's, and the trap stops the server", async () => {
  const passed = await runPattern("workflow.yml", false);
  assert.equal(passed.code, 0, passed.stderr);
  assert.match(passed.stderr, /\[integration\] server said pong/);
  assert.equal(passed.stopped, "SIGTERM", "stopped by the trap's kill, and waited for");
  assert.equal(running(passed.pid), false);

  const failed = await runPattern("workflow.yml", true);
  assert.equal(failed.code, 1, failed.stderr);
  assert.match(failed.stderr, /✖ integration failed exit 1/);
  assert.equal(failed.stopped, "SIGTERM", "the trap runs when the tests fail too");
  assert.equal(running(failed.pid), false);
});

Deno.test("server pattern: without a trap, the task's process group ends with the task", async () => {
  const forgotten = await runPattern("forgotten.yml", false);
  assert.equal(forgotten.code, 0, forgotten.stderr);
  assert.equal(forgotten.stopped, "", "no trap: no graceful stop");
  assert.equal(running(forgotten.pid), false, "the background server did not outlive its task");
});
