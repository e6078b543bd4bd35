/**
 * Through the real CLI: a `weft run` killed with SIGKILL right after a chain of quick tasks
 * ended keeps every one of them as it ended. Their last states are in the run's records
 * journal (src/store/records_journal.ts) when the store has not had them yet, and crash
 * recovery (the next `weft status`) takes them from there; the journal is gone after.
 */
import assert from "node:assert/strict";
import { startWeft, waitForFile, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("kill -9 just after quick tasks ended: weft status shows each as it ended", async () => {
  const dir = testTempDir("crash-records-");
  const home = `${dir}/home`;
  const quick = Array.from({ length: 12 }, (_, i) => `t${i}`);
  const workflow = {
    name: "crash-records",
    tasks: [
      ...quick.map((id, i) => ({
        id,
        command: "true",
        ...(i > 0 ? { depends_on: [quick[i - 1]] } : {}),
      })),
      {
        id: "last",
        depends_on: [quick[quick.length - 1]],
        command: `echo $$ > "${dir}/last.pid"; exec sleep 303`,
      },
    ],
  };
  Deno.writeTextFileSync(`${dir}/crash.json`, JSON.stringify(workflow));
  const run = startWeft(["run", `${dir}/crash.json`, "-q"], { WEFT_HOME: home });
  const pid = Number(await waitForFile(`${dir}/last.pid`));
  try {
    // Killed once the journal holds the last quick task's end (weft takes an end in within
    // RECORD_WINDOW_MS), before the store has it (STORE_WINDOW_MS): most times. Should the
    // store have had it first (the journal then emptied), after 300 ms: states as well.
    await journalHolds(home, '"id":"t11"', '"status":"success"', 300);
    run.child.kill("SIGKILL");
    await run.finish();
    const shown = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stderr, /marked interrupted/);
    const report = JSON.parse(shown.stdout) as {
      status: string;
      tasks: Array<{ id: string; status: string; exitCode: number | null; attempts: number }>;
    };
    assert.equal(report.status, "interrupted");
    const byId = Object.fromEntries(report.tasks.map((t) => [t.id, t]));
    for (const id of quick) {
      assert.deepEqual(
        [byId[id].status, byId[id].exitCode, byId[id].attempts],
        ["success", 0, 1],
        id,
      );
    }
    assert.equal(byId.last.status, "interrupted");
    const journal = [...Deno.readDirSync(`${home}/logs`)].flatMap((run) =>
      [...Deno.readDirSync(`${home}/logs/${run.name}`)].map((f) => f.name)
    );
    assert.deepEqual(journal.filter((name) => name === "records"), [], "removed by recovery");
  } finally {
    try {
      Deno.kill(-pid, "SIGKILL");
    } catch { /* ended by recovery, as expected */ }
  }
});

/** Waits up to `ms` for a line of a run's records journal under `home` with both texts. */
async function journalHolds(
  home: string,
  first: string,
  second: string,
  ms: number,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    for (const run of Deno.readDirSync(`${home}/logs`)) {
      let text = "";
      try {
        text = Deno.readTextFileSync(`${home}/logs/${run.name}/records`);
      } catch { /* not made yet, or removed */ }
      if (text.split("\n").some((line) => line.includes(first) && line.includes(second))) {
        return true;
      }
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  return false;
}
