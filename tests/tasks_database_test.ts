/**
 * The database task's modules (src/tasks/database/): connection parsing and password
 * masking, migrations and queries against real SQLite files and a real PostgreSQL 15
 * server started by the test (tests/_postgres.ts; the PostgreSQL tests fail where it
 * cannot start).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  ConnectionError,
  connectionSecrets,
  connectionTrouble,
  databaseTaskSecrets,
  parseConnection,
} from "../src/model/connection.ts";
import { compileTemplate } from "../src/expr/mod.ts";
import { openSession } from "../src/tasks/database/driver.ts";
import { loadMigrations, migrate } from "../src/tasks/database/migrations.ts";
import { hasSecondStatement, MAX_ROWS, rowJson, runQuery } from "../src/tasks/database/query.ts";
import { createDatabase, PG_PASSWORD, type PgServer, startPostgres } from "./_postgres.ts";
import { testTempDir } from "./_tmp.ts";
import { withSession } from "./_db_session.ts";

/** The file of a sqlite: connection. */
function sqlitePath(text: string): string {
  const conn = parseConnection(text, "/w");
  assert.ok(conn.kind === "sqlite");
  return conn.path;
}

Deno.test("parseConnection: sqlite forms resolve against cwd", () => {
  assert.deepEqual(sqlitePath("sqlite:app.db"), "/w/app.db");
  assert.deepEqual(sqlitePath("sqlite:///var/app.db"), "/var/app.db");
  assert.deepEqual(sqlitePath("sqlite://data/app.db"), "/w/data/app.db");
  assert.deepEqual(sqlitePath("sqlite::memory:"), ":memory:");
  assert.throws(() => parseConnection("sqlite:", "/w"), ConnectionError);
});

Deno.test("parseConnection: postgres URLs are shown without their password", () => {
  const conn = parseConnection("postgresql://app:s%40cret!@db.local:5433/app?sslmode=disable", "/");
  assert.deepEqual(conn.kind, "postgres");
  assert.deepEqual(conn.display, "postgresql://app@db.local:5433/app?sslmode=disable");
  const query = parseConnection("postgres://db/app?user=a&password=hunter22", "/");
  assert.ok(!query.display.includes("hunter22"), query.display);
});

Deno.test("parseConnection: bad URLs throw ConnectionError without the password", () => {
  for (const text of ["postgres://app:topsecret@db host/app", "postgres://:topsecret@/app"]) {
    const error = assert.throws(() => parseConnection(text, "/"), ConnectionError) as unknown;
    assert.ok(!String((error as Error)?.message).includes("topsecret"));
  }
  assert.match(connectionTrouble("mysql://a@b/c")!.message, /unsupported database scheme "mysql:"/);
  assert.match(connectionTrouble("app.db")!.message, /not a URL/);
  assert.deepEqual(connectionTrouble("sqlite:app.db"), undefined);
});

Deno.test("connectionSecrets: the password raw and decoded, a password= value, malformed URLs", () => {
  assert.deepEqual(connectionSecrets("postgres://app:s%40cret@db/x"), ["s%40cret", "s@cret"]);
  assert.deepEqual(connectionSecrets("postgres://db/x?user=a&password=hunter22"), ["hunter22"]);
  assert.deepEqual(connectionSecrets("postgres://app:pw with space@db host/x"), [
    "pw with space",
  ]);
  assert.deepEqual(connectionSecrets("sqlite:app.db"), []);
  assert.deepEqual(connectionSecrets("postgres://app@db/x"), []);
});

Deno.test("databaseTaskSecrets: the password where the run's URL builder puts it", () => {
  const params: Record<string, string> = { user: "app@evil:1/x?a=", pw: "p@s#s/w:r%d" };
  const scope = (_root: string, path: string[]) => params[path[0]];
  const task = { config: { connection: "postgres://${params.user}:${params.pw}@db:5432/app" } };
  const found = databaseTaskSecrets(
    task,
    (text) => compileTemplate(text).render(scope),
    undefined,
    (text) => compileTemplate(text).renderUrl(scope),
  );
  // Encoded as the URL holds it, and decoded as the driver sends it.
  assert.deepEqual(found, ["p%40s%23s%2Fw%3Ar%25d", "p@s#s/w:r%d"]);
  // A sqlite: file holds no password (its path is not a URL part).
  const sqlite = { config: { connection: "sqlite:dbs/${params.pw}.db" } };
  assert.deepEqual(databaseTaskSecrets(sqlite, (t) => t, undefined, () => "x://u:p@h"), []);
});

Deno.test("rowJson: 64-bit integers as digits, bytes as \\x hex", () => {
  assert.deepEqual(
    rowJson({ n: 9007199254740993n, b: new Uint8Array([1, 255]), s: "x" }),
    '{"n":"9007199254740993","b":"\\\\x01ff","s":"x"}',
  );
});

Deno.test("hasSecondStatement: a `;` in strings, dollar quotes and comments does not count", () => {
  for (
    const one of [
      "SELECT 1",
      "SELECT 1;",
      "SELECT ';x' AS a; -- done; really\n",
      'SELECT "a;b" FROM t /* ; */ ;',
      "DO $body$ BEGIN PERFORM 1; END $body$;",
      "SELECT $$a;b$$",
    ]
  ) assert.equal(hasSecondStatement(one, "postgres"), false, one);
  for (const two of ["SELECT 1; SELECT 2", "SELECT ';'; DROP TABLE t", "SELECT 1;;x"]) {
    assert.equal(hasSecondStatement(two, "postgres"), true, two);
    assert.equal(hasSecondStatement(two, "sqlite"), true, two);
  }
});

Deno.test("runQuery, SQLite: a trigger whose BEGIN … END body holds statements is one statement", async () => {
  const dir = testTempDir("sqlite-trigger-");
  await withSession(`sqlite:${dir}/t.sqlite`, async (db) => {
    await runQuery(db, "CREATE TABLE x (a INTEGER)");
    await runQuery(db, "CREATE TABLE log (a INTEGER)");
    await runQuery(
      db,
      "CREATE TRIGGER IF NOT EXISTS t AFTER INSERT ON x BEGIN " +
        "INSERT INTO log VALUES (new.a); INSERT INTO log VALUES (new.a * 10); END;",
    );
    await runQuery(db, "INSERT INTO x VALUES (2)");
    const result = await runQuery(db, "SELECT a FROM log ORDER BY a");
    assert.equal(result.rows, '[{"a":2},{"a":20}]');
    // Still one statement per query: what follows END is refused.
    await assert.rejects(
      runQuery(db, "CREATE TRIGGER u AFTER INSERT ON x BEGIN SELECT 1; END; DROP TABLE log"),
      /more than one statement/,
    );
  });
});

/** A migrations folder with the given files. */
function migrationsDir(files: Record<string, string>): string {
  const dir = testTempDir("migrations-");
  for (const [name, sql] of Object.entries(files)) Deno.writeTextFileSync(join(dir, name), sql);
  return dir;
}

const BASE = {
  "001_users.sql": "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);",
  "001_users.down.sql": "DROP TABLE users;",
  "002_orders.sql": "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER);",
  "002_orders.down.sql": "DROP TABLE orders;",
  "010_admin.sql": "INSERT INTO users (id, email) VALUES (1, 'admin@example.com');",
};

/** The migration behaviour both drivers must show, against a fresh database at `url`. */
async function migrationContract(url: () => Promise<string>, t: Deno.TestContext) {
  await t.step("ordered by number, recorded, a second run applies nothing", async () => {
    const target = await url();
    const dir = migrationsDir(BASE);
    const migrations = await loadMigrations(dir);
    assert.deepEqual(migrations.map((m) => m.name), [
      "001_users.sql",
      "002_orders.sql",
      "010_admin.sql",
    ]);
    const first = await withSession(target, (db) => migrate(db, migrations, false, () => {}));
    assert.deepEqual(first.applied, ["001_users.sql", "002_orders.sql", "010_admin.sql"]);
    const second = await withSession(target, (db) => migrate(db, migrations, false, () => {}));
    assert.deepEqual([second.applied, second.skipped], [[], 3]);
    const rows = await withSession(
      target,
      (db) => db.query("SELECT name, checksum, applied_at FROM weft_migrations ORDER BY name"),
    );
    assert.deepEqual(rows.map((r) => r.name), ["001_users.sql", "002_orders.sql", "010_admin.sql"]);
    assert.match(String(rows[0].checksum), /^[0-9a-f]{64}$/);
    assert.ok(!Number.isNaN(Date.parse(String(rows[0].applied_at))));
  });

  await t.step("a changed applied file fails naming it", async () => {
    const target = await url();
    const dir = migrationsDir(BASE);
    await withSession(
      target,
      async (db) => migrate(db, await loadMigrations(dir), false, () => {}),
    );
    Deno.writeTextFileSync(join(dir, "002_orders.sql"), "CREATE TABLE orders (id INTEGER);");
    const changed = await loadMigrations(dir);
    await assert.rejects(
      withSession(target, (db) => migrate(db, changed, false, () => {})),
      (e: Error) =>
        e.message.includes("002_orders.sql") && /changed after it was applied/.test(e.message),
    );
  });

  await t.step(
    "a failing migration rolls back; rollback undoes this run's in reverse",
    async () => {
      const target = await url();
      const dir = migrationsDir({
        ...BASE,
        "011_broken.sql": "CREATE TABLE t (a INTEGER); SELECT * FROM missing_table;",
      });
      const migrations = await loadMigrations(dir);
      const log: string[] = [];
      const report = await withSession(
        target,
        (db) => migrate(db, migrations, true, (l) => log.push(l)),
      );
      assert.deepEqual(report.failed?.name, "011_broken.sql");
      assert.match(report.failed!.message, /missing_table/);
      // 010 has no down file: undoing stops there, so 001 and 002 stay (010 builds on them).
      assert.deepEqual([report.undone, report.notUndone], [[], [
        "010_admin.sql",
        "002_orders.sql",
        "001_users.sql",
      ]]);
      const tables = await withSession(
        target,
        (db) => db.query("SELECT name FROM weft_migrations ORDER BY name"),
      );
      assert.deepEqual(
        tables.map((r) => r.name),
        ["001_users.sql", "002_orders.sql", "010_admin.sql"],
      );
      // The failed migration's own transaction left nothing: table t does not exist.
      await assert.rejects(withSession(target, (db) => db.query("SELECT a FROM t")));
    },
  );

  await t.step("with every down file, the whole run is undone newest first", async () => {
    const target = await url();
    const dir = migrationsDir({
      "001_users.sql": BASE["001_users.sql"],
      "001_users.down.sql": BASE["001_users.down.sql"],
      "002_orders.sql": BASE["002_orders.sql"],
      "002_orders.down.sql": BASE["002_orders.down.sql"],
      "003_bad.sql": "INSERT INTO nowhere VALUES (1);",
    });
    const log: string[] = [];
    const report = await withSession(
      target,
      async (db) => migrate(db, await loadMigrations(dir), true, (l) => log.push(l)),
    );
    assert.deepEqual(report.undone, ["002_orders.sql", "001_users.sql"]);
    assert.deepEqual(report.notUndone, []);
    const left = await withSession(target, (db) => db.query("SELECT name FROM weft_migrations"));
    assert.deepEqual(left, []);
    await assert.rejects(withSession(target, (db) => db.query("SELECT id FROM users")));
  });

  await t.step("two runs at once apply each migration once", async () => {
    const target = await url();
    const dir = migrationsDir({
      ...BASE,
      // Not idempotent: applied twice, it fails on the duplicate key.
      "020_more.sql": "INSERT INTO users (id, email) VALUES (2, 'b@example.com');",
    });
    const migrations = await loadMigrations(dir);
    const reports = await Promise.all(
      [1, 2, 3].map(() => withSession(target, (db) => migrate(db, migrations, false, () => {}))),
    );
    assert.deepEqual(reports.map((r) => r.failed), [undefined, undefined, undefined]);
    assert.deepEqual(reports.flatMap((r) => r.applied).sort(), migrations.map((m) => m.name));
    const users = await withSession(target, (db) => db.query("SELECT id FROM users ORDER BY id"));
    assert.deepEqual(users.map((r) => Number(r.id)), [1, 2]);
  });

  await t.step("query: rows as JSON capped at MAX_ROWS, row_count is the full count", async () => {
    const target = await url();
    const result = await withSession(target, async (db) => {
      await db.exec("CREATE TABLE n (i INTEGER); CREATE TABLE e (i INTEGER);");
      await db.exec(`INSERT INTO n (i) ${seriesSql(1500, target)}`);
      return await runQuery(db, "SELECT i FROM n ORDER BY i");
    });
    assert.deepEqual([result.rowCount, result.kept], [1500, MAX_ROWS]);
    const rows = JSON.parse(result.rows) as { i: number }[];
    assert.deepEqual([rows.length, rows[0], rows.at(-1)], [MAX_ROWS, { i: 1 }, { i: 1000 }]);
    const empty = await withSession(target, (db) => runQuery(db, "SELECT i FROM e"));
    assert.deepEqual([empty.rows, empty.rowCount], ["[]", 0]);
  });
}

/** SELECT of 1..n for either database. */
function seriesSql(n: number, url: string): string {
  return url.startsWith("sqlite:")
    ? `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n}) SELECT i FROM s`
    : `SELECT generate_series(1, ${n})`;
}

Deno.test("loadMigrations: odd names are refused or skipped, never applied out of order", async () => {
  for (const name of ["002 space.sql", "003_up.SQL", "004-dash.sql"]) {
    await assert.rejects(
      loadMigrations(migrationsDir({ "001_a.sql": "", [name]: "" })),
      (e: Error) => e.message.includes(name) && /is not named NNN_name\.sql/.test(e.message),
    );
  }
  // Hidden files and other extensions are not migrations; a link is what it points to.
  const dir = migrationsDir({
    "001_a.sql": "",
    "003_ünï.sql": "",
    ".002_x.sql": "",
    "._001_a.sql": "",
    "README.md": "",
  });
  Deno.mkdirSync(join(dir, "notes"));
  const shared = join(testTempDir(), "shared.sql");
  Deno.writeTextFileSync(shared, "SELECT 4;");
  Deno.symlinkSync(shared, join(dir, "004_shared.sql"));
  const loaded = await loadMigrations(dir);
  assert.deepEqual(loaded.map((m) => m.name), ["001_a.sql", "003_ünï.sql", "004_shared.sql"]);
  assert.deepEqual(loaded[2].sql, "SELECT 4;");
  // Named like SQL yet no file: refused naming it, never passed over (F10).
  Deno.symlinkSync(join(dir, "nowhere"), join(dir, "006_gone.sql"));
  await assert.rejects(
    loadMigrations(dir),
    /migration \S*006_gone\.sql\S* is a symbolic link to nothing, not a file/,
  );
  Deno.removeSync(join(dir, "006_gone.sql"));
  Deno.mkdirSync(join(dir, "005_folder.sql"));
  await assert.rejects(loadMigrations(dir), /migration \S*005_folder\.sql\S* is a folder, not/);
  Deno.removeSync(join(dir, "005_folder.sql"));
  Deno.symlinkSync(join(dir, "notes"), join(dir, "005_notes.down.sql"));
  await assert.rejects(
    loadMigrations(dir),
    /005_notes\.down\.sql\S* is a symbolic link to a folder/,
  );
});

Deno.test("loadMigrations: a .sql without a number, or a shared number, is refused", async () => {
  await assert.rejects(
    loadMigrations(migrationsDir({ "init.sql": "" })),
    /init\.sql.*is not named NNN_name\.sql/,
  );
  await assert.rejects(
    loadMigrations(migrationsDir({ "001_a.sql": "", "1_b.sql": "" })),
    /share number 1/,
  );
  await assert.rejects(
    loadMigrations(join(testTempDir(), "missing")),
    /cannot read the migrations folder/,
  );
});

Deno.test("SQLite: migrations and queries", async (t) => {
  let n = 0;
  const dir = testTempDir("sqlite-");
  await migrationContract(() => Promise.resolve(`sqlite:${dir}/db${++n}.sqlite`), t);
  await t.step("a database weft creates is private (0600)", () => {
    assert.deepEqual(Deno.statSync(`${dir}/db1.sqlite`).mode! & 0o777, 0o600);
  });
});

Deno.test("PostgreSQL 15: migrations, queries, cancel, a wrong password", async (t) => {
  const server: PgServer = await startPostgres();
  try {
    let n = 0;
    await migrationContract(() => createDatabase(server, `contract_${++n}`), t);

    await t.step("cancel ends a running statement at once", async () => {
      const url = await createDatabase(server, "cancel");
      const abort = new AbortController();
      const db = await openSession(parseConnection(url, "/"), {
        signal: abort.signal,
        notice: () => {},
      });
      try {
        const running = db.query("SELECT pg_sleep(600)");
        setTimeout(() => abort.abort(), 200);
        await assert.rejects(running);
      } finally {
        await db.close();
      }
      // The server no longer runs it.
      const active = await withSession(
        url,
        (other) =>
          other.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(600)%'",
          ),
      );
      assert.deepEqual(active[0].n, 0);
    });

    await t.step("a wrong password fails without printing it", async () => {
      const bad = server.url().replace(PG_PASSWORD, "not-the-password");
      const error = await withSession(bad, () => Promise.resolve()).then(
        () => null,
        (e) => e as Error,
      );
      assert.ok(error);
      assert.match(error.message, /password authentication failed/);
      assert.ok(!error.message.includes("not-the-password"));
    });
  } finally {
    await server.stop();
  }
});
