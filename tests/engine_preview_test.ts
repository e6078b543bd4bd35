/** previewTasks: what each task would run, for `weft run --dry-run`. */
import assert from "node:assert/strict";
import { previewTasks } from "../src/engine/preview.ts";
import { parseWorkflow } from "./_engine.ts";

Deno.test("previewTasks: composites show their branches, steps and children", () => {
  const workflow = parseWorkflow({
    name: "composites",
    params: { target: "prod" },
    tasks: [
      {
        id: "pick",
        type: "conditional",
        condition: "${params.target} == 'prod'",
        then: { command: "echo careful ${params.target}" },
        else: { command: "echo relaxed" },
      },
      {
        id: "both",
        type: "parallel",
        tasks: [
          { id: "left", command: "echo ${run.id}" },
          { id: "right", type: "http", url: "http://127.0.0.1:2/${params.target}" },
        ],
      },
    ],
  });
  const previews = previewTasks({
    workflow,
    file: "/x/w.yml",
    params: { target: "prod" },
    env: {},
  });
  assert.deepEqual(previews.pick, [
    "if ${params.target} == 'prod':",
    "  $ echo careful prod",
    "else:",
    "  $ echo relaxed",
  ]);
  assert.deepEqual(previews.both, [
    "left:",
    "  $ echo <run.id>",
    "right:",
    "  GET http://127.0.0.1:2/prod",
  ]);
  assert.equal(previews.left, undefined, "children are shown inside their parallel task");
});

Deno.test("previewTasks: known values are percent-encoded in URLs; secrets masked everywhere", () => {
  const workflow = parseWorkflow({
    name: "urls",
    secrets: ["SIGNING_KEY"],
    tasks: [{
      id: "get",
      type: "http",
      url: "http://127.0.0.1:2/u/${env.WHO}?k=${env.SIGNING_KEY}",
    }],
  });
  const previews = previewTasks({
    workflow,
    file: "/x/w.yml",
    params: {},
    env: { WHO: "a b/c", SIGNING_KEY: "s3cr3t-value" },
  });
  assert.deepEqual(previews.get, ["GET http://127.0.0.1:2/u/a%20b%2Fc?k=***"]);
});

Deno.test("previewTasks: a database task shows its target without password, and its steps", () => {
  const workflow = parseWorkflow({
    name: "db",
    tasks: [{
      id: "migrate",
      type: "database",
      config: {
        connection: "${env.DATABASE_URL}",
        migrations_path: "migrations/",
        rollback_on_failure: true,
        query: "SELECT count(*) FROM users\nWHERE name = ${env.WHO}",
      },
    }],
  });
  const previews = previewTasks({
    workflow,
    file: "/x/w.yml",
    params: {},
    env: { DATABASE_URL: "postgres://app:hunter2-secret@db.local:5432/app", WHO: "x" },
  });
  assert.deepEqual(previews.migrate, [
    "database postgres://app@db.local:5432/app",
    "  migrate migrations/ (rolled back on failure)",
    "  SELECT count(*) FROM users",
    "  WHERE name = $1",
    "  bound $1 = x",
  ]);
  assert.ok(!JSON.stringify(previews).includes("hunter2"));
});
