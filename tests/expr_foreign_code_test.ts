/**
 * src/expr/foreign_code.ts through the CLI: a `${...}` inside another language's program
 * text (`python3 -c`, awk's program, sed's script, `deno eval`, SQL of `sqlite3`, a `perl
 * -e` inside `sh -c`, `find -exec python3 -c`, `sudo -E node --eval=`, a jq filter) is
 * refused by `weft validate` at its line and column with the safe form as the hint, and
 * by `weft run` before anything runs; values outside the program text (arguments after
 * it, `awk -v`, `jq --arg`, a script file's arguments, a database's name) pass.
 * Option clusters are read as each interpreter reads them (`perl -lne`, `node -pe`), code is
 * found after container and cluster tools (`docker exec`, `kubectl exec --`) and multi-call
 * binaries (`busybox sed`), and yq, mongo, ipython, clickhouse-local… are in the table.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { exists, testTempDir } from "./_tmp.ts";

const DIR = new URL("./fixtures/foreign_code/", import.meta.url).pathname;

Deno.test("foreign code: validate refuses a value in program text, at its place, with the safe form", async () => {
  const out = await weft(["validate", `${DIR}refused.yml`]);
  assert.equal(out.code, 2, out.stdout + out.stderr);
  const text = out.stdout + out.stderr;
  const expected: [string, string, RegExp][] = [
    ["7:39", "py", /Python program text[\s\S]*?hint: .*sys\.argv\[1\]/],
    ["9:60", "awk", /awk program text[\s\S]*?hint: .*awk -v x=/],
    ["11:44", "sed", /sed program text/],
    ["13:38", "deno", /JavaScript program text[\s\S]*?Deno\.args/],
    ["15:77", "sql", /SQL program text[\s\S]*?type: database/],
    ["17:41", "nested", /Perl program text/],
    ["19:47", "xargs", /Python program text/],
    ["21:35", "sudo", /JavaScript program text/],
    ["23:22", "jq", /jq program text[\s\S]*?--arg x/],
  ];
  for (const [place, task, what] of expected) {
    const at = text.indexOf(`refused.yml:${place}: command in task "${task}": cannot substitute`);
    assert.ok(at >= 0, `${place} ${task}\n${text}`);
    assert.match(text.slice(at), what);
  }
  assert.match(text, /9 problems/);
});

Deno.test("foreign code: values outside the program text stay allowed", async () => {
  const out = await weft(["validate", `${DIR}allowed.yml`]);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.match(out.stdout + out.stderr, /allowed\.yml: ok/);
});

Deno.test("foreign code: values as workflows pass them to scripts, clients and options stay allowed", async () => {
  // A script's own `-e`/`-c` after the script (pwsh -File, Rscript, osascript, expect) and
  // an option's value before the code operand (duckdb -f, sqlite3 -nonce/-lookaside/-A,
  // jq --library-path, yq --xml-root, deno eval --config) are data, not program text.
  const out = await weft(["validate", `${DIR}allowed_workflows.yml`]);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.match(out.stdout + out.stderr, /allowed_workflows\.yml: ok/);
});

Deno.test("foreign code: the program text beside those options is still refused", async () => {
  await refusesEachTask("refused_options", {
    pwsh: "PowerShell",
    pwshcase: "PowerShell",
    rscript: "R",
    osascript: "AppleScript",
    expect: "Tcl",
    duckdb: "SQL",
    sqlite: "SQL",
    jq: "jq",
    yq: "yq",
    deno: "JavaScript",
  });
});

Deno.test("foreign code: weft run refuses the value before python runs it", async () => {
  const dir = testTempDir("foreign-code-");
  const marker = `${dir}/pwned`;
  const value = `x'); open('${marker}','w').write('1'); print('`;
  const out = await weft(["run", `${DIR}inject.yml`, "-p", `name=${value}`], {
    env: { WEFT_HOME: `${dir}/home` },
  });
  assert.notEqual(out.code, 0, out.stdout + out.stderr);
  assert.match(out.stdout + out.stderr, /Python program text/);
  assert.equal(exists(marker), false);
});

/** Each task of fixture `name` refused once, at its command, by the language given (or by the message "remote"). */
async function refusesEachTask(name: string, expected: Record<string, string>) {
  const out = await weft(["validate", `${DIR}${name}.yml`]);
  assert.equal(out.code, 2, out.stdout + out.stderr);
  const text = out.stdout + out.stderr;
  for (const [task, language] of Object.entries(expected)) {
    const line = text.split("\n").find((l) =>
      l.includes(`${name}.yml:`) && l.includes(`command in task "${task}": cannot substitute`)
    );
    assert.ok(line, `${task} not refused\n${text}`);
    const what = language === "remote"
      ? "a command run on another machine or in a container"
      : `a value into ${language} program text`;
    assert.ok(line.includes(what), `${task}: ${line}`);
  }
  const count = Object.keys(expected).length;
  assert.match(text, new RegExp(`1 invalid, ${count} problems`));
}

Deno.test("foreign code: option clusters and arguments read as each interpreter reads them", async () => {
  // perl's -l/-0/-C take only digits (`-lne` is `-l -n -e`), -I takes the next word,
  // -M/-F text is code; node's `-pe` is `--print --eval`, `-p` makes the operand code.
  await refusesEachTask("clusters", {
    lne: "Perl",
    lane: "Perl",
    zero: "Perl",
    unicode: "Perl",
    incdir: "Perl",
    incdir2: "Perl",
    module: "Perl",
    split: "Perl",
    letters: "Perl",
    nodepe: "JavaScript",
    nodep: "JavaScript",
    nodeeval: "JavaScript",
    ruby: "Ruby",
    python: "Python",
    psql: "SQL",
    pyattached: "Python",
  });
});

Deno.test("foreign code: found after container, cluster and multi-call wrappers", async () => {
  await refusesEachTask("wrapped", {
    exec: "Python",
    execpsql: "SQL",
    compose: "SQL",
    composerun: "JavaScript",
    run: "Python",
    container: "Perl",
    kubectl: "SQL",
    kubectlold: "Python",
    kubectlrun: "Python",
    lxc: "awk",
    shell: "remote",
    busybox: "sed",
    clickhouse: "SQL",
    cockroach: "SQL",
  });
});

Deno.test("foreign code: yq, mongo, ipython, clickhouse-local, raku, trino are in the table", async () => {
  await refusesEachTask("tools", {
    yq: "yq",
    yqi: "yq",
    yqe: "yq",
    yqexpr: "yq",
    yqsplit: "yq",
    mongo: "JavaScript",
    ipython: "Python",
    chlocal: "SQL",
    raku: "Raku",
    trino: "SQL",
  });
});

Deno.test("foreign code: weft run refuses `perl -lne` before perl runs the value", async () => {
  const dir = testTempDir("foreign-code-");
  const marker = `${dir}/pwned`;
  const out = await weft([
    "run",
    `${DIR}inject_perl.yml`,
    "-p",
    `x=x/; open(F,'>${marker}'); print /`,
  ], {
    env: { WEFT_HOME: `${dir}/home` },
  });
  assert.equal(out.code, 2, out.stdout + out.stderr);
  assert.match(out.stdout + out.stderr, /inject_perl\.yml:6:\d+: .*Perl program text/);
  assert.equal(exists(marker), false);
});
