/**
 * PostgreSQL's COPY to or from the client (`FROM STDIN`, `TO STDOUT`) in a database task,
 * through the real CLI against a real PostgreSQL 15 server (tests/_postgres.ts): weft
 * validate refuses it in a `query` at its place, saying what to write instead; met in a
 * `file` script by the run, it fails the task (the driver's stream never ends the
 * process), and the run ends recorded.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { createDatabase, startPostgres } from "./_postgres.ts";
import { testTempDir } from "./_tmp.ts";
import { withSession } from "./_db_session.ts";

const FIXTURES = new URL("./fixtures/database_copy/", import.meta.url).pathname;

Deno.test("database COPY: validate refuses FROM STDIN and TO STDOUT in a query at file:line:col", async () => {
  const run = await weft(["validate", `${FIXTURES}copy_query.yml`], {
    env: { WEFT_HOME: testTempDir("home-") },
  });
  assert.equal(run.code, 2, run.stderr);
  const out = run.stdout + run.stderr;
  assert.match(
    out,
    /copy_query\.yml:8:28: .*"load": `COPY … FROM STDIN` reads its rows from the client[^\n]*\n\s*hint: load a file the server can read: COPY t FROM '.*\\copy t FROM/,
  );
  assert.match(
    out,
    /copy_query\.yml:15:35: .*"export": `COPY … TO STDOUT` sends its rows to the client[^\n]*\n\s*hint: SELECT the rows instead/,
  );
  // The words in a string or a comment are not a COPY statement.
  assert.doesNotMatch(out, /text_only/);
});

Deno.test("database COPY: met by the run in a file script, the task fails and the run is recorded", async () => {
  const server = await startPostgres();
  try {
    const url = await createDatabase(server, "copy");
    const home = testTempDir("home-");
    const run = await weft(["run", `${FIXTURES}copy_file.yml`, "--json"], {
      env: { WEFT_HOME: home, DATABASE_URL: url },
    });
    // A failed task (exit 1), not a process ended by an uncaught driver error.
    assert.equal(run.code, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /Uncaught|CONNECTION_DESTROYED|^\s+at /m);
    const report = JSON.parse(run.stdout) as RunReport;
    assert.equal(report.status, "failed");
    assert.match(
      reportTask(report, "load").error ?? "",
      /^running load\.sql failed: load\.sql:3:15: `COPY … FROM STDIN` reads its rows from the client.*\\copy t FROM/,
    );
    assert.match(
      reportTask(report, "export").error ?? "",
      /^running export\.sql failed: export\.sql:1:22: `COPY … TO STDOUT` sends its rows to the client/,
    );
    assert.equal(reportTask(report, "after").status, "success");
    // The history holds the run as ended, failed: nothing is left running.
    const status = await weft(["status", report.id, "--json"], { env: { WEFT_HOME: home } });
    const recorded = JSON.parse(status.stdout) as RunReport;
    assert.equal(recorded.status, "failed", status.stdout + status.stderr);
    assert.doesNotMatch(status.stderr, /interrupted|still marked running/);
  } finally {
    await server.stop();
  }
});

Deno.test("database COPY: a copy stream the driver opens anyway is the statement's error", async () => {
  const server = await startPostgres();
  try {
    const url = await createDatabase(server, "copy");
    await withSession(url, (db) => db.exec("CREATE TABLE t(name text)"));
    // Closing the session destroys the stream: that raises nothing outside the statement
    // (Deno's test runner fails a test on an uncaught error).
    for (
      const [sql, words] of [["COPY t FROM STDIN", /FROM STDIN/], [
        "COPY t TO STDOUT",
        /TO STDOUT/,
      ]] as const
    ) {
      await withSession(url, async (db) => {
        await assert.rejects(db.query(sql), words);
      });
    }
  } finally {
    await server.stop();
  }
});
