/**
 * `weft monitor`'s "Finished: the last N" (and `--json`'s `recent[]`) lists the runs that
 * finished last, newest finish first, as its title and FINISHED column promise
 * (store/finished_runs.ts): a long run started before short ones and ending after them
 * comes first, not behind them by start. `weft history` stays by start (its STARTED
 * column). Through the real CLI.
 */
import assert from "node:assert/strict";
import { startWeft, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/monitor_finished/", import.meta.url).pathname;

interface Recent {
  id: string;
  workflow: string;
  finishedAt: string;
}

Deno.test("weft monitor: the last finished runs are ordered by finish, not by start", async () => {
  const dir = testTempDir("monitor-finished-");
  const env = { WEFT_HOME: `${dir}/home`, GO: `${dir}/go` };
  const slow = startWeft(["run", `${FIXTURES}slow.yml`, "--json"], env);
  await slow.stderrIncludes("▶ wait started");
  for (let i = 0; i < 2; i++) {
    const quick = await weft(["run", `${FIXTURES}quick.yml`, "-q"], { env });
    assert.equal(quick.code, 0, quick.stderr);
  }
  await Deno.writeTextFile(env.GO, "");
  const done = await slow.finish();
  assert.equal(done.code, 0, done.stderr);
  const slowId = JSON.parse(done.stdout).id as string;

  const one = await weft(["monitor", "--limit", "1", "--json"], { env });
  assert.equal(one.code, 0, one.stderr);
  assert.deepEqual((JSON.parse(one.stdout).recent as Recent[]).map((r) => r.id), [slowId]);

  const all = await weft(["monitor", "--limit", "3", "--json"], { env });
  const recent = JSON.parse(all.stdout).recent as Recent[];
  assert.deepEqual(recent.map((r) => r.workflow), ["slow", "quick", "quick"]);
  const finished = recent.map((r) => r.finishedAt);
  assert.deepEqual(finished, finished.toSorted().reverse());

  const text = await weft(["monitor", "--limit", "2"], { env });
  assert.equal(text.code, 0, text.stderr);
  const rows = text.stdout.split("\n");
  const head = rows.indexOf("Finished: the last 2");
  assert.ok(head >= 0, text.stdout);
  assert.ok(rows[head + 2].startsWith(`${slowId}  slow `), text.stdout);
  assert.ok(rows[head + 3].startsWith(recent[1].id), text.stdout);

  // history lists by start (its STARTED column): the slow run, started first, is last.
  const history = await weft(["history", "-q"], { env });
  assert.equal(history.stdout.trim().split("\n").at(-1), slowId);
});
