/**
 * End to end: a real workflow run by the real engine, recorded through
 * openRunHistory (what `weft run` wires in), then read back with the real CLI's
 * history, status, logs and metrics; secrets never reach WEFT_HOME; --resume.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import type { CliIO } from "../src/cli/io.ts";
import { openRunHistory } from "../src/cli/run_history.ts";
import { loadWorkflow } from "../src/parse/mod.ts";
import { resolveParams } from "../src/engine/params.ts";
import { Secrets } from "../src/engine/secrets.ts";
import { startRun } from "../src/engine/mod.ts";
import { DenoSpawner } from "../src/tasks/spawner.ts";
import { WeftError } from "../src/model/errors.ts";
import type { RunReport } from "../src/engine/events.ts";
import { tempHome, weft } from "./fixtures/history/cli.ts";

const FIXTURE = new URL("./fixtures/history/flaky.yml", import.meta.url).pathname;
const TOKEN = "tok-e2e-7f3a9c";
const DB_PASS = "pw-e2e-declared";

function captureIO(env: Record<string, string>): CliIO & { errText: () => string } {
  let errText = "";
  const decoder = new TextDecoder();
  return {
    stdout: { write: () => Promise.resolve() },
    stderr: { write: (c: Uint8Array) => Promise.resolve(errText += decoder.decode(c)) },
    env,
    cwd: "/",
    stderrIsTTY: false,
    stdin: new ReadableStream(),
    errText: () => errText,
  };
}

/** Runs `file` like `weft run --home HOME [--resume ID]` does, in process. */
async function run(
  file: string,
  home: string,
  env: Record<string, string>,
  resumeId?: string,
): Promise<RunReport> {
  const io = captureIO(env);
  const loaded = await loadWorkflow(file, { cwd: "/" });
  const secrets = new Secrets();
  const history = await openRunHistory(io, {
    secrets,
    workflow: loaded.workflow,
    file: loaded.file,
    fileHash: loaded.hash,
    homeOption: home,
    resumeId,
  });
  const handle = startRun({
    workflow: loaded.workflow,
    file: loaded.file,
    dir: loaded.dir,
    fileHash: loaded.hash,
    params: resolveParams(loaded.workflow, {}),
    baseEnv: env,
    spawner: new DenoSpawner(),
    listeners: [history.listener],
    secrets,
    resume: history.resume,
  });
  const report = await handle.done;
  await history.finish();
  assert.equal(io.errText(), "");
  return report;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

Deno.test("a real run is recorded and read back by history, status, logs and metrics", async () => {
  const { home, cleanup } = await tempHome();
  const work = testTempDir();
  const env = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    API_TOKEN: TOKEN,
    DB_PASS,
    FIXED_MARKER: `${work}/fixed`,
  };
  const failed = await run(FIXTURE, home, env);
  assert.equal(failed.status, "failed");

  const history = await weft(["history", "--json", "--home", home]);
  assert.equal(history.code, 0, history.stderr);
  const [entry] = JSON.parse(history.stdout);
  assert.equal(entry.id, failed.id);
  assert.equal(entry.workflow, "flaky");
  assert.equal(entry.status, "failed");

  const status = JSON.parse((await weft(["status", failed.id, "--json", "--home", home])).stdout);
  assert.deepEqual(
    status.tasks.map((t: Record<string, unknown>) => [t.id, t.status, t.attempts]),
    [["build", "success", 1], ["test", "failed", 2]],
  );
  assert.equal(status.tasks[0].outputs.version, "1.0");
  assert.equal(status.file, FIXTURE);

  const logs = await weft(["logs", failed.id, "build", "--home", home]);
  assert.equal(logs.stdout, "building with token ***\n");
  assert.equal(logs.stderr, "db password is ***\n");
  const testLogs = await weft(["logs", failed.id, "test", "--attempt", "2", "--home", home]);
  assert.equal(testLogs.stdout, "testing ***\n");

  // Nothing secret anywhere under WEFT_HOME.
  const needles = [TOKEN, DB_PASS].map((s) => new TextEncoder().encode(s));
  let files = 0;
  for await (const path of walk(home)) {
    files++;
    const bytes = new TextDecoder("latin1").decode(await Deno.readFile(path));
    for (const needle of needles) {
      assert.equal(
        bytes.includes(new TextDecoder("latin1").decode(needle)),
        false,
        `${path} leaks`,
      );
    }
  }
  assert.ok(files >= 4); // kv file + three log files

  // Resume: fix the failing task; build is kept, test runs again.
  await Deno.writeTextFile(`${work}/fixed`, "");
  const resumed = await run(FIXTURE, home, env, failed.id.slice(0, -2));
  assert.equal(resumed.status, "success");
  const after = JSON.parse((await weft(["status", resumed.id, "--json", "--home", home])).stdout);
  assert.equal(after.resumedFrom, failed.id);
  assert.deepEqual(
    after.tasks.map((t: Record<string, unknown>) => [t.id, t.status, t.reason]),
    [["build", "success", "resumed"], ["test", "success", null]],
  );
  assert.equal(after.tasks[0].outputs.version, "1.0");

  const metrics = JSON.parse((await weft(["metrics", "--json", "--home", home])).stdout);
  assert.equal(metrics.overall.runs, 2);
  assert.equal(metrics.overall.successRate, 50);
  assert.deepEqual(metrics.workflows[0].tasks.map((t: { id: string }) => t.id), ["build", "test"]);

  // Nothing to resume in a successful run; a changed kept task refuses to resume.
  await assert.rejects(run(FIXTURE, home, env, resumed.id), /nothing to resume/);
  const changed = `${work}/flaky.yml`;
  await Deno.writeTextFile(
    changed,
    (await Deno.readTextFile(FIXTURE)).replace("building with token", "building, token"),
  );
  await assert.rejects(run(changed, home, env, failed.id), (e: unknown) => {
    assert.ok(e instanceof WeftError);
    assert.match(e.message, /task "build" changed since run/);
    return true;
  });
  await Deno.remove(work, { recursive: true });
  await cleanup();
});
