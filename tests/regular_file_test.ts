/**
 * Files weft reads unattended are regular files, never waited on (src/regular_file.ts):
 * a schedule's workflow file, a called workflow or an SQL file that is a named pipe
 * (FIFO), a link to one, or a device is refused at once with an error naming the path and
 * what it is (exit 2 for `weft schedule add`), where opening the FIFO waited for a writer
 * for ever. `weft run` and `validate` of a FIFO (`weft run <(…)`) still read it, bounded
 * (parse_problems_read_once_test.ts, cli_validate_input_test.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { RunReport } from "../src/engine/events.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FLOW = "name: f\ntasks:\n  - id: t\n    type: shell\n    command: echo ran\n";

/** A folder holding the FIFO `pipe.yml`, `link.yml` (a link to it) and `zero.yml` (/dev/zero). */
async function specials(): Promise<string> {
  const dir = testTempDir("regular-");
  const mk = await new Deno.Command("mkfifo", { args: [join(dir, "pipe.yml")] }).output();
  assert.equal(mk.code, 0, "mkfifo");
  Deno.symlinkSync("pipe.yml", join(dir, "link.yml"));
  Deno.symlinkSync("/dev/zero", join(dir, "zero.yml"));
  return dir;
}

/** Runs weft with `args` in `dir`; killed (failing the test) if still running after 60 s. */
function weftNoWait(dir: string, args: string[], env: Record<string, string> = {}) {
  return weft(args, { cwd: dir, env, killAfterMs: 60_000 });
}

function assertNoTrace(text: string) {
  assert.ok(!/internal error|^\s{4}at |Stack backtrace/m.test(text), text);
}

Deno.test("weft schedule add: a FIFO, a link to one or a device is refused, exit 2", async () => {
  const dir = await specials();
  const kinds: Record<string, string> = {
    "pipe.yml": "a named pipe \\(FIFO\\)",
    "link.yml": "a named pipe \\(FIFO\\)",
    "zero.yml": "a character device",
  };
  for (const [file, kind] of Object.entries(kinds)) {
    for (const args of [["schedule", "add", file, "--cron", "0 * * * *", "--tz", "UTC"]]) {
      const result = await weftNoWait(dir, args, { WEFT_HOME: join(dir, "home") });
      const text = result.stdout + result.stderr;
      assert.equal(result.code, 2, `${args.join(" ")}: ${text}`);
      assert.match(text, new RegExp(`${file.replace(".", "\\.")}: is ${kind}, not a file`));
      assert.match(text, /read again unattended/);
      assertNoTrace(text);
    }
  }
});

Deno.test("weft run -: a workflow on standard input is still read", async () => {
  const result = await weft(["run", "-"], { stdin: FLOW });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /run \S+ success/);
});

Deno.test("weft run: a called workflow swapped for a FIFO after validation fails its task, never waits", async () => {
  const dir = await specials();
  Deno.writeTextFileSync(join(dir, "child.yml"), FLOW);
  // The parent swaps its child for a FIFO before calling it: the run's own read of it.
  Deno.writeTextFileSync(
    join(dir, "p.yml"),
    "name: p\ntasks:\n  - id: swap\n    type: shell\n" +
      "    command: rm child.yml && mkfifo child.yml\n" +
      "  - id: call\n    type: workflow\n    file: child.yml\n    depends_on: [swap]\n",
  );
  const result = await weftNoWait(dir, ["run", "p.yml", "--json"]);
  assert.equal(result.code, 1, result.stderr);
  const report = JSON.parse(result.stdout) as RunReport;
  const call = report.tasks.find((t) => t.id === "call")!;
  assert.equal(call.status, "failed");
  assert.match(call.error ?? "", /child\.yml.*(is a named pipe \(FIFO\), not a (regular )?file)/);
});

Deno.test("database file: an SQL file that is a FIFO fails its task naming it, never waits", async () => {
  const dir = testTempDir("regular-sql-");
  const mk = await new Deno.Command("mkfifo", { args: [join(dir, "dump.sql")] }).output();
  assert.equal(mk.code, 0, "mkfifo");
  Deno.writeTextFileSync(
    join(dir, "w.yml"),
    "name: sql\ntasks:\n  - id: load\n    type: database\n    config:\n" +
      "      connection: ${env.DATABASE_URL}\n      file: dump.sql\n",
  );
  const result = await weftNoWait(dir, ["run", "w.yml", "--json"], {
    DATABASE_URL: `sqlite:${join(dir, "app.db")}`,
  });
  assert.equal(result.code, 1, result.stderr);
  assertNoTrace(result.stderr);
  const error = (JSON.parse(result.stdout) as RunReport).tasks[0].error!;
  assert.match(error, /SQL file \S*dump\.sql\S*: it is a named pipe \(FIFO\), not a file/);
});

Deno.test("database migrations: a migration that is a FIFO or a link to one fails the task naming it; none is applied", async () => {
  const dir = testTempDir("regular-mig-");
  const fifo = await new Deno.Command("mkfifo", { args: [join(dir, "pipe.sql")] }).output();
  assert.equal(fifo.code, 0, "mkfifo");
  for (const folder of ["plain", "linked"]) {
    Deno.mkdirSync(join(dir, folder));
    Deno.writeTextFileSync(join(dir, folder, "001_a.sql"), "CREATE TABLE a(x int);\n");
    Deno.writeTextFileSync(join(dir, folder, "003_c.sql"), "CREATE TABLE c(x int);\n");
  }
  const mk = await new Deno.Command("mkfifo", { args: [join(dir, "plain", "002_b.sql")] })
    .output();
  assert.equal(mk.code, 0, "mkfifo");
  Deno.symlinkSync(join(dir, "pipe.sql"), join(dir, "linked", "002_b.sql"));
  for (const folder of ["plain", "linked"]) {
    Deno.writeTextFileSync(
      join(dir, `${folder}.yml`),
      `name: mig\ntasks:\n  - id: migrate\n    type: database\n    config:\n` +
        `      connection: sqlite:./${folder}.db\n      migrations_path: ${folder}\n`,
    );
    const result = await weftNoWait(dir, ["run", `${folder}.yml`, "--json"]);
    assert.equal(result.code, 1, result.stderr);
    assertNoTrace(result.stderr);
    const error = (JSON.parse(result.stdout) as RunReport).tasks[0].error!;
    assert.match(
      error,
      new RegExp(`migration \\S*${folder}/002_b\\.sql\\S* is a named pipe \\(FIFO\\), not a file`),
    );
    // Made a file, 002 applies between 001 and 003: nothing had been applied before.
    Deno.removeSync(join(dir, folder, "002_b.sql"));
    Deno.writeTextFileSync(join(dir, folder, "002_b.sql"), "CREATE TABLE b(x int);\n");
    const again = await weftNoWait(dir, ["run", `${folder}.yml`, "-v"]);
    assert.equal(again.code, 0, again.stderr);
    const applied = [...(again.stdout + again.stderr).matchAll(/applied \S*(\d{3})_\w\.sql/g)]
      .map((m) => m[1]);
    assert.deepEqual(applied, ["001", "002", "003"], again.stdout + again.stderr);
  }
});
