/**
 * Secrets that are common words never rewrite weft's own reasons — in `weft run`'s
 * output and in what history keeps (`status`, `status --json`, `history --json`,
 * `logs`) — while the data a reason quotes (a URL) is still masked. Every reason kind
 * is there: exit code, signal, HTTP status, timeout, skipped dependency, interpreter
 * not found, a parallel's and a loop's summary and a child workflow's failure.
 * Through the real CLI: the history is masked by the recorder, a second listener
 * after the engine (engine/mask_events.ts masks once; issue: `exited with *** 3`).
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/secret_reasons/reasons.yml", import.meta.url).pathname;
const RUNNING = new URL("./fixtures/secret_reasons/running.yml", import.meta.url).pathname;

/** Secrets (by variable) that are the words of weft's reasons, and one quoted in a URL. */
const WORDS: Record<string, string> = {
  W_CODE: "code",
  W_KILLED: "killed",
  W_HTTP: "HTTP",
  W_TIMED: "timed",
  W_AFTER: "after",
  W_INTERP: "interpreter",
  W_TASKS: "tasks",
  W_ITER: "iterations",
  W_PATH: "hidden-path-value",
};

/** The reason every failed task must show, whole (`PORT` stands for the server's port). */
const REASONS: Record<string, string> = {
  "exits": "exited with code 3",
  "kill9": "killed by SIGKILL",
  "web": "GET http://127.0.0.1:PORT/***/x returned HTTP 503 Service Unavailable (expected 2xx)",
  "slow": "its own timeout of 100ms",
  "after-slow": 'dependency "slow" timed out',
  "py": 'python interpreter "/nonexistent/python9" not found; fix `interpreter:`',
  "both": "2 of 2 tasks failed",
  "one": "exited with code 4",
  "each": "2 of 2 iterations failed; first: each[a]: exited with code 6",
  "each[b]": "exited with code 6",
};

interface JsonTask {
  id: string;
  status: string;
  error: string | null;
}

Deno.test("cli secret reasons: common-word secrets keep weft's reasons whole in run, status, history and logs", async () => {
  await using server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    () => new Response("down", { status: 503 }),
  );
  const port = String(server.addr.port);
  const home = testTempDir("home-");
  const env = { ...WORDS, REASONS_PORT: port, WEFT_HOME: home };
  const expected = Object.fromEntries(
    Object.entries(REASONS).map(([id, reason]) => [id, reason.replace("PORT", port)]),
  );
  const checkTasks = (tasks: JsonTask[], where: string) => {
    for (const [id, reason] of Object.entries(expected)) {
      assert.equal(tasks.find((t) => t.id === id)?.error, reason, `${where}: task ${id}`);
    }
    const call = tasks.find((t) => t.id === "call")?.error ?? "";
    assert.match(
      call,
      /^child workflow "reasons-child" \(run \S+\) failed: task "inner" failed: exited with code 3$/,
      where,
    );
  };

  const run = await weft(["run", FIXTURE, "--json"], { env });
  assert.equal(run.code, 1, run.stderr);
  checkTasks(JSON.parse(run.stdout).tasks, "run --json");
  // The progress lines and the recap name failures (a skip shows as `(upstream)`).
  for (const [id, reason] of Object.entries(expected)) {
    if (id !== "after-slow") assert.ok(run.stderr.includes(reason), `run: ${reason}`);
  }

  const status = await weft(["status"], { env });
  assert.equal(status.code, 0, status.stderr);
  const text = status.stdout + status.stderr;
  for (const reason of Object.values(expected)) {
    assert.ok(text.includes(reason), `status: ${reason}`);
  }
  assert.ok(!text.includes("hidden-path-value"), "status shows the secret quoted in the URL");

  const statusJson = await weft(["status", "--json"], { env });
  const record = JSON.parse(statusJson.stdout);
  checkTasks(record.tasks, "status --json");
  assert.equal(record.workflow, "reasons");

  const history = await weft(["history", "--json"], { env });
  assert.equal(history.code, 0, history.stderr);
  const runs = JSON.parse(history.stdout);
  assert.deepEqual(runs.map((r: { workflow: string; status: string }) => [r.workflow, r.status]), [
    ["reasons", "failed"],
  ]);

  const logs = await weft(["logs", record.id, "web"], { env });
  assert.equal(logs.code, 0, logs.stderr);
  assert.match(logs.stderr, new RegExp(`GET http://127\\.0\\.0\\.1:${port}/\\*\\*\\*/x → 503 `));
  assert.ok(!(logs.stdout + logs.stderr).includes("hidden-path-value"));

  // Nothing under WEFT_HOME holds the quoted secret (the record, the logs).
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (
        new TextDecoder("latin1").decode(Deno.readFileSync(path)).includes("hidden-path-value")
      ) {
        files.push(path);
      }
    }
  };
  walk(home);
  assert.deepEqual(files, []);
});

Deno.test("cli secret reasons: a running run's records keep the reason whole (recorded from events)", async () => {
  const home = testTempDir("home-");
  const go = `${testTempDir("go-")}/go`;
  const env = { W_CODE: "code", GO_FILE: go, WEFT_HOME: home };
  const running = weft(["run", RUNNING], { env });
  try {
    let error: string | null = null;
    for (let tries = 0; error === null && tries < 400; tries++) {
      const status = await weft(["status", "--json"], { env });
      if (status.code === 0) {
        const task = (JSON.parse(status.stdout).tasks as JsonTask[]).find((t) => t.id === "exits");
        if (task?.status === "failed") error = task.error;
      }
      if (error === null) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(error, "exited with code 3");
  } finally {
    await Deno.writeTextFile(go, "");
    await running;
  }
  const after = JSON.parse((await weft(["status", "--json"], { env })).stdout);
  assert.equal(after.tasks.find((t: JsonTask) => t.id === "exits").error, "exited with code 3");
});
