/**
 * Path fields (tasks/path_field.ts, README "Values in paths"): a `${...}` value in a
 * script, a database file, folder or sqlite: file, or a cwd is one name — `..` and `/`
 * cannot leave the folder — unless it starts the path or is written `${raw(...)}`.
 * Through the real CLI with real files.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { PATH_FIELDS, TEMPLATED_FIELDS } from "../src/parse/template_fields.ts";
import { reportTask as task, weft } from "./_run_cli.ts";
import { testTempCopy } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/path_field/", import.meta.url).pathname;

function copyFixtures(): string {
  return testTempCopy(FIXTURES, "path-field-");
}

async function run(file: string, params: string[]) {
  const args = ["run", file, "--json", "-v", ...params.flatMap((p) => ["-p", p])];
  const result = await weft(args);
  return { ...result, report: JSON.parse(result.stdout) as RunReport };
}

Deno.test("path fields: values that are names run as before", async () => {
  const dir = copyFixtures();
  const { code, stderr } = await run(`${dir}/paths.yml`, []);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /^\[py\] day1 ran$/m);
  assert.match(stderr, new RegExp(`^\\[cw\\] ${dir}/work/a$`, "m"));
  assert.ok(Deno.statSync(`${dir}/dbs/app.db`).isFile);
});

Deno.test("path fields: `..` in a value cannot leave the folder (script, database, cwd)", async () => {
  const dir = copyFixtures();
  const { code, stderr, report } = await run(`${dir}/paths.yml`, [
    "day=../private/evil",
    "name=../private/evil",
    "mig=..",
    "d=../private",
  ]);
  assert.equal(code, 1);
  assert.doesNotMatch(stderr, /EVIL/);
  assert.match(task(report, "py").error ?? "", /^script: a value holds "\/" .*add folders/);
  assert.match(task(report, "db").error ?? "", /^connection: a value holds "\/" .*add folders/);
  assert.match(task(report, "cw").error ?? "", /^cwd: a value holds "\/" .*add folders/);
  // Nothing was created or run outside the folder.
  assert.deepEqual([...Deno.readDirSync(`${dir}/private`)].map((e) => e.name).sort(), [
    "evil.py",
    "evil.sql",
  ]);
  // The migrations folder and the SQL file, with a connection that is a name.
  const db = await run(`${dir}/paths.yml`, ["mig=.."]);
  assert.match(
    task(db.report, "db").error ?? "",
    /^migrations_path: a value makes the name "\.\."/,
  );
  const file = await run(`${dir}/paths.yml`, ["sql=../private/evil"]);
  assert.match(task(file.report, "db").error ?? "", /^file: a value holds "\/"/);
  assert.deepEqual([...Deno.readDirSync(`${dir}/private`)].map((e) => e.name).sort(), [
    "evil.py",
    "evil.sql",
  ]);
});

Deno.test("path fields: defaults.cwd, and a value starting the path or raw(...) as written", async () => {
  const dir = copyFixtures();
  const refused = await run(`${dir}/defaults.yml`, ["d=../private"]);
  assert.equal(refused.code, 1);
  assert.match(task(refused.report, "t").error ?? "", /^cwd: a value holds "\/"/);
  const ok = await run(`${dir}/base.yml`, []);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, new RegExp(`^\\[here\\] ${dir}/work/a$`, "m"));
  assert.match(ok.stderr, new RegExp(`^\\[sub\\] ${dir}/work/a$`, "m"));
});

Deno.test("path fields: every one is a templated field of its step type", () => {
  for (const [type, fields] of Object.entries(PATH_FIELDS)) {
    const templated = type === "*" ? [["cwd"]] : TEMPLATED_FIELDS[type];
    for (const field of fields) {
      assert.ok(
        templated.some((t) => t.join(".") === field.join(".")),
        `${type}: ${field.join(".")}`,
      );
    }
  }
});

Deno.test("connection: a postgres URL is built part by part; a value cannot pick the host or port", async () => {
  const dir = copyFixtures();
  const file = `${dir}/pg.yml`;
  Deno.writeTextFileSync(
    file,
    [
      "name: pg-url",
      "params: { host: db, port: '5432' }",
      "tasks:",
      "  - id: db",
      "    type: database",
      "    config:",
      "      connection: postgres://app:pw-1234@${params.host}:${params.port}/app",
      "      query: SELECT 1",
      "",
    ].join("\n"),
  );
  for (
    const [param, reason] of [
      [
        "host=127.0.0.2:15432",
        /^connection: value "127\.0\.0\.2:15432" cannot be used as the host/,
      ],
      ["host=evil/x?", /^connection: value "evil\/x\?" cannot be used as the host/],
      ["port=1/x", /^connection: value "1\/x" cannot be used as the port/],
    ] as const
  ) {
    const { code, report } = await run(file, [param]);
    assert.equal(code, 1, param);
    assert.match(task(report, "db").error ?? "", reason);
  }
});
