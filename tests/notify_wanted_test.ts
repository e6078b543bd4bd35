/**
 * Which outcomes a notifications block sends on (notify/wanted.ts outcomesWanted), the
 * one rule of a run's block and a task's: a lone `false` turns off only its outcome.
 * Unit cases, then the real CLI with a webhook server for both kinds of block.
 */
import assert from "node:assert/strict";
import { testTempDir } from "./_tmp.ts";
import { startHookServer } from "./fixtures/notify/servers.ts";
import { weft } from "./_run_cli.ts";
import { outcomesWanted } from "../src/notify/wanted.ts";

Deno.test("outcomesWanted: nothing set is every outcome; a lone false turns off only its own", () => {
  const cases: [Parameters<typeof outcomesWanted>[0], boolean, boolean][] = [
    [{}, true, true],
    [{ on_success: false }, false, true],
    [{ on_failure: false }, true, false],
    [{ on_completion: false }, false, false],
    [{ on_completion: true }, true, true],
    [{ on_failure: true }, false, true],
    [{ on_success: true }, true, false],
    [{ on_completion: true, on_success: false }, false, true],
    [{ on_success: true, on_failure: false }, true, false],
  ];
  for (const [flags, success, failure] of cases) {
    assert.deepEqual(outcomesWanted(flags), { success, failure }, JSON.stringify(flags));
  }
});

Deno.test("cli notifications: on_success: false alone still tells of a failure, run block and task block alike", async () => {
  const hook = startHookServer();
  try {
    const cases: [string, number][] = [["false", 2], ["true", 0]];
    for (const [command, expected] of cases) {
      const dir = testTempDir("wanted-");
      await Deno.writeTextFile(
        `${dir}/flow.yml`,
        `name: wanted
notifications:
  channels: [webhook]
  on_success: false
  webhook: { url: "${hook.url}/run" }
tasks:
  - id: t
    command: "${command}"
    notifications: { channels: [webhook], on_success: false }
`,
      );
      hook.requests.length = 0;
      const run = await weft(["run", `${dir}/flow.yml`], { env: { WEFT_HOME: `${dir}/home` } });
      assert.equal(run.code, command === "false" ? 1 : 0, run.stderr);
      const sent = hook.requests.map((r) => r.body as { task?: unknown });
      // A failure: the run's block and the task's; a success: neither.
      assert.equal(sent.length, expected, `${command}: ${run.stderr}`);
      assert.equal(sent.filter((b) => b.task !== undefined).length, expected / 2);
    }
  } finally {
    await hook.close();
  }
});
