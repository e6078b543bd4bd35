/**
 * `weft run --dry-run` masks with the secrets the run would know at its start
 * (engine/preview.ts with start_secrets.ts): a secret set in a later task's `environment`
 * is masked in an earlier task's line, as the run masks it; and only data is masked,
 * never weft's own words (a file name, a task id) that hold a common-word secret.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

async function workflowIn(dir: string, name: string, yaml: string[]): Promise<string> {
  const file = `${dir}/${name}`;
  await Deno.writeTextFile(file, yaml.join("\n") + "\n");
  return file;
}

Deno.test("--dry-run: a secret from another task's environment is masked, as the run masks it", async () => {
  const dir = testTempDir("preview-secrets-");
  const file = await workflowIn(dir, "lit.yml", [
    "name: lit",
    "params:",
    "  region: {default: eu}",
    "tasks:",
    "  - id: a",
    '    command: echo "config has s3cr3tLiteralValue and p4ramDerived-eu"',
    "  - id: b",
    "    depends_on: a",
    "    environment:",
    "      API_TOKEN: s3cr3tLiteralValue",
    "      DB_PASSWORD: p4ramDerived-${params.region}",
    '    command: echo "$API_TOKEN $DB_PASSWORD"',
  ]);
  const run = await weft(["run", file, "-v"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr + run.stdout, /\[a\] config has \*\*\* and \*\*\*/);
  for (const extra of [[], ["--json"]]) {
    const { code, stdout, stderr } = await weft(["run", file, "--dry-run", ...extra]);
    assert.equal(code, 0, stderr);
    const plan = stdout + stderr;
    assert.ok(!plan.includes("s3cr3tLiteralValue"), plan);
    assert.ok(!plan.includes("p4ramDerived"), plan);
    assert.ok(plan.includes("config has *** and ***"), plan);
  }
});

Deno.test("--dry-run: a common-word secret masks the data, not a file name or task id", async () => {
  const dir = testTempDir("preview-ids-");
  await workflowIn(dir, "postgres-child.yml", [
    "name: child",
    "tasks:",
    "  - id: t",
    "    command: echo hi",
  ]);
  const file = await workflowIn(dir, "parent.yml", [
    "name: postgres-parent",
    "secrets: [DB_PASSWORD]",
    "tasks:",
    "  - id: call",
    "    type: workflow",
    "    file: postgres-child.yml",
    "  - id: group",
    "    type: parallel",
    "    tasks:",
    "      - id: dump-postgres",
    '        command: echo "user postgres"',
  ]);
  const { code, stderr } = await weft(["run", file, "--dry-run"], {
    env: { DB_PASSWORD: "postgres" },
  });
  assert.equal(code, 0, stderr);
  assert.ok(stderr.includes("runs postgres-child.yml"), stderr);
  assert.ok(stderr.includes("dump-postgres:"), stderr);
  assert.ok(stderr.includes('$ echo "user ***"'), stderr);
});

Deno.test("--dry-run: a sqlite file keeps the file's own name and masks the values in it, as the run does", async () => {
  const dir = testTempDir("preview-sqlite-");
  const file = await workflowIn(dir, "db.yml", [
    "name: db",
    "secrets: [DB_PASSWORD]",
    "tasks:",
    "  - id: own",
    "    type: database",
    "    config:",
    "      connection: sqlite://./nodir/postgres-data.sqlite",
    "      query: SELECT 1",
    "  - id: valued",
    "    type: database",
    "    config:",
    "      connection: sqlite:./nodir/${env.DB_PASSWORD}-${params.n}.db",
    "      query: SELECT 1",
    "params:",
    "  n: {default: x1}",
  ]);
  const env = { DB_PASSWORD: "postgres", WEFT_HOME: `${dir}/home` };
  for (const extra of [[], ["--json"]]) {
    const { code, stdout, stderr } = await weft(["run", file, "--dry-run", ...extra], { env });
    assert.equal(code, 0, stderr);
    const plan = stdout + stderr;
    assert.ok(plan.includes("database sqlite:./nodir/postgres-data.sqlite"), plan);
    assert.ok(plan.includes("database sqlite:./nodir/***-x1.db"), plan);
  }
  // The run names the same files so (the folder does not exist: both fail).
  const run = await weft(["run", file], { env });
  assert.equal(run.code, 1, run.stderr);
  assert.ok(
    run.stderr.includes("cannot connect to sqlite:./nodir/postgres-data.sqlite"),
    run.stderr,
  );
  assert.ok(run.stderr.includes("cannot connect to sqlite:./nodir/***-x1.db"), run.stderr);
});

Deno.test("--dry-run: a secret's value in a task's or callback's condition is masked, as in its command", async () => {
  const dir = testTempDir("preview-secrets-");
  const file = await workflowIn(dir, "cond.yml", [
    "name: cond",
    "secrets: [API_TOKEN]",
    "tasks:",
    "  - id: a",
    "    condition: \"${env.API_TOKEN} == 'tok-5566778899'\"",
    "    command: echo a",
    "    on_success: [cb]",
    "  - id: cb",
    "    condition: \"'tok-5566778899' != ${env.API_TOKEN}\"",
    "    command: echo cb",
  ]);
  const env = { API_TOKEN: "tok-5566778899" };
  const text = await weft(["run", file, "--dry-run"], { env });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stderr, /^ {2}a +shell {2}if \$\{env\.API_TOKEN\} == '\*\*\*'$/m);
  assert.match(text.stderr, /^ {2}cb +← a on success {2}if '\*\*\*' != \$\{env\.API_TOKEN\}$/m);
  const json = await weft(["run", file, "--dry-run", "--json"], { env });
  assert.equal(json.code, 0, json.stderr);
  assert.ok(!json.stdout.includes("5566778899"), json.stdout);
  const plan = JSON.parse(json.stdout);
  assert.equal(plan.waves[0][0].condition, "${env.API_TOKEN} == '***'");
  assert.equal(plan.callbacks[0].condition, "'***' != ${env.API_TOKEN}");
});
