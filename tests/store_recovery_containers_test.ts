/**
 * src/store/recovery_containers.ts through the real CLI: after `kill -9` of `weft run`,
 * the next weft command ends the run's docker clients and removes their containers with
 * `docker rm -f NAME` (the client's end does not stop a container), naming them; a run
 * without docker tasks asks docker nothing. Uses the stand-in docker (no engine here).
 * @module
 */
import assert from "node:assert/strict";
import { dockerCalls, STANDIN_BIN } from "./_docker_standin.ts";
import { historyJson, weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/recovery_containers/", import.meta.url).pathname;

/** Polls `check` every 50 ms until it holds; fails naming `what` after ~20 s. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`never: ${what}`);
}

Deno.test("kill -9 of weft run: the next weft command runs docker rm -f for each container the run named, and says so", async () => {
  const dir = testTempDir();
  const log = `${dir}/calls`;
  const home = `${dir}/home`;
  const env = {
    WEFT_HOME: home,
    PATH: `${STANDIN_BIN}:${Deno.env.get("PATH")}`,
    DOCKER_STANDIN_LOG: log,
    DOCKER_STANDIN_MODE: "hang",
    STARTED: `${dir}/started`,
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", `${FIXTURES}containers.yml`, "-q", "--max-parallel", "8"]),
    env: weftEnv(env),
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  await until("three containers started", async () => (await dockerCalls(log)).length === 3);
  // The shell task too (started beside them, its group ended with theirs).
  await until(
    "the shell task started",
    () => Deno.stat(`${dir}/started`).then(() => true, () => false),
  );
  child.kill("SIGKILL");
  await child.status;
  const started = (await dockerCalls(log)).map((call) => call[2]).sort();

  // Recovered by a command run without the stand-in on PATH or its log in the environment:
  // `docker rm -f` runs with the environment of the client that started the container.
  const result = await weft(["history"], { env: { WEFT_HOME: home } });
  assert.equal(result.code, 0, result.stderr);
  const calls = await dockerCalls(log);
  const removed = calls.slice(3);
  assert.deepEqual(removed.map((call) => call.slice(0, 2)), [["rm", "-f"], ["rm", "-f"], [
    "rm",
    "-f",
  ]]);
  assert.deepEqual(removed.map((call) => call[2]).sort(), started);
  assert.match(
    result.stderr,
    /ended its 4 task process groups still running; removed its containers /,
  );
  for (const name of started) assert.ok(result.stderr.includes(name), name);
  const [run] = await historyJson(home);
  assert.equal(run.status, "interrupted");

  // Once recovered, nothing more: a later command asks docker nothing.
  await weft(["history"], { env: { WEFT_HOME: home } });
  assert.equal((await dockerCalls(log)).length, 6);
});

Deno.test("kill -9 of weft run without docker tasks: recovery ends its groups and calls no docker", async () => {
  const dir = testTempDir();
  const log = `${dir}/calls`;
  const home = `${dir}/home`;
  const workflow = `${dir}/plain.yml`;
  await Deno.writeTextFile(
    workflow,
    `name: plain\ntasks:\n  - id: p\n    command: echo "$WEFT_TASK_ID" > "${dir}/started"; sleep 300\n`,
  );
  const env = {
    WEFT_HOME: home,
    PATH: `${STANDIN_BIN}:${Deno.env.get("PATH")}`,
    DOCKER_STANDIN_LOG: log,
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", workflow, "-q"]),
    env: weftEnv(env),
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  await until("the task started", async () => {
    try {
      return (await Deno.readTextFile(`${dir}/started`)).trim() === "p";
    } catch {
      return false;
    }
  });
  child.kill("SIGKILL");
  await child.status;
  const result = await weft(["history"], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /ended its 1 task process group still running\n/);
  assert.deepEqual(await dockerCalls(log), []);
});
