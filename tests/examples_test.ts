import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { EXAMPLES, reportTask as task, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { dockerCalls, dockerEngineMissing, STANDIN_BIN } from "./_docker_standin.ts";

const DEPLOY = `${EXAMPLES}deploy/deployment-workflow.json`;

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

Deno.test("examples/deploy: a failed deploy runs rollback, then notify-failure, exit 1", async () => {
  const { code, steps, report, stderr } = await runDeploy([], { DEPLOY_FAIL: "1" });
  assert.equal(code, 1, stderr);
  assert.deepEqual(steps.slice(0, 4), ["validate", "build", "test", "deploy (failed)"]);
  // notify-failure depends_on rollback: "staging rolled back" is said once it is true.
  assert.deepEqual(steps.slice(4), ["rollback", "notify-failure"]);
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

// This machine may have no docker engine: then the example runs with the recording
// stand-in `docker` first on PATH (tests/fixtures/docker/bin), and the test checks the
// docker commands it was given; where `docker info` succeeds, it runs for real.
const dockerMissing = await dockerEngineMissing();
Deno.test(
  `examples/docker: builds myapp with both tags, then runs it once (${
    dockerMissing ? `stand-in docker: ${dockerMissing}` : "real docker"
  })`,
  async () => {
    const log = `${testTempDir("docker-")}/calls`;
    const env: Record<string, string> = dockerMissing
      ? { DOCKER_STANDIN_LOG: log, PATH: `${STANDIN_BIN}:${Deno.env.get("PATH") ?? "/usr/bin"}` }
      : {};
    const file = `${EXAMPLES}docker/docker-build.json`;
    const result = await weft(["run", file, "--env", "BUILD_NUMBER=42", "--json"], { env });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as RunReport;
    assert.equal(task(report, "docker-build").outputs.image, "myapp:latest");
    const container = task(report, "smoke-test").outputs.container;
    assert.equal(container, `weft-${report.id}-smoke-test-1`);
    if (!dockerMissing) {
      assert.match(result.stderr, /^\[smoke-test\] hello from build 42 \(NODE_ENV=production\)$/m);
      return;
    }
    assert.deepEqual(await dockerCalls(log), [
      [
        "build",
        ...["-f", "Dockerfile", "-t", "myapp:latest", "-t", "myapp:42"],
        ...["--build-arg", "NODE_ENV=production", "."],
      ],
      [
        "run",
        ...["--name", container, "--rm", "--pull", "never"],
        ...["-e", "GREETING=hello from build 42", "myapp:42", "node", "server.js", "--check"],
      ],
    ]);
    // Paths are the docker CLI's, relative to the workflow's folder (the task's cwd).
    const dirs = (await Deno.readTextFile(`${log}.cwd`)).trim().split("\n");
    assert.deepEqual(dirs, [`${EXAMPLES}docker`, `${EXAMPLES}docker`]);
  },
);

Deno.test("examples/scripts.yml: JavaScript and Python tasks hand values along", async () => {
  const { code, stdout, stderr } = await weft([
    "run",
    `${EXAMPLES}scripts.yml`,
    "--json",
    "-p",
    "who=Ada",
  ]);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as RunReport;
  assert.deepEqual(task(report, "count").outputs, {
    words: "12",
    longest: "workflows:",
    first_lines: "Weft runs workflows:\na graph of tasks with retries, timeouts and history.",
  });
  assert.equal(task(report, "judge").outputs.verdict, "long");
  assert.equal(task(report, "greet").outputs.greeting, "hello Ada");
  assert.match(stderr, /^\[greet\] hello Ada: the text is long, its longest word "workflows:"$/m);
  assert.match(stderr, /^\[inline-python\] python says: hello Ada$/m);
});

Deno.test("examples/data-processor: the seed's data/*.json → process-data.js → processed/output.json", async () => {
  // Copied, because the task writes processed/output.json beside the workflow.
  const dir = testTempDir("data-processor-");
  for (const sub of ["data", "scripts"]) {
    Deno.mkdirSync(`${dir}/${sub}`);
    for (const entry of Deno.readDirSync(`${EXAMPLES}data-processor/${sub}`)) {
      Deno.copyFileSync(
        `${EXAMPLES}data-processor/${sub}/${entry.name}`,
        `${dir}/${sub}/${entry.name}`,
      );
    }
  }
  Deno.copyFileSync(`${EXAMPLES}data-processor/workflow.json`, `${dir}/workflow.json`);
  const { code, stdout, stderr } = await weft(["run", `${dir}/workflow.json`, "--json"]);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as RunReport;
  assert.equal(task(report, "process-data").outputs.input_count, "2");
  const output = JSON.parse(Deno.readTextFileSync(`${dir}/processed/output.json`));
  assert.equal(output.files, 2);
  assert.equal(output.count, 3);
  assert.equal(output.total, 500);
  assert.deepEqual(output.orders.map((o: { id: string }) => o.id), ["e-1", "e-2", "w-1"]);
  assert.match(stderr, /^\[process-data\] processed 3 orders from 2 files, total 500$/m);
  assert.match(stderr, /^\[report\] wrote .*\/processed\/output\.json from 2 files$/m);
});

Deno.test("examples/subworkflow: release shows what it publishes without -v", async () => {
  const home = testTempDir("home-");
  const { code, stderr } = await weft(["run", `${EXAMPLES}subworkflow/release.yml`], {
    env: { WEFT_HOME: home },
  });
  assert.equal(code, 0, stderr);
  assert.match(stderr, /^\[publish\] publishing api-1\.0\.0\.tar\.gz and web-1\.0\.0\.tar\.gz$/m);
  // The builds' own output stays behind -v.
  assert.doesNotMatch(stderr, /compiling api/);
});

Deno.test("examples/subworkflow: release calls build twice; each child's artifact flows on", async () => {
  const home = testTempDir("home-");
  const { code, stdout, stderr } = await weft([
    "run",
    `${EXAMPLES}subworkflow/release.yml`,
    "--json",
    "--verbose",
    "-p",
    "version=2.1.0",
  ], { env: { WEFT_HOME: home } });
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as RunReport;
  assert.equal(task(report, "build-api").outputs.artifact, "api-2.1.0.tar.gz");
  assert.equal(task(report, "build-web").outputs.artifact, "web-2.1.0.tar.gz");
  assert.match(stderr, /^\[publish\] publishing api-2\.1\.0\.tar\.gz and web-2\.1\.0\.tar\.gz$/m);
  assert.match(stderr, /^\[build-api\] \[compile\] compiling api 2\.1\.0$/m);
  const all = await weft(["history", "--all", "-q"], { env: { WEFT_HOME: home } });
  assert.equal(all.stdout.trim().split("\n").length, 3, "the release and its two builds");
});
