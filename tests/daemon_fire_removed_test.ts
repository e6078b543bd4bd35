/**
 * A schedule removed while its run goes on in the daemon, and another added under its name:
 * the old run's end is not written into the new schedule (no fire record, no last fire,
 * so a backfill does not take the time for "already ran"), and the log says where it
 * went. Fire records are tied to the schedule instance they belong to (Schedule.id,
 * FireRecord.scheduleId; tester tdaemon F3).
 */
import assert from "node:assert/strict";
import { addSchedule, gatedFlow, startDaemon, writeFlow } from "./_daemon.ts";
import { weft } from "./_run_cli.ts";
import { openScheduleStore } from "../src/store/kv_schedules.ts";

/**
 * {@link gatedFlow} (its `old` workflow, x.yml, runs until the test writes `go`, so that it
 * ends after a new schedule is there) and a second workflow, `other` (p.yml).
 */
function twoFlows(prefix: string) {
  const { dir, home, file: old, env } = gatedFlow(prefix);
  const other = writeFlow(dir, "p.yml", `name: p\ntasks:\n  - id: t\n    command: "true"\n`);
  return { dir, home, old, other, env };
}

Deno.test("a run of a removed schedule records nothing into a new schedule of the same name", async () => {
  const { dir, home, old, other, env } = twoFlows("removed-");
  const add = (file: string, cron: string) =>
    weft(["schedule", "add", file, "--name", "s", "--cron", cron, "--tz", "UTC"], { env });
  assert.equal((await add(old, "*/2 * * * * *")).code, 0);

  const daemon = startDaemon(["--dir", `${dir}/empty`], { home });
  let at: string;
  let runId: string;
  try {
    const line = await daemon.waitFor(/run \S+ started \(schedule s \S+\)/);
    [, runId, at] = line.match(/run (\S+) started \(schedule s (\S+)\)/)!;
    assert.equal((await weft(["schedule", "remove", "s"], { env })).code, 0);
    // Another file and a cron that cannot produce the old run's time.
    const added = await add(other, "0 0 1 1 *");
    assert.equal(added.code, 0, added.stderr);
    Deno.writeTextFileSync(`${dir}/go`, "");
    const time = at.replace("+", "\\+");
    await daemon.waitFor(
      new RegExp(
        `schedule s: fire of ${time} not recorded \\(success, run ${runId}\\): ` +
          "the schedule was removed since it fired",
      ),
    );
    assert.equal(await daemon.stop(), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
  const listed = await weft(["schedule", "list", "--json"], { env });
  const [s] = JSON.parse(listed.stdout);
  assert.equal(s.file, other);
  assert.equal(s.last_fire, null, "the new schedule never fired");
  const store = await openScheduleStore(home, { readOnly: true });
  try {
    assert.deepEqual(await store.listFires("s"), [], "no fire of the old schedule");
  } finally {
    store.close();
  }
});

Deno.test("a fire queued when its schedule is removed never starts, and the old run does not hold up a new schedule of the name", async () => {
  const { dir, home, old, other, env } = twoFlows("removed-queued-");
  const add = (file: string, cron: string, overlap: string) =>
    addSchedule(file, env, cron, overlap);
  assert.equal((await add(old, "* * * * * *", "queue")).code, 0);
  const daemon = startDaemon(["--dir", `${dir}/empty`], { home });
  try {
    await daemon.waitFor(/run \S+ started \(schedule s \S+\) \S+x\.yml/);
    const queued = await daemon.waitFor(/schedule s: fire of \S+ queued behind the running run/);
    const [, at] = queued.match(/fire of (\S+) queued/)!;
    assert.equal((await weft(["schedule", "remove", "s"], { env })).code, 0);
    const added = await add(other, "* * * * * *", "skip");
    assert.equal(added.code, 0, added.stderr);
    // The old run still goes (it waits for `go`): the new schedule runs all the same.
    await daemon.waitFor(/run \S+ ended success/);
    Deno.writeTextFileSync(`${dir}/go`, "");
    await daemon.waitFor(
      new RegExp(
        `schedule s: fire of ${at.replace("+", "\\+")} skipped, not run: ` +
          "its schedule was removed while it waited",
      ),
    );
    assert.equal(await daemon.stop(), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
  // Only the first fire ran the old file; the queued one never started it.
  assert.equal(
    daemon.count(/run \S+ started \(schedule s \S+\) \S+x\.yml/),
    1,
    daemon.lines.join("\n"),
  );
  assert.ok(daemon.count(/run \S+ started \(schedule s \S+\) \S+p\.yml/) >= 1);
});
