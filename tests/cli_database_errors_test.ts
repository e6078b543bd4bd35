/**
 * SQL errors placed in the user's text through the real CLI (F19): a migration, a `file`
 * script and a `query` (with bound `${...}` values before the error) each fail naming
 * `file:line:col` (or `query line L, column C`) with the line and a caret in the task's
 * log, on SQLite and on a real PostgreSQL 15 server (tests/_postgres.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { RunReport } from "../src/engine/events.ts";
import { weft } from "./_run_cli.ts";
import { createDatabase, startPostgres } from "./_postgres.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/database_errors/", import.meta.url).pathname;
const WORKFLOW = `${FIXTURES}places.yml`;

/** Runs `workflow` against `url`: each failed task's error, and the whole stderr. */
async function places(
  url: string,
  workflow = WORKFLOW,
): Promise<{ errors: Record<string, string>; stderr: string }> {
  const run = await weft(["run", workflow, "--json"], { env: { DATABASE_URL: url } });
  assert.equal(run.code, 1, run.stderr);
  assert.ok(!/internal error|^\s{4}at /m.test(run.stderr), run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  const errors = Object.fromEntries(report.tasks.map((t) => [t.id, t.error ?? ""]));
  return { errors, stderr: run.stderr };
}

/** The log line holding `text` is followed by a line whose `^` stands under `word`. */
function assertCaret(stderr: string, text: string, word: string) {
  const lines = stderr.split("\n");
  const k = lines.findIndex((line) => line.includes(text));
  assert.ok(k >= 0 && k + 1 < lines.length, stderr);
  assert.equal(lines[k + 1].indexOf("^"), lines[k].indexOf(text) + text.indexOf(word), stderr);
  assert.match(lines[k + 1], /│ +\^$/, stderr);
}

/** The places both engines name, and the line with its caret under the place. */
function assertPlaces(result: { errors: Record<string, string>; stderr: string }) {
  const { errors, stderr } = result;
  assert.equal(errors.setup, "");
  assert.match(errors.bad, /^migration 002_price\.sql failed: bad\/002_price\.sql:2:43: /);
  assert.match(errors.bad, /\)/);
  assert.doesNotMatch(errors.bad, /offset|INSERT INTO/);
  assert.match(errors.script, /^running script\.sql failed: script\.sql:2:9: .*nme/);
  assert.match(errors.query, /^the query failed: query line 2, column 3: .*nme/);
  assert.doesNotMatch(errors.query, /\$1|\?1|CAST/);
  assertCaret(stderr, "VALUES (1, );", ")");
  assertCaret(stderr, "SELECT nme FROM items;", "nme"); // after a tab
  assertCaret(stderr, "  nme FROM items WHERE", "nme");
}

Deno.test("database errors: SQLite names file:line:col with the line and a caret", async () => {
  assertPlaces(await places(`sqlite:${join(testTempDir("dberr-"), "e.db")}`));
});

Deno.test("database errors: PostgreSQL's error position named as file:line:col", async () => {
  const server = await startPostgres();
  try {
    assertPlaces(await places(await createDatabase(server, "places")));
  } finally {
    await server.stop();
  }
});

Deno.test("database errors: SQLite names the statement that failed while running (a constraint)", async () => {
  const { errors, stderr } = await places(
    `sqlite:${join(testTempDir("dberr-"), "e.db")}`,
    `${FIXTURES}runtime.yml`,
  );
  assert.equal(errors.setup, "");
  // The third statement on its line, after a tab and a comment; the statements before it ran.
  assert.match(
    errors.unique,
    /^running unique\.sql failed: unique\.sql:3:14: UNIQUE constraint failed: items\.name$/,
  );
  assertCaret(stderr, "/* again */ INSERT INTO items VALUES ('é', 3);", "INSERT");
  assert.match(
    errors.notnull,
    /^migration 002_stock\.sql failed: notnull\/002_stock\.sql:3:3: NOT NULL constraint failed: stock\.name; its transaction was rolled back$/,
  );
  assertCaret(stderr, "  INSERT INTO stock", "INSERT");
});

Deno.test("database errors: a value refused by the run (connection from the environment) is placed in the query", async () => {
  // validate cannot know the database; SQLite's rules refuse the DATE literal at run time.
  const home = testTempDir("home-");
  const run = await weft(["run", `${FIXTURES}refused_at_run.yml`, "--json"], {
    env: { WEFT_HOME: home, DATABASE_URL: "sqlite::memory:" },
  });
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  assert.match(
    report.tasks[0].error ?? "",
    /^query line 2, column 20: a `\$\{\.\.\.\}` cannot stand in the literal after DATE.*\(bind the value/,
  );
  assertCaret(run.stderr, "DATE '2024-0${params.v}-01' AS d", "${");
});
