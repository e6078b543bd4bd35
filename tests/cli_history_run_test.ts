/**
 * History through the real `weft run`: a run recorded and read back by the other
 * verbs, `--resume` of a failed run, and `kill -9` of `weft run` mid-task found by the
 * next command.
 */
import assert from "node:assert/strict";
import type { RunReport, TaskRecord } from "../src/engine/events.ts";
import { KvRunStore } from "../src/store/kv.ts";
import { tempHome, weft } from "./fixtures/history/cli.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const FIXTURES = new URL("./fixtures/history/", import.meta.url).pathname;

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: "/nonexistent", ...extra };
}

Deno.test({
  name: "weft run records; history, status, logs and metrics read it; no secret in WEFT_HOME",
  async fn() {
    const { home, cleanup } = await tempHome();
    const marker = `${home}.fixed`;
    const vars = env({
      API_TOKEN: "tok-run-5e1f0a",
      DB_PASS: "pw-run-declared",
      FIXED_MARKER: marker,
    });
    const run = await weft(["run", `${FIXTURES}flaky.yml`, "--json", "--home", home], vars);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    const history = JSON.parse((await weft(["history", "--json", "--home", home], vars)).stdout);
    assert.deepEqual(history.map((r: { id: string }) => r.id), [report.id]);
    const status = JSON.parse((await weft(["status", report.id, "--json", "--home", home])).stdout);
    assert.deepEqual(status.tasks, report.tasks);
    assert.equal(status.status, "failed");
    const logs = await weft(["logs", report.id, "build", "--home", home]);
    assert.equal(logs.stdout, "building with token ***\n");
    assert.equal(logs.stderr, "db password is ***\n");
    const metrics = JSON.parse((await weft(["metrics", "--json", "--home", home])).stdout);
    assert.equal(metrics.overall.runs, 1);
    for await (const path of walk(home)) {
      const text = new TextDecoder("latin1").decode(await Deno.readFile(path));
      assert.ok(!text.includes("tok-run-5e1f0a") && !text.includes("pw-run-declared"), path);
    }
    await cleanup();
  },
});

Deno.test({
  name: "weft run --resume reruns only what failed, keeps the success and links the runs",
  async fn() {
    const { home, cleanup } = await tempHome();
    const marker = `${home}.fixed`;
    const vars = env({ API_TOKEN: "tok-resume", DB_PASS: "pw-resume", FIXED_MARKER: marker });
    const first = await weft(["run", `${FIXTURES}flaky.yml`, "--json", "--home", home], vars);
    assert.equal(first.code, 1, first.stderr);
    const failed = JSON.parse(first.stdout);
    await Deno.writeTextFile(marker, "");
    const prefix = failed.id.slice(0, -2);
    const second = await weft(
      ["run", `${FIXTURES}flaky.yml`, "--json", "--home", home, "--resume", prefix],
      vars,
    );
    assert.equal(second.code, 0, second.stderr);
    const resumed: RunReport = JSON.parse(second.stdout);
    assert.notEqual(resumed.id, failed.id);
    const byId = (tasks: TaskRecord[], id: string) => {
      const task = tasks.find((t) => t.id === id);
      assert.ok(task, `task ${id}`);
      return task;
    };
    assert.equal(byId(resumed.tasks, "build").reason, "resumed");
    assert.deepEqual(byId(resumed.tasks, "build").outputs, { version: "1.0" });
    assert.equal(byId(resumed.tasks, "test").status, "success");
    const status = JSON.parse(
      (await weft(["status", resumed.id, "--json", "--home", home])).stdout,
    );
    assert.equal(status.resumedFrom, failed.id);
    const again = await weft([
      "run",
      `${FIXTURES}flaky.yml`,
      "--home",
      home,
      "--resume",
      resumed.id,
    ]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /succeeded/);
    await cleanup();
  },
});

Deno.test({
  name: "kill -9 of weft run mid-task: the next command marks the run interrupted",
  async fn() {
    const { home, cleanup } = await tempHome();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "run", `${FIXTURES}sleepy.yml`, "--home", home],
      env: env(),
      stdout: "null",
      stderr: "null",
    }).spawn();
    // Wait until the store shows the second task running (no event to await across processes).
    let runId = "";
    for (let i = 0; i < 600 && !runId; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const store = await KvRunStore.open(`${home}/weft.kv`, `${home}/logs`).catch(() => null);
      if (!store) continue;
      const [run] = await store.listRuns({ limit: 1 });
      if (run) {
        const details = await store.getRun(run.id);
        if (details.tasks.find((t) => t.id === "second")?.status === "running") runId = run.id;
      }
      store.close();
    }
    assert.ok(runId, "the run never reached its second task");
    child.kill("SIGKILL");
    assert.equal((await child.status).signal, "SIGKILL");

    const history = await weft(["history", "--json", "--home", home]);
    assert.equal(history.code, 0);
    assert.match(history.stderr, /marked interrupted/);
    assert.equal(JSON.parse(history.stdout)[0].status, "interrupted");
    const status = JSON.parse((await weft(["status", runId, "--json", "--home", home])).stdout);
    assert.deepEqual(status.tasks.map((t: Record<string, unknown>) => [t.id, t.status, t.reason]), [
      ["first", "success", null],
      ["second", "interrupted", "crash"],
      ["third", "interrupted", "crash"],
    ]);
    const logs = await weft(["logs", runId, "first", "--home", home]);
    assert.equal(logs.stdout, "first done\n");
    await cleanup();
  },
});

Deno.test({
  name: "two weft run processes at once into one WEFT_HOME both record fully",
  async fn() {
    const { home, cleanup } = await tempHome();
    const runs = await Promise.all(
      [1, 2].map(() =>
        weft(["run", `${FIXTURES}busy.yml`, "--json", "--max-parallel", "4", "--home", home], env())
      ),
    );
    const ids = runs.map((r) => {
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout).id;
    });
    const history = JSON.parse((await weft(["history", "--json", "--home", home])).stdout);
    assert.deepEqual(history.map((r: { id: string }) => r.id).sort(), [...ids].sort());
    for (const id of ids) {
      const status = JSON.parse((await weft(["status", id, "--json", "--home", home])).stdout);
      assert.equal(status.status, "success");
      assert.equal(status.tasks.length, 12);
      const logs = await weft(["logs", id, "t11", "--home", home]);
      assert.equal(logs.stdout, "t11 line 1\nt11 line 2\nt11 line 3\n");
    }
    await cleanup();
  },
});

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}
