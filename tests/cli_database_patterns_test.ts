/**
 * A value in an SQL pattern (LIKE, ILIKE, `~~`, SIMILAR TO, GLOB, a regex operator)
 * matches as text through the real CLI, on SQLite and on a real PostgreSQL 15 server
 * (tests/_postgres.ts), and in SQLite's like()/glob() and PostgreSQL's regexp_replace():
 * `q=_` or `q=%` no longer match (or delete) every row;
 * `${raw(...)}` keeps the wildcards (src/expr/sql_patterns.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { RunReport } from "../src/engine/events.ts";
import { weft } from "./_run_cli.ts";
import { createDatabase, startPostgres } from "./_postgres.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/database_patterns/", import.meta.url).pathname;

/** Runs `file` with `q` on `url`; each task's names (or count) as a short list. */
async function rows(file: string, url: string, q: string): Promise<Record<string, string>> {
  const run = await weft(["run", `${FIXTURES}${file}`, "--json", "-p", `q=${q}`], {
    env: { DATABASE_URL: url },
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const result: Record<string, string> = {};
  for (const task of (JSON.parse(run.stdout) as RunReport).tasks) {
    if (task.id === "seed") continue;
    const list = JSON.parse(task.outputs!.rows) as Record<string, string | number>[];
    result[task.id] = list.map((row) => String(row.name ?? row.n)).join(" ");
  }
  return result;
}

/** common.yml: the same LIKE forms on both databases. */
async function assertCommon(url: () => Promise<string>) {
  const ALL_BUT = (name: string) =>
    ["50%", "[x]", "a*b", "a.c", "a_b", "alice", "a|b", "bob", "it's", "x\\y"]
      .filter((n) => n !== name).join(" ");
  assert.deepEqual(await rows("common.yml", await url(), "_"), {
    prefix: "",
    contains: ALL_BUT("a_b"),
    joined: "a_b",
    "own-escape": "",
    raw: "0",
    delete: "",
    left: "10",
  });
  assert.deepEqual(await rows("common.yml", await url(), "%"), {
    prefix: "",
    contains: ALL_BUT("50%"),
    joined: "50%",
    "own-escape": "50%",
    raw: "10",
    delete: "",
    left: "10",
  });
  const backslash = await rows("common.yml", await url(), "x\\y");
  assert.deepEqual([backslash.prefix, backslash.joined, backslash["own-escape"]], [
    "x\\y",
    "x\\y",
    "x\\y",
  ]);
  assert.deepEqual([backslash.delete, backslash.left], ["x\\y", "9"]);
  // An ordinary prefix still works; so do the wildcards the query itself writes.
  const a = await rows("common.yml", await url(), "a");
  assert.equal(a.prefix, "a*b a.c a_b alice a|b");
  assert.equal(a.left, "5");
}

Deno.test("weft run, SQLite: a value in a LIKE or GLOB pattern matches as text", async () => {
  const dir = testTempDir("dbpat-");
  let n = 0;
  const url = () => Promise.resolve(`sqlite:${join(dir, `p${n++}.db`)}`);
  await assertCommon(url);
  const A = "a*b a.c a_b alice a|b";
  for (
    const [q, glob, likeFn, globFn] of [
      ["*", "a*b", "a*b", ""],
      ["?", "", "", ""],
      ["%", "50%", "50%", ""],
      ["_", "a_b", "a_b", ""],
      ["[x]", "[x]", "[x]", "[x]"],
      ["a", A, A, A],
    ]
  ) {
    const want = { glob, "like-fn": likeFn, "glob-fn": globFn };
    assert.deepEqual(await rows("sqlite.yml", await url(), q), want, q);
  }
});

Deno.test("weft run, PostgreSQL 15: a value in LIKE/ILIKE/~~/SIMILAR TO/~/regexp_replace matches as text", async () => {
  const server = await startPostgres();
  try {
    let n = 0;
    const url = () => createDatabase(server, `pat${n++}`);
    await assertCommon(url);
    const none = { ilike: "", "tilde-like": "", similar: "", regex: "", replace: "a.c" };
    const self = (q: string) => ({ ...none, ilike: q, "tilde-like": q, similar: q, regex: q });
    const expect = {
      "_": { ...none, similar: "a_b" },
      "%": { ...none, "tilde-like": "50%", similar: "50%" },
      ".*": none,
      ".": { ...none, similar: "a.c", replace: "a<.>c" },
      "a|b": self("a|b"),
      "[x]": self("[x]"),
      "x\\y": self("x\\y"),
      "A": { ...none, ilike: "a*b a.c a_b alice a|b" },
    };
    for (const [q, want] of Object.entries(expect)) {
      assert.deepEqual(await rows("postgres.yml", await url(), q), want, q);
    }
  } finally {
    await server.stop();
  }
});

Deno.test("weft validate: a pattern holding a value needs a quoted ESCAPE character", async () => {
  const dir = testTempDir("dbpat-");
  const file = join(dir, "w.yml");
  Deno.writeTextFileSync(
    file,
    [
      "name: w",
      "params: {q: {default: a}, e: {default: '!'}}",
      "tasks:",
      "  - id: q",
      "    type: database",
      "    config:",
      "      connection: sqlite:x.db",
      `      query: "SELECT 1 FROM t WHERE n LIKE '%\${params.q}' ESCAPE \${params.e}"`,
      "",
    ].join("\n"),
  );
  const run = await weft(["validate", file]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /w\.yml:8:\d+.*pattern.*ESCAPE character/);
});
