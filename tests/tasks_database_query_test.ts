/**
 * One statement per `query` against real databases (src/tasks/database/query.ts and the
 * drivers): the tester's second-statement bypasses are refused before anything runs,
 * also when the statement counter is skipped (the drivers check on their own: SQLite's
 * unread tail, PostgreSQL's extended protocol); valid single statements still run; 64-bit
 * integers keep their digits. A real SQLite file, a real PostgreSQL 15 (tests/_postgres.ts),
 * and the real CLI.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { DbSession } from "../src/tasks/database/driver.ts";
import { runQuery } from "../src/tasks/database/query.ts";
import type { RunReport } from "../src/engine/events.ts";
import { createDatabase, startPostgres } from "./_postgres.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { withSession } from "./_db_session.ts";

/** Each bypass is refused by runQuery and by the driver alone; `victim` is kept. */
async function refusesAll(db: DbSession, bypasses: string[], driverSays: RegExp): Promise<void> {
  await db.exec("CREATE TABLE victim (a INTEGER)");
  for (const sql of bypasses) {
    await assert.rejects(runQuery(db, sql), /more than one statement/, sql);
    await assert.rejects(async () => await db.query(sql), driverSays, sql);
    assert.deepEqual((await db.query("SELECT count(*) AS n FROM victim")).length, 1, sql);
  }
}

const SQLITE_BYPASSES = [
  "SELECT 1 /* /* */ ; DROP TABLE victim; /* */",
  "CREATE TABLE t2(begin); DROP TABLE victim",
  "SELECT $a$ ; DROP TABLE victim; SELECT $a$",
  "SELECT E'\\' FROM (SELECT 1 AS E); DROP TABLE victim; --'",
  "CREATE TABLE trigger(begin); DROP TABLE victim",
  "SELECT $a((;) ; DROP TABLE victim",
];

const PG_BYPASSES = [
  "CREATE TABLE IF NOT EXISTS t9 (begin int); DROP TABLE victim",
  "CREATE TABLE t8 (begin int); DROP TABLE victim",
  "SELECT 1; DROP TABLE victim",
];

Deno.test("SQLite: a second statement is refused, single ones run, 64-bit integers as digits", async () => {
  const dir = testTempDir("sqlite-query-");
  await withSession(`sqlite:${dir}/q.sqlite`, async (db) => {
    await refusesAll(db, SQLITE_BYPASSES, /more than one statement/);
    const tables = await db.query("SELECT name FROM sqlite_master WHERE name IN ('t2', 'trigger')");
    assert.deepEqual(tables, []); // the first statement did not run either
    await runQuery(db, "CREATE TABLE ev (id INTEGER, ts INTEGER, [begin] INTEGER)");
    await runQuery(
      db,
      "CREATE TEMP TRIGGER tr AFTER UPDATE OF begin ON ev BEGIN SELECT 1; SELECT 2; END;",
    );
    await runQuery(
      db,
      "INSERT INTO ev VALUES (1, 1764586800123456789, 0), (2, -9223372036854775808, 0)",
    );
    const result = await runQuery(db, "SELECT id, ts, 1.5 AS f FROM ev ORDER BY id; -- done");
    assert.equal(
      result.rows,
      '[{"id":1,"ts":"1764586800123456789","f":1.5},{"id":2,"ts":"-9223372036854775808","f":1.5}]',
    );
    // A text SQLite prepares nothing from is refused (reading it crashed the process).
    for (const blank of [" -- only a comment", "/* c */ ;", ""]) {
      await assert.rejects(runQuery(db, blank), /holds no statement/, blank);
    }
    const quoted = await runQuery(db, "SELECT 'a;b' AS [x;y], 2 AS `p;q` /* ; */");
    assert.equal(quoted.rows, '[{"x;y":"a;b","p;q":2}]');
  });
});

Deno.test("PostgreSQL 15: a second statement is refused by weft and by the server", async (t) => {
  const server = await startPostgres();
  try {
    const url = await createDatabase(server, "one_statement");
    await t.step("bypasses refused, nothing run", async () => {
      await withSession(url, async (db) => {
        await refusesAll(db, PG_BYPASSES, /cannot insert multiple commands/);
        const tables = await db.query(
          "SELECT tablename FROM pg_tables WHERE tablename IN ('t8', 't9')",
        );
        assert.deepEqual(tables, []);
      });
    });
    await t.step("PostgreSQL's own quoting and routine bodies are one statement", async () => {
      await withSession(url, async (db) => {
        const rows = await runQuery(
          db,
          "SELECT $a$ ; $a$ AS d, E'it\\'s; x' AS e, 1 /* /* */ ; */ AS c, " +
            "1764586800123456789::int8 AS big",
        );
        assert.equal(rows.rows, `[{"d":" ; ","e":"it's; x","c":1,"big":"1764586800123456789"}]`);
        await runQuery(
          db,
          "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END",
        );
        assert.equal((await runQuery(db, "SELECT f() AS v")).rows, '[{"v":2}]');
      });
    });
  } finally {
    await server.stop();
  }
});

Deno.test("weft validate and run: the tester's SQLite bypass is refused; big integers as text", async () => {
  const dir = testTempDir("cli-one-statement-");
  const db = join(dir, "app.sqlite");
  Deno.writeTextFileSync(
    join(dir, "two.yml"),
    "name: two\ntasks:\n  - id: q\n    type: database\n    config:\n" +
      `      connection: "sqlite:${db}"\n` +
      "      query: 'SELECT 1 /* /* */ ; DROP TABLE victim; /* */'\n",
  );
  const validate = await weft(["validate", join(dir, "two.yml")]);
  assert.equal(validate.code, 2, validate.stdout + validate.stderr);
  assert.match(validate.stdout + validate.stderr, /holds more than one statement/);
  Deno.writeTextFileSync(
    join(dir, "big.yml"),
    "name: big\ntasks:\n  - id: q\n    type: database\n    config:\n" +
      `      connection: "sqlite:${db}"\n` +
      "      query: SELECT 1764586800123456789 AS ts, 7 AS n\n",
  );
  const run = await weft(["run", join(dir, "big.yml"), "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const task = reportTask(JSON.parse(run.stdout) as RunReport, "q");
  assert.equal(task.outputs?.rows, '[{"ts":"1764586800123456789","n":7}]');
});

Deno.test("SQLite: SQL holding a NUL is refused by the driver, for a query and a script alike", async () => {
  const dir = testTempDir("sqlite-nul-");
  await withSession(`sqlite:${join(dir, "app.sqlite")}`, async (db) => {
    await db.exec("CREATE TABLE victim (a INTEGER)");
    for (
      const sql of ["\0SELECT 1", "-- c\0\nDROP TABLE victim", "SELECT 1\0; DROP TABLE victim"]
    ) {
      await assert.rejects(
        async () => await db.query(sql),
        /holds a NUL character/,
        JSON.stringify(sql),
      );
    }
    await assert.rejects(async () => await db.exec("SELECT 1;\0 DROP TABLE victim"), /holds a NUL/);
    assert.equal((await db.query("SELECT count(*) AS n FROM victim")).length, 1);
  });
});

Deno.test("weft validate and run: a NUL in `query` is a validation error, and a run never reaches SQLite", async () => {
  const dir = testTempDir("cli-nul-");
  const file = join(dir, "nul.yml");
  Deno.writeTextFileSync(
    file,
    "name: nul\ntasks:\n  - id: q\n    type: database\n    config:\n" +
      `      connection: "sqlite:${join(dir, "app.sqlite")}"\n` +
      '      query: "\\0SELECT 1"\n',
  );
  const validate = await weft(["validate", file]);
  assert.equal(validate.code, 2, validate.stdout + validate.stderr);
  assert.match(validate.stdout + validate.stderr, /nul\.yml:7:\d+.*holds a NUL character/);
  const run = await weft(["run", file]);
  assert.equal(run.code, 2, run.stderr);
  assert.doesNotMatch(run.stderr, /internal error|Segmentation/);
});

Deno.test("weft validate: a literal SQLite query of comments only holds no statement", async () => {
  const dir = testTempDir("cli-blank-sql-");
  for (const query of ["-- only a comment", "/* c */", ";"]) {
    const file = join(dir, "blank.yml");
    Deno.writeTextFileSync(
      file,
      "name: blank\ntasks:\n  - id: q\n    type: database\n    config:\n" +
        `      connection: "sqlite:${join(dir, "app.sqlite")}"\n` +
        `      query: ${JSON.stringify(query)}\n`,
    );
    const validate = await weft(["validate", file]);
    assert.equal(validate.code, 2, query);
    assert.match(validate.stdout + validate.stderr, /blank\.yml:7:\d+.*holds no statement/, query);
  }
});

Deno.test("weft validate and run: a SQLite trigger whose body reads a column named end is one statement", async () => {
  const dir = testTempDir("cli-trigger-end-");
  const db = join(dir, "app.sqlite");
  await withSession(
    `sqlite:${db}`,
    (s) => s.exec("CREATE TABLE v (end INTEGER); CREATE TABLE log (n INTEGER)"),
  );
  const file = join(dir, "trigger.yml");
  Deno.writeTextFileSync(
    file,
    "name: trigger\ntasks:\n  - id: q\n    type: database\n    config:\n" +
      `      connection: "sqlite:${db}"\n` +
      "      query: CREATE TRIGGER tr AFTER INSERT ON v BEGIN INSERT INTO log SELECT end FROM v; END\n",
  );
  const validate = await weft(["validate", file]);
  assert.equal(validate.code, 0, validate.stdout + validate.stderr);
  const run = await weft(["run", file]);
  assert.equal(run.code, 0, run.stderr);
  await withSession(`sqlite:${db}`, async (s) => {
    await s.exec("INSERT INTO v VALUES (7)");
    assert.deepEqual((await s.query("SELECT n FROM log")).map((row) => ({ ...row })), [{ n: 7 }]);
  });
});
