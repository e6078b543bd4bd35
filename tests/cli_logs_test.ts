/** `weft logs` through the real CLI: streams, tasks, attempts, --follow. */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { fakeRunId, publish, runEvents } from "./fixtures/history/events.ts";
import { follow, seed, tempHome, weft } from "./fixtures/history/cli.ts";
import { openStore } from "../src/store/open.ts";
import { createRecorder } from "../src/store/recorder.ts";
import { weft as weftCli } from "./_run_cli.ts";

const RUN = (id: string) => ({
  id,
  tasks: [
    {
      id: "build",
      lines: [["stdout", "compiling"], ["stderr", "warning: x"], ["stdout", "done"]] as Array<
        ["stdout" | "stderr", string]
      >,
    },
    {
      id: "test",
      attempts: 2,
      lines: [["stdout", "testing"]] as Array<["stdout" | "stderr", string]>,
    },
  ],
});

Deno.test("weft logs RUN TASK: stdout lines on stdout, stderr lines on stderr, raw", async () => {
  const { home, cleanup } = await tempHome();
  const id = fakeRunId();
  await seed(home, [RUN(id)]);
  const build = await weft(["logs", id, "build", "--home", home]);
  assert.equal(build.code, 0, build.stderr);
  assert.equal(build.stdout, "compiling\ndone\n");
  assert.equal(build.stderr, "warning: x\n");
  const onlyErr = await weft(["logs", id, "build", "--stream", "stderr", "--home", home]);
  assert.equal(onlyErr.stdout, "");
  assert.equal(onlyErr.stderr, "warning: x\n");
  await cleanup();
});

Deno.test("weft logs TASK: a task id alone is that task of the latest run", async () => {
  const { home, cleanup } = await tempHome();
  const older = fakeRunId(new Date("2026-01-01T00:00:00Z"));
  const id = fakeRunId();
  await seed(home, [RUN(older), {
    ...RUN(id),
    tasks: [{ id: "build", lines: [["stdout", "new"]] }],
  }]);
  const build = await weft(["logs", "build", "--home", home]);
  assert.equal(build.code, 0, build.stderr);
  assert.equal(build.stdout, "new\n");
  const missing = await weft(["logs", "nope", "--home", home]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /run .* has no task "nope"/);
  await cleanup();
});

Deno.test("weft logs RUN: every line prefixed with its task, aligned; the latest run by default", async () => {
  const { home, cleanup } = await tempHome();
  const older = fakeRunId(new Date("2026-01-01T00:00:00Z"));
  const id = fakeRunId();
  await seed(home, [RUN(older), RUN(id)]);
  for (const args of [["logs", id.slice(0, -2)], ["logs"]]) {
    const all = await weft([...args, "--home", home]);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(
      all.stdout,
      // Padded to the longest task id: a later attempt's `#N` sticks out (as --follow
      // prints it, before anyone knows a retry comes).
      "build | compiling\nbuild | done\ntest  | testing\ntest#2 | testing\n",
      args.join(" "),
    );
    assert.equal(all.stderr, "build | warning: x\n", "stderr lines on stderr, no headers");
  }
  await cleanup();
});

Deno.test("weft logs RUN --no-prefix: every task and attempt, with headers on stderr; --attempt picks one", async () => {
  const { home, cleanup } = await tempHome();
  const id = fakeRunId();
  await seed(home, [RUN(id)]);
  const all = await weft(["logs", id.slice(0, -2), "--no-prefix", "--home", home]);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stdout, "compiling\ndone\ntesting\ntesting\n");
  assert.equal(
    all.stderr,
    "==> build (attempt 1) <==\nwarning: x\n==> test (attempt 1) <==\n==> test (attempt 2) <==\n",
  );
  const second = await weft(["logs", id, "test", "--attempt", "2", "--home", home]);
  assert.equal(second.stdout, "testing\n");
  assert.equal(second.stderr, "");
  const unknown = await weft(["logs", id, "deploy", "--home", home]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no task "deploy".*\n.*build, test/);
  await cleanup();
});

Deno.test("weft logs --follow prints output as it is recorded and exits when the run ends", async () => {
  const { home, cleanup } = await tempHome();
  const id = fakeRunId();
  const events = runEvents({
    id,
    tasks: [{ id: "slow", lines: [["stdout", "first"], ["stdout", "second"]] }],
  });
  const store = await openStore(home);
  const recorder = createRecorder(store, store.logsDir);
  // Everything up to the first output line.
  const firstLine = events.findIndex((e) => e.type === "output") + 1;
  publish(recorder.listener, events.slice(0, firstLine));
  await recorder.flush();

  const follower = follow(["logs", id, "--follow", "--home", home], { NO_COLOR: "1" });
  const { child } = follower;
  await follower.until(
    (seen) => seen.includes("first\n"),
    "logs --follow exited before the run ended",
  );
  // The run goes on: the follower picks up the rest, then sees the end and exits.
  publish(recorder.listener, events.slice(firstLine));
  await recorder.flush();
  const seen = await follower.rest();
  const status = await child.status;
  assert.equal(status.code, 0);
  assert.equal(seen, "slow | first\nslow | second\n");
  await child.stderr.cancel();
  store.close();
  await cleanup();
});

Deno.test("weft logs --follow stops when the recording process dies, marking the run", async () => {
  const { home, cleanup } = await tempHome();
  const id = fakeRunId();
  const crashChild = new URL("./fixtures/history/crash_child.ts", import.meta.url).pathname;
  const recorderProcess = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", crashChild, home, id],
    stdout: "piped",
  }).spawn();
  const ready = recorderProcess.stdout.pipeThrough(new TextDecoderStream()).getReader();
  for (let seen = ""; !seen.includes("READY");) {
    const { value, done } = await ready.read();
    assert.ok(!done);
    seen += value;
  }
  const follower = follow(["logs", id, "--follow", "--no-prefix", "--home", home]);
  await follower.until(
    (seen) => seen.includes("before the kill\n"),
    "logs --follow exited while the run was alive",
  );
  recorderProcess.kill("SIGKILL");
  await recorderProcess.status;
  await ready.cancel();
  const seen = await follower.rest();
  const errText = await new Response(follower.child.stderr).text();
  const status = await follower.child.status;
  assert.equal(status.code, 0);
  assert.equal(seen, "first done\nbefore the kill\n");
  assert.match(errText, /process of run .* is gone; marked interrupted/);
  const after = await weft(["status", id, "--json", "--home", home]);
  assert.equal(JSON.parse(after.stdout).status, "interrupted");
  await cleanup();
});

Deno.test("weft logs --follow: interleaved tasks keep their prefix, and headers are not repeated", async () => {
  const { home, cleanup } = await tempHome();
  const id = fakeRunId();
  const events = runEvents({
    id,
    tasks: [
      { id: "a", lines: [["stdout", "a1"], ["stdout", "a2"]] },
      { id: "b", lines: [["stdout", "b1"], ["stdout", "b2"]] },
    ],
  });
  const types = events.map((e) => e.type);
  assert.deepEqual(types.slice(0, 6), [
    "run_started",
    "task_started",
    "output",
    "output",
    "attempt_finished",
    "task_finished",
  ]);
  // a and b run at once: a1, b1, then a2, b2, then both end.
  const before = [0, 1, 2, 6, 7].map((i) => events[i]);
  const after = [3, 8, 4, 5, 9, 10, 11].map((i) => events[i]);
  for (const prefix of [true, false]) {
    const runId = prefix ? id : fakeRunId();
    const renamed = (list: typeof events) => list.map((e) => ({ ...e, runId }) as typeof e);
    const store = await openStore(home);
    const recorder = createRecorder(store, store.logsDir);
    const start = renamed(before);
    if (!prefix) {
      (start[0] as { run: { id: string } }).run = {
        ...(start[0] as { run: { id: string } }).run,
        id: runId,
      };
    }
    publish(recorder.listener, start);
    await recorder.flush();
    const follower = follow(
      ["logs", runId, "-f", ...(prefix ? [] : ["--no-prefix"]), "--home", home],
      { NO_COLOR: "1" },
    );
    const { child } = follower;
    await follower.until(
      (seen) => seen.includes("b1\n"),
      "logs --follow exited before the run ended",
    );
    const rest = renamed(after);
    const last = rest.at(-1) as { report: { id: string } };
    last.report = { ...last.report, id: runId };
    publish(recorder.listener, rest);
    await recorder.flush();
    const seen = await follower.rest();
    const errText = await new Response(child.stderr).text();
    assert.equal((await child.status).code, 0);
    if (prefix) {
      assert.equal(seen, "a | a1\nb | b1\na | a2\nb | b2\n");
      assert.equal(errText, "");
    } else {
      assert.equal(seen, "a1\nb1\na2\nb2\n");
      assert.equal(errText, "==> a (attempt 1) <==\n==> b (attempt 1) <==\n", "one header each");
    }
    store.close();
  }
  await cleanup();
});

Deno.test("logs: a 200 KB line comes back whole and exact; -v shows a marked prefix", async () => {
  const dir = testTempDir("weft-longline-");
  const env = { WEFT_HOME: `${dir}/home`, NO_COLOR: "1" };
  const file = `${dir}/wf.json`;
  // One JSON line of 200 KB with non-ASCII text: no newline may be added inside it.
  const command = `printf '{"k":"'; head -c 200000 /dev/zero | tr '\\0' v; printf 'é日"}\\n'`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({ name: "long", tasks: [{ id: "json", command }] }),
  );
  const run = await weftCli(["run", file, "-v"], { env });
  assert.equal(run.code, 0, run.stderr);
  const shown = run.stderr.split("\n").filter((l) => l.startsWith("[json]"));
  assert.equal(shown.length, 1, "one display line for one output line");
  assert.ok(shown[0].length < 70_000);
  assert.match(shown[0], /line cut at 64 KiB here; `weft logs` prints it whole/);
  const id = (await weftCli(["history", "-q", "-n1"], { env })).stdout.trim();
  const logs = await weftCli(["logs", id, "json"], { env });
  assert.equal(logs.code, 0);
  assert.equal(logs.stdout, `{"k":"${"v".repeat(200_000)}é日"}\n`);
  assert.equal(JSON.parse(logs.stdout).k.length, 200_002);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("logs: a long line cut by the other stream's lines is still joined whole", async () => {
  const dir = testTempDir("weft-longline-");
  const env = { WEFT_HOME: `${dir}/home` };
  const file = `${dir}/wf.json`;
  const command = "head -c 100000 /dev/zero | tr '\\0' a; sleep 0.3; echo mid >&2; sleep 0.3; " +
    "head -c 100000 /dev/zero | tr '\\0' b; echo; echo end >&2";
  await Deno.writeTextFile(file, JSON.stringify({ name: "cut", tasks: [{ id: "t", command }] }));
  const run = await weftCli(["run", file, "-q"], { env });
  assert.equal(run.code, 0, run.stderr);
  const id = (await weftCli(["history", "-q", "-n1"], { env })).stdout.trim();
  const logs = await weftCli(["logs", id, "t"], { env });
  assert.equal(logs.stdout, `${"a".repeat(100_000)}${"b".repeat(100_000)}\n`);
  assert.equal(logs.stderr, "mid\nend\n");
  await Deno.remove(dir, { recursive: true });
});

/** Runs a three-task workflow (a and b print, quiet prints nothing) in a fresh home. */
async function runThree(): Promise<{ dir: string; env: Record<string, string>; id: string }> {
  const dir = testTempDir("weft-missing-log-");
  const env = { WEFT_HOME: `${dir}/home` };
  const file = `${dir}/wf.json`;
  const tasks = [
    { id: "a", command: "echo from-a" },
    { id: "b", command: "echo from-b" },
    { id: "quiet", command: "true" },
  ];
  await Deno.writeTextFile(file, JSON.stringify({ name: "three", tasks }));
  const run = await weftCli(["run", file, "-q"], { env });
  assert.equal(run.code, 0, run.stderr);
  const id = (await weftCli(["history", "-q", "-n1"], { env })).stdout.trim();
  return { dir, env, id };
}

Deno.test("logs: a deleted log file is one error naming its path, exit 1; other logs still print", async () => {
  const { dir, env, id } = await runThree();
  const path = `${dir}/home/logs/${id}/a.1.log`;
  await Deno.remove(path);
  const missing = `weft: the log of a (attempt 1) is missing: ${path} — it was deleted or moved\n`;
  const one = await weftCli(["logs", id, "a"], { env });
  assert.equal(one.code, 1);
  assert.equal(one.stdout, "");
  assert.equal(one.stderr, missing);
  for (const extra of [[], ["--follow"]]) {
    const all = await weftCli(["logs", id, ...extra], { env });
    assert.equal(all.code, 1, extra.join(" "));
    assert.match(all.stdout, /b +\| from-b\n/);
    assert.equal(all.stderr, missing, "reported once, even with --follow");
  }
  // A task that printed nothing has no file, and that is no error.
  const quiet = await weftCli(["logs", id, "quiet"], { env });
  assert.deepEqual([quiet.code, quiet.stdout, quiet.stderr], [0, "", ""]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("logs: a folder where a log file should be is named in the error", async () => {
  const { dir, env, id } = await runThree();
  const path = `${dir}/home/logs/${id}/a.1.log`;
  await Deno.remove(path);
  await Deno.mkdir(path);
  const logs = await weftCli(["logs", id], { env });
  assert.equal(logs.code, 1);
  assert.match(logs.stdout, /b +\| from-b\n/);
  assert.equal(
    logs.stderr,
    `weft: cannot read the log of a (attempt 1): ${path}: it is a folder, not a file\n`,
  );
  assert.doesNotMatch(logs.stderr, /internal error/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("weft logs RUN: a run of thousands of tasks, most silent, prints every line in the run's order", async () => {
  const { home, cleanup } = await tempHome();
  const id = fakeRunId();
  // As a loop of 3,000 iterations: one task record each, every third one printing.
  const tasks = Array.from({ length: 3000 }, (_, i) => ({
    id: `t${i}`,
    lines: (i % 3 === 0 ? [["stdout", `line ${i}`]] : []) as Array<["stdout" | "stderr", string]>,
  }));
  await seed(home, [{ id, tasks }]);
  const all = await weft(["logs", id, "--home", home]);
  assert.equal(all.code, 0, all.stderr);
  const expected = tasks.filter((_, i) => i % 3 === 0).map((t) =>
    `${t.id.padEnd(5)} | line ${t.id.slice(1)}\n`
  );
  assert.equal(all.stdout, expected.join(""));
  assert.equal(all.stderr, "");
  await cleanup();
});

Deno.test("weft logs --attempt N that does not exist is an error (exit 2) naming how many there are", async () => {
  const home = testTempDir("home-");
  const file = new URL("./fixtures/logs_attempts/retried.yml", import.meta.url).pathname;
  const env = { env: { WEFT_HOME: home } };
  const run = await weftCli(["run", file, "-q"], env);
  assert.equal(run.code, 0, run.stderr);
  const second = await weftCli(["logs", "flaky", "--attempt", "2"], env);
  assert.deepEqual([second.code, second.stdout], [0, "second\n"]);
  const cases: [string[], RegExp][] = [
    [
      ["flaky", "--attempt", "3"],
      /task "flaky" of run \S+ has no attempt 3\n {2}hint: it made 2 attempts/,
    ],
    [
      ["skipped", "--attempt", "1"],
      /task "skipped" of run \S+ has no attempt 1\n {2}hint: it made no attempt/,
    ],
    [["--attempt", "5"], /run \S+ has no attempt 5\n {2}hint: its tasks made at most 2 attempts/],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = await weftCli(["logs", ...args], env);
    assert.equal(code, 2, `${args}: ${stderr}`);
    assert.equal(stdout, "");
    assert.match(stderr, message);
  }
});
