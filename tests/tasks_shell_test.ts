import assert from "node:assert/strict";
import { shellRunner } from "../src/tasks/shell.ts";
import { DenoSpawner } from "../src/tasks/spawner.ts";
import type { TaskContext } from "../src/tasks/types.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

function context(overrides: Partial<TaskContext> = {}) {
  const lines: { stream: string; line: string }[] = [];
  const ctx: TaskContext = {
    runId: "r",
    taskId: "t",
    attempt: 1,
    cwd: Deno.cwd(),
    env: { PATH },
    signal: new AbortController().signal,
    killGraceMs: 1000,
    outputFile: "",
    emit: (stream, line) => lines.push({ stream, line }),
    interpolate: (text) => text,
    interpolateShell: (command) => ({ command, env: {} }),
    spawner: new DenoSpawner(),
    ...overrides,
  };
  return { ctx, lines };
}

Deno.test("shell: sh -c by default; exit code 0 is ok; stdout and stderr kept apart", async () => {
  const { ctx, lines } = context();
  const result = await shellRunner.run({ command: "echo out; echo err >&2; echo $0" }, ctx);
  assert.deepEqual(result, { ok: true, exitCode: 0, outputs: {} });
  assert.deepEqual(
    lines.filter((l) => l.stream === "stdout").map((l) => l.line.replace(/^.*\//, "")),
    ["out", "sh"],
  );
  assert.deepEqual(lines.filter((l) => l.stream === "stderr").map((l) => l.line), ["err"]);
});

Deno.test("shell: a non-zero exit fails with the code", async () => {
  const { ctx } = context();
  const result = await shellRunner.run({ command: "exit 7" }, ctx);
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, 7);
  assert.equal(result.error, "exited with code 7");
});

Deno.test("shell: `shell: bash` runs bash (bash syntax works)", async () => {
  const { ctx, lines } = context();
  const result = await shellRunner.run(
    { command: "a=(x y z); echo ${#a[@]} $BASH_VERSION", shell: "bash" },
    ctx,
  );
  assert.equal(result.ok, true);
  assert.match(lines[0].line, /^3 \d/);
});

Deno.test("shell: a shell that does not exist fails with a message, not a throw", async () => {
  const { ctx } = context();
  const result = await shellRunner.run({ command: "true", shell: "/no/such/shell" }, ctx);
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, null);
  assert.match(result.error!, /cannot start shell "\/no\/such\/shell": not found/);
});

Deno.test("shell: a working directory that does not exist is named in the error", async () => {
  const { ctx } = context({ cwd: "/no/such/dir" });
  const result = await shellRunner.run({ command: "true" }, ctx);
  assert.equal(result.ok, false);
  assert.match(result.error!, /working directory "\/no\/such\/dir" does not exist/);
});

Deno.test("shell: lines are streamed as they arrive, not at the end", async () => {
  const dir = await Deno.makeTempDir();
  const { ctx, lines } = context({
    cwd: dir,
    emit: (stream, line) => {
      lines.push({ stream, line });
      // The command waits for this file, so it only ends if "first" arrived while it ran.
      if (line === "first") Deno.writeTextFileSync(`${dir}/go`, "");
    },
  });
  const result = await shellRunner.run(
    { command: "echo first; while [ ! -f go ]; do sleep 0.01; done; echo second" },
    ctx,
  );
  assert.equal(result.ok, true);
  assert.deepEqual(lines.map((l) => l.line), ["first", "second"]);
});

Deno.test("shell: CRLF endings stripped, final partial line flushed, values via env", async () => {
  const { ctx, lines } = context({
    interpolateShell: () => ({
      command: 'printf "a\\r\\nb\\n%s" "$WEFT_V_1"',
      env: { WEFT_V_1: "c d" },
    }),
  });
  const result = await shellRunner.run({ command: "ignored: interpolateShell decides" }, ctx);
  assert.equal(result.ok, true);
  assert.deepEqual(lines.map((l) => l.line), ["a", "b", "c d"]);
});

Deno.test("shell: abort terminates the command (killed by SIGTERM)", async () => {
  const controller = new AbortController();
  const { ctx } = context({
    signal: controller.signal,
    emit: (_stream, line) => line === "started" && controller.abort(),
  });
  const result = await shellRunner.run({ command: "echo started; sleep 1000" }, ctx);
  assert.equal(result.ok, false);
  assert.equal(result.error, "killed by SIGTERM");
});
