/**
 * Secret masking keeps the paths weft builds itself (README "What weft writes itself —
 * … reasons, paths … — is kept as it is"), through the real `weft run`: with the secret
 * equal to the name of the workflow file's folder, the reasons and lines naming a
 * script, an interpreter, a SQL file, a sqlite file, a glob's folder, a working directory
 * and a data_processor's `output_file` keep that folder's name; a secret that came in
 * through a `${...}` value inside such a path is still masked (engine/built_text.ts).
 */
import assert from "node:assert/strict";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempCopy, testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/secret_paths/", import.meta.url).pathname;
const SECRET = "deploy";

/** The fixtures copied into a folder named as the secret, `@DIR@` written in. */
function folder(): string {
  const dir = `${testTempDir()}/${SECRET}`;
  Deno.renameSync(testTempCopy(FIXTURES), dir);
  const paths = `${dir}/paths.yml`;
  Deno.writeTextFileSync(paths, Deno.readTextFileSync(paths).replaceAll("@DIR@", dir));
  return dir;
}

/** Runs `file` in `dir` with DB_PASSWORD = the secret; the report, stderr and `status --json`. */
async function runIn(dir: string, file: string) {
  const env = { WEFT_HOME: testTempDir("home-"), DB_PASSWORD: SECRET };
  const run = await weft(["run", file, "-v", "--json"], { env, cwd: dir });
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  const status = await weft(["status", "--json"], { env, cwd: dir });
  assert.equal(status.code, 0, status.stderr);
  return {
    stderr: run.stderr,
    status: status.stdout,
    error: (id: string) => reportTask(report, id).error ?? "",
    outputs: (id: string) => reportTask(report, id).outputs,
  };
}

Deno.test("cli secret paths: reasons naming paths in the workflow's folder keep the folder", async () => {
  const dir = folder();
  const { error } = await runIn(dir, "paths.yml");
  assert.equal(
    error("cwd"),
    `working directory ${JSON.stringify(`${dir}/nonexist`)} does not exist`,
  );
  assert.equal(
    error("js"),
    `script "nothere.js" not found (looked for ${dir}/nothere.js; a script path is relative to the workflow file)`,
  );
  assert.equal(
    error("interp"),
    `python interpreter ${JSON.stringify(`${dir}/nopython3`)} not found; fix \`interpreter:\``,
  );
  assert.match(error("sqlfile"), new RegExp(`^cannot read the SQL file ${dir}/sql/none\\.sql: `));
  assert.ok(!error("sqlfile").includes("***"), error("sqlfile"));
  assert.match(
    error("nomatch"),
    new RegExp(`^input "none/\\*\\.txt" matched no files \\(looked in ${dir}\\);`),
  );
  assert.equal(
    error("dbdir"),
    `cannot connect to sqlite:nofolder/x.db: the folder ${dir}/nofolder does not exist (create it, or fix the path)`,
  );
  assert.match(error("mig"), new RegExp(`^cannot read the migrations folder ${dir}/nomig: `));
  assert.ok(!error("mig").includes("***"), error("mig"));
});

Deno.test("cli secret paths: --dry-run keeps the paths, masks the values in them", async () => {
  const dir = folder();
  const env = { WEFT_HOME: testTempDir("home-"), DB_PASSWORD: SECRET };
  const plan = await weft(["run", "paths.yml", "--dry-run"], { env, cwd: dir });
  // Its task `cwd` would fail as it starts (no such folder): refused, exit 2, the reason
  // keeping the folder as the run's does.
  assert.equal(plan.code, 2, plan.stderr);
  assert.ok(
    plan.stderr.includes(
      `refused: working directory ${JSON.stringify(`${dir}/nonexist`)} does not exist\n`,
    ),
    plan.stderr,
  );
  assert.match(plan.stderr, new RegExp(`database sqlite:${dir}/x\\.db\\n`));
  const values = await weft(["run", "values.yml", "--dry-run"], { env, cwd: dir });
  // Refused as the run fails it, the secret value in its folder masked as there.
  assert.equal(values.code, 2, values.stderr);
  assert.ok(
    values.stderr.includes(
      `refused: working directory ${JSON.stringify(`${dir}/***-dir`)} does not exist\n`,
    ),
    values.stderr,
  );
  assert.match(values.stderr, /javascript sub\/\*\*\*\.js\n/);
  assert.match(values.stderr, /database sqlite:\*\*\*\.db\n/);
  assert.match(values.stderr, /in\/\*\.txt → .* → out\/\*\*\*\.txt\n/);
});

Deno.test("cli secret paths: weft's own lines and stored outputs keep the folder", async () => {
  const dir = folder();
  const { stderr, outputs, status } = await runIn(dir, "paths.yml");
  assert.match(stderr, new RegExp(`\\[db\\] connecting to sqlite:${dir}/x\\.db\\n`));
  assert.equal(outputs("dp").output_file, `${dir}/out/r.txt`);
  assert.equal(
    JSON.parse(status).tasks.find((t: { id: string }) => t.id === "dp").outputs.output_file,
    `${dir}/out/r.txt`,
  );
});

Deno.test("cli secret paths: a secret given by a value inside such a path is still masked", async () => {
  const dir = folder();
  const { error, outputs, stderr, status } = await runIn(dir, "values.yml");
  assert.equal(
    error("js"),
    `script "sub/***.js" not found (looked for ${dir}/sub/***.js; a script path is relative to the workflow file)`,
  );
  assert.equal(
    error("cwd"),
    `working directory ${JSON.stringify(`${dir}/***-dir`)} does not exist`,
  );
  assert.match(
    error("sqlfile"),
    new RegExp(`^cannot read the SQL file ${dir}/sql/\\*\\*\\*\\.sql: `),
  );
  assert.match(stderr, /\[db\] connecting to sqlite:\*\*\*\.db\n/);
  assert.equal(outputs("dp").output_file, `${dir}/out/***.txt`);
  // Nowhere is the value shown where it was given: only the folder's name remains.
  for (const text of [stderr, status]) {
    assert.ok(!text.includes(`${SECRET}.`) && !text.includes(`${SECRET}-`), text);
  }
});
