/** A task's own `notifications`: told when it ends, with its last lines; skipped tasks tell nobody. */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { startHookServer } from "./fixtures/notify/servers.ts";
import { weft } from "./_run_cli.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("per-task notifications: on_failure tells slack with the task's last lines; the webhook gets the task record", async () => {
  const hook = startHookServer();
  const dir = testTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/flow.yml`,
      `name: pertask
notifications:
  slack: { webhook_url: "${hook.url}/slack" }
  webhook: { url: "${hook.url}/hook" }
tasks:
  - id: migrate
    command: "echo step one; echo 'boom' >&2; exit 4"
    continue_on_error: true
    notifications: { channels: [slack], on_failure: true }
  - id: report
    command: "echo fine"
    notifications: { channels: [webhook] }
  - id: quiet
    command: "echo fine"
    notifications: { channels: [slack], on_failure: true }
  - id: never
    command: "true"
    condition: "false"
    notifications: { channels: [webhook] }
`,
    );
    const env = { WEFT_HOME: `${dir}/home` };
    const run = await weft(["run", `${dir}/flow.yml`, "--json"], { env });
    const report = JSON.parse(run.stdout);
    const paths = hook.requests.map((r) => r.path).sort();
    assert.deepEqual(paths, ["/hook", "/slack"], run.stderr);
    const slack = hook.requests.find((r) => r.path === "/slack")!.body as Any;
    assert.match(slack.blocks[0].text.text, /pertask: task migrate failed in/);
    const section = slack.blocks[2].text.text;
    assert.match(section, /\*migrate\* failed: exited with code 4/);
    assert.match(section, /step one/);
    assert.match(section, /boom/);
    const hookBody = hook.requests.find((r) => r.path === "/hook")!.body as Any;
    assert.equal(hookBody.runId, report.id);
    assert.equal(hookBody.workflow, "pertask");
    assert.equal(hookBody.task.id, "report");
    assert.equal(hookBody.task.status, "success");
    const status = await weft(["status", report.id], { env });
    assert.match(status.stdout, /notified {2}task migrate → slack: sent/);
    assert.match(status.stdout, /notified {2}task report → webhook: sent/);
  } finally {
    await hook.close();
    await Deno.remove(dir, { recursive: true });
  }
});
