/**
 * `docker` tasks through the real CLI: a timeout removes the container, a missing client
 * and an unreachable engine are one-line reasons, and (where `docker info` succeeds) a
 * real container runs. The stand-in `docker` of tests/fixtures/docker/bin records argv.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { EXAMPLES, reportTask as record, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { dockerCalls, dockerEngineMissing, STANDIN_BIN } from "./_docker_standin.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

/** Writes `yaml` as a workflow in a fresh folder; returns its path. */
async function workflow(yaml: string): Promise<string> {
  const file = `${testTempDir("docker-wf-")}/workflow.yml`;
  await Deno.writeTextFile(file, yaml);
  return file;
}

/** Runs `file` with the stand-in docker first on PATH; returns the result and its calls. */
async function runWithStandIn(file: string, mode = "") {
  const log = `${testTempDir("docker-")}/calls`;
  const env: Record<string, string> = { DOCKER_STANDIN_LOG: log, PATH: `${STANDIN_BIN}:${PATH}` };
  if (mode) env.DOCKER_STANDIN_MODE = mode;
  const result = await weft(["run", file, "--json"], { env });
  const report = result.stdout ? JSON.parse(result.stdout) as RunReport : undefined;
  return { ...result, report, calls: await dockerCalls(log) };
}

Deno.test("docker via CLI: a timeout ends docker run and removes the container (rm -f)", async () => {
  const file = await workflow([
    "name: docker-timeout",
    "tasks:",
    "  - id: serve",
    "    type: docker",
    "    timeout: 1s",
    "    config:",
    "      image: nginx:alpine",
    "      ports: ['127.0.0.1:8080:80']",
    "",
  ].join("\n"));
  const { code, report, calls, stderr } = await runWithStandIn(file, "hang");
  assert.equal(code, 1, stderr);
  const serve = record(report!, "serve");
  assert.equal(serve.status, "timed_out");
  const name = `weft-${report!.id}-serve-1`;
  assert.deepEqual(calls, [
    ["run", "--name", name, "--rm", "-p", "127.0.0.1:8080:80", "nginx:alpine"],
    ["rm", "-f", name],
  ]);
});

Deno.test("docker via CLI: the steps of a parallel task get container names of their own", async () => {
  const file = await workflow([
    "name: docker-nested",
    "tasks:",
    "  - id: both",
    "    type: parallel",
    "    tasks:",
    "      - { id: a, type: docker, config: { image: alpine, command: 'echo a' } }",
    "      - { id: b, type: docker, config: { image: alpine, command: [echo, b] } }",
    "",
  ].join("\n"));
  const { code, calls, stderr, report } = await runWithStandIn(file);
  assert.equal(code, 0, stderr);
  const names = calls.map((argv) => argv[2]).sort();
  assert.deepEqual(names, [`weft-${report!.id}-a-1`, `weft-${report!.id}-b-1`]);
  assert.deepEqual(calls.map((argv) => argv.slice(4)).sort(), [
    ["alpine", "echo", "a"],
    ["alpine", "echo", "b"],
  ]);
});

Deno.test("docker via CLI: no docker on PATH fails the task with a one-line reason", async () => {
  const file = await workflow(
    "name: no-docker\ntasks:\n  - id: build\n    type: docker\n    config: { context: . }\n",
  );
  const { code, report, stderr } = await weft(["run", file, "--json"], {
    env: { PATH: testTempDir("empty-path-") },
  }).then((r) => ({ ...r, report: JSON.parse(r.stdout) as RunReport }));
  assert.equal(code, 1, stderr);
  const build = record(report, "build");
  assert.equal(build.status, "failed");
  assert.equal(build.error, "docker is not installed: no `docker` program on PATH");
  assert.match(stderr, /✖ build failed.* docker is not installed: no `docker` program on PATH$/m);
  assert.doesNotMatch(stderr, /internal error|\n\s{4}at /);
});

Deno.test("docker via CLI: an unreachable engine (stand-in) fails with a one-line reason", async () => {
  const file = await workflow(
    "name: no-engine\ntasks:\n  - id: run\n    type: docker\n    config: { image: alpine }\n",
  );
  const { code, report, stderr } = await runWithStandIn(file, "unreachable");
  assert.equal(code, 1, stderr);
  assert.equal(
    record(report!, "run").error,
    "cannot reach the Docker engine: docker: Cannot connect to the Docker daemon at " +
      "unix:///var/run/docker.sock. Is the docker daemon running?",
  );
});

const missing = await dockerEngineMissing();
const clientMissing = missing === "no docker client on PATH";

Deno.test({
  name: `docker via CLI: the real client without an engine says so${
    missing ? "" : " (skipped: a docker engine is reachable here)"
  }${clientMissing ? " (skipped: no docker client on PATH)" : ""}`,
  ignore: missing === null || clientMissing,
  async fn() {
    const file = await workflow(
      "name: real-client\ntasks:\n  - id: run\n    type: docker\n    config: { image: alpine }\n",
    );
    const { code, stdout, stderr } = await weft(["run", file, "--json"]);
    assert.equal(code, 1, stderr);
    const run = record(JSON.parse(stdout) as RunReport, "run");
    assert.match(run.error ?? "", /^cannot reach the Docker engine: .*Docker daemon/);
    assert.ok(!run.error!.includes("\n"));
  },
});

Deno.test({
  name: `docker via CLI: runs a real container${missing ? ` (skipped: ${missing})` : ""}`,
  ignore: missing !== null,
  async fn() {
    const file = await workflow([
      "name: real-container",
      "tasks:",
      "  - id: hello",
      "    type: docker",
      "    live_output: true",
      "    config:",
      "      image: alpine:3",
      "      pull: missing",
      "      env: { WHO: 'a b; $(id)' }",
      "      workdir: /tmp",
      `      command: ["sh", "-c", 'echo "hi $WHO from $(pwd)"; exit 3']`,
      "",
    ].join("\n"));
    const { code, stdout, stderr } = await weft(["run", file, "--json"]);
    assert.equal(code, 1, stderr);
    const hello = record(JSON.parse(stdout) as RunReport, "hello");
    assert.equal(hello.exitCode, 3);
    assert.equal(hello.error, "the container exited with code 3");
    assert.match(stderr, /^\[hello\] hi a b; \$\(id\) from \/tmp$/m);
  },
});

Deno.test("docker via CLI: --dry-run shows the docker commands and runs none", async () => {
  const log = `${testTempDir("docker-")}/calls`;
  const { code, stdout, stderr } = await weft(
    ["run", `${EXAMPLES}docker/docker-build.json`, "--env", "BUILD_NUMBER=7", "--dry-run"],
    { env: { DOCKER_STANDIN_LOG: log, PATH: `${STANDIN_BIN}:${PATH}` } },
  );
  assert.equal(code, 0, stderr);
  const all = stdout + stderr;
  assert.match(
    all,
    /^ +docker build -f Dockerfile -t myapp:latest -t myapp:7 --build-arg NODE_ENV=production \.$/m,
  );
  assert.match(
    all,
    /^ +docker run --name 'weft-<run>-<task>-<attempt>' --rm --pull never -e 'GREETING=hello from build 7' myapp:7 node server\.js --check$/m,
  );
  assert.deepEqual(await dockerCalls(log), []);
});

Deno.test("docker via CLI: loop iterations run containers of distinct, valid names", async () => {
  const file = await workflow([
    "name: docker-loop",
    "tasks:",
    "  - id: deploy",
    "    type: loop",
    "    items: [qa, prod]",
    "    parallel: true",
    "    task:",
    "      type: docker",
    "      config: { image: alpine, command: 'echo ${item}', remove: false }",
    "",
  ].join("\n"));
  const { code, calls, stderr, report } = await runWithStandIn(file);
  assert.equal(code, 0, stderr);
  const byItem = new Map(calls.map((argv) => [argv.at(-1), argv[2]]));
  assert.deepEqual([...byItem.keys()].sort(), ["prod", "qa"]);
  for (const [item, name] of byItem) {
    assert.match(name!, new RegExp(`^weft-${report!.id}-deploy_${item}_-[0-9a-f]{8}-1$`));
  }
  assert.notEqual(byItem.get("qa"), byItem.get("prod"));
});

Deno.test("docker via CLI: a value in a volume's host path is one name inside it", async () => {
  const volumes = (d: string) =>
    workflow([
      "name: docker-volumes",
      "params:",
      `  d: ${JSON.stringify(d)}`,
      "  whole: /srv/h:/c",
      "tasks:",
      "  - id: v",
      "    type: docker",
      "    config:",
      "      image: alpine",
      "      volumes:",
      "        - ./data/${params.d}:/data/${params.d}:ro",
      "        - ${params.whole}",
      "        - vol-${params.d}:/cache",
      "        - ./data/${raw(params.d)}/x:/raw",
      "",
    ].join("\n"));
  const ok = await runWithStandIn(await volumes("sub"));
  assert.equal(ok.code, 0, ok.stderr);
  const name = `weft-${ok.report!.id}-v-1`;
  assert.deepEqual(ok.calls, [[
    "run",
    "--name",
    name,
    "--rm",
    "-v",
    "./data/sub:/data/sub:ro",
    "-v",
    "/srv/h:/c",
    "-v",
    "vol-sub:/cache",
    "-v",
    "./data/sub/x:/raw",
    "alpine",
  ]]);
  // `..` or `/` in the value would leave ./data; a `:` would end the host path early.
  for (
    const [d, reason] of [
      ["../../..", /^config\.volumes\[0\]: a value holds "\/" .*would add folders/],
      ["..", /^config\.volumes\[0\]: a value makes the name "\.\."/],
      ["x:/etc", /^config\.volumes\[0\]: a value holds "\/"/],
      ["x:y", /^config\.volumes\[0\]: the host path "\.\/data\/x:y" holds ":"/],
    ] as const
  ) {
    const refused = await runWithStandIn(await volumes(d));
    assert.equal(refused.code, 1, d);
    assert.match(record(refused.report!, "v").error ?? "", reason);
    assert.deepEqual(refused.calls, [], d);
  }
});

Deno.test("docker via CLI: env and build_args read names set above them, as environment does", async () => {
  const file = await workflow([
    "name: docker-env-order",
    "environment: {X: outer}",
    "tasks:",
    "  - id: d",
    "    type: docker",
    "    environment: {V: task}",
    "    config:",
    "      image: alpine",
    "      context: .",
    "      tags: [t]",
    '      env: {X: "1", Y: "${env.X}-y", PATH: "${env.PATH}"}',
    '      build_args: {V: "2", W: "${env.V}-w", U: "${env.X}"}',
    "",
  ].join("\n"));
  const { code, calls, stderr } = await runWithStandIn(file);
  assert.equal(code, 0, stderr);
  const build = calls.find((call) => call[0] === "build")!;
  // A name of the block above wins; another reads the layer below (the task's environment).
  assert.deepEqual(build.filter((_, i) => build[i - 1] === "--build-arg"), [
    "V=2",
    "W=2-w",
    "U=outer",
  ]);
  const run = calls.find((call) => call[0] === "run")!;
  assert.deepEqual(run.filter((_, i) => run[i - 1] === "-e"), [
    "X=1",
    "Y=1-y",
    `PATH=${STANDIN_BIN}:${PATH}`,
  ]);
  const dry = await weft(["run", file, "--dry-run"], { env: { WEFT_HOME: testTempDir("home-") } });
  assert.match(dry.stdout + dry.stderr, /--build-arg V=2 --build-arg W=2-w --build-arg U=outer/);
  assert.match(dry.stdout + dry.stderr, /-e X=1 -e Y=1-y/);
});

Deno.test("docker via CLI: validate refuses a name set further down env or build_args", async () => {
  const file = await workflow([
    "name: docker-env-later",
    "tasks:",
    "  - id: d",
    "    type: docker",
    "    config:",
    "      image: alpine",
    '      env: {Y: "${env.X}-y", X: "1"}',
    '      build_args: {W: "${env.V}-w", V: "2"}',
    "",
  ].join("\n"));
  const result = await weft(["validate", file]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(
    result.stderr,
    /workflow\.yml:7:17: config\.env\.Y in task "d": X is set further down this block, after Y in \$\{env\.X\}\n {2}hint: values are set in order, each from those above it; move X above Y/,
  );
  assert.match(
    result.stderr,
    /workflow\.yml:8:24: config\.build_args\.W in task "d": V is set further down/,
  );
});
