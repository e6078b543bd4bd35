/**
 * The http task's body through the real `weft run` (tasks/http.ts): whole in the `body`
 * output, however far past 64 KiB, up to 1 MiB; a larger or endless body fails the task
 * with its first MiB in the log, never a success holding the body's start.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/http_body_size/", import.meta.url).pathname;
const LINE = "x".repeat(99) + "\n";

Deno.test("cli http: a 500 KiB body is passed whole; an endless one fails naming the limit", async () => {
  const endless = new TextEncoder().encode(LINE.repeat(100));
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    if (new URL(request.url).pathname === "/big") return new Response(LINE.repeat(5000));
    return new Response(
      new ReadableStream({ pull: (controller) => controller.enqueue(endless) }),
    );
  });
  try {
    const home = testTempDir("home-");
    const run = await weft(
      ["run", `${FIXTURES}sizes.yml`, "-p", `port=${server.addr.port}`, "--json"],
      { env: { WEFT_HOME: home } },
    );
    assert.equal(run.code, 1, run.stderr);
    const report: RunReport = JSON.parse(run.stdout);
    assert.equal(reportTask(report, "big").status, "success");
    const logs = async (id: string) =>
      (await weft(["logs", report.id, id], { env: { WEFT_HOME: home } })).stdout;
    assert.equal((await logs("count")).trim(), "5000", "all 5,000 lines reach the command");
    const failed = reportTask(report, "endless");
    assert.equal(failed.status, "failed");
    assert.match(
      failed.error ?? "",
      /^GET http:\/\/127\.0\.0\.1:\d+\/endless → 200 OK: body over its limit of 1 MiB, not read past it; download large files with a shell task \(curl -o FILE\)/,
    );
    assert.equal(failed.outputs.body, "", "no start of the body passed on");
    const lines = (await logs("endless")).split("\n").filter((l) => l === LINE.trimEnd());
    assert.ok(lines.length >= 10_000 && lines.length <= 10_486, `${lines.length} lines logged`);
  } finally {
    await server.shutdown();
  }
});
