/**
 * A value that becomes a secret during the run (a task's `environment` takes another
 * task's output under a secret-looking name) leaves no byte in WEFT_HOME: the records
 * that hold the producing task's outputs (its task and attempt records, in the store and
 * in the records journal, store/records_journal.ts) were written before the run knew it
 * for a secret, and are masked with it, not merely overwritten (a store keeps the bytes
 * of a record it overwrote). A run killed meanwhile loses none of those outputs: crash
 * recovery takes them, masked, from the journal.
 */
import assert from "node:assert/strict";
import { startWeft, waitForFile, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { filesHolding } from "./_file_texts.ts";

const TOKEN = "zzLATETOKENzz4411";

/**
 * `login`'s records reach the store (and its journal) well before `use` starts: `slow`
 * outlasts the store's window (write_queue.ts STORE_WINDOW_MS), and tasks beside it end
 * meanwhile, so the token is learned only after they were written.
 */
function workflow(dir: string): string {
  const path = `${dir}/late.yml`;
  Deno.writeTextFileSync(
    path,
    `name: late
tasks:
  - id: login
    command: echo "token=${TOKEN}" >> "$WEFT_OUTPUT"
  - {id: slow, command: sleep 1.3}
  - {id: o1, command: sleep 0.2}
  - {id: o2, command: sleep 0.2}
  - id: use
    depends_on: [login, slow]
    environment:
      API_TOKEN: \${tasks.login.outputs.token}
    command: echo "using $API_TOKEN"
`,
  );
  return path;
}

Deno.test("cli late secrets: an output that becomes a secret later in the run is masked in every record, its bytes nowhere in WEFT_HOME", async () => {
  const home = testTempDir("home-");
  const dir = testTempDir("wf-");
  const run = await weft(["run", workflow(dir), "-v"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\[use\] using \*\*\*\n/);
  assert.deepEqual(filesHolding(home, TOKEN), []);

  // Masked, not lost: the task record shows the output by its name.
  const status = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
  assert.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout);
  const login = (report.tasks as Array<{ id: string; outputs: Record<string, string> }>)
    .find((task) => task.id === "login");
  assert.deepEqual(login?.outputs, { token: "***" });

  // The attempt record too (read straight from the store).
  const kv = await Deno.openKv(`${home}/weft.kv`);
  try {
    const attempts = [];
    for await (const entry of kv.list<{ taskId: string; outputs: unknown }>({ prefix: ["att"] })) {
      if (entry.value.taskId === "login") attempts.push(entry.value.outputs);
    }
    assert.deepEqual(attempts, [{ token: "***" }]);
  } finally {
    kv.close();
  }
});

/** Polls `check` every 50 ms until it is true; throws after `ms`. */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

Deno.test("cli late secrets: kill -9 after the secret was learned keeps login's outputs, masked, and the token nowhere", async () => {
  const dir = testTempDir("late-crash-");
  const home = `${dir}/home`;
  Deno.writeTextFileSync(
    `${dir}/late.yml`,
    `name: late-crash
tasks:
  - id: login
    command: printf 'token=${TOKEN}\\nnote=kept-plain-value\\n' >> "$WEFT_OUTPUT"
  - {id: slow, command: sleep 1.3}
  - id: use
    depends_on: [login, slow]
    environment:
      API_TOKEN: \${tasks.login.outputs.token}
    command: echo $$ > "${dir}/use.pid"; exec sleep 303
`,
  );
  const run = startWeft(["run", `${dir}/late.yml`, "-q"], { WEFT_HOME: home });
  const pid = Number(await waitForFile(`${dir}/use.pid`));
  try {
    // The store has login's end (without its outputs, which the journal keeps) before the kill:
    // written long before the token was learned, as `slow` held `use` back.
    await until("login's end in the store", async () => {
      const shown = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
      if (shown.code !== 0) return false;
      const tasks = JSON.parse(shown.stdout).tasks as Array<{ id: string; status: string }>;
      return tasks.some((task) => task.id === "login" && task.status === "success");
    });
    run.child.kill("SIGKILL");
    await run.finish();
    const shown = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
    assert.equal(shown.code, 0, shown.stderr);
    const report = JSON.parse(shown.stdout) as {
      status: string;
      tasks: Array<{ id: string; outputs: Record<string, string> }>;
    };
    assert.equal(report.status, "interrupted");
    const login = report.tasks.find((task) => task.id === "login");
    assert.deepEqual(login?.outputs, { token: "***", note: "kept-plain-value" });
    assert.deepEqual(filesHolding(home, TOKEN), []);
  } finally {
    try {
      Deno.kill(-pid, "SIGKILL");
    } catch { /* ended by recovery, as expected */ }
  }
});
