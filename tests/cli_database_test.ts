/**
 * The `database` task type through the real CLI: the seed's db-migration example on a
 * SQLite file, query rows as outputs, and against a real PostgreSQL 15 server (started
 * by the test, tests/_postgres.ts): the password masked in everything weft prints and
 * stores, a timeout ending the server's statement, an unreachable server failing in
 * one line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { RunReport } from "../src/engine/events.ts";
import { EXAMPLES, weft } from "./_run_cli.ts";
import { createDatabase, freePort, PG_PASSWORD, startPostgres } from "./_postgres.ts";
import { testTempDir } from "./_tmp.ts";
import { textsUnder } from "./_file_texts.ts";

const FIXTURES = new URL("./fixtures/database/", import.meta.url).pathname;
const EXAMPLE = `${EXAMPLES}database/db-migration.json`;

function assertNoTrace(text: string) {
  assert.ok(!/internal error|^\s{4}at |Stack backtrace/m.test(text), text);
}

Deno.test("examples/database: migrates a SQLite file; a second run applies nothing", async () => {
  const db = join(testTempDir("db-"), "app.db");
  const env = { DATABASE_URL: `sqlite:${db}` };
  const first = await weft(["run", EXAMPLE, "--json"], { env });
  assert.equal(first.code, 0, first.stderr);
  const report = JSON.parse(first.stdout) as RunReport;
  assert.deepEqual(report.tasks[0].outputs, { migrations_applied: "3" });
  const second = await weft(["run", EXAMPLE, "--json", "-v"], { env });
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual((JSON.parse(second.stdout) as RunReport).tasks[0].outputs, {
    migrations_applied: "0",
  });
  assert.match(second.stderr, /0 migration\(s\) applied, 3 already applied/);
});

Deno.test("examples/database: a failing migration is rolled back with this run's", async () => {
  const dir = testTempDir("db-");
  const copy = join(dir, "migrations");
  Deno.mkdirSync(copy);
  for (const entry of Deno.readDirSync(`${EXAMPLES}database/migrations`)) {
    Deno.copyFileSync(`${EXAMPLES}database/migrations/${entry.name}`, join(copy, entry.name));
  }
  Deno.writeTextFileSync(join(copy, "004_broken.sql"), "ALTER TABLE nowhere ADD x INTEGER;");
  Deno.copyFileSync(EXAMPLE, join(dir, "db-migration.json"));
  const env = { DATABASE_URL: `sqlite:${join(dir, "app.db")}` };
  const run = await weft(["run", join(dir, "db-migration.json"), "--json"], { env });
  assert.equal(run.code, 1);
  assertNoTrace(run.stderr);
  const task = (JSON.parse(run.stdout) as RunReport).tasks[0];
  // SQLite names no place in the statement for this error: the statement's start is named.
  assert.match(
    task.error!,
    /^migration 004_broken\.sql failed: migrations\/004_broken\.sql:1:1: no such table: nowhere/,
  );
  assert.match(
    task.error!,
    /undone from this run: 003_seed_admin\.sql, 002_create_orders\.sql, 001_create_users\.sql/,
  );
});

Deno.test("database query: rows and row_count are outputs the next task reads", async () => {
  const env = { DATABASE_URL: `sqlite:${join(testTempDir("db-"), "r.db")}` };
  const run = await weft(["run", `${FIXTURES}report.yml`, "--json"], { env });
  assert.equal(run.code, 0, run.stderr);
  const count = (JSON.parse(run.stdout) as RunReport).tasks.find((t) => t.id === "count")!;
  assert.deepEqual(count.outputs, {
    rows: '[{"name":"apple","qty":3},{"name":"plum","qty":7}]',
    row_count: "2",
  });
});

/** Runs changes.yml against `url`: each task's row_count, and the lines it printed. */
async function changeCounts(url: string) {
  const run = await weft(["run", `${FIXTURES}changes.yml`, "--json", "-v"], {
    env: { DATABASE_URL: url },
  });
  assert.equal(run.code, 0, run.stderr);
  const tasks = (JSON.parse(run.stdout) as RunReport).tasks;
  const counts = Object.fromEntries(tasks.map((t) => [t.id, t.outputs?.row_count]));
  return { counts, stderr: run.stderr };
}

/** What changes.yml's row_counts must be: rows changed, rows returned, 0 for DDL. */
function assertChangeCounts({ counts, stderr }: Awaited<ReturnType<typeof changeCounts>>) {
  assert.deepEqual(counts, { mk: "0", ins: "3", upd: "2", none: "0", ddl: "0", ret: "2" });
  assert.match(stderr, /\[ins\] 3 rows changed\n/);
  assert.match(stderr, /\[none\] 0 rows\n/);
  assert.match(stderr, /\[ddl\] 0 rows\n/);
  assert.match(stderr, /\[ret\] 2 rows\n/);
}

Deno.test("database query: row_count of INSERT/UPDATE/DELETE is the rows changed (SQLite)", async () => {
  assertChangeCounts(await changeCounts(`sqlite:${join(testTempDir("db-"), "c.db")}`));
});

/**
 * Runs bound.yml against `url` with `name` and `part` and returns the query tasks'
 * `rows` outputs and the count left in the table.
 */
async function boundRows(url: string, name: string, part = "n") {
  const run = await weft([
    "run",
    `${FIXTURES}bound.yml`,
    "--json",
    "-p",
    `name=${name}`,
    "-p",
    `part=${part}`,
  ], { env: { DATABASE_URL: url } });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const tasks = (JSON.parse(run.stdout) as RunReport).tasks;
  const rows = (id: string) => tasks.find((t) => t.id === id)!.outputs!.rows;
  return {
    quoted: rows("quoted"),
    bare: rows("bare"),
    like: rows("like"),
    left: rows("still-there").replace(/"/g, ""),
  };
}

/** `${...}` in `query` are bound as parameters: a value cannot change the statement. */
async function assertBound(url: () => Promise<string>) {
  assert.deepEqual(await boundRows(await url(), "ann"), {
    quoted: '[{"name":"ann"}]',
    bare: '[{"name":"ann"}]',
    like: '[{"name":"ann"}]',
    left: "[{n:4}]",
  });
  const evil = await boundRows(await url(), "x' OR '1'='1", "'; DROP TABLE people; --");
  assert.deepEqual(evil, { quoted: "[]", bare: "[]", like: "[]", left: "[{n:4}]" });
  const quote = await boundRows(await url(), "it's", "'");
  assert.deepEqual(quote.quoted, '[{"name":"it\'s"}]');
  assert.deepEqual(quote.like, '[{"name":"it\'s"}]');
}

Deno.test("database query: ${...} values are bound, never spliced (SQLite)", async () => {
  const dir = testTempDir("db-");
  let n = 0;
  await assertBound(() => Promise.resolve(`sqlite:${join(dir, `b${n++}.db`)}`));
});

Deno.test("database: a SQLite file in a missing folder fails naming the folder", async () => {
  const run = await weft(["run", `${FIXTURES}nodir.yml`, "--json"]);
  assert.equal(run.code, 1);
  assertNoTrace(run.stdout + run.stderr);
  const task = (JSON.parse(run.stdout) as RunReport).tasks[0];
  assert.deepEqual(
    task.error,
    `cannot connect to sqlite:no/such/folder/app.db: the folder ${FIXTURES}no/such/folder ` +
      "does not exist (create it, or fix the path)",
  );
});

Deno.test("database: an unreachable server is a failed task in one line", async () => {
  const url = `postgres://app:unreach-pw@127.0.0.1:${freePort()}/app`;
  const run = await weft(["run", `${FIXTURES}unreachable.yml`, "--json"], {
    env: { DATABASE_URL: url },
  });
  assert.equal(run.code, 1);
  assertNoTrace(run.stdout + run.stderr);
  const task = (JSON.parse(run.stdout) as RunReport).tasks[0];
  assert.match(
    task.error!,
    /^cannot connect to postgres:\/\/app@127\.0\.0\.1:(\d+)\/app: 127\.0\.0\.1:\1: connection refused \(check/,
  );
  assert.ok(!task.error!.includes("\n"));
  assert.ok(!(run.stdout + run.stderr).includes("unreach-pw"));
});

Deno.test("PostgreSQL 15 through the CLI: example, masking, timeout", async (t) => {
  const server = await startPostgres();
  try {
    await t.step("row_count of INSERT/UPDATE/DELETE is the rows changed", async () => {
      assertChangeCounts(await changeCounts(await createDatabase(server, "changes")));
    });

    await t.step("the seed's example migrates, then applies nothing", async () => {
      const env = { DATABASE_URL: await createDatabase(server, "example") };
      const first = await weft(["run", EXAMPLE, "--json"], { env });
      assert.equal(first.code, 0, first.stderr);
      assert.deepEqual((JSON.parse(first.stdout) as RunReport).tasks[0].outputs, {
        migrations_applied: "3",
      });
      const second = await weft(["run", EXAMPLE, "--json"], { env });
      assert.deepEqual((JSON.parse(second.stdout) as RunReport).tasks[0].outputs, {
        migrations_applied: "0",
      });
    });

    await t.step("the password is masked in output, errors, logs and the history", async () => {
      const home = testTempDir("home-");
      const env = { DATABASE_URL: await createDatabase(server, "leak"), WEFT_HOME: home };
      const run = await weft(["run", `${FIXTURES}leak.yml`, "--json", "-v"], { env });
      assert.equal(run.code, 1);
      const report = JSON.parse(run.stdout) as RunReport;
      const bad = report.tasks.find((t) => t.id === "bad-query")!;
      assert.match(bad.error!, /^the query failed: .*no_such_table/);
      const shown = run.stdout + run.stderr;
      assert.ok(!shown.includes(PG_PASSWORD), shown);
      assert.match(run.stderr, /url is postgres:\/\/weft:\*\*\*@127\.0\.0\.1/);
      const logs = await weft(["logs", report.id, "echo-url"], { env });
      assert.match(logs.stdout, /url is postgres:\/\/weft:\*\*\*@/);
      assert.ok(!textsUnder(home).includes(PG_PASSWORD), "password stored under WEFT_HOME");
    });

    await t.step("${...} values in the connection are encoded for their URL part", async () => {
      // A user, password and database name holding URL syntax reach the server as
      // written: each value is percent-encoded and the driver decodes it.
      const pw = "p@s#s/w:r%d?9";
      const url = await createDatabase(server, "urlvalues");
      const { default: connect } = await import("postgres");
      const sql = connect(url, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`CREATE ROLE "we:b@x" LOGIN SUPERUSER PASSWORD '${pw}'`);
        await sql.unsafe(`CREATE DATABASE "odd db/1" OWNER "we:b@x"`);
      } finally {
        await sql.end({ timeout: 0 });
      }
      const home = testTempDir("home-");
      const ok = await weft([
        "run",
        `${FIXTURES}url_values.yml`,
        "--json",
        "-v",
        "-p",
        "user=we:b@x",
        "-p",
        `port=${server.port}`,
        "-p",
        "db=odd db/1",
      ], { env: { DB_PW: pw, WEFT_HOME: home } });
      assert.equal(ok.code, 0, ok.stderr);
      const who = (JSON.parse(ok.stdout) as RunReport).tasks.find((t) => t.id === "who")!;
      assert.deepEqual(JSON.parse(who.outputs.rows), [{ u: "we:b@x", d: "odd db/1" }]);
      assert.ok(!(ok.stdout + ok.stderr).includes(pw), ok.stderr);
      assert.ok(!textsUnder(home).includes(pw), "password stored under WEFT_HOME");

      // A user name that would read as another host, port and options: the server
      // refuses that user, and nothing reaches the other address.
      const other = Deno.listen({ hostname: "127.0.0.2", port: 0 });
      const otherPort = (other.addr as Deno.NetAddr).port;
      let reached = false;
      const accepting = (async () => {
        for await (const conn of other) {
          reached = true;
          conn.close();
        }
      })();
      try {
        const moved = await weft([
          "run",
          `${FIXTURES}url_values.yml`,
          "--json",
          "-p",
          `user=weft@127.0.0.2:${otherPort}/app?application_name=`,
          "-p",
          `port=${server.port}`,
          "-p",
          "db=urlvalues",
        ], { env: { DB_PW: PG_PASSWORD } });
        assert.equal(moved.code, 1);
        const error = (JSON.parse(moved.stdout) as RunReport).tasks.find((t) => t.id === "who")!
          .error!;
        assert.match(
          error,
          new RegExp(
            `^the query failed|^cannot connect to postgres://weft%40127\.0\.0\.2%3A${otherPort}%2Fapp%3Fapplication_name%3D@127\.0\.0\.1:${server.port}/urlvalues: `,
          ),
          error,
        );
        assert.match(error, /password authentication failed for user/);
        assert.ok(!(moved.stdout + moved.stderr).includes(PG_PASSWORD));
        assert.equal(reached, false, "a connection reached 127.0.0.2");
      } finally {
        other.close();
        await accepting.catch(() => {});
      }
    });

    await t.step("${...} values in a query are bound, never spliced", async () => {
      let n = 0;
      await assertBound(() => createDatabase(server, `bound${n++}`));
    });

    await t.step("a timeout ends the statement on the server", async () => {
      const url = await createDatabase(server, "slow");
      const run = await weft(["run", `${FIXTURES}slow.yml`, "--json"], {
        env: { DATABASE_URL: url },
      });
      assert.equal(run.code, 1);
      assert.deepEqual((JSON.parse(run.stdout) as RunReport).tasks[0].status, "timed_out");
      const { default: connect } = await import("postgres");
      const sql = connect(url, { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql.unsafe(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(600)'",
        );
        assert.deepEqual(row.n, 0);
      } finally {
        await sql.end({ timeout: 0 });
      }
    });
  } finally {
    await server.stop();
  }
});

Deno.test("database --dry-run: the target without its password, and the migrations", async () => {
  const { code, stdout, stderr } = await weft(["run", EXAMPLE, "--dry-run"], {
    env: { DATABASE_URL: "postgres://app:hunter2-secret@db.example:5432/app" },
  });
  assert.equal(code, 0, stderr);
  // The plan is written to stderr, like every progress line.
  assert.match(stderr, /database postgres:\/\/app@db\.example:5432\/app\n/);
  assert.match(stderr, /migrate migrations\/ \(rolled back on failure\)/);
  assert.doesNotMatch(stdout + stderr, /hunter2/);
});

Deno.test("database --dry-run: values in the connection encoded as the run builds it, no password", async () => {
  const pw = "dry#p@ss/w:rd%9";
  const { code, stdout, stderr } = await weft([
    "run",
    `${FIXTURES}url_values.yml`,
    "--dry-run",
    "-p",
    "user=app@10.0.0.9:1/x?y=",
  ], { env: { DB_PW: pw } });
  assert.equal(code, 0, stderr);
  assert.match(
    stderr,
    /database postgres:\/\/app%4010\.0\.0\.9%3A1%2Fx%3Fy%3D@127\.0\.0\.1:5432\/app\n/,
  );
  for (const part of [pw, "dry#p", "p@ss", encodeURIComponent(pw)]) {
    assert.ok(!(stdout + stderr).includes(part), part);
  }
});
