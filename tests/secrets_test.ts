/** Which environment values count as secrets, how text is masked, and which event fields. */
import { ownText, quoteData, resolveQuoted } from "../src/model/data_text.ts";
import assert from "node:assert/strict";
import type { EngineEvent, RunReport, TaskRecord } from "../src/engine/events.ts";
import { maskEvent, maskReport } from "../src/engine/mask_events.ts";
import { createMasker, MASK, secretFragments, Secrets } from "../src/engine/secrets.ts";
import { isSecretLikeName, secretValues } from "../src/engine/secret_names.ts";
import { base64Forms } from "../src/engine/secret_encodings.ts";

Deno.test("secretValues: names matching the pattern, any case, plus declared names", () => {
  const env = {
    API_TOKEN: "tok-123",
    db_password: "pw-456",
    MY_PASSWD: "pw-789",
    STRIPE_API_KEY: "sk_live_1",
    SSH_PRIVATE_KEY: "-----BEGIN",
    client_secret: "cs-000",
    DEPLOY_KEY: "declared-1",
    HOME: "/root",
    PATH: "/usr/bin",
  };
  const values = secretValues(env, ["DEPLOY_KEY"]);
  assert.deepEqual(
    new Set(values),
    new Set(["tok-123", "pw-456", "pw-789", "sk_live_1", "-----BEGIN", "cs-000", "declared-1"]),
  );
  assert.equal(secretValues(env).includes("declared-1"), false);
});

Deno.test("secretValues: empty and values under 4 characters are not secrets; longest first", () => {
  const values = secretValues({
    A_TOKEN: "",
    B_TOKEN: "abc",
    C_TOKEN: "abcd",
    D_TOKEN: "abcdef",
    E_TOKEN: "abcd",
  });
  assert.deepEqual(values, ["abcdef", "abcd"]);
  assert.deepEqual(secretValues({ X: "value" }, ["MISSING"]), []);
});

Deno.test("Secrets: a value under 4 characters is refused with one warning naming the variable", () => {
  const warnings: string[] = [];
  const secrets = new Secrets({ warn: (m) => warnings.push(m), declared: ["PIN"] });
  secrets.addEnv({ PIN: "42", DB_PASSWORD: "", HOME: "/x" });
  secrets.addEnv({ PIN: "43" });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^weft: warning: PIN is not masked: .*shorter than 4 characters/);
  assert.equal(secrets.empty, true);
  assert.equal(secrets.mask("pin 42, 43"), "pin 42, 43");
});

Deno.test("secretFragments: a multi-line value whole, each line and each trimmed line (LF, CRLF, CR)", () => {
  assert.deepEqual(secretFragments("single"), ["single", "c2luZ2xl"]); // and its base64
  assert.deepEqual(secretFragments("abc"), []);
  const value = "-----BEGIN KEY-----\r\n  body-line-1  \nab\r--END--";
  const fragments = secretFragments(value);
  for (
    const expected of [
      value,
      // JSON-escaped, as a JSON body carries it
      "-----BEGIN KEY-----\\r\\n  body-line-1  \\nab\\r--END--",
      "-----BEGIN KEY-----",
      "  body-line-1  ",
      "body-line-1",
      "--END--",
    ]
  ) assert.ok(fragments.includes(expected), expected);
  // Lines under 4 characters are never masked alone.
  assert.equal(fragments.includes("ab"), false);
});

Deno.test("Secrets.mask: a multi-line secret is masked whole and in any one of its lines", () => {
  const secrets = new Secrets();
  secrets.add("line-one\nline-two\nxy");
  assert.equal(secrets.mask("a line-one\nline-two\nxy b"), `a ${MASK} b`);
  assert.equal(secrets.mask("got: line-two"), `got: ${MASK}`);
  assert.equal(
    secrets.mask("xy is too short to be masked alone"),
    "xy is too short to be masked alone",
  );
});

Deno.test("createMasker replaces every occurrence, longer secrets first, regex characters literal", () => {
  const mask = createMasker(["abcd", "abcdef", "a.b*c", "xyz"]);
  assert.equal(mask("abcdef and abcd"), `${MASK} and ${MASK}`);
  assert.equal(mask("a.b*c axbbc"), `${MASK} axbbc`);
  assert.equal(mask("xyz stays: too short"), "xyz stays: too short");
  assert.equal(createMasker([])("nothing to hide"), "nothing to hide");
});

Deno.test("Secrets.maskKeeping leaves weft's identifiers whole, masks the secret elsewhere", () => {
  const secrets = new Secrets();
  secrets.add("postgres");
  secrets.protect(["dump-postgres", "postgres-backup", "upload"]);
  assert.equal(
    secrets.maskKeeping('dependency "dump-postgres" failed: postgres refused'),
    `dependency "dump-postgres" failed: ${MASK} refused`,
  );
  assert.equal(secrets.mask("dump-postgres"), `dump-${MASK}`);
  // Added after the identifiers: the cached expression is rebuilt.
  secrets.add("upload-key");
  assert.equal(secrets.maskKeeping("upload upload-key"), `upload ${MASK}`);
});

function task(overrides: Partial<TaskRecord>): TaskRecord {
  return {
    id: "dump-postgres",
    name: "dump-postgres",
    type: "shell",
    status: "success",
    callback: false,
    exitCode: 0,
    attempts: 1,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.000Z",
    durationMs: 1000,
    reason: null,
    error: null,
    outputs: {},
    ...overrides,
  };
}

Deno.test("maskEvent masks data fields only: lines, output values, errors, param values", () => {
  const secrets = new Secrets();
  secrets.add("postgres");
  const started: EngineEvent = {
    type: "run_started",
    run: {
      id: "R1",
      workflow: "postgres-backup",
      file: "/w/postgres.yml",
      fileHash: "h",
      params: { postgres: "postgres" },
      startedAt: "2026-01-01T00:00:00.000Z",
      host: "postgres-host",
      pid: 1,
      resumedFrom: null,
    },
    tasks: [task({ status: "pending" })],
  };
  const masked = maskEvent(started, secrets) as typeof started;
  assert.equal(masked.run.workflow, "postgres-backup");
  assert.equal(masked.run.file, "/w/postgres.yml");
  assert.equal(masked.run.host, "postgres-host");
  assert.deepEqual(masked.run.params, { postgres: MASK });
  assert.equal(masked.tasks[0].id, "dump-postgres");
  assert.equal(started.run.params.postgres, "postgres"); // a copy, not in place

  const line = maskEvent({
    type: "output",
    runId: "R1",
    taskId: "dump-postgres",
    attempt: 1,
    stream: "stdout",
    line: "connecting with postgres",
    at: "2026-01-01T00:00:00.000Z",
  }, secrets);
  assert.deepEqual(
    [line.type === "output" && line.taskId, line.type === "output" && line.line],
    ["dump-postgres", `connecting with ${MASK}`],
  );

  const failed = task({
    status: "failed",
    // The URL is quoted data; the rest (the task id too) is weft's own words.
    error: `task "dump-postgres": GET ${quoteData("http://h/?pw=postgres")} failed`,
    outputs: { postgres: "user=postgres" },
  });
  const finished = maskEvent({ type: "task_finished", runId: "R1", task: failed }, secrets);
  assert.deepEqual(finished.type === "task_finished" && finished.task, {
    ...failed,
    error: `task "dump-postgres": GET http://h/?pw=${MASK} failed`,
    // A key the task wrote is its data too (tester11 F3).
    outputs: { [MASK]: `user=${MASK}` },
  });
});

Deno.test("maskReport: a secret equal to a status or a number changes neither", () => {
  const secrets = new Secrets();
  secrets.add("success");
  secrets.add("1000");
  const report: RunReport = {
    id: "R1",
    workflow: "success-1000",
    status: "success",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.000Z",
    durationMs: 1000,
    tasks: [task({ id: "success", name: "success", outputs: { status: "success" } })],
  };
  const masked = maskReport(report, secrets);
  // `status` is weft's own output key (an http task's): kept whatever the secrets.
  assert.deepEqual(masked, {
    ...report,
    tasks: [{ ...report.tasks[0], outputs: { status: MASK } }],
  });
  // With nothing to mask, only the quoted-data marks are removed: an equal copy.
  assert.deepEqual(maskReport(report, new Secrets()), report);
});

Deno.test("secretFragments: a one-line value is also masked percent-encoded, as a URL carries it", () => {
  assert.deepEqual(
    new Set(secretFragments("s3cr3t/+=x")),
    new Set([
      "s3cr3t/+=x",
      "s3cr3t\\/+=x",
      // weft's own encoding of a value (expr/url.ts); the URL parser keeps it as it is
      "s3cr3t%2F%2B%3Dx",
      // as the common encoders write it (percent_forms.ts): Python's quote keeps `/`,
      // Go's PathEscape `+ =`; and each in lower-case hex
      "s3cr3t/%2B%3Dx",
      "s3cr3t%2F+=x",
      "s3cr3t%2f%2b%3dx",
      "s3cr3t/%2b%3dx",
      "s3cr3t%2f+=x",
      // base64 (secret_encodings.ts): whole, padded and not, and its 6 aligned bytes
      "czNjcjN0Lys9eA==",
      "czNjcjN0Lys9eA",
      "czNjcjN0Lys9",
      "M2NyM3QvKz14",
      "Y3IzdC8r",
    ]),
  );
  const masker = createMasker(["tok/en+1"]);
  assert.equal(
    masker("GET http://h/x?token=tok%2Fen%2B1 failed"),
    "GET http://h/x?token=*** failed",
  );
});

Deno.test("resolveQuoted masks only quoted data; quoteData neutralises marks inside data", () => {
  const secrets = new Secrets();
  secrets.add("code");
  const mask = (s: string) => secrets.mask(s);
  assert.equal(
    resolveQuoted(`exited with code 1 running ${quoteData("echo code")}`, mask),
    "exited with code 1 running echo ***",
  );
  // Data cannot close its own span early and expose what follows unmasked.
  assert.equal(resolveQuoted(quoteData("x\uE001 code"), mask), "x\uFFFD ***");
  assert.equal(resolveQuoted("plain code"), "plain code");
});

Deno.test("resolveQuoted: an unmarked message is masked whole; ownText is never masked", () => {
  const secrets = new Secrets();
  secrets.add("code");
  const mask = (s: string) => secrets.mask(s);
  // A message from a site that marks nothing may quote data: the safe default.
  assert.equal(resolveQuoted("failed: code", mask), "failed: ***");
  assert.equal(resolveQuoted(ownText("exited with code 1"), mask), "exited with code 1");
  // A mark smuggled into ownText's text cannot open a span or survive.
  assert.equal(resolveQuoted(ownText("a\uE000code\uE001"), mask), "a\uFFFDcode\uFFFD");
});

Deno.test("secretFragments adds the JSON-escaped forms of a value", () => {
  const fragments = secretFragments(`ab cd/é'"x`);
  assert.ok(fragments.includes(`ab cd/é'\\"x`));
  assert.ok(fragments.includes(`ab cd/\\u00e9'\\"x`));
  assert.ok(fragments.includes(`ab cd\\/é'\\"x`));
});

Deno.test("Secrets.addParams: params secret by name or declared; short ones warned as params", () => {
  const warnings: string[] = [];
  const secrets = new Secrets({ warn: (m) => warnings.push(m), declared: ["conn"] });
  secrets.addParams({
    api_key: "paramsecretdefault",
    conn: "declared-conn",
    Db_Password: "pw-in-mixed-case",
    pin_token: "77",
    region: "eu-west-plain",
  });
  const base64 = new Set(
    ["declared-conn", "paramsecretdefault", "pw-in-mixed-case"].flatMap(base64Forms),
  );
  const plain = secrets.values().filter((v) => !v.includes("\\") && !base64.has(v));
  assert.deepEqual(plain.sort(), [
    "declared-conn",
    "paramsecretdefault",
    "pw-in-mixed-case",
  ]);
  assert.equal(secrets.mask("eu-west-plain paramsecretdefault"), "eu-west-plain ***");
  assert.deepEqual(warnings, [
    "weft: warning: param pin_token is not masked: its value is shorter than 4 characters, " +
    "too short to mask safely",
  ]);
});

Deno.test("maskEvent and maskReport mask once: what they made passes a second listener as it is", () => {
  const secrets = new Secrets();
  secrets.add("code");
  const failed = task({ status: "failed", error: ownText("exited with code 3") });
  const event: EngineEvent = { type: "task_finished", runId: "R1", task: failed };
  const once = maskEvent(event, secrets);
  // The history recorder masks what the engine sent: the resolved reason stays whole.
  assert.equal(maskEvent(once, secrets), once);
  assert.equal(once.type === "task_finished" && once.task.error, "exited with code 3");
  const report = maskReport({
    id: "R1",
    workflow: "w",
    status: "failed",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.000Z",
    durationMs: 1000,
    tasks: [failed],
  }, secrets);
  assert.equal(maskReport(report, secrets), report);
  assert.equal(report.tasks[0].error, "exited with code 3");
});

Deno.test("maskEvent: an ended task or attempt with nothing to mask is passed as it is, not copied", () => {
  const none = new Secrets();
  const attempt: EngineEvent = {
    type: "attempt_finished",
    runId: "R1",
    taskId: "a",
    attempt: 1,
    status: "success",
    exitCode: 0,
    error: null,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.000Z",
    retryInMs: null,
  };
  assert.equal(maskEvent(attempt, none), attempt);
  const ended: EngineEvent = { type: "task_finished", runId: "R1", task: task({}) };
  assert.equal(maskEvent(ended, none), ended);
  const withOutputs: EngineEvent = {
    type: "task_finished",
    runId: "R1",
    task: task({ outputs: { url: "postgres://db" } }),
  };
  assert.equal(maskEvent(withOutputs, none), withOutputs);

  // With a secret, outputs are still masked (a copy); an error's marks still resolved.
  const secrets = new Secrets();
  secrets.add("postgres");
  const masked = maskEvent(withOutputs, secrets);
  assert.notEqual(masked, withOutputs);
  assert.deepEqual(masked.type === "task_finished" && masked.task.outputs, { url: `${MASK}://db` });
  assert.equal(maskEvent(ended, secrets), ended, "no outputs, no error: nothing to mask");
  const failed = maskEvent({ ...attempt, error: `ran ${quoteData("postgres -x")}` }, none);
  assert.equal(failed.type === "attempt_finished" && failed.error, "ran postgres -x");
  const failedMasked = maskEvent({ ...attempt, error: `ran ${quoteData("postgres -x")}` }, secrets);
  assert.equal(failedMasked.type === "attempt_finished" && failedMasked.error, `ran ${MASK} -x`);
});

Deno.test("Secrets: a 140,000-character secret is masked raw, encoded, in pieces and beside identifiers", () => {
  // Base64-like, with `/` and `+`: its percent-encoded and `\/` forms differ from it.
  const secret = "z/17lmyZ+rE7".repeat(11_667).slice(0, 140_000);
  const secrets = new Secrets();
  secrets.add(secret, "param db_password");
  secrets.add("short-one");
  secrets.protect(["task-short-one"]);
  const encoded = encodeURIComponent(secret);
  assert.equal(secrets.mask(`a ${secret} b ${encoded} c short-one`), "a *** b *** c ***");
  assert.equal(secrets.mask(secret.replaceAll("/", "\\/")), MASK);
  assert.equal(secrets.maskKeeping(`task-short-one: ${secret}`), "task-short-one: ***");
  // A long line arriving in pieces: the secret cut by piece boundaries is still masked whole.
  const line = `x ${secret} y`;
  let masked = "";
  let rest = "";
  for (let at = 0; at < line.length; at += 50_000) {
    const piece = secrets.maskPiece(rest + line.slice(at, at + 50_000), false);
    masked += piece.masked;
    rest = piece.rest;
  }
  masked += secrets.maskPiece(rest, true).masked;
  assert.equal(masked, "x *** y");
});

Deno.test("secretFragments: a one-line value without its surrounding blanks, unless under 4 characters", () => {
  assert.ok(secretFragments("tokVal12345 ").includes("tokVal12345"));
  assert.ok(secretFragments("\ttokVal12345\r").includes("tokVal12345"));
  assert.ok(!secretFragments("  ab  ").includes("ab"));
  const secrets = new Secrets();
  secrets.add("tokVal12345 ");
  assert.equal(secrets.mask("token: tokVal12345."), `token: ${MASK}.`);
});

Deno.test("Secrets.mask: a secret in a URL is masked as URL.href spells it, every line of a multi-line one too", () => {
  const secrets = new Secrets();
  secrets.add("first s3cret!\nsecond p@ss");
  secrets.add("my pass!word'x");
  secrets.add("Hunter2SecretXY");
  // Its host spelling (lowercased) is masked once a URL built with it in its host is shown.
  assert.equal(secrets.mask("hunter2secretxy"), "hunter2secretxy");
  secrets.noteUrl("http://Hunter2SecretXY.invalid/x");
  const hrefs = [
    `http://h/q?k=first%20s3cret%21%0Asecond%20p%40ss`,
    new URL("http://h/p/first s3cret!\nsecond p@ss?q=my pass!word'x").href,
    new URL("http://h/p/my pass!word'x#my pass!word'x").href,
    new URL("http://Hunter2SecretXY.invalid/x").href,
  ];
  for (const href of hrefs) {
    const masked = secrets.mask(href);
    for (const part of ["s3cret", "p%40ss", "p@ss", "word", "unter2"]) {
      assert.ok(!masked.includes(part), `${href} -> ${masked}`);
    }
  }
});

Deno.test("Secrets: overlapping secrets leave nothing behind in mask, maskPiece and maskKeeping", () => {
  const secrets = new Secrets();
  secrets.add("AAAA1111");
  secrets.add("1111BBBB");
  assert.equal(secrets.mask("joined: AAAA1111BBBB."), `joined: ${MASK}.`);
  // Piece by piece: the stretch that reaches past the safe point is held back whole.
  const first = secrets.maskPiece("x".repeat(20) + "AAAA1111BB", false);
  const second = secrets.maskPiece(first.rest + "BB tail", true);
  assert.equal(first.masked + second.masked, "x".repeat(20) + `${MASK} tail`);
  // An identifier keeps a secret lying inside it, not one that goes on past its end.
  secrets.protect(["deploy-AAAA1111"]);
  assert.equal(secrets.maskKeeping("task deploy-AAAA1111 ok"), "task deploy-AAAA1111 ok");
  assert.equal(secrets.maskKeeping("task deploy-AAAA1111BBBB"), `task deploy-${MASK}`);
});

Deno.test("Secrets.mask: a secret holding a quote, single-quoted for a shell", () => {
  const secrets = new Secrets();
  secrets.add("it's-S3cret");
  assert.equal(secrets.mask("+ : --user 'admin:it'\\''s-S3cret'"), `+ : --user 'admin:${MASK}'`);
  assert.equal(secrets.mask(`'it'"'"'s-S3cret'`), `'${MASK}'`);
});

Deno.test("isSecretLikeName: one rule for SCREAMING_SNAKE, kebab-case and camelCase names", () => {
  for (
    const name of [
      "API_KEY",
      "api-key",
      "apiKey",
      "ApiKey",
      "OPENAI_APIKEY",
      "openai-api-key",
      "privateKey",
      "private-key",
      "db-password",
      "authToken",
      "client_secret",
      "MY_PASSWD",
    ]
  ) assert.ok(isSecretLikeName(name), name);
  for (const name of ["HOME", "api", "key", "region", "monkey", "PATH", "apiary-keeper"]) {
    assert.ok(!isSecretLikeName(name), name);
  }
  // Environment variables and params alike.
  const secrets = new Secrets();
  secrets.addEnv({ OPENAI_APIKEY: "EnvApikey4321", HOME: "/root/home" });
  secrets.addParams({ "api-key": "KebabKey12345", apiKey: "CamelKey12345" });
  assert.equal(
    secrets.mask("EnvApikey4321 KebabKey12345 CamelKey12345 /root/home"),
    "*** *** *** /root/home",
  );
});

Deno.test("maskReport: an output key holding a secret is masked, weft's own keys and task ids kept, collisions told apart", () => {
  const secrets = new Secrets();
  secrets.add("Hunter2SecretValue");
  secrets.add("OtherSecretVal99");
  secrets.add("rows");
  secrets.protect(["load-rows"]);
  // A key written as it is in a task definition is the author's name, kept.
  secrets.add("postgres");
  secrets.protectWrittenNames(() => ["echo", "postgres"]);
  const outputs = {
    "Hunter2SecretValue": "a",
    "***": "b",
    "OtherSecretVal99": "c",
    "k_Hunter2SecretValue": "d",
    "*** (2)": "e",
    rows: "[]",
    "load-rows": "x",
    plain: "OtherSecretVal99",
    postgres: "p",
    "k_postgres": "q",
  };
  const report: RunReport = {
    id: "R1",
    workflow: "w",
    status: "success",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.000Z",
    durationMs: 1000,
    tasks: [task({ outputs })],
  };
  const masked = maskReport(report, secrets).tasks[0].outputs;
  assert.deepEqual(masked, {
    "*** (3)": "a",
    "***": "b",
    "*** (4)": "c",
    "k_***": "d",
    "*** (2)": "e",
    rows: "[]",
    "load-rows": "x",
    plain: MASK,
    postgres: "p",
    "k_*** (2)": "q",
  });
  // In the order written: the first masked key gets the first free number.
  assert.deepEqual(Object.keys(masked), [
    "*** (3)",
    "***",
    "*** (4)",
    "k_***",
    "*** (2)",
    "rows",
    "load-rows",
    "plain",
    "postgres",
    "k_*** (2)",
  ]);
});
