/**
 * Database tasks writing one SQLite file at the same time, through the real CLI: tasks of
 * one run, several runs at once, and a run while another process keeps the write lock,
 * each waiting for the others' locks (src/tasks/database/sqlite_script.ts) and ending with
 * every write done exactly once; a task whose wait outlasts its timeout ends timed out.
 * Scripts there mix statements outside a transaction, a deferred transaction that reads
 * then writes, and a BEGIN IMMEDIATE one; a migration writes beside them. PostgreSQL
 * tasks wait on the server's locks (a real PostgreSQL 15 server, tests/_postgres.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { createDatabase, startPostgres } from "./_postgres.ts";
import { withSession } from "./_db_session.ts";

const FIXTURES = new URL("./fixtures/database_parallel/", import.meta.url).pathname;

/** Runs `workflow` (writers.yml) on the SQLite file `db`; its report, every task a success. */
async function writers(db: string, workflow = "writers.yml"): Promise<RunReport> {
  const run = await weft(["run", `${FIXTURES}${workflow}`, "--json"], {
    env: { DATABASE_URL: `sqlite:${db}` },
  });
  assert.ok(!/internal error|^\s{4}at /m.test(run.stderr), run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  for (const task of report.tasks) assert.equal(task.status, "success", run.stderr);
  assert.equal(run.code, 0, run.stderr);
  return report;
}

/** The counter and the number of marks, as the file holds them now. */
function totals(db: string): { v: number; marks: number } {
  const conn = new DatabaseSync(db);
  try {
    const row = conn.prepare("SELECT v, (SELECT count(*) FROM marks) AS marks FROM counter")
      .get() as { v: number; marks: number };
    return { v: row.v, marks: row.marks };
  } finally {
    conn.close();
  }
}

/**
 * Each writer task adds 3 to the counter and 3 marks, the reader first 10 and one mark, the
 * query 100, the migration 1000 and one mark (applied by the first run only).
 */
function expected(runs: number): { v: number; marks: number } {
  return { v: runs * (4 * 3 + 10 + 100) + 1000, marks: runs * (4 * 3 + 1) + 1 };
}

Deno.test("SQLite: a run's tasks writing one file at once all succeed", async () => {
  const db = join(testTempDir("dbpar-"), "one.db");
  const report = await writers(db);
  assert.equal(reportTask(report, "total").outputs?.rows, JSON.stringify([expected(1)]));
});

Deno.test("SQLite: three runs writing one file at once all succeed, each write done once", async () => {
  const db = join(testTempDir("dbpar-"), "three.db");
  // The first alone creates the tables (two runs migrating a new file is another test's).
  await writers(db);
  await Promise.all([writers(db), writers(db), writers(db)]);
  assert.deepEqual(totals(db), expected(4));
});

for (const mode of ["IMMEDIATE", "EXCLUSIVE"]) {
  // IMMEDIATE lets the scripts read, so a deferred transaction's write meets the lock after
  // reading (it is begun again); EXCLUSIVE stops even reads, so its first read does. The
  // tasks of held.yml need no migration first, which would wait before any of them started.
  Deno.test(`SQLite: tasks wait while another process holds a BEGIN ${mode} transaction`, async () => {
    const db = join(testTempDir("dbpar-"), "held.db");
    await writers(db);
    const holder = new DatabaseSync(db);
    // Its COMMIT waits for the tasks' read locks as theirs wait for its write lock: without
    // a busy timeout it failed "database is locked" whenever a task was reading just then.
    holder.exec("PRAGMA busy_timeout = 30000");
    holder.exec(`BEGIN ${mode}`);
    holder.exec("UPDATE counter SET v = v + 1");
    const running = writers(db, "held.yml");
    // Long enough for every task to meet the lock: not a measure, the run can only wait.
    await new Promise((done) => setTimeout(done, 1500));
    holder.exec("COMMIT");
    holder.close();
    await running;
    // held.yml: two writers (3 each), two readers first (10 and a mark each), the query 100.
    const want = expected(1);
    assert.deepEqual(totals(db), { v: want.v + 1 + 6 + 20 + 100, marks: want.marks + 6 + 2 });
  });
}

Deno.test("SQLite: a task waiting for a lock another process keeps ends at its timeout", async () => {
  const db = join(testTempDir("dbpar-"), "kept.db");
  await writers(db);
  const holder = new DatabaseSync(db);
  holder.exec("BEGIN IMMEDIATE");
  try {
    const run = await weft(["run", `${FIXTURES}timeout.yml`, "--json"], {
      env: { DATABASE_URL: `sqlite:${db}` },
    });
    assert.equal(run.code, 1, run.stderr);
    assert.equal((JSON.parse(run.stdout) as RunReport).tasks[0].status, "timed_out", run.stderr);
  } finally {
    holder.exec("ROLLBACK");
    holder.close();
  }
  // Nothing of the script's first statement was kept.
  assert.deepEqual(totals(db), expected(1));
});

Deno.test("PostgreSQL: tasks writing one table while another session locks it wait and succeed", async () => {
  const server = await startPostgres();
  try {
    const url = await createDatabase(server, "writers");
    await withSession(url, async (db) => {
      await db.exec("CREATE TABLE counter (v INTEGER NOT NULL); INSERT INTO counter VALUES (0);");
      await db.exec("CREATE TABLE marks (n INTEGER NOT NULL)");
    });
    let run: Promise<{ code: number; stdout: string; stderr: string }> | undefined;
    await withSession(url, (db) =>
      db.transaction(async () => {
        await db.exec("LOCK TABLE counter IN EXCLUSIVE MODE");
        run = weft(["run", `${FIXTURES}pg_writers.yml`, "--json"], {
          env: { DATABASE_URL: url },
        });
        // Long enough for the tasks to meet the lock: not a measure, they can only wait.
        await new Promise((done) => setTimeout(done, 1500));
      }));
    const { code, stdout, stderr } = await run!;
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as RunReport;
    for (const task of report.tasks) assert.equal(task.status, "success", stderr);
    const rows = await withSession(
      url,
      (db) => db.query("SELECT v, (SELECT count(*)::int FROM marks) AS marks FROM counter"),
    );
    assert.deepEqual(rows, [{ v: 3 * 2 + 100, marks: 3 }]);
  } finally {
    await server.stop();
  }
});
