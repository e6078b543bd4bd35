/**
 * A run that knows a secret still records the start of a line a task has not ended (a
 * prompt) as soon as the task pauses, in order with the other stream's lines; only an
 * end that could begin a secret is held back (engine/secrets.ts maskPiece). Through
 * `weft run`, `weft logs` and a kill -9 of weft.
 */
import assert from "node:assert/strict";
import { processesInGroup, startWeft, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const SECRET = "s3cr3t-value-0123456789abcdefghijkl";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** The records of the only log file under `home`. */
async function logRecords(home: string): Promise<string[]> {
  for await (const run of Deno.readDir(`${home}/logs`)) {
    return (await Deno.readTextFile(`${home}/logs/${run.name}/a.1.log`)).split("\n");
  }
  return [];
}

Deno.test(
  "a secret known: pieces around stderr lines are stored as printed, in order",
  opts,
  async () => {
    const dir = testTempDir("secret-pieces-");
    try {
      await Deno.writeTextFile(
        `${dir}/flow.yml`,
        `name: s
environment: { API_TOKEN: "${SECRET}" }
tasks:
  - id: a
    command: |
      printf A1; sleep 0.3; echo e1 >&2; sleep 0.3; printf 'B2 s3cr3t-'; sleep 0.3
      echo e2 >&2; sleep 0.3; echo 'value-0123456789abcdefghijkl D4'
`,
      );
      const env = { WEFT_HOME: `${dir}/home` };
      const run = await weft(["run", `${dir}/flow.yml`, "-q"], { env });
      assert.equal(run.code, 0, run.stderr);
      // `s3cr3t-` could begin the secret: held back, and masked with its rest.
      assert.deepEqual(await logRecords(`${dir}/home`), [
        "O A1",
        "~O",
        "E e1",
        "o B2 ",
        "~O",
        "E e2",
        "o *** D4",
        "",
      ]);
      const logs = await weft(["logs", "a"], { env });
      assert.equal(logs.stdout, "A1B2 *** D4\n");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test(
  "a secret known: a prompt is in the log while the task waits, and after weft is killed",
  opts,
  async () => {
    const dir = testTempDir("secret-prompt-");
    const home = `${dir}/home`;
    await Deno.writeTextFile(
      `${dir}/flow.yml`,
      `name: s
environment: { API_TOKEN: "${SECRET}" }
tasks:
  - id: a
    command: "echo $$ > '${dir}/pid'; printf 'Enter the code: s3cr3t-'; sleep 120"
`,
    );
    const env = { WEFT_HOME: home };
    const weftRun = startWeft(["run", `${dir}/flow.yml`, "-q"], env);
    let taskPid = 0;
    try {
      // Waits for the prompt to reach the log (the test fails by its own time-out if never).
      let records: string[] = [];
      while (!records.includes("O Enter the code: ")) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        records = await logRecords(home).catch(() => []);
      }
      assert.ok(!records.join("\n").includes("s3cr3t"), "the start of the secret is held back");
      taskPid = Number((await Deno.readTextFile(`${dir}/pid`)).trim());
      const live = await weft(["logs", "a"], { env });
      assert.equal(live.stdout, "Enter the code: ");
      weftRun.child.kill("SIGKILL");
      await weftRun.finish();
      const after = await weft(["logs", "a"], { env });
      assert.equal(after.stdout, "Enter the code: ", "kept after a kill -9");
    } finally {
      // The task outlives a weft killed so: end its processes (its group), by id.
      for (const pid of taskPid ? processesInGroup(taskPid) : []) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* gone already */ }
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
);
