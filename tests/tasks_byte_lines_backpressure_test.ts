/**
 * A task's output is read to its end after its process exits, even while weft's display
 * holds reading back (tasks/byte_lines.ts ExitDrain): with `-v` and a slow reader of
 * weft's stderr, the grace for a pipe left open counted the time weft itself was not
 * reading, so reading stopped with the log cut short (a run of `seq 1 100000` logged
 * 89232 lines, the last one unended) and the run was a silent success; and every later
 * task waited out that grace. The task here (fixtures' spew.py) prints more than the
 * display queues into a pipe enlarged to hold the rest, and exits: it ends while weft's
 * reader is held back with output left in the pipe, every time (`seq` writing through a
 * 64 KiB pipe could only end before the display let go by a narrow margin).
 */
import assert from "node:assert/strict";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempCopy } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/byte_lines_backpressure/", import.meta.url).pathname;

Deno.test("weft run -v with a slow reader of its stderr: the log holds all the output, later tasks wait for no grace", async () => {
  const { dir, env } = await runHeldBack("spew.yml");
  const lines = await spewLines(dir, env);
  assert.equal(lines.length, LINES, `the log ends with ${JSON.stringify(lines.at(-1))}`);
  lines.forEach((line, i) => assert.equal(line, spewed(i + 1), `line ${i + 1}`));
  const witness = await weft(["logs", "witness"], { env, cwd: dir });
  assert.equal(witness.stdout, "ended: 4\n", witness.stderr);
});

Deno.test("weft run -v with a slow reader: a backlog of short lines longer to handle than the grace is logged whole", async () => {
  const { dir, env } = await runHeldBack("spew_short.yml");
  const lines = await spewLines(dir, env);
  assert.equal(lines.length, 150_000, `the log ends with ${JSON.stringify(lines.at(-1))}`);
  assert.equal(lines.at(-1), "150000");
});

/**
 * Runs `workflow` (of the fixtures, copied) with -v, weft's stderr unread until its
 * `witness.end` exists (at most {@link HOLD_MS}), then read to its end; the run succeeds.
 */
async function runHeldBack(
  workflow: string,
): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = testTempCopy(FIXTURES, "backpressure-");
  const env = { WEFT_HOME: `${dir}/home`, NO_COLOR: "1" };
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", `${dir}/${workflow}`, "-v"]),
    env: weftEnv(env),
    clearEnv: true,
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new Response(child.stdout).text();
  await untilExists(`${dir}/witness.end`, child.status, HOLD_MS);
  const stderr = await new Response(child.stderr).text();
  const { code } = await child.status;
  assert.equal(code, 0, `${await stdout}\n${stderr}`);
  return { dir, env };
}

/** The lines of `weft logs spew` of the run in `dir`, its last line ended. */
async function spewLines(dir: string, env: Record<string, string>): Promise<string[]> {
  const logs = await weft(["logs", "spew"], { env, cwd: dir });
  assert.equal(logs.code, 0, logs.stderr);
  const lines = logs.stdout.split("\n");
  assert.equal(lines.pop(), "", "the last line is ended");
  return lines;
}

/** How many lines `spew` prints (fixtures' spew.py). */
const LINES = 1500;

/** Line `n` of what `spew` prints: `n`, a space, x's up to 999 characters. */
function spewed(n: number): string {
  return `${n} `.padEnd(999, "x");
}

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
