/**
 * Running out of file descriptors through the real CLI: a task that cannot start for
 * EMFILE fails with weft's reason (what to do), never a raw `pipe2 failed (errno 24)`
 * (tasks/start_errors.ts), and a task gets the open-files limit weft was started with.
 */
import assert from "node:assert/strict";
import { FIXTURES, weftArgs, weftEnv } from "./_run_cli.ts";

/** `sleep 1` has no shell syntax: weft execs it itself, and names it rather than `sh`. */
const REASON = 'cannot start "sleep": too many open files: raise `ulimit -n` or lower max_parallel';

/** Runs weft under `ulimit -n LIMIT` (soft and hard), with `--json`. */
async function weftLimited(limit: number, file: string) {
  const argv = [Deno.execPath(), ...weftArgs(["run", file, "--json"])];
  const { code, stdout, stderr } = await new Deno.Command("sh", {
    args: ["-c", `ulimit -n ${limit} && exec "$@"`, "sh", ...argv],
    env: weftEnv(),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

Deno.test("cli open files: tasks that cannot start for EMFILE say what to do", async () => {
  const run = await weftLimited(256, `${FIXTURES}open-files.yml`);
  assert.equal(run.code, 1, run.stderr);
  const tasks: { status: string; error: string | null }[] = JSON.parse(run.stdout).tasks;
  const failed = tasks.filter((t) => t.status === "failed");
  assert.ok(failed.length > 0, "100 tasks at once within 256 descriptors");
  for (const task of failed) assert.equal(task.error, REASON);
  assert.ok(!/errno|pipe2/.test(run.stdout + run.stderr), run.stderr);
});

Deno.test("cli open files: a task gets the limit weft was started with", async () => {
  const run = await weftLimited(512, `${FIXTURES}ulimit.yml`);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).tasks[0].outputs, { soft: "512", hard: "512" });
});
