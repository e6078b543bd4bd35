/**
 * `weft status` of a run whose weft was killed with SIGKILL mid-run, through the real CLI:
 * each task whose final record crash recovery wrote in its place is named, with why
 * (RunDetails.unrecordedTasks: the text's REASON column, an `unrecorded` key in --json),
 * read before recovery (a history weft cannot write) and after it alike; a task that
 * ended before the kill keeps its own record and is not named.
 */
import assert from "node:assert/strict";
import { waitForFile, weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const WHY = "weft stopped before recording the task's end";
/** Why for a task that made no attempt (`after`: its dependencies never ended). */
const NEVER = "weft stopped before the task started";

interface ShownTask {
  id: string;
  status: string;
  reason: string | null;
  attempts: number;
  unrecorded?: string;
}

/** As root the history file is made immutable (`chattr +i`); as another user, 0444. */
async function setImmutable(file: string, on: boolean): Promise<void> {
  if (Deno.uid() !== 0) return Deno.chmodSync(file, on ? 0o444 : 0o600);
  const r = await new Deno.Command("chattr", { args: [on ? "+i" : "-i", file] }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
}

/** `weft status` (text and --json) of the crashed run names long, side and after, not first. */
async function assertNamed(home: string): Promise<string> {
  const text = await weft(["status"], { env: { WEFT_HOME: home } });
  assert.equal(text.code, 0, text.stderr);
  const row = (id: string) => text.stdout.split("\n").find((line) => line.startsWith(`${id} `));
  assert.match(row("first")!, /^first\s+success\s.*\s-$/);
  for (const id of ["long", "side", "after"]) {
    const why = id === "after" ? NEVER : WHY;
    assert.match(row(id)!, new RegExp(`interrupted .* crash \\(record rebuilt: ${why}\\)$`));
  }
  const json = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as { status: string; tasks: ShownTask[] };
  assert.equal(report.status, "interrupted");
  const byId = Object.fromEntries(report.tasks.map((t) => [t.id, t]));
  assert.equal(byId.first.status, "success");
  assert.equal("unrecorded" in byId.first, false);
  for (const id of ["long", "side", "after"]) {
    assert.deepEqual(
      [byId[id].status, byId[id].reason, byId[id].unrecorded],
      ["interrupted", "crash", id === "after" ? NEVER : WHY],
      id,
    );
  }
  return text.stderr;
}

Deno.test("weft status names the tasks whose records recovery rebuilt after a kill -9, and why", async () => {
  const dir = testTempDir("status-crash-");
  const home = `${dir}/home`;
  Deno.writeTextFileSync(
    `${dir}/crash.yml`,
    `name: crash
tasks:
  - id: first
    command: echo done
  - id: long
    depends_on: first
    command: echo $$ > "${dir}/long.pid"; sleep 303
  - id: side
    depends_on: first
    command: sleep 303
  - id: after
    depends_on: [long, side]
    command: echo after
`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", `${dir}/crash.yml`, "-q"]),
    env: weftEnv({ WEFT_HOME: home }),
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const pid = Number(await waitForFile(`${dir}/long.pid`));
  try {
    // Killed once `long`'s start is on record (records follow a start within a few ms).
    for (let tries = 0; tries < 200; tries++) {
      const shown = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
      const recorded = shown.code === 0 &&
        (JSON.parse(shown.stdout).tasks as ShownTask[]).some((t) =>
          t.id === "long" && t.attempts > 0
        );
      if (recorded) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGKILL");
    await child.status;

    // Read-only first (the dead run as read, before recovery: store/dead_runs.ts), then
    // recovered by the first command that can write (RunStore.markInterrupted).
    const kv = `${home}/weft.kv`;
    await setImmutable(kv, true);
    try {
      assert.doesNotMatch(await assertNamed(home), /marked interrupted/);
    } finally {
      await setImmutable(kv, false);
    }
    assert.match(await assertNamed(home), /marked interrupted/);
  } finally {
    try {
      Deno.kill(-pid, "SIGKILL");
    } catch { /* ended by recovery, as expected */ }
  }
});
