import assert from "node:assert/strict";
import type { RunReport, TaskRecord } from "../src/engine/events.ts";
import { EXAMPLES, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const DEPLOY = `${EXAMPLES}deploy/deployment-workflow.json`;

function task(report: RunReport, id: string): TaskRecord {
  const found = report.tasks.find((t) => t.id === id);
  assert.ok(found, `task ${id} in the report`);
  return found;
}

/** Runs the deploy example with its step log in a fresh temp file; returns the steps run. */
async function runDeploy(args: string[], env: Record<string, string> = {}) {
  const log = `${testTempDir("demo-")}/steps.log`;
  const result = await weft(["run", DEPLOY, "--json", ...args], {
    env: { WEFT_DEMO_LOG: log, DEMO_STEP_MS: "0", ...env },
  });
  const steps = (await Deno.readTextFile(log).catch(() => "")).trim().split("\n").filter(Boolean);
  const report = result.stdout ? JSON.parse(result.stdout) as RunReport : undefined;
  return { ...result, steps, report };
}

Deno.test("examples/deploy: pre-build → build → test → deploy → notify-success, exit 0", async () => {
  const { code, steps, report, stderr } = await runDeploy([]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(steps, ["validate", "build", "test", "deploy", "notify-success"]);
  assert.equal(report?.status, "success");
  assert.equal(task(report!, "notify-success").status, "success");
  for (const id of ["rollback", "notify-failure"]) {
    assert.equal(task(report!, id).attempts, 0, `${id} is not called`);
  }
  assert.match(
    stderr,
    /run \S+ success in \S+ \(4 tasks: 4 success; 3 callbacks: 1 success, 2 not called\)/,
  );
});

Deno.test("examples/deploy: --env SKIP_TESTS=true skips test, deploy still runs", async () => {
  const { code, steps, report, stderr } = await runDeploy(["--env", "SKIP_TESTS=true"]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(steps, ["validate", "build", "deploy", "notify-success"]);
  assert.equal(task(report!, "test").status, "skipped");
  assert.equal(task(report!, "test").reason, "condition");
  assert.equal(task(report!, "deploy").status, "success");
});

Deno.test("examples/deploy: SKIP_TESTS=true in weft's environment does the same", async () => {
  const { code, steps, stderr } = await runDeploy([], { SKIP_TESTS: "true" });
  assert.equal(code, 0, stderr);
  assert.deepEqual(steps, ["validate", "build", "deploy", "notify-success"]);
  assert.match(stderr, /⤼ test skipped \(condition\)/);
});

Deno.test("examples/deploy: a failed deploy runs rollback and notify-failure, exit 1", async () => {
  const { code, steps, report, stderr } = await runDeploy([], { DEPLOY_FAIL: "1" });
  assert.equal(code, 1, stderr);
  assert.deepEqual(steps.slice(0, 4), ["validate", "build", "test", "deploy (failed)"]);
  assert.deepEqual(steps.slice(4).sort(), ["notify-failure", "rollback"]);
  assert.equal(report?.status, "failed");
  assert.equal(task(report!, "deploy").status, "failed");
  assert.equal(task(report!, "rollback").status, "success");
  assert.equal(task(report!, "notify-failure").status, "success");
  assert.equal(task(report!, "notify-success").attempts, 0);
  assert.match(stderr, /✖ deploy failed exit 1/);
  assert.match(stderr, /^ {4}stderr │ deploy: staging refused the upload \(DEPLOY_FAIL=1\)$/m);
  // The callbacks say what they do (live_output: true).
  assert.match(stderr, /^\[rollback\] restoring the previous release$/m);
});

Deno.test("examples/hello.yml: the greeting passes from one task to the next", async () => {
  const { code, stdout, stderr } = await weft([
    "run",
    `${EXAMPLES}hello.yml`,
    "--json",
    "--verbose",
  ]);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as RunReport;
  assert.equal(task(report, "greet").outputs.greeting, "hello, world");
  assert.equal(task(report, "shout").status, "success");
  assert.match(stderr, /^\[shout\] HELLO, WORLD!$/m);

  // Without -v: the examples show what they are about (live_output: true).
  const plain = await weft(["run", `${EXAMPLES}hello.yml`]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stderr, /^\[greet\] composing a greeting for world$/m);
  assert.match(plain.stderr, /^\[shout\] HELLO, WORLD!$/m);

  const quiet = await weft(["run", `${EXAMPLES}hello.yml`, "-p", "who=Ada", "-p", "loud=no"]);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.match(quiet.stderr, /⤼ shout skipped \(condition\)/);
});

Deno.test("examples/http-check.yml: checks a live endpoint and reports it", async () => {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) =>
      new URL(req.url).pathname === "/health"
        ? Response.json({ healthy: true })
        : new Response("nope", { status: 500 }),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  const ok = await weft([
    "run",
    `${EXAMPLES}http-check.yml`,
    "-p",
    `url=${base}/health`,
    "--json",
    "-v",
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  const report = JSON.parse(ok.stdout) as RunReport;
  assert.equal(task(report, "check").outputs.status, "200");
  assert.deepEqual(JSON.parse(task(report, "check").outputs.body), { healthy: true });
  assert.match(ok.stderr, /^\[report\] status 200$/m);
  assert.match(
    ok.stderr,
    new RegExp(`^\\[check\\] GET ${base}/health → 200 OK \\((\\d+ms|\\d+\\.\\ds)\\)$`, "m"),
  );

  const broken = await weft([
    "run",
    `${EXAMPLES}http-check.yml`,
    "-p",
    `url=${base}/down`,
    "--json",
  ]);
  assert.equal(broken.code, 1);
  const failed = JSON.parse(broken.stdout) as RunReport;
  assert.equal(task(failed, "check").status, "failed");
  assert.equal(task(failed, "check").attempts, 3, "retried as the example says");
  assert.equal(task(failed, "report").status, "skipped");
  assert.match(broken.stderr, /HTTP 500 Internal Server Error \(expected 200, 204\)/);
});

Deno.test("examples/http-check.yml: the url param is required", async () => {
  const { code, stderr } = await weft(["run", `${EXAMPLES}http-check.yml`]);
  assert.equal(code, 2);
  assert.match(stderr, /missing required parameter "url"/);
});
