/**
 * `weft run --dry-run` checks each task as the run checks it before starting it
 * (src/engine/preview_check.ts, src/tasks/preflight.ts; tester23 F6): a task the run
 * would refuse for the values given shows `refused:` with the run's own reason, not a
 * command, request, folder or argv, and the exit code is 2; every argv is quoted for sh
 * the same way (src/model/sh_quote.ts), script `args` as docker's.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/dry_run/refused.yml", import.meta.url).pathname;
const BAD = [
  "-p",
  "h=evil.com/x?",
  "-p",
  "n=a[$(id)]",
  "-p",
  "sub=../..",
  "-p",
  "img=--privileged",
];

Deno.test("run --dry-run: tasks the run refuses show as refused, with its reasons, exit 2", async () => {
  const home = testTempDir("dry-refused-");
  const dry = await weft(["run", FIXTURE, "--dry-run", ...BAD], { env: { WEFT_HOME: home } });
  assert.equal(dry.code, 2, dry.stderr);
  const real = await weft(["run", FIXTURE, "-q", ...BAD], { env: { WEFT_HOME: home } });
  assert.equal(real.code, 1, real.stderr);
  // Each reason the run gives is the one the dry run shows.
  for (const id of ["h", "a", "c", "d"]) {
    const failed = new RegExp(
      `^✖ ${id} failed: (.*?)(?: — (?:no output|last \\d+ lines?:).*)?$`,
      "m",
    )
      .exec(real.stdout + real.stderr);
    assert.ok(failed, `${id}: ${real.stderr}`);
    assert.ok(dry.stderr.includes(`refused: ${failed[1]}`), `${id}: ${failed[1]}\n${dry.stderr}`);
  }
  // Nothing of what the run refuses is shown as what would run.
  for (
    const shown of ["GET http://evil.com", "$(( a[$(id)]", "in /tmp/../..", "--privileged echo"]
  ) {
    assert.ok(!dry.stderr.includes(shown), `${shown}\n${dry.stderr}`);
  }
  assert.match(dry.stderr, /^4 tasks would be refused for these values/m);
  // A value known only once the run goes is not checked: `late` shows its command.
  assert.match(dry.stderr, /\$ echo \$\(\( <tasks\.a\.outputs\.n> \+ 1 \)\)/);
  const json = await weft(["run", FIXTURE, "--dry-run", "--json", "-p", "img=-x"], {
    env: { WEFT_HOME: home },
  });
  assert.equal(json.code, 2, json.stderr);
  const tasks = JSON.parse(json.stdout).waves.flat();
  assert.deepEqual(
    tasks.filter((t: { refused?: string }) => t.refused).map((
      t: { id: string; refused: string },
    ) => [t.id, t.refused]),
    [["d", "`image` starts with `-`"]],
  );
});

Deno.test("run --dry-run: good values show the plan, exit 0, script args quoted as docker's", async () => {
  const home = testTempDir("dry-ok-");
  const dry = await weft(["run", FIXTURE, "--dry-run", "-p", "a=a b' --privileged '"], {
    env: { WEFT_HOME: home },
  });
  assert.equal(dry.code, 0, dry.stderr);
  assert.doesNotMatch(dry.stderr, /refused/);
  assert.match(dry.stderr, /^ +GET http:\/\/example\.com:8080\/x$/m);
  assert.match(dry.stderr, /^ +in \/tmp\/ok$/m);
  // One argument stays one word, quoted for sh as the docker argv is.
  assert.match(dry.stderr, /^ +python <inline code> 'a b'\\'' --privileged '\\''' --flag$/m);
  assert.match(
    dry.stderr,
    /^ +docker run --name 'weft-<run>-<task>-<attempt>' --rm alpine echo hi$/m,
  );
});

Deno.test("run --dry-run: a query the connection's database takes no parameters in is refused", async () => {
  // The connection comes from the environment: validate lets VACUUM INTO ${...} through
  // (SQLite binds it), the dry run knows the database as the run does.
  const file = new URL("./fixtures/database_bindable/either.yml", import.meta.url).pathname;
  const home = testTempDir("dry-db-");
  const pg = await weft(["run", file, "--dry-run"], {
    env: { WEFT_HOME: home, DATABASE_URL: "postgres://u@127.0.0.1:9/db" },
  });
  assert.equal(pg.code, 2, pg.stderr);
  assert.match(
    pg.stderr,
    /refused: query line 1, column \d+: a `\$\{\.\.\.\}` cannot stand in a VACUUM statement/,
  );
  assert.doesNotMatch(pg.stderr, /VACUUM INTO \$\{params\.file\}/, "not shown as what would run");
  const lite = await weft(["run", file, "--dry-run"], {
    env: { WEFT_HOME: home, DATABASE_URL: `sqlite:${home}/x.db` },
  });
  assert.equal(lite.code, 0, lite.stderr);
  assert.match(lite.stderr, /VACUUM INTO \$\{params\.file\}/);
});
