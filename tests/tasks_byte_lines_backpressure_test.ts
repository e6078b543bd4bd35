/**
 * A task's output is read to its end after its process exits, even while weft's display
 * holds reading back (tasks/byte_lines.ts ExitDrain): with `-v` and a slow reader of
 * weft's stderr, the grace for a pipe left open counted the time weft itself was not
 * reading, so reading stopped with the log cut short (a run of `seq 1 100000` logged
 * 89232 lines, the last one unended) and the run was a silent success; and every later
 * task waited out that grace.
 */
import assert from "node:assert/strict";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempCopy } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/byte_lines_backpressure/", import.meta.url).pathname;

Deno.test("weft run -v with a slow reader of its stderr: the log holds all the output, later tasks wait for no grace", async () => {
  const dir = testTempCopy(FIXTURES, "backpressure-");
  const home = `${dir}/home`;
  const env = { WEFT_HOME: home, NO_COLOR: "1" };
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", `${dir}/spew.yml`, "-v"]),
    env: weftEnv(env),
    clearEnv: true,
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new Response(child.stdout).text();
  // Nobody reads weft's stderr (a pager not scrolled yet) until `witness` has ended, at
  // least 1.5 s after `spew`, then all of it. While `spew` runs, a display that is behind
  // may hold its output back until it fills its pipe (it cannot end then): so the wait
  // ends after HOLD_MS at most.
  await untilExists(`${dir}/witness.end`, child.status, HOLD_MS);
  const stderr = await new Response(child.stderr).text();
  const { code } = await child.status;
  assert.equal(code, 0, `${await stdout}\n${stderr}`);

  const logs = await weft(["logs", "spew"], { env, cwd: dir });
  assert.equal(logs.code, 0, logs.stderr);
  const lines = logs.stdout.split("\n");
  assert.equal(lines.pop(), "", "the last line is ended");
  assert.equal(lines.length, 100000, `the log ends with ${JSON.stringify(lines.at(-1))}`);
  assert.equal(lines.at(-1), "100000");
  // The chain beside `witness` ran at the pace of its processes, not 1 s a task.
  const witness = await weft(["logs", "witness"], { env, cwd: dir });
  assert.equal(witness.stdout, "ended: 4\n", witness.stderr);
});

/** The longest time weft's stderr is not read. */
const HOLD_MS = 8000;

/**
 * Resolves once `path` exists, once `ended` settled (the run ended without it), or after
 * `ms`.
 */
async function untilExists(path: string, ended: Promise<unknown>, ms: number): Promise<void> {
  let over = false;
  ended.finally(() => over = true);
  const timer = setTimeout(() => over = true, ms);
  while (!over) {
    try {
      await Deno.stat(path);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  clearTimeout(timer);
}
