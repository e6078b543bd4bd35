/**
 * One rule for a value that is a name of a path or a URL path segment (expr/path.ts,
 * expr/url_reader.ts), through the real CLI: empty, `.` and `..` are refused alike in
 * every path field — cwd, a docker volume's host path, a data_processor glob, a
 * database's migrations folder — and in an http URL's path, where `srv/` would name
 * `srv` itself and `/users//sessions` or `/users/` another resource. A value inside a
 * longer name, in a URL query, or written raw(...) may still be empty.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask as task, weft } from "./_run_cli.ts";
import { testTempCopy } from "./_tmp.ts";
import { dockerCalls, STANDIN_BIN } from "./_docker_standin.ts";

const FIXTURES = new URL("./fixtures/path_values/", import.meta.url).pathname;
const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

async function runPaths(t: string) {
  const dir = testTempCopy(FIXTURES, "path-values-");
  const log = `${dir}/docker-calls`;
  const result = await weft(["run", `${dir}/paths.yml`, "--json", "-v", "-p", `t=${t}`], {
    env: { DOCKER_STANDIN_LOG: log, PATH: `${STANDIN_BIN}:${PATH}` },
  });
  const report = JSON.parse(result.stdout) as RunReport;
  return { ...result, dir, report, calls: await dockerCalls(log).catch(() => []) };
}

Deno.test("cli path values: an empty value is refused like `.` and `..` in every path field", async () => {
  for (
    const [t, what] of [["", "an empty name"], [".", 'the name "\\."'], ["..", 'the name "\\.\\."']]
  ) {
    const { report, dir, calls, stderr } = await runPaths(t);
    for (
      const [id, field] of [
        ["cwd", "cwd"],
        ["volume", "config.volumes\\[0\\]"],
        ["glob", "input.path"],
        ["migrations", "migrations_path"],
      ]
    ) {
      assert.match(
        task(report, id).error ?? "",
        new RegExp(`^${field}: a value makes ${what} in the path`),
        `${id} with t=${JSON.stringify(t)}: ${stderr}`,
      );
    }
    // Nothing ran on the parent folder: no container, no inputs file.
    assert.deepEqual(calls.filter((argv) => argv[0] === "run"), []);
    assert.throws(() => Deno.statSync(`${dir}/out/inputs.txt`));
    // raw(...) is meant to name any folder: `srv/` with t = "" is srv.
    if (t === "") assert.match(stderr, new RegExp(`^\\[raw\\] ${dir}/srv/?$`, "m"));
  }
});

Deno.test("cli path values: a name runs as before", async () => {
  const { code, stderr, dir, calls } = await runPaths("acme");
  assert.equal(code, 0, stderr);
  assert.match(stderr, new RegExp(`^\\[cwd\\] ${dir}/srv/acme$`, "m"));
  assert.ok(calls.some((argv) => argv.includes("./srv/acme:/data")), JSON.stringify(calls));
  assert.equal(Deno.readTextFileSync(`${dir}/out/inputs.txt`), `inputs: ${dir}/srv/acme/a.txt\n`);
});

/** Runs urls.yml against a loopback server; returns the report and the paths it got. */
async function runUrls(t: string) {
  const got: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const url = new URL(req.url);
    got.push(`${req.method} ${url.pathname}${url.search}`);
    return new Response("ok");
  });
  try {
    const dir = testTempCopy(FIXTURES, "url-values-");
    const args = ["run", `${dir}/urls.yml`, "--json", "-p", `t=${t}`];
    const result = await weft([...args, "-p", `port=${server.addr.port}`]);
    return { report: JSON.parse(result.stdout) as RunReport, got: got.sort(), result };
  } finally {
    await server.shutdown();
  }
}

Deno.test("cli path values: an empty value in a URL path segment is refused like `.`", async () => {
  for (const [t, what] of [["", "an empty path segment"], [".", 'the path segment "\\."']]) {
    const { report, got, result } = await runUrls(t);
    assert.equal(result.code, 1, result.stderr);
    for (const id of ["inner", "trailing"]) {
      assert.match(task(report, id).error ?? "", new RegExp(`a substituted value makes ${what}`));
    }
    // The query and a longer name take the value; nothing reached /api/users/ or //sessions.
    assert.deepEqual(got, [`GET /api/users/u-${t}`, `GET /api/users?name=${t}`].sort());
  }
  const named = await runUrls("bob");
  assert.equal(named.result.code, 0, named.result.stderr);
  assert.deepEqual(named.got, [
    "DELETE /api/users/bob/sessions",
    "GET /api/users/bob",
    "GET /api/users/u-bob",
    "GET /api/users?name=bob",
  ]);
});

Deno.test("cli path values: a value starting the path may not be an empty, `.` or `..` name (verifier N3)", async () => {
  for (
    const [t, what] of [
      ["", "an empty name at the start of the path"],
      [".", 'the name "\\."'],
      ["..", 'the name "\\.\\."'],
    ]
  ) {
    const dir = testTempCopy(FIXTURES, "path-base-");
    const result = await weft(["run", `${dir}/base.yml`, "--json", "-v", "-p", `t=${t}`]);
    const report = JSON.parse(result.stdout) as RunReport;
    assert.match(task(report, "lead").error ?? "", new RegExp(`^cwd: a value makes ${what}`));
    // The whole path is as written: `..` is the folder above, `.` and empty the workflow's own.
    assert.equal(task(report, "whole").status, "success", result.stderr);
    assert.doesNotMatch(result.stderr, /^\[lead\]/m);
    // Unset, the hint does not offer an empty value the path would then refuse.
    const unset = task(report, "unset").error ?? "";
    assert.match(unset, /WEFT_TEST_UNSET_SUB is not set/);
    assert.match(unset, /which a path takes only inside a longer name/);
  }
  const dir = testTempCopy(FIXTURES, "path-base-");
  const named = await weft(["run", `${dir}/base.yml`, "-v", "-p", `t=${dir}/srv`]);
  assert.match(named.stderr, new RegExp(`^\\[lead\\] ${dir}/srv/acme$`, "m"));
});
