/**
 * A sub-workflow's output that ends without a newline (`printf abc`) stays so in its
 * caller's log: the child run's lines reach the calling task as `[TASK] …` lines with
 * their `unended` flag (engine/child.ts, tasks/workflow.ts), so `weft logs RUN CALL` gives
 * back the child's last line with no newline added, as `weft logs` does for a task of
 * its own (cli_logs_unended_test.ts), however deep the call, whatever kind of task
 * printed it (a loop iteration, a parallel branch, a conditional's branch, a callback).
 * Over several tasks every prefixed line is still ended.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const PARENT = new URL("./fixtures/logs_unended_child/parent.yml", import.meta.url).pathname;

/** The child's lines as the calling task stores them, each with `prefix` before it. */
function childLines(prefix: string): { stdout: string; stderr: string } {
  const stdout = ["[l[a]] i-a", "[l[b]] i-b", "[p1] p1", "[c] yes", "[cb] cb"]
    .map((line) => prefix + line).join("\n");
  return { stdout, stderr: `${prefix}[p2] p2` };
}

/** `text` with each child run's id replaced by `ID`. */
function anyId(text: string): string {
  return text.replace(/child run [^ :]+:/g, "child run ID:");
}

Deno.test("weft logs RUN CALL: a child's last lines without a newline come back without one", async () => {
  const dir = testTempDir("unended-child-");
  const env = { WEFT_HOME: `${dir}/home`, NO_COLOR: "1" };
  const run = await weft(["run", PARENT, "-q"], { env });
  assert.equal(run.code, 0, run.stderr);
  const id = (await weft(["history", "-q", "-n1"], { env })).stdout.trim();

  const direct = childLines("");
  const nested = childLines("[inner] ");
  const expected: Record<string, { stdout: string; stderr: string }> = {
    call: { stdout: `child run ID: child.yml\n${direct.stdout}`, stderr: direct.stderr },
    nested: {
      stdout: `child run ID: mid.yml\n[inner] child run ID: child.yml\n${nested.stdout}`,
      stderr: nested.stderr,
    },
  };
  for (const [task, want] of Object.entries(expected)) {
    for (const extra of [[], ["--no-prefix"]]) {
      const logs = await weft(["logs", id, task, ...extra], { env });
      assert.equal(logs.code, 0, logs.stderr);
      assert.deepEqual(
        { stdout: anyId(logs.stdout), stderr: logs.stderr },
        want,
        `weft logs RUN ${task} ${extra.join(" ")}`,
      );
    }
  }

  // Prefixed over the run's tasks, every line is ended, the last one too.
  const all = await weft(["logs", id], { env });
  assert.equal(all.code, 0, all.stderr);
  const prefixed = (task: string, text: string) =>
    text.split("\n").map((line) => `${task.padEnd(6)} | ${line}\n`).join("");
  assert.equal(
    anyId(all.stdout),
    prefixed("call", expected.call.stdout) + prefixed("nested", expected.nested.stdout),
  );
  assert.equal(all.stderr, prefixed("call", direct.stderr) + prefixed("nested", nested.stderr));
});
