/**
 * The docker runner against a recording stand-in `docker` (tests/fixtures/docker/bin):
 * the exact argv of each docker call, failures, an unreachable engine, a missing
 * client, and `docker rm -f` when a timeout ends a running container.
 */
import assert from "node:assert/strict";
import { resolveQuoted } from "../src/model/data_text.ts";
import { dockerRunner, type DockerTask } from "../src/tasks/docker.ts";
import type { TaskContext } from "../src/tasks/types.ts";
import { testTempDir } from "./_tmp.ts";
import { dockerCalls, STANDIN_BIN } from "./_docker_standin.ts";
import { fakeContext, lineCollector } from "./_task_context.ts";

const SYSTEM_PATH = "/usr/bin:/bin";

function context(env: Record<string, string>, overrides: Partial<TaskContext> = {}) {
  const { lines, emit } = lineCollector();
  const ctx = fakeContext({
    runId: "20261201T000000.000Z-0123456789",
    taskId: "image",
    env,
    killGraceMs: 500,
    emit,
    interpolate: (text) => text.replaceAll("${env.BUILD_NUMBER}", "42"),
    ...overrides,
  });
  return { ctx, lines };
}

/** A stand-in environment: its own call log, `mode` for the engine's behaviour. */
function standIn(mode = "") {
  const log = `${testTempDir("docker-")}/calls`;
  const env: Record<string, string> = {
    PATH: `${STANDIN_BIN}:${SYSTEM_PATH}`,
    DOCKER_STANDIN_LOG: log,
  };
  if (mode) env.DOCKER_STANDIN_MODE = mode;
  return { env, calls: () => dockerCalls(log) };
}

const SEED: DockerTask = {
  config: {
    dockerfile: "Dockerfile",
    context: ".",
    tags: ["myapp:latest", "myapp:${env.BUILD_NUMBER}"],
    build_args: { NODE_ENV: "production" },
    push: true,
  },
};

Deno.test("docker: build then push each tag; output lines streamed; image output", async () => {
  const { env, calls } = standIn();
  const { ctx, lines } = context(env);
  const result = await dockerRunner.run(SEED, ctx);
  assert.deepEqual(result, { ok: true, exitCode: 0, outputs: { image: "myapp:latest" } });
  assert.deepEqual(await calls(), [
    [
      "build",
      "-f",
      "Dockerfile",
      "-t",
      "myapp:latest",
      "-t",
      "myapp:42",
      "--build-arg",
      "NODE_ENV=production",
      ".",
    ],
    ["push", "myapp:latest"],
    ["push", "myapp:42"],
  ]);
  assert.ok(
    lines.some((l) => l.stream === "stdout" && l.line === "Successfully built 0123456789ab"),
  );
  assert.ok(lines.some((l) => l.line === "The push refers to repository [myapp:42]"));
});

Deno.test("docker: run with a known container name; the container's exit code fails the task", async () => {
  const task: DockerTask = {
    config: { image: "alpine:3", command: "sh -c 'exit 3'", env: { A: "1" }, remove: false },
  };
  const { env, calls } = standIn("exit-3");
  const { ctx } = context(env, { taskId: "smoke test", attempt: 2 });
  const result = await dockerRunner.run(task, ctx);
  const [call] = await calls();
  const name = call[2];
  assert.match(name, /^weft-20261201T000000\.000Z-0123456789-smoke_test-[0-9a-f]{8}-2$/);
  assert.deepEqual(call, ["run", "--name", name, "-e", "A=1", "alpine:3", "sh", "-c", "exit 3"]);
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, 3);
  assert.equal(resolveQuoted(result.error!), "the container exited with code 3");
  assert.deepEqual(result.outputs, { container: name });
});

Deno.test("docker: a failed build stops there, its last stderr line in the reason", async () => {
  const { env, calls } = standIn("fail-build");
  const { ctx } = context(env);
  const result = await dockerRunner.run({ config: { ...SEED.config, image: "myapp:latest" } }, ctx);
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, 1);
  assert.equal(
    resolveQuoted(result.error!),
    "docker build exited with code 1: failed to solve: dockerfile parse error on line 1: unknown instruction: FORM",
  );
  assert.equal((await calls()).length, 1, "no push, no run after a failed build");
});

Deno.test("docker: an unreachable engine is a one-line reason saying so", async () => {
  const { env } = standIn("unreachable");
  const { ctx, lines } = context(env);
  const result = await dockerRunner.run({ config: { image: "alpine" } }, ctx);
  assert.equal(result.ok, false);
  assert.equal(
    resolveQuoted(result.error!),
    "cannot reach the Docker engine: docker: Cannot connect to the Docker daemon at " +
      "unix:///var/run/docker.sock. Is the docker daemon running?",
  );
  assert.ok(!result.error!.includes("\n"));
  assert.ok(lines.some((l) => l.stream === "stderr" && /Cannot connect/.test(l.line)));
});

Deno.test("docker: no docker on PATH is a one-line reason saying so", async () => {
  const empty = testTempDir("no-docker-");
  const { ctx } = context({ PATH: empty });
  const result = await dockerRunner.run({ config: { image: "alpine" } }, ctx);
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, null);
  assert.equal(
    resolveQuoted(result.error!),
    "docker is not installed: no `docker` program on PATH",
  );
});

Deno.test("docker: an abort ends the client and removes the container with docker rm -f", async () => {
  const { env, calls } = standIn("hang");
  const abort = new AbortController();
  const { ctx, lines } = context(env, { signal: abort.signal });
  const running = dockerRunner.run({ config: { image: "alpine", command: ["sleep", "600"] } }, ctx);
  // Abort once the "container" has printed its first line.
  while (!lines.some((l) => l.line === "container started")) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  abort.abort("timeout");
  const result = await running;
  assert.equal(result.ok, false);
  const [run, remove] = await calls();
  assert.equal(run[0], "run");
  assert.deepEqual(remove, ["rm", "-f", run[2]]);
  assert.equal(run[2], "weft-20261201T000000.000Z-0123456789-image-1");
});

Deno.test("docker: a bad value fails before any docker command starts", async () => {
  const { env, calls } = standIn();
  const { ctx } = context(env);
  await assert.rejects(
    dockerRunner.run({ config: { context: ".", image: "x", command: "echo 'unclosed" } }, ctx),
    /`command` has an unclosed ' quote/,
  );
  assert.deepEqual(await calls(), []);
});

Deno.test("docker: a container printing docker's words fails with its own exit code", async () => {
  const { env } = standIn("exit-1");
  // A container that runs a docker client of its own may print exactly this.
  env.DOCKER_STANDIN_SAY = "Cannot connect to the Docker daemon at tcp://x:2375";
  const { ctx, lines } = context(env);
  const result = await dockerRunner.run({ config: { image: "docker:cli" } }, ctx);
  assert.ok(lines.some((l) => l.line === env.DOCKER_STANDIN_SAY));
  assert.equal(result.exitCode, 1);
  assert.equal(resolveQuoted(result.error!), "the container exited with code 1");
});
