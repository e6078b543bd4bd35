/**
 * A failing notification never changes the run's outcome: it is tried 3 times with
 * backoff, then recorded on the run (`weft status` shows it) and printed as a warning.
 */
import assert from "node:assert/strict";
import { withBackoff } from "../src/notify/retry.ts";
import { startHookServer } from "./fixtures/notify/servers.ts";
import { weft } from "./_run_cli.ts";

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
  const dir = await Deno.makeTempDir();
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
  const dir = await Deno.makeTempDir();
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
