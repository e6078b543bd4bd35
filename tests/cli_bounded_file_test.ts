/**
 * Files the user names, read by weft itself, through the real CLI: an SQL file, a
 * migration, a javascript script and WEFT_HOME/config.json that are too large fail in one
 * line naming the file and the limit, within bounded memory, instead of reading until
 * memory runs out (src/bounded_file.ts); a link to an endless device is refused unread
 * (src/regular_file.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { RunReport } from "../src/engine/events.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

function assertNoTrace(text: string) {
  assert.ok(!/internal error|^\s{4}at |Stack backtrace/m.test(text), text);
}

/** A folder holding `workflow.yml` with `text`, and `name` a link to /dev/zero. */
function folderWith(text: string, ...links: string[]): string {
  const dir = testTempDir("bounded-");
  Deno.writeTextFileSync(join(dir, "workflow.yml"), text);
  for (const link of links) Deno.symlinkSync("/dev/zero", join(dir, link));
  return dir;
}

/**
 * A 17 MiB file of zero bytes at `path`, sparse (no disk used): what a script or
 * migration path that is a link to a device cannot be, since those must be regular files.
 */
function sparse(path: string): void {
  Deno.writeTextFileSync(path, "");
  Deno.truncateSync(path, 17 * 1024 * 1024);
}

async function failedTask(dir: string): Promise<string> {
  const env = { DATABASE_URL: `sqlite:${join(dir, "app.db")}` };
  const run = await weft(["run", join(dir, "workflow.yml"), "--json"], { env });
  assert.equal(run.code, 1, run.stderr);
  assertNoTrace(run.stderr);
  return (JSON.parse(run.stdout) as RunReport).tasks[0].error!;
}

Deno.test("database file: a file over 16 MiB fails naming the file and the limit", async () => {
  const dir = folderWith(
    "name: big-sql\ntasks:\n  - id: load\n    type: database\n    config:\n" +
      "      connection: ${env.DATABASE_URL}\n      file: dump.sql\n",
  );
  sparse(join(dir, "dump.sql"));
  const error = await failedTask(dir);
  assert.equal(
    error,
    `the SQL file ${JSON.stringify(join(dir, "dump.sql"))} is too large: weft reads at most ` +
      "16 MiB of it (stopped reading there); split it into smaller files run by separate " +
      "tasks, or check that it names the right file",
  );
});

Deno.test("database file: a link to /dev/zero is refused naming what it is, never read", async () => {
  const dir = folderWith(
    "name: zero-sql\ntasks:\n  - id: load\n    type: database\n    config:\n" +
      "      connection: ${env.DATABASE_URL}\n      file: dump.sql\n",
    "dump.sql",
  );
  const error = await failedTask(dir);
  assert.match(error, /SQL file \S*dump\.sql\S*: it is a character device, not a file/);
});

Deno.test("database migrations: a migration over 16 MiB fails in one line", async () => {
  const dir = folderWith(
    "name: big-migration\ntasks:\n  - id: migrate\n    type: database\n    config:\n" +
      "      connection: ${env.DATABASE_URL}\n      migrations_path: migrations\n",
  );
  Deno.mkdirSync(join(dir, "migrations"));
  sparse(join(dir, "migrations", "001_init.sql"));
  const error = await failedTask(dir);
  assert.match(error, /the migration ".*001_init\.sql" is too large: weft reads at most 16 MiB/);
  assert.match(error, /split it into several migrations/);
});

Deno.test("javascript script: a script over 16 MiB fails naming the script", async () => {
  const dir = folderWith(
    "name: big-script\ntasks:\n  - id: js\n    type: javascript\n    script: main.js\n",
  );
  sparse(join(dir, "main.js"));
  const env = { DATABASE_URL: "" };
  const run = await weft(["run", join(dir, "workflow.yml"), "-v"], { env });
  assert.equal(run.code, 1);
  assertNoTrace(run.stderr);
  assert.match(
    run.stderr,
    /weft: the script ".*main\.js" is too large: weft reads at most 16 MiB of it/,
  );
});

Deno.test("weft validate: a workflow path to a /proc file that stat calls empty stops at 16 MiB", async () => {
  const result = await weft(["validate", "/proc/self/pagemap"]);
  assert.equal(result.code, 2, result.stderr);
  assertNoTrace(result.stdout + result.stderr);
  assert.match(
    result.stdout + result.stderr,
    /\/proc\/self\/pagemap: file too large: a workflow may have at most 16 MiB/,
  );
});
