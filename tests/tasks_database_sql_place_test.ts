/**
 * sql_place.ts: the drivers' error places (PostgreSQL's `position`, SQLite's `at offset`)
 * read as indices into the text sent, and those placed as `file:line:col` with a caret;
 * a `query`'s bound text mapped back to what the user wrote (src/expr/sql_source_map.ts).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  placingErrors,
  postgresPlace,
  sqlitePlace,
  SqlPlacedError,
  SqlTextError,
} from "../src/tasks/database/sql_place.ts";
import { renderSql } from "../src/expr/sql.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

/** The message node:sqlite's exec gives for `script`. */
function execError(script: string): string {
  const db = new DatabaseSync(":memory:");
  try {
    db.exec(script);
  } catch (e) {
    return (e as Error).message;
  } finally {
    db.close();
  }
  throw new Error("no error");
}

Deno.test("sqlitePlace: the byte offset in the failing statement, as an index into the script", () => {
  const script = "SELECT 'é';\nSELECT 'ü', (1, ;\nSELECT 3;";
  const placed = sqlitePlace(execError(script), script)!;
  assert.equal(placed.message, 'near ";": syntax error');
  assert.equal(placed.at, script.indexOf(", ;") + 2);
});

Deno.test("sqlitePlace: a message holding ' in ' keeps it; no offset is no place", () => {
  const script = 'CREATE TABLE t(a);\nINSERT INTO t VALUES ("x in y");';
  const placed = sqlitePlace(execError(script), script)!;
  assert.match(placed.message, /^no such column: "x in y"/);
  assert.equal(placed.at, script.indexOf('"x in y"'));
  assert.equal(
    sqlitePlace(execError("SELECT * FROM nowhere;"), "SELECT * FROM nowhere;"),
    undefined,
  );
});

Deno.test("postgresPlace: a 1-based character position, astral characters counted once", () => {
  const text = "SELECT '😀', (1, )";
  const placed = postgresPlace(Object.assign(new Error("syntax error"), { position: "17" }), text)!;
  assert.equal(text[placed.at], ")");
  assert.equal(postgresPlace(new Error("no position"), text), undefined);
});

Deno.test("SqlPlacedError: file:line:col in characters, the line and a caret under the place", () => {
  const text = "-- é\n\tSELECT 'é', nme;\n";
  const error = new SqlPlacedError("no such column", "a/b.sql", text, text.indexOf("nme"));
  assert.equal(error.message, "a/b.sql:2:14: no such column");
  assert.deepEqual(error.excerpt, ["    \tSELECT 'é', nme;", "    \t            ^"]);
  const query = new SqlPlacedError("bad", "query", "SELECT x", 7);
  assert.equal(query.message, "query line 1, column 8: bad");
});

Deno.test("placingErrors: a query's place is mapped through its bound text", async () => {
  const written = "SELECT '${a}' AS a, '%${b}%' AS b,\n  $${c} nme WHERE x LIKE '%${b}%'";
  const bound = renderSql(written, () => "v", (n) => `$${n}`);
  const sent = bound.sql.indexOf("nme");
  await assert.rejects(
    placingErrors("query", bound.sql, () => Promise.reject(new SqlTextError("bad", sent)), {
      text: written,
      at: bound.sourceAt,
    }),
    (e: unknown) => e instanceof SqlPlacedError && e.message === "query line 2, column 9: bad",
  );
  // A place inside a placeholder is the `${...}` it stands for.
  const mark = bound.sql.indexOf("$2");
  assert.equal(bound.sourceAt(mark + 1), written.indexOf("${b}"));
  // Other errors pass unchanged.
  const other = new Error("x");
  await assert.rejects(placingErrors("f.sql", "", () => Promise.reject(other)), (e) => e === other);
});

Deno.test("weft run: the caret stands under the place in the line as shown, its secret masked", async () => {
  const run = await weft(["run", "masked.yml", "-v"], {
    env: { WEFT_HOME: testTempDir("home-"), API_TOKEN: "Sup3rS3cretTok99" },
    cwd: new URL("./fixtures/sql_place/", import.meta.url).pathname,
  });
  assert.equal(run.code, 1, run.stderr);
  assert.ok(!run.stderr.includes("Sup3rS3cretTok99"), run.stderr);
  // Under `nosuch`, after the secret masked to `***`.
  assert.match(
    run.stderr,
    /\[before\] {5}SELECT '\*\*\*' AS b, nosuch FROM \(SELECT 1\)\n\[before\] {24}\^\n/,
  );
  // SQLite names the start of the word `nosuch***`, before the secret: kept where it is.
  assert.match(
    run.stderr,
    /\[inside\] {5}SELECT nosuch\*\*\* FROM \(SELECT 1\)\n\[inside\] {12}\^\n/,
  );
});

Deno.test("SqlPlacedError: a place inside a masked secret points at its ***", () => {
  const error = new SqlPlacedError("no such column", "q.sql", "SELECT 'abcdefgh', x;", 11);
  const mask = (text: string) => text.replaceAll("abcdefgh", "***");
  assert.deepEqual(error.excerptShown(mask), ["    SELECT '***', x;", `    ${" ".repeat(8)}^`]);
});
