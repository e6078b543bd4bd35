/**
 * src/cli/run.ts through the real CLI: `weft run --json` prints the run report once the run
 * is on record, before its notifications go out, so a notification server that does not
 * answer neither holds the report back nor, with a SIGTERM meanwhile, loses it (tester26 F3).
 * @module
 */
import assert from "node:assert/strict";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/run_start/", import.meta.url).pathname;

Deno.test("weft run --json: the report comes while a notification waits; SIGTERM then keeps it", async () => {
  // A webhook that answers no request before the test ends.
  let open = 0;
  let received = 0;
  const held = Promise.withResolvers<void>();
  const first = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.text();
    received++;
    open++;
    first.resolve();
    await held.promise;
    open--;
    return new Response("ok");
  });
  const home = testTempDir("home-");
  const hook = `http://127.0.0.1:${server.addr.port}/hook`;
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", `${FIXTURES}slow_hook.yml`, "--json", "-q", "-p", `hook=${hook}`]),
    env: weftEnv({ WEFT_HOME: home }),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  try {
    // Read stdout until it holds one whole JSON document.
    let stdout = "";
    let report: { id: string; status: string } | undefined;
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    while (report === undefined) {
      const { value, done } = await reader.read();
      assert.ok(!done, `stdout ended before a whole report: ${JSON.stringify(stdout)}`);
      stdout += value;
      try {
        report = JSON.parse(stdout);
      } catch { /* not whole yet */ }
    }
    assert.equal(report!.status, "success");
    // Before the fix the report came once weft gave the webhook up, after its 3 tries.
    assert.ok(received < 3, "the report came before the notification was given up");
    await first.promise;
    assert.equal(open, 1, "the notification is being sent, unanswered");
    child.kill("SIGTERM");
    for (let r = await reader.read(); !r.done; r = await reader.read()) stdout += r.value;
    const { code } = await child.status;
    assert.equal(code, 143, await stderr);
    assert.deepEqual(JSON.parse(stdout), report, "stdout holds exactly the one report");

    const shown = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
    assert.equal(shown.code, 0, shown.stderr);
    const run = JSON.parse(shown.stdout);
    assert.deepEqual([run.id, run.status], [report!.id, "success"]);
    assert.deepEqual(
      run.notifications.map((n: { channel: string; ok: boolean; error: string }) => [
        n.channel,
        n.ok,
        n.error,
      ]),
      [["webhook", false, "interrupted"]],
    );
  } finally {
    held.resolve();
    try {
      child.kill("SIGKILL");
    } catch { /* ended */ }
    await child.status;
    await server.shutdown();
  }
});
