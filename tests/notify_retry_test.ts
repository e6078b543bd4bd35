/**
 * A failing notification never changes the run's outcome: it is tried 3 times with
 * backoff, then recorded on the run (`weft status` shows it) and printed as a warning.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { withBackoff } from "../src/notify/retry.ts";
import { startHookServer } from "./fixtures/notify/servers.ts";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";

Deno.test("withBackoff: stops at the first success, else gives the last error after 3 tries", async () => {
  let calls = 0;
  const ok = await withBackoff(
    () => {
      calls++;
      return calls < 2 ? Promise.reject(new Error("busy")) : Promise.resolve();
    },
    3,
    1,
  );
  assert.deepEqual(ok, { ok: true, attempts: 2 });
  calls = 0;
  const bad = await withBackoff(() => Promise.reject(new Error(`no ${++calls}`)), 3, 1);
  assert.deepEqual(bad, { ok: false, attempts: 3, error: "no 3" });
});

Deno.test("weft run: a webhook answering 500 is retried, then recorded as failed; the run still succeeds", async () => {
  const hook = startHookServer(() => 500);
  const dir = testTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/flow.yml`,
      `name: retrying
notifications: { channels: [slack], slack: { webhook_url: "${hook.url}/services/T1/B2/tok3n-value" } }
tasks: [{ id: t, command: "true" }]
`,
    );
    const env = { WEFT_HOME: `${dir}/home` };
    const run = await weft(["run", `${dir}/flow.yml`], { env });
    assert.equal(run.code, 0, "the run's outcome is unchanged");
    assert.equal(hook.requests.length, 3, "three tries");
    assert.match(
      run.stderr,
      /weft: warning: notification to slack failed after 3 tries: HTTP 500: invalid_payload; recorded on run \S+/,
    );
    assert.ok(!run.stderr.includes("tok3n-value"));
    const status = await weft(["status"], { env });
    assert.match(status.stdout, /status {4}success/);
    assert.match(
      status.stdout,
      /notified {2}slack: FAILED after 3 tries: HTTP 500: invalid_payload/,
    );
    const json = JSON.parse((await weft(["status", "--json"], { env })).stdout);
    assert.equal(json.status, "success");
    assert.deepEqual(
      json.notifications.map((n: { ok: boolean; attempts: number }) => [n.ok, n.attempts]),
      [[false, 3]],
    );
  } finally {
    await hook.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("weft run: a webhook failing once is sent on the second try", async () => {
  const hook = startHookServer((n) => n === 1 ? 503 : 200);
  const dir = testTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/flow.yml`,
      `name: flaky
notifications: { channels: [webhook], webhook: { url: "${hook.url}/hook" } }
tasks: [{ id: t, command: "true" }]
`,
    );
    const env = { WEFT_HOME: `${dir}/home` };
    const run = await weft(["run", `${dir}/flow.yml`], { env });
    assert.equal(run.code, 0);
    assert.ok(!run.stderr.includes("warning"), run.stderr);
    const json = JSON.parse((await weft(["status", "--json"], { env })).stdout);
    assert.deepEqual(json.notifications[0].attempts, 2);
    assert.equal(json.notifications[0].ok, true);
  } finally {
    await hook.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withBackoff: an abort stops the try in flight and every later try and wait", async () => {
  const stop = new AbortController();
  let calls = 0;
  const outcome = withBackoff(
    (signal) => {
      calls++;
      // A try that never ends by itself, as a server that never answers.
      return new Promise((_, reject) =>
        signal?.addEventListener("abort", () => reject(new Error("x")))
      );
    },
    3,
    60_000,
    stop.signal,
  );
  stop.abort();
  assert.deepEqual(await outcome, { ok: false, attempts: 1, error: "interrupted" });
  assert.equal(calls, 1);
  const before = await withBackoff(() => Promise.resolve(), 3, 1, AbortSignal.abort());
  assert.deepEqual(before, { ok: false, attempts: 0, error: "interrupted" });
});

/** A loopback TCP server that reads requests and never answers; `seen` resolves on the first. */
function silentServer() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const seen = Promise.withResolvers<void>();
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      (async () => {
        const buf = new Uint8Array(4096);
        try {
          while ((await conn.read(buf)) !== null) seen.resolve();
        } catch {
          // closed by the test
        }
      })();
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    seen: seen.promise,
    close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch {
          // already closed by the client
        }
      }
    },
  };
}

Deno.test("weft run: Ctrl-C while a Slack URL never answers gives the notification up at once, recorded as interrupted; the exit code is the run's", async () => {
  const server = silentServer();
  const dir = testTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/flow.yml`,
      `name: silent
notifications: { channels: [slack], on_failure: true, slack: { webhook_url: "${server.url}/services/T1/B2/tok3n-value" } }
tasks: [{ id: t, command: "exit 3" }]
`,
    );
    const home = `${dir}/home`;
    const child = new Deno.Command(Deno.execPath(), {
      args: weftArgs(["run", `${dir}/flow.yml`]),
      env: weftEnv({ WEFT_HOME: home }),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const stdout = new Response(child.stdout).text();
    await server.seen; // the run is over and the first try is waiting for an answer
    Deno.kill(child.pid, "SIGINT");
    const status = await child.status;
    const said = await stderr;
    await stdout;
    assert.equal(status.code, 1, `the failed run's own exit code, not 130:\n${said}`);
    assert.match(said, /notifications not sent yet are given up/);
    assert.match(said, /notification to slack failed after 1 tries: interrupted/);
    const shown = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
    const [record] = JSON.parse(shown.stdout).notifications;
    assert.deepEqual([record.channel, record.ok, record.attempts, record.error], [
      "slack",
      false,
      1,
      "interrupted",
    ]);
  } finally {
    server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
