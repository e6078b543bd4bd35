/**
 * A `${...}` in a statement its database binds no parameters in (PostgreSQL's `SET`,
 * `NOTIFY`, `COMMENT ON`, `CREATE USER … PASSWORD`, DDL; SQLite's views, triggers,
 * DEFAULT, CHECK) is refused by `weft validate` at its line:column, through the real CLI,
 * instead of every run failing with `syntax error at or near "$1"`; a statement either
 * database binds in passes when the connection is not known, and the run refuses it on
 * the other in the same words; what the hints say to write instead runs on a real
 * PostgreSQL 15 server (tests/_postgres.ts) (src/expr/sql_bindable.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { RunReport } from "../src/engine/events.ts";
import { weft } from "./_run_cli.ts";
import { createDatabase, PG_PASSWORD, startPostgres } from "./_postgres.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/database_bindable/", import.meta.url).pathname;

/** Each problem line of `weft validate`'s output: `line:col` → the rest, by task id. */
function problems(stderr: string, file: string): Record<string, string> {
  const found: Record<string, string> = {};
  const lines = stderr.split("\n");
  lines.forEach((line, k) => {
    const match = new RegExp(`^${file}:(\\d+:\\d+): config\\.query in task "([^"]+)": (.*)$`)
      .exec(line);
    if (match) found[match[2]] = `${match[1]} ${match[3]} | ${lines[k + 1]?.trim() ?? ""}`;
  });
  return found;
}

const PG_FUNCTION_HINT = /hint: run the statement from a function .*pg_temp\.f\(v text\).*%L/;

Deno.test("weft validate, PostgreSQL: a `${...}` in a statement taking no parameters is refused at its place", async () => {
  const file = `${FIXTURES}refused_postgres.yml`;
  const run = await weft(["validate", file]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const found = problems(run.stderr, file);
  const expected: Record<string, [string, string]> = {
    "create-user": ["10:45", "CREATE USER"],
    "alter-role": ["15:55", "ALTER ROLE"],
    comment: ["20:48", "COMMENT ON"],
    set: ["25:39", "SET"],
    "set-to": ["30:47", "SET"],
    notify: ["35:29", "NOTIFY"],
    default: ["40:46", "CREATE TABLE"],
    "alter-set": ["45:55", "ALTER DATABASE"],
    view: ["50:39", "CREATE VIEW"],
    index: ["55:57", "CREATE INDEX"],
    prepare: ["60:35", "PREPARE"],
    do: ["65:40", "DO"],
  };
  assert.deepEqual(Object.keys(found).sort(), Object.keys(expected).sort(), run.stderr);
  for (const [id, [place, statement]] of Object.entries(expected)) {
    const text = found[id];
    assert.ok(text.startsWith(`${place} a \`\${...}\` cannot stand in `), text);
    assert.ok(text.includes(` ${statement} statement: `), text);
    assert.match(text, /PostgreSQL takes no parameters in one \(only in SELECT, INSERT/);
    assert.doesNotMatch(text, /\$1/);
  }
  assert.match(
    found.set,
    /hint: set it from a value with `SELECT set_config\('name', \$\{\.\.\.\}, false\)`/,
  );
  assert.match(found["set-to"], /set_config/);
  assert.match(found.notify, /hint: send it with `SELECT pg_notify\('channel', \$\{\.\.\.\}\)`/);
  for (const id of ["create-user", "alter-role", "comment", "default", "view", "do"]) {
    assert.match(found[id], PG_FUNCTION_HINT, id);
    assert.doesNotMatch(found[id], /SQLite/, id);
  }
});

Deno.test("weft run, PostgreSQL 15: such a statement is refused before anything runs, naming no $1", async () => {
  const server = await startPostgres();
  try {
    const run = await weft(["run", `${FIXTURES}refused_postgres.yml`], {
      env: { PG_PORT: String(server.port), PG_PASSWORD },
    });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /:10:45: .*cannot stand in a CREATE USER statement/);
    assert.match(run.stderr, /:25:39: .*cannot stand in a SET statement/);
    assert.doesNotMatch(run.stderr, /syntax error|\$1/);
    // What the run would have met without the check: the server's own error about `$1`.
    const { default: connect } = await import("postgres");
    const sql = connect(server.url(), { max: 1, onnotice: () => {} });
    try {
      await assert.rejects(
        sql.unsafe("SET statement_timeout = $1", ["5s"], { simple: false } as never),
        /syntax error at or near "\$1"/,
      );
      assert.deepEqual([...await sql`SELECT 1 FROM pg_roles WHERE rolname = 'appuser'`], []);
    } finally {
      await sql.end({ timeout: 0 });
    }
  } finally {
    await server.stop();
  }
});

Deno.test("weft validate, SQLite: a `${...}` in a view, trigger, DEFAULT, CHECK or index is refused", async () => {
  const file = `${FIXTURES}refused_sqlite.yml`;
  const run = await weft(["validate", file]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const found = problems(run.stderr, file);
  const expected: Record<string, [string, string]> = {
    view: ["8:73", "CREATE VIEW"],
    trigger: ["13:64", "CREATE TRIGGER"],
    default: ["16:77", "CREATE TABLE"],
    check: ["19:79", "CREATE TABLE"],
    "add-column": ["22:85", "ALTER TABLE"],
    index: ["25:83", "CREATE INDEX"],
  };
  assert.deepEqual(Object.keys(found).sort(), Object.keys(expected).sort(), run.stderr);
  for (const [id, [place, statement]] of Object.entries(expected)) {
    const text = found[id];
    assert.ok(text.startsWith(`${place} a \`\${...}\` cannot stand in `), text);
    assert.ok(text.includes(` ${statement} statement: `), text);
    assert.match(text, /SQLite takes no parameters in one \(only in SELECT, INSERT, REPLACE/);
    assert.match(text, /hint: write the value into the statement itself/);
    assert.doesNotMatch(text, /PostgreSQL|pg_temp|\?1/);
  }
});

Deno.test("weft validate, connection unknown: only what neither database binds in is refused", async () => {
  const dir = testTempDir("dbbind-");
  const file = join(dir, "w.yml");
  const task = (id: string, query: string) => [
    `  - id: ${id}`,
    "    type: database",
    "    config:",
    "      connection: ${env.DATABASE_URL}",
    `      query: "${query}"`,
  ];
  Deno.writeTextFileSync(
    file,
    [
      "name: w",
      "params: {v: {default: x}}",
      "tasks:",
      ...task("set", "SET search_path = ${params.v}"),
      ...task("notify", "NOTIFY chan, '${params.v}'"),
      ...task("view", "CREATE VIEW v AS SELECT ${params.v} AS a"),
      ...task("attach", "ATTACH ${params.v} AS other"),
      ...task("ctas", "CREATE TEMP TABLE c AS SELECT ${params.v} AS a"),
      ...task("explain", "EXPLAIN SELECT 1 WHERE 1 = ${params.v}"),
      ...task("with", "WITH x AS (SELECT ${params.v} AS a) INSERT INTO t SELECT a FROM x"),
      "",
    ].join("\n"),
  );
  const run = await weft(["validate", file]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const found = problems(run.stderr, file);
  assert.deepEqual(Object.keys(found).sort(), ["notify", "set", "view"], run.stderr);
  for (const text of Object.values(found)) {
    assert.match(text, /neither PostgreSQL nor SQLite takes parameters in one/);
  }
  assert.match(found.set, /^8:33 .*SET statement.*set_config/);
  assert.match(found.notify, /^13:29 .*NOTIFY statement.*pg_notify/);
  assert.doesNotMatch(found.notify, /SQLite,/);
  assert.match(found.view, /^18:39 .*CREATE VIEW statement.*pg_temp.*; on SQLite, write the value/);
});

/** Runs either.yml on `url`: each task's status and error, and the `read` rows. */
async function either(url: string, copy: string) {
  const run = await weft(
    ["run", `${FIXTURES}either.yml`, "--json", "-p", `file=${copy}`],
    { env: { DATABASE_URL: url } },
  );
  assert.ok(!/internal error|^\s{4}at /m.test(run.stderr), run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  const tasks = Object.fromEntries(report.tasks.map((t) => [t.id, t]));
  return { code: run.code, tasks, stderr: run.stderr };
}

Deno.test("weft run, connection from the environment: SQLite binds VACUUM INTO's value, PostgreSQL's run refuses it in the same words", async () => {
  const dir = testTempDir("dbbind-");
  const validate = await weft(["validate", `${FIXTURES}either.yml`]);
  assert.equal(validate.code, 0, validate.stdout + validate.stderr);

  const lite = await either(`sqlite:${join(dir, "e.db")}`, join(dir, "copy.db"));
  assert.equal(lite.code, 0, lite.stderr);
  assert.ok(Deno.statSync(join(dir, "copy.db")).isFile);
  assert.deepEqual(JSON.parse(lite.tasks.read.outputs!.rows), [{ name: join(dir, "copy.db") }]);

  const server = await startPostgres();
  try {
    const pg = await either(await createDatabase(server, "either"), "copy.db");
    assert.equal(pg.code, 1, pg.stderr);
    const error = pg.tasks.vacuum.error ?? "";
    assert.match(
      error,
      /^query line 1, column 13: a `\$\{\.\.\.\}` cannot stand in a VACUUM statement: it would be bound as a query parameter, and PostgreSQL takes no parameters in one \(only in SELECT/,
    );
    assert.doesNotMatch(error, /\$1|syntax error/);
    assert.equal(pg.tasks.ctas.status, "success");
    assert.deepEqual(JSON.parse(pg.tasks.read.outputs!.rows), [{ name: "copy.db" }]);
  } finally {
    await server.stop();
  }
});

Deno.test("weft run, PostgreSQL 15: what the hints say to write instead takes the value", async () => {
  const server = await startPostgres();
  try {
    const url = await createDatabase(server, "instead");
    const run = await weft(["run", `${FIXTURES}instead_postgres.yml`, "--json"], {
      env: { DATABASE_URL: url, PG_PORT: String(server.port) },
      cwd: FIXTURES,
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = JSON.parse(run.stdout) as RunReport;
    const rows = (id: string) =>
      JSON.parse(report.tasks.find((t) => t.id === id)!.outputs!.rows) as unknown[];
    // The comment and the password hold quotes and `;`: quoted by %L, they stay values.
    assert.deepEqual(rows("check"), [{ note: "a 'quoted' note" }]);
    assert.deepEqual(rows("login"), [{ who: "appuser" }]);
    assert.deepEqual(rows("set"), [{ now: "5s" }]);
    assert.deepEqual(rows("notify"), [{ pg_notify: "" }]);
  } finally {
    await server.stop();
  }
});
