/**
 * A task's exit code through the real CLI (tasks/types.ts TaskResult.exitCode): database
 * and http tasks start no process, so a failure or timeout of theirs shows no `exit 1`
 * and records none; a shell task's own code is still shown (verifier N7).
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask as task, weft } from "./_run_cli.ts";
import { testTempCopy } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/no_process/", import.meta.url).pathname;

Deno.test("cli task exit code: database and http failures show and record no exit code", async () => {
  const hung = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (new URL(req.url).pathname === "/slow") await hung.promise;
    return new Response("gone", { status: 404 });
  });
  try {
    const dir = testTempCopy(FIXTURES, "no-process-");
    const base = `base=http://127.0.0.1:${server.addr.port}`;
    const { code, stdout, stderr } = await weft(["run", `${dir}/tasks.yml`, "--json", "-p", base]);
    assert.equal(code, 1, stderr);
    const report = JSON.parse(stdout) as RunReport;
    for (const [id, status] of [["db", "failed"], ["missing", "failed"], ["slow", "timed_out"]]) {
      assert.equal(task(report, id).status, status, stderr);
      assert.equal(task(report, id).exitCode, null, id);
      assert.doesNotMatch(stderr, new RegExp(`(✖|⏱) ${id} (failed|timed out) exit`), stderr);
    }
    assert.match(stderr, /✖ sh failed exit 3 /);
    assert.equal(task(report, "sh").exitCode, 3);
  } finally {
    hung.resolve();
    await server.shutdown();
  }
});
