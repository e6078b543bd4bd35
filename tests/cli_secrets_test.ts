/**
 * Secret masking through the real `weft run`: multi-line values, secrets of every
 * environment level, secrets that are common words (identifiers stay whole), and
 * values too short to mask. Every test greps the whole WEFT_HOME for the values.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { filesHolding } from "./_file_texts.ts";

const FIXTURES = new URL("./fixtures/secrets/", import.meta.url).pathname;

const KEY_LINES = [
  "-----BEGIN OPENSSH PRIVATE KEY-----",
  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
  "QyNTUxOQAAACDzR1fakefakefakefakefakefakefakefakefakefakeAAAAJgAAAAA",
  "-----END OPENSSH PRIVATE KEY-----",
];

/** Asserts that none of `values` is in the text or in any file of `home`. */
function assertNowhere(values: string[], text: string, home: string): void {
  for (const value of values) {
    assert.ok(!text.includes(value), `weft printed ${JSON.stringify(value)}`);
    assert.deepEqual(filesHolding(home, value), [], `WEFT_HOME holds ${JSON.stringify(value)}`);
  }
}

Deno.test("cli secrets: a multi-line key printed whole, line by line or with CRLF leaves no line behind", async () => {
  const home = testTempDir("home-");
  const env = {
    WEFT_HOME: home,
    SSH_PRIVATE_KEY: KEY_LINES.join("\n"),
    CRLF_PRIVATE_KEY: KEY_LINES.map((l) => l.replace("b3Bl", "crlf")).join("\r\n"),
  };
  const run = await weft(["run", `${FIXTURES}pem.yml`, "-v", "--json"], { env });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.tasks.find((t: { id: string }) => t.id === "key-output").outputs.key, "***");
  const crlfLines = env.CRLF_PRIVATE_KEY.split("\r\n");
  assertNowhere([...KEY_LINES, ...crlfLines], run.stdout + run.stderr, home);
  const logs = await weft(["logs", report.id, "loop-key"], { env: { WEFT_HOME: home } });
  assert.equal(logs.stdout, "line: ***\n".repeat(4));
  const echoed = await weft(["logs", report.id, "echo-key"], { env: { WEFT_HOME: home } });
  assert.equal(echoed.stdout, "***\n".repeat(4));
});

Deno.test("cli secrets: task-level, defaults-level, interpolated and --env secrets are masked", async () => {
  const home = testTempDir("home-");
  const run = await weft(
    ["run", `${FIXTURES}levels.yml`, "-v", "--json", "--env", "CLI_TOKEN=cli_level_tok_444"],
    { env: { WEFT_HOME: home } },
  );
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /\[a\] \*\*\* \*\*\* \*\*\* \*\*\*/);
  const report = JSON.parse(run.stdout);
  const b = report.tasks.find((t: { id: string }) => t.id === "b");
  assert.deepEqual([b.status, b.exitCode, b.outputs], ["failed", 3, { out: "***" }]);
  const logs = await weft(["logs", report.id, "b"], { env: { WEFT_HOME: home } });
  assert.equal(logs.stderr, "leaked *** *** after 0\n");
  assertNowhere(
    [
      "task_level_pw_xyz",
      "task_level_deploy_key_222",
      "defaults_level_tok_111",
      "param_level_pw_333",
      "mixed_block_pw_555",
      "cli_level_tok_444",
    ],
    run.stdout + run.stderr + logs.stdout + logs.stderr,
    home,
  );
});

Deno.test("cli secrets: a secret that is a word of the workflow name and a task id leaves them whole", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", `${FIXTURES}identifiers.yml`, "--json"], {
    env: { WEFT_HOME: home, DB_PASSWORD: "postgres" },
  });
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.workflow, "postgres-backup");
  assert.deepEqual(report.tasks.map((t: { id: string }) => t.id), [
    "dump-postgres",
    "upload",
    "notify",
  ]);
  const dump = report.tasks[0];
  // The output's key is weft's (kept), its value is data (masked).
  assert.deepEqual(dump.outputs, { postgres: "***" });
  assert.equal(report.tasks[2].error, 'dependency "upload" failed');

  // Later commands, without the secret: every lookup by name still works.
  const later = { env: { WEFT_HOME: home } };
  const history = await weft(["history", "--workflow", "postgres-backup", "--json"], later);
  const runs = JSON.parse(history.stdout);
  assert.deepEqual(runs.map((r: { id: string }) => r.id), [report.id]);
  assert.equal(runs[0].workflow, "postgres-backup");
  const logs = await weft(["logs", report.id, "dump-postgres"], later);
  assert.equal(logs.code, 0, logs.stderr);
  assert.equal(logs.stdout, "dumping *** with ***\n");
  const status = JSON.parse((await weft(["status", report.id, "--json"], later)).stdout);
  assert.deepEqual(status.tasks, report.tasks);
});

Deno.test("cli secrets: a secret equal to a status word changes no status and no exit code", async () => {
  for (const word of ["success", "failed"]) {
    const home = testTempDir("home-");
    const run = await weft(["run", `${FIXTURES}identifiers.yml`, "--json"], {
      env: { WEFT_HOME: home, DB_PASSWORD: word },
    });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.status, "failed");
    assert.deepEqual(report.tasks.map((t: { status: string }) => t.status), [
      "success",
      "failed",
      "skipped",
    ]);
    const status = JSON.parse(
      (await weft(["status", report.id, "--json"], { env: { WEFT_HOME: home } })).stdout,
    );
    assert.equal(status.status, "failed");
    assert.equal(status.tasks[0].status, "success");
  }
});

Deno.test("cli secrets: a value under 4 characters is refused with a warning naming the variable", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", `${FIXTURES}short.yml`, "-v"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stderr,
    /warning: PIN_TOKEN is not masked: its value is shorter than 4 characters/,
  );
  assert.ok(!run.stderr.includes("LONG_TOKEN is not masked"));
  assert.match(run.stderr, /\[show\] pin=42 long=\*\*\*/);
  assert.deepEqual(filesHolding(home, "long-enough"), []);
});

Deno.test("cli secrets: a secret that is one of weft's words leaves error text and exit codes whole", async () => {
  for (const word of ["code", "exited", "with", "expected", "failed", "after", "invalid"]) {
    const home = testTempDir("home-");
    const run = await weft(["run", `${FIXTURES}weft_words.yml`, "--json"], {
      env: { WEFT_HOME: home, A_TOKEN: word, URL_TOKEN: "not a url with-secret-xyz" },
    });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    const fail = report.tasks.find((t: { id: string }) => t.id === "fail");
    assert.deepEqual([fail.error, fail.exitCode], ["exited with code 1", 1], word);
    // The URL quoted in the error is data: the secret inside it is masked.
    const bad = report.tasks.find((t: { id: string }) => t.id === "bad-url");
    assert.equal(bad.error, 'invalid URL "***": give an absolute http:// or https:// URL', word);
    assert.ok(!run.stdout.includes("\uE000") && !run.stderr.includes("\uE000"));
  }
});

Deno.test("cli secrets: a secret echoed back JSON-escaped is masked", async () => {
  const secret = `ab cd/é'"x`;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => new Response(await req.text(), { status: 299 }),
  );
  try {
    const home = testTempDir("home-");
    const url = `http://127.0.0.1:${server.addr.port}/echo`;
    const run = await weft(["run", `${FIXTURES}json_body.yml`, "-v", "--json"], {
      env: { WEFT_HOME: home, MY_TOKEN: secret, ECHO_URL: url },
    });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.tasks[0].outputs.body, '{"k":"***"}');
    assertNowhere([secret, JSON.stringify(secret).slice(1, -1)], run.stdout + run.stderr, home);
  } finally {
    await server.shutdown();
  }
});

Deno.test("cli secrets: a param named like a secret or listed under secrets: is masked everywhere", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => new Response(await req.text(), { status: 299 }),
  );
  try {
    const home = testTempDir("home-");
    const env = { WEFT_HOME: home, ECHO_URL: `http://127.0.0.1:${server.addr.port}/echo` };
    const file = `${FIXTURES}params.yml`;
    for (const given of [[], ["-p", "api_key=given-on-the-command-line"]]) {
      const secrets = given.length > 0
        ? ["given-on-the-command-line", "declared-param-conn-value"]
        : ["paramsecretdefault", "declared-param-conn-value"];
      const run = await weft(["run", file, "-v", "--json", ...given], { env });
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout);
      assert.match(run.stderr, /\[show\] key=\*\*\* conn=\*\*\* pin=77 region=eu-west-plain/);
      assert.match(run.stderr, /warning: param pin_token is not masked: its value is shorter/);
      assert.deepEqual(report.tasks[0].outputs, { key: "***" });
      assert.equal(report.tasks[1].outputs.body, '{"key":"***","conn":"***"}');
      const status = await weft(["status", report.id], { env });
      const statusJson = await weft(["status", report.id, "--json"], { env });
      assert.equal(statusJson.code, 0, statusJson.stderr);
      assert.match(
        status.stdout,
        /params +api_key=\*\*\* conn=\*\*\* pin_token=77 region=eu-west-plain/,
      );
      const dry = await weft(["run", file, "--dry-run", ...given], { env });
      const dryJson = await weft(["run", file, "--dry-run", "--json", ...given], { env });
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stderr, /key=\*\*\* conn=\*\*\*/);
      const texts = [run, status, statusJson, dry, dryJson].map((r) => r.stdout + r.stderr);
      assertNowhere(secrets, texts.join("\n"), home);
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("cli secrets: a secret that straddles a 64 KiB piece of a long line is masked", async () => {
  const home = testTempDir("home-");
  const dir = testTempDir("wf-");
  const secret = "straddle-SECRET-value-0123456789";
  // The line's first 65,530 bytes are filler, so the secret crosses the 65,536-byte
  // cut of a long line (and of the 64 KiB pipe reads) in the middle.
  await Deno.writeTextFile(
    `${dir}/long.yml`,
    [
      "name: long-line-secret",
      "tasks:",
      "  - id: long",
      "    command: |",
      `      head -c 65530 /dev/zero | tr '\\0' x; printf '%s' "$MY_TOKEN"; echo " end"`,
    ].join("\n") + "\n",
  );
  const env = { WEFT_HOME: home, MY_TOKEN: secret };
  const run = await weft(["run", `${dir}/long.yml`, "-v", "--json"], { env });
  assert.equal(run.code, 0, run.stderr);
  const id = JSON.parse(run.stdout).id;
  const logs = await weft(["logs", id, "long"], { env });
  assert.equal(logs.code, 0, logs.stderr);
  // The line comes back whole, with the secret masked and the filler intact.
  assert.equal(logs.stdout, "x".repeat(65530) + "*** end\n");
  assertNowhere([secret], run.stdout + run.stderr + logs.stdout, home);
});

Deno.test("cli secrets: a secret that is a word of a runner's reason leaves the reason whole", async () => {
  // A port nothing listens on: the request is refused.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const url = `http://127.0.0.1:${port}/x`;
  for (const word of ["KILL", "SIGKILL", "killed", "start", "shell", "found", "refused"]) {
    const home = testTempDir("home-");
    const run = await weft(["run", `${FIXTURES}reasons.yml`, "--json"], {
      env: {
        WEFT_HOME: home,
        A_TOKEN: word,
        SHELL_TOKEN: "/nonexistent/secret-shell-xyz",
        REFUSED_URL: url,
      },
    });
    const report = JSON.parse(run.stdout);
    const error = (id: string) => report.tasks.find((t: { id: string }) => t.id === id).error;
    assert.equal(error("killed"), "killed by SIGKILL", word);
    // The shell's name is data: the secret it holds is masked, weft's words are not.
    assert.equal(error("no-shell"), 'cannot start shell "***": not found', word);
    assert.match(
      error("refused"),
      /^GET http:\/\/127\.0\.0\.1:\d+\/x failed: connection refused \(/,
      word,
    );
    assert.ok(!run.stdout.includes("\uE000") && !run.stdout.includes("\uE002"), word);
  }
});
