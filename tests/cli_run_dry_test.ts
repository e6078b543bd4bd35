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

/** `-p base=DIR` for the fixture's task `c`: a folder holding `ok`, its `cwd` (`-p sub=ok`). */
function okFolder(): string[] {
  const base = testTempDir("dry-cwd-");
  Deno.mkdirSync(`${base}/ok`);
  return ["-p", `base=${base}`];
}

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
  const json = await weft(["run", FIXTURE, "--dry-run", "--json", "-p", "img=-x", ...okFolder()], {
    env: { WEFT_HOME: home },
  });
  assert.equal(json.code, 2, json.stderr);
  const tasks = JSON.parse(json.stdout).waves.flat();
  const refused = tasks.filter((t: { refused?: string }) => t.refused);
  assert.deepEqual(refused.map((t: { id: string }) => t.id), ["d"]);
  // The field, the value as resolved and as written, and why.
  assert.match(
    refused[0].refused,
    /^config\.image: the image "-x" starts with "-" once resolved \(written ".*\$\{params\.img\}.*"\), which docker run would read as an option: an image reference starts with a letter or digit$/,
  );
});

Deno.test("run --dry-run: good values show the plan, exit 0, script args quoted as docker's", async () => {
  const home = testTempDir("dry-ok-");
  const folder = okFolder();
  const dry = await weft(["run", FIXTURE, "--dry-run", "-p", "a=a b' --privileged '", ...folder], {
    env: { WEFT_HOME: home },
  });
  assert.equal(dry.code, 0, dry.stderr);
  assert.doesNotMatch(dry.stderr, /refused/);
  assert.match(dry.stderr, /^ +GET http:\/\/example\.com:8080\/x$/m);
  assert.ok(
    dry.stderr.includes(`\n          in ${folder[1].slice("base=".length)}/ok\n`),
    dry.stderr,
  );
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
  // Shown as SQLite gets it: the value bound to a parameter, never in the text.
  assert.match(lite.stderr, /^ +VACUUM INTO \?1\n +bound \?1 = copy\.db$/m);
});

const DRY = new URL("./fixtures/dry_run/", import.meta.url).pathname;

Deno.test("run --dry-run: a shell command shows as the run gives it to the shell", async () => {
  // Run in a copy: the data processor writes its output beside the workflow.
  const dir = testTempDir("dry-shell-");
  Deno.copyFileSync(`${DRY}shell_text.yml`, `${dir}/shell_text.yml`);
  const env = { WEFT_HOME: testTempDir("dry-shell-home-") };
  const dry = await weft(["run", `${dir}/shell_text.yml`, "--dry-run"], { env });
  assert.equal(dry.code, 0, dry.stderr);
  // A comment's `${...}` is the shell's, left as written: neither filled in nor erased.
  assert.match(dry.stderr, /^ +\$ # uses \$\{params\.x\} and \$\{HOME\}$/m);
  assert.match(dry.stderr, / # trailing \$\{HOME\}$/m);
  assert.match(dry.stderr, /→ \$ cat "\$@" > "\$WEFT_OUTPUT_FILE" # \$\{params\.x\} \$\{HOME\} →/);
  // A backslash before a value: the run's shell prints the value whole, without it.
  const run = await weft(["run", `${dir}/shell_text.yml`, "-v"], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /^\[a\] d val\|eval$/m);
  assert.match(dry.stderr, /^ +printf '%s\|%s\\n' "d val" eval # trailing/m);
});

Deno.test("run --dry-run: a query shows as the driver gets it, with the values bound", async () => {
  const home = testTempDir("dry-query-");
  const env = { WEFT_HOME: home, API_TOKEN: "tok-secret-123" };
  const shown = (url: string) =>
    weft(["run", `${DRY}query.yml`, "--dry-run"], { env: { ...env, DATABASE_URL: url } });
  const lite = await shown(`sqlite:${home}/q.db`);
  assert.equal(lite.code, 0, lite.stderr);
  // The quotes of `'${params.region}'` go with it, as the run binds it; a secret is
  // masked, a later value shows as its placeholder; nothing pasted into the SQL.
  assert.match(
    lite.stderr,
    /^ +SELECT \?1 AS r, \?2 AS t, \?3 AS v\n +bound \?1 = eu\n +bound \?2 = \*\*\*\n +bound \?3 = <tasks\.a\.outputs\.v>$/m,
  );
  assert.doesNotMatch(lite.stderr, /tok-secret|params\.region/);
  const pg = await shown("postgres://u@127.0.0.1:9/db");
  assert.equal(pg.code, 0, pg.stderr);
  assert.match(pg.stderr, /^ +SELECT \$1 AS r, \$2 AS t, \$3 AS v\n +bound \$1 = eu$/m);
  // What the run's query returns is what those bound values give.
  const run = await weft(["run", `${DRY}query.yml`, "-v"], {
    env: { ...env, DATABASE_URL: `sqlite:${home}/q.db` },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /\{"r":"eu","t":"\*\*\*","v":"later"\}/);
});

Deno.test("run --dry-run: a cwd the run cannot start a program in is refused, exit 2", async () => {
  const home = testTempDir("dry-cwd-home-");
  const file = `${DRY}cwd.yml`;
  const dry = await weft(["run", file, "--dry-run"], { env: { WEFT_HOME: home } });
  assert.equal(dry.code, 2, dry.stderr);
  // The run's own reason, for each task it fails as it starts it.
  const real = await weft(["run", file, "-q"], { env: { WEFT_HOME: home } });
  assert.equal(real.code, 1, real.stderr);
  for (const id of ["a", "js"]) {
    const failed = new RegExp(`^✖ ${id} failed: (.*?) — no output$`, "m")
      .exec(real.stdout + real.stderr);
    assert.ok(failed, `${id}: ${real.stderr}`);
    assert.match(failed[1], /^working directory "\/nonexistent\/weft-dry-cwd" does not exist$/);
    const shown = new RegExp(`^ {2}${id} .*\\n +refused: (.*)$`, "m").exec(dry.stderr);
    assert.equal(shown?.[1], failed[1], dry.stderr);
  }
  assert.match(dry.stderr, /^2 tasks would be refused for these values/m);
  // An http task starts no program there; a cwd known only later is not looked at.
  assert.match(dry.stderr, /^ {2}h +http\n +in \/nonexistent\/weft-dry-cwd\n +GET /m);
  assert.match(dry.stderr, /^ +in <tasks\.a\.outputs\.dir>\n +\$ echo later$/m);
  // A file is no folder: refused too; a folder that exists is not.
  const notFolder = await weft(["run", file, "--dry-run", "-p", `dir=${file}`], {
    env: { WEFT_HOME: home },
  });
  assert.equal(notFolder.code, 2, notFolder.stderr);
  assert.ok(
    notFolder.stderr.includes(`refused: working directory "${file}" is not a folder`),
    notFolder.stderr,
  );
  const ok = await weft(["run", file, "--dry-run", "-p", `dir=${home}`], {
    env: { WEFT_HOME: home },
  });
  assert.equal(ok.code, 0, ok.stderr);
  // The folder may be made before the run: validate does not look at it.
  const valid = await weft(["validate", file], { env: { WEFT_HOME: home } });
  assert.equal(valid.code, 0, valid.stderr + valid.stdout);
});

Deno.test("run --dry-run: a long value shows as its length where it is shown, a long secret as ***", async () => {
  const dir = testTempDir("dry-long-");
  const uses = Array.from({ length: 200 }, () => '      echo "${params.p}" >/dev/null').join("\n");
  Deno.writeTextFileSync(
    `${dir}/child.yml`,
    "name: child\nparams: {a: {default: x}}\ntasks:\n  - {id: c, command: 'true'}\n",
  );
  Deno.writeTextFileSync(`${dir}/s.py`, "print(1)\n");
  Deno.writeTextFileSync(
    `${dir}/w.yml`,
    [
      "name: long",
      "secrets: [TOKEN]",
      'environment: {TOKEN: "${params.tok}"}',
      "params:",
      "  p: {default: x}",
      "  tok: {default: y}",
      "tasks:",
      "  - id: a",
      "    command: |",
      uses,
      "  - id: q",
      "    type: database",
      '    config: {connection: "sqlite:q.db", query: "SELECT ${params.p} AS a"}',
      '  - {id: h, type: http, url: "http://127.0.0.1:9999/x?q=${params.p}"}',
      '  - {id: l, type: loop, items: \'["${params.p}", "b"]\', task: {command: "true"}}',
      '  - {id: py, type: python, script: s.py, args: ["${params.p}"]}',
      '  - {id: w, type: workflow, file: child.yml, params: {a: "${params.p}"}}',
      '  - {id: s, command: "echo ${env.TOKEN}"}',
      "",
    ].join("\n"),
  );
  const long = "v".repeat(20_000);
  const secret = "T".repeat(2_009);
  const r = await weft(["run", "--dry-run", "w.yml", "-p", `p=${long}`, "-p", `tok=${secret}`], {
    cwd: dir,
  });
  assert.equal(r.code, 0, r.stderr);
  const text = r.stdout + r.stderr;
  assert.ok(!text.includes("v".repeat(1025)), "no long value printed whole");
  assert.ok(!text.includes("TTTT"), "no part of the secret");
  assert.doesNotMatch(text, /2009/, "nor its length");
  assert.match(text, /\$ echo \*\*\*/);
  const shown = "<${params.p}: 20000 characters>";
  assert.equal(text.split(`echo "${shown}" >/dev/null`).length - 1, 200);
  for (
    const line of [
      `bound ?1 = ${shown}`,
      `GET http://127.0.0.1:9999/x?q=${shown}`,
      `for each item of ["${shown}", "b"]`,
      `python s.py '${shown}'`,
      `runs child.yml a=${shown}`,
    ]
  ) assert.ok(text.includes(line), `${line}\n${text}`);
  assert.ok(text.length < 100_000, `${text.length} characters printed`);
  // Up to 1,024 characters, a value shows whole, as the run passes it.
  const short = "w".repeat(1024);
  const s = await weft(["run", "--dry-run", "w.yml", "-p", `p=${short}`], { cwd: dir });
  assert.equal(s.code, 0, s.stderr);
  assert.ok((s.stdout + s.stderr).includes(`echo "${short}" >/dev/null`));
});

Deno.test("run --dry-run: docker and connections read a long value whole; each stand-in names its own ${...}", async () => {
  const dir = testTempDir("dry-long-parsed-");
  Deno.writeTextFileSync(
    `${dir}/w.yml`,
    [
      "name: parsed",
      'params: {p: {default: ""}, q: {default: ""}, u: {default: u}}',
      "tasks:",
      '  - {id: dk, type: docker, config: {image: alpine, volumes: ["/tmp:/${params.p}"]}}',
      "  - id: db",
      "    type: database",
      '    config: {connection: "postgres://u@${params.u}:5999/db", query: "SELECT 1"}',
      "  - {id: a, command: 'echo \"${params.q}\"'}",
      "  - {id: b, command: 'echo \"${env.BIG}\"'}",
      "",
    ].join("\n"),
  );
  const same = "d".repeat(1500);
  const host = "h".repeat(1100);
  const r = await weft(
    [
      "run",
      "--dry-run",
      "w.yml",
      "-p",
      `p=${"p".repeat(1100)}`,
      "-p",
      `q=${same}`,
      "-p",
      `u=${host}`,
    ],
    { cwd: dir, env: { BIG: same } },
  );
  assert.equal(r.code, 0, r.stderr);
  const text = r.stdout + r.stderr;
  // Parsed as the run parses them: no ':' of a stand-in read as a field or a password.
  assert.doesNotMatch(text, /cannot be worked out/);
  assert.ok(text.includes(`-v /tmp:/${"p".repeat(1100)}`), text);
  assert.ok(text.includes(`database postgres://u@${host}:5999/db`), text);
  // The same long value from two places: each named as written.
  assert.ok(text.includes('$ echo "<${params.q}: 1500 characters>"'), text);
  assert.ok(text.includes('$ echo "<${env.BIG}: 1500 characters>"'), text);
  // Characters, not UTF-16 units: 600 emoji are 600 characters, shown whole.
  const emoji = "\u{1F600}".repeat(600);
  const e = await weft(["run", "--dry-run", "w.yml", "-p", `q=${emoji}`], { cwd: dir });
  assert.ok((e.stdout + e.stderr).includes(`$ echo "${emoji}"`), e.stdout + e.stderr);
});
