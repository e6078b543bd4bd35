/**
 * A migrations folder's entry named like a migration that is no file is refused through
 * the real CLI (src/tasks/database/migrations.ts, F10): a folder `003_add.sql/`, a link
 * to a folder, a link to nothing and a FIFO each fail the task naming the path and what
 * it is, and nothing is applied — where a folder was passed over and the migrations
 * after it applied with it missing. Made a file, it applies in its place.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { RunReport } from "../src/engine/events.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

/** The ways an entry `003_add.sql` can be no file, and what the error calls each. */
const KINDS: Record<string, { make: (path: string, dir: string) => Promise<void>; is: string }> = {
  folder: { make: (path) => Deno.mkdir(path), is: "a folder" },
  "link to a folder": {
    make: async (path, dir) => {
      await Deno.mkdir(join(dir, "elsewhere"));
      await Deno.symlink(join(dir, "elsewhere"), path);
    },
    is: "a symbolic link to a folder",
  },
  "dangling link": {
    make: (path, dir) => Deno.symlink(join(dir, "nowhere.sql"), path),
    is: "a symbolic link to nothing",
  },
  fifo: {
    make: async (path) => {
      const mk = await new Deno.Command("mkfifo", { args: [path] }).output();
      assert.equal(mk.code, 0, "mkfifo");
    },
    is: "a named pipe \\(FIFO\\)",
  },
};

/** A workflow in a new folder migrating SQLite `app.db` from its folder `migrations`. */
function project(): { dir: string; migrations: string } {
  const dir = testTempDir("migrations-");
  const migrations = join(dir, "migrations");
  Deno.mkdirSync(migrations);
  Deno.writeTextFileSync(join(migrations, "001_a.sql"), "CREATE TABLE a(x int);\n");
  Deno.writeTextFileSync(join(migrations, "005_c.sql"), "CREATE TABLE c(x int);\n");
  Deno.writeTextFileSync(
    join(dir, "mig.yml"),
    "name: mig\ntasks:\n  - id: migrate\n    type: database\n    config:\n" +
      "      connection: sqlite:./app.db\n      migrations_path: migrations\n",
  );
  return { dir, migrations };
}

for (const [kind, { make, is }] of Object.entries(KINDS)) {
  Deno.test(`database migrations: a migration that is a ${kind} fails the task naming it; none is applied`, async () => {
    const { dir, migrations } = project();
    const entry = join(migrations, "003_add.sql");
    await make(entry, dir);
    const result = await weft(["run", "mig.yml", "--json"], { cwd: dir, killAfterMs: 60_000 });
    assert.equal(result.code, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /internal error|^\s{4}at /m);
    const error = (JSON.parse(result.stdout) as RunReport).tasks[0].error!;
    assert.match(
      error,
      new RegExp(`migration \\S*migrations/003_add\\.sql\\S* is ${is}, not a file; no migration`),
    );
    // Made a file, it applies between 001 and 005: nothing had been applied before.
    await Deno.remove(entry, { recursive: true });
    Deno.writeTextFileSync(entry, "CREATE TABLE b(x int);\n");
    const again = await weft(["run", "mig.yml", "-v"], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    const text = again.stdout + again.stderr;
    const applied = [...text.matchAll(/applied \S*(\d{3})_\w+\.sql/g)].map((m) => m[1]);
    assert.deepEqual(applied, ["001", "003", "005"], text);
  });
}
