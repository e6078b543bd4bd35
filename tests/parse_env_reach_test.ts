/**
 * src/parse/env_reach.ts: `${env.NAME}` where the field does not read the block that sets
 * NAME is refused at the reference: in notifications, a name only a task's own
 * `environment` sets or a per-task variable of weft's (`WEFT_TASK_ID`); in a docker
 * step's `config` (but `env`), a name only `config.env` (the container's) sets. Weft's
 * run-wide variables (`WEFT_RUN_ID`, `WEFT_WORKFLOW`) reach notifications at run time.
 */
import assert from "node:assert/strict";
import { hints, lines, problems } from "./_problems.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/env_reach/", import.meta.url).pathname;

Deno.test("env reach: notifications refuse a task's own name and weft's per-task variables", () => {
  const text = lines(
    "name: n",
    "environment: {W: w}",
    "notifications:",
    "  channels: [webhook]",
    "  webhook:",
    '    url: "http://127.0.0.1:8080/hook"',
    '    headers: {X-T: "${env.TASKVAR}", X-I: "${env.WEFT_TASK_ID}", X-W: "${env.W}", X-R: "${env.WEFT_RUN_ID}"}',
    "tasks:",
    "  - id: a",
    "    environment: {TASKVAR: x, W: y}",
    "    command: echo",
  );
  assert.deepEqual(problems(text), [
    "7:21: notifications.webhook.headers.X-T: TASKVAR is set only in the environment of task \"a\", and notifications read the environment the workflow's tasks start from, so ${env.TASKVAR} here reads weft's own environment",
    "7:44: notifications.webhook.headers.X-I: WEFT_TASK_ID is set by weft for each task, and notifications are rendered for the run, so ${env.WEFT_TASK_ID} here reads nothing",
  ]);
  assert.match(
    hints(text)[0]!,
    /set TASKVAR in defaults\.environment or the workflow's environment/,
  );
  // Set below the tasks too: notifications read it there.
  assert.deepEqual(
    problems(
      text.replace("{W: w}", "{W: w, TASKVAR: z}").replace(', X-I: "${env.WEFT_TASK_ID}"', ""),
    ),
    [],
  );
});

Deno.test("env reach: a docker config field reading a name only config.env sets", () => {
  const text = lines(
    "name: d",
    "tasks:",
    "  - id: dk",
    "    type: docker",
    "    config:",
    "      image: alpine",
    "      env:",
    "        GREETING: hello",
    "        MSG: ${env.GREETING} world",
    '      command: ["echo", "${env.GREETING}"]',
    "      workdir: /srv/${env.GREETING}",
  );
  assert.deepEqual(problems(text), [
    "10:26: config.command[1] in task \"dk\": GREETING is set only in config.env, the container's environment, so ${env.GREETING} here reads the task's environment, where it is not set",
    "11:21: config.workdir in task \"dk\": GREETING is set only in config.env, the container's environment, so ${env.GREETING} here reads the task's environment, where it is not set",
  ]);
  assert.match(hints(text)[0]!, /set GREETING in the task's environment/);
  // Set in the task's environment as well: the field reads it there.
  const both = text.replace(
    "    type: docker\n",
    "    type: docker\n    environment: {GREETING: hi}\n",
  );
  assert.deepEqual(problems(both), []);
});

Deno.test("cli run: a notification reads WEFT_RUN_ID and WEFT_WORKFLOW directly", async () => {
  const seen: Headers[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    seen.push(req.headers);
    return new Response("ok");
  });
  try {
    const checked = await weft(["validate", `${FIXTURES}run_vars.yml`]);
    assert.equal(checked.code, 0, checked.stderr);
    const run = await weft(
      ["run", `${FIXTURES}run_vars.yml`, "-p", `port=${server.addr.port}`],
      { env: { WEFT_HOME: testTempDir("reach-") } },
    );
    assert.equal(run.code, 0, run.stderr);
    const id = /run (\S+) started/.exec(run.stderr)?.[1];
    assert.ok(id, run.stderr);
    assert.equal(seen.length, 1, run.stderr);
    assert.equal(seen[0].get("x-r"), `r=${id}`);
    assert.equal(seen[0].get("x-d"), `d=${id}`);
    assert.equal(seen[0].get("x-w"), "w=run-vars");
  } finally {
    await server.shutdown();
  }
});
