/**
 * A real daemon killed (SIGKILL) while a schedule's fire waits under `overlap: queue`:
 * the fire stays recorded as never started, and the next daemon runs it as a catch-up
 * (it is within `catchup`) instead of losing it (tester7 F13). A graceful stop (SIGTERM)
 * keeps it owed the same way, and says so (tester tdaemon F1). The missed case (older
 * than `catchup`) is in daemon_fires_test.ts on a manual clock.
 */
import assert from "node:assert/strict";
import { startDaemon, writeFlow } from "./_daemon.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { openScheduleStore } from "../src/store/kv_schedules.ts";
import type { FireRecord } from "../src/model/schedule.ts";

/** The schedule's fires as the store has them now (read-only, beside the daemon). */
async function fires(home: string): Promise<FireRecord[]> {
  const store = await openScheduleStore(home, { readOnly: true });
  try {
    return await store.listFires("q");
  } finally {
    store.close();
  }
}

/**
 * Schedule `q` (every 2 s, overlap `queue`, catch-up `catchup`) on a workflow whose run
 * outlasts many fires, in a fresh home; `dir/empty` is a `--dir` with no files.
 */
async function queuedSchedule(prefix: string, catchup: string) {
  const dir = testTempDir(prefix);
  const home = testTempDir("home-");
  Deno.mkdirSync(`${dir}/empty`);
  const file = writeFlow(
    dir,
    "q.yml",
    `name: q
tasks:
  - id: a
    command: 'echo "for \${schedule.time}"; sleep 30'
`,
  );
  const added = await weft(
    [
      "schedule",
      "add",
      file,
      "--cron",
      "*/2 * * * * *",
      "--overlap",
      "queue",
      "--catchup",
      catchup,
    ],
    { env: { WEFT_HOME: home } },
  );
  assert.equal(added.code, 0, added.stderr);
  return { dir, home };
}

Deno.test("daemon killed while a fire is queued: the next start runs that fire as a catch-up", async () => {
  const { dir, home } = await queuedSchedule("queued-", "1m");

  const first = startDaemon(["--dir", `${dir}/empty`], { home });
  let at: string;
  try {
    // A slow start (a loaded machine) makes the first run a catch-up of a fire due
    // since `schedule add`: either keeps the next fire waiting.
    await first.waitFor(/run \S+ started \((schedule|catch-up) q /);
    // Said once its record is written.
    const line = await first.waitFor(/schedule q: fire of \S+ queued behind the running run/);
    at = line.match(/fire of (\S+) queued/)![1];
  } finally {
    await first.stop("SIGKILL");
  }
  const left = (await fires(home)).find((f) => f.time === at);
  assert.equal(left?.outcome, "queued", "what the killed daemon left");

  const second = startDaemon(["--dir", `${dir}/empty`, "--grace", "0s"], { home });
  let runId: string;
  try {
    const time = at.replace("+", "\\+");
    await second.waitFor(new RegExp(`schedule q: fire of ${time} never started .*catch-up`));
    const started = await second.waitFor(new RegExp(`run \\S+ started \\(catch-up q ${time}\\)`));
    runId = started.match(/run (\S+) started/)![1];
    // A stop (grace 0 s: the run is cancelled) writes what is still being recorded.
    assert.equal(await second.stop(), 0);
  } finally {
    await second.stop("SIGKILL");
  }
  const record = (await fires(home)).find((f) => f.time === at);
  assert.equal(record?.trigger, "catch-up");
  assert.equal(record?.runId, runId);
  assert.equal(record?.outcome, "cancelled");
});

Deno.test("daemon stopped (SIGTERM) while a fire is queued: the fire is owed, logged, and the next start runs it", async () => {
  const { dir, home } = await queuedSchedule("queued-term-", "1h");

  // Grace 0 s: the running run is cancelled, and the queued fire would be next in line.
  const first = startDaemon(["--dir", `${dir}/empty`, "--grace", "0s"], { home });
  let at: string;
  try {
    const line = await first.waitFor(/schedule q: fire of \S+ queued behind the running run/);
    at = line.match(/fire of (\S+) queued/)![1];
    assert.equal(await first.stop(), 0);
  } finally {
    await first.stop("SIGKILL");
  }
  const time = at.replace("+", "\\+");
  // The log's last word on the fire is what became of it, not "queued".
  assert.ok(
    first.lines.some((l) =>
      new RegExp(
        `schedule q: fire of ${time} not run, the daemon is stopping; the next start owes it`,
      )
        .test(l)
    ),
    first.lines.join("\n"),
  );
  const left = (await fires(home)).find((f) => f.time === at);
  assert.equal(left?.outcome, "queued", "owed, as a kill -9 leaves it");
  assert.equal(left?.runId, null);

  const second = startDaemon(["--dir", `${dir}/empty`, "--grace", "0s"], { home });
  try {
    await second.waitFor(new RegExp(`schedule q: fire of ${time} never started .*catch-up`));
    await second.waitFor(new RegExp(`run \\S+ started \\(catch-up q ${time}\\)`));
    assert.equal(await second.stop(), 0);
  } finally {
    await second.stop("SIGKILL");
  }
  const record = (await fires(home)).find((f) => f.time === at);
  assert.equal(record?.trigger, "catch-up");
  assert.notEqual(record?.runId, null, "it ran");
});
