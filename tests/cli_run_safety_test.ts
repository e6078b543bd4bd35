/**
 * Through the real CLI: task output cannot drive the terminal in weft's report while
 * `weft logs` keeps the bytes; URL values are encoded (and `raw(...)` validates); a
 * workflow timeout still runs on_failure callbacks.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

function write(dir: string, name: string, text: string): string {
  const path = `${dir}/${name}`;
  Deno.writeTextFileSync(path, text);
  return path;
}

Deno.test("cli: a task's escape sequences are escaped in the report, raw in `weft logs`", async () => {
  const dir = testTempDir("safety-");
  const home = `${dir}/home`;
  const file = write(
    dir,
    "esc.yml",
    `name: esc
tasks:
  - id: esc
    command: printf 'line1\\nbefore\\033[2J\\033[Hafter\\n\\033]0;title\\007\\n'; exit 1
`,
  );
  for (const flags of [["--no-color"], ["--no-color", "-v"]]) {
    const run = await weft(["run", file, ...flags], { env: { WEFT_HOME: home } });
    assert.equal(run.code, 1, run.stderr);
    assert.ok(!run.stderr.includes("\x1b"), `raw ESC in: ${JSON.stringify(run.stderr)}`);
    assert.ok(!run.stderr.includes("\x07"), "raw BEL in the report");
    assert.match(run.stderr, /before\\e\[2J\\e\[Hafter/);
    assert.match(run.stderr, /\\e\]0;title\\a/);
  }
  const history = await weft(["history", "--json"], { env: { WEFT_HOME: home } });
  const runId = JSON.parse(history.stdout)[0].id;
  const logs = await weft(["logs", runId, "esc"], { env: { WEFT_HOME: home } });
  assert.equal(logs.code, 0, logs.stderr);
  assert.equal(logs.stdout, "line1\nbefore\x1b[2J\x1b[Hafter\n\x1b]0;title\x07\n");
});

Deno.test("cli: a parameter in an http URL stays in its path segment; raw() validates", async () => {
  const dir = testTempDir("url-");
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    seen.push(url.pathname + url.search);
    return new Response("ok");
  });
  try {
    const file = write(
      dir,
      "lookup.yml",
      `name: lookup
params:
  port: "0"
  user: alice
  rest: ""
tasks:
  - id: get-user
    type: http
    url: http://127.0.0.1:\${params.port}/api/users/\${params.user}?fields=name
  - id: raw-path
    type: http
    depends_on: get-user
    url: http://127.0.0.1:\${params.port}/\${raw(params.rest)}
`,
    );
    const port = String(server.addr.port);
    const validate = await weft(["validate", file]);
    assert.equal(validate.code, 0, validate.stderr);
    const run = await weft([
      "run",
      file,
      "-q",
      "-p",
      `port=${port}`,
      "-p",
      "user=../admin/delete?confirm=yes#",
      "-p",
      "rest=v2/items?page=2",
    ], { env: { WEFT_HOME: `${dir}/home` } });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(seen, [
      "/api/users/..%2Fadmin%2Fdelete%3Fconfirm%3Dyes%23?fields=name",
      "/v2/items?page=2",
    ]);
    const bad = write(
      dir,
      "bad.yml",
      `name: bad
tasks:
  - id: t
    type: http
    url: http://127.0.0.1/\${encode(env.X)}
`,
    );
    const invalid = await weft(["validate", bad]);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /bad\.yml:5:\d+: .*unknown function 'encode'/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("cli: a workflow timeout ends the task timed_out and runs its on_failure callback", async () => {
  const dir = testTempDir("wf-timeout-");
  const file = write(
    dir,
    "deploy.yml",
    `name: run-timeout
timeout: 1s
tasks:
  - id: deploy
    on_failure: [rollback]
    command: sleep 30
  - id: rollback
    command: echo rolled back > rolled-back.txt
`,
  );
  const run = await weft(["run", file, "--json", "--quiet"], { env: { WEFT_HOME: `${dir}/home` } });
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  const byId = Object.fromEntries(
    report.tasks.map((t: { id: string; status: string; reason: string | null }) => [
      t.id,
      [t.status, t.reason],
    ]),
  );
  assert.deepEqual(byId.deploy, ["timed_out", "workflow_timeout"]);
  assert.deepEqual(byId.rollback, ["success", null]);
  assert.equal(Deno.readTextFileSync(`${dir}/rolled-back.txt`).trim(), "rolled back");
});
