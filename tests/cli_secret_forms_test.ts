/**
 * The forms a secret is masked in (engine/secrets.ts secretFragments), through the real
 * `weft run`: a secret in an http URL as the URL spells it (multi-line, raw(), host),
 * a one-line secret with blanks around it once the shell trims it, and secrets that
 * overlap in the text. Every test greps the whole WEFT_HOME for the values too.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { startRecordingServer } from "./_loopback_server.ts";
import { testTempDir } from "./_tmp.ts";
import { filesHolding } from "./_file_texts.ts";

const FIXTURES = new URL("./fixtures/secret_forms/", import.meta.url).pathname;

/** Asserts that none of `values` is in `text` or in any file under `home`. */
function assertNowhere(values: string[], text: string, home: string): void {
  for (const value of values) {
    assert.ok(!text.includes(value), `weft printed ${JSON.stringify(value)}:\n${text}`);
    // Its UTF-8 bytes, in files of any encoding.
    assert.deepEqual(filesHolding(home, value), [], `WEFT_HOME holds ${JSON.stringify(value)}`);
  }
}

Deno.test("cli secret forms: a secret in an http URL is masked as the URL spells it (multi-line, raw, host)", async () => {
  const server = startRecordingServer((req) => req.url);
  try {
    const home = testTempDir("home-");
    const password = "first s3cret!\nsecond p@ss";
    const run = await weft([
      "run",
      `${FIXTURES}url.yml`,
      "-v",
      "-p",
      `db_password=${password}`,
      "-p",
      `port=${server.port}`,
    ], {
      env: {
        WEFT_HOME: home,
        API_TOKEN: "my pass!word'x",
        HOST_TOKEN: "Hunter2SecretXY",
        // The host task's request goes to the loopback server as a proxy: no DNS lookup.
        HTTP_PROXY: `http://127.0.0.1:${server.port}`,
        NO_PROXY: "127.0.0.1",
      },
    });
    assert.equal(run.code, 0, run.stderr);
    const text = run.stdout + run.stderr;
    // The server got the secrets: what it saw is what weft must not show.
    assert.ok(server.seen.some((url) => url.includes("first%20s3cret%21%0Asecond%20p%40ss")));
    assert.ok(server.seen.some((url) => url.includes("/p/my%20pass!word'x?q=my%20pass!word%27x")));
    assert.ok(server.seen.includes("http://hunter2secretxy.invalid/x"), server.seen.join(" "));
    assertNowhere(
      [
        "first%20s3cret%21%0Asecond%20p%40ss",
        "first%20s3cret",
        "second%20p%40ss",
        "my%20pass!word'x",
        "my%20pass!word%27x",
        "hunter2secretxy",
        "Hunter2SecretXY",
      ],
      text,
      home,
    );
    assert.match(text, /\[multi\] GET http:\/\/127\.0\.0\.1:\d+\/q\?k=\*\*\* → 200 OK/);
    assert.match(text, /\[raw-path\] GET http:\/\/127\.0\.0\.1:\d+\/p\/\*\*\*\?q=\*\*\* → 200 OK/);
    assert.match(text, /\[host\] GET http:\/\/\*\*\*\.invalid\/x → 200 OK/);
  } finally {
    await server.close();
  }
});

Deno.test("cli secret forms: a one-line secret with blanks around it is masked once the shell trims it", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", `${FIXTURES}blanks.yml`, "-v"], {
    env: { WEFT_HOME: home, API_TOKEN: "tokVal12345 ", PIN_TOKEN: "  ab  " },
  });
  assert.equal(run.code, 0, run.stderr);
  const text = run.stdout + run.stderr;
  assertNowhere(["tokVal12345"], text, home);
  assert.match(text, /\[trimmed\] token: \*\*\*\n/);
  assert.match(text, /\[trimmed\] \*\*\*\n/);
  assert.match(text, /\[trimmed\] read: \*\*\*\n/);
  // What is left once trimmed is under 4 characters: too short to mask, as a short value.
  assert.match(text, /\[trimmed\] short: \[ab\]\n/);
});

Deno.test("cli secret forms: secrets that overlap in the text leave nothing of either", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", `${FIXTURES}overlap.yml`, "-v"], {
    env: { WEFT_HOME: home, A_TOKEN: "AAAA1111", B_TOKEN: "1111BBBB" },
  });
  assert.equal(run.code, 0, run.stderr);
  const text = run.stdout + run.stderr;
  assertNowhere(["AAAA", "BBBB"], text, home);
  assert.match(text, /\[joined\] joined: \*\*\*\n/);
  assert.match(text, /\[joined\] tail: \*\*\* and head: \*\*\*\n/);
});

Deno.test("cli secret forms: a secret single-quoted by bash set -x is masked", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", `${FIXTURES}xtrace.yml`, "-v"], {
    env: { WEFT_HOME: home, DB_PASSWORD: "it's-S3cret" },
  });
  assert.equal(run.code, 0, run.stderr);
  const text = run.stdout + run.stderr;
  assertNowhere(["S3cret"], text, home);
  assert.match(text, /\[traced\] \+ : --user 'admin:\*\*\*'\n/);
});

Deno.test("cli secret forms: a secret backslash-quoted by bash printf %q is masked", async () => {
  for (const secret of ["it's-S3cret", "my pass!word", 'pässwörd 12"x\\y']) {
    const home = testTempDir("home-");
    const run = await weft(["run", `${FIXTURES}printf_q.yml`, "-v"], {
      env: { WEFT_HOME: home, DB_PASSWORD: secret },
    });
    assert.equal(run.code, 0, run.stderr);
    const text = run.stdout + run.stderr;
    assertNowhere(["S3cret", "pass\\!word", "pässwörd"], text, home);
    assert.match(text, /\[quoted\] quoted \*\*\*\n/, secret);
  }
});

Deno.test("cli secret forms: a secret JSON-escaped as Go and Jackson write it is masked", async () => {
  for (const secret of ["R&D-team-pw1", "pa/ss<w>&rd 9x", "pässwörd99"]) {
    const home = testTempDir("home-");
    const run = await weft(["run", `${FIXTURES}json_escapes.yml`, "-v"], {
      env: { WEFT_HOME: home, DB_PASSWORD: secret },
    });
    assert.equal(run.code, 0, run.stderr);
    const text = run.stdout + run.stderr;
    assertNowhere(["team-pw1", "rd 9x", "rd99"], text, home);
    assert.match(text, /\[printed\] go \*\*\*\n\[printed\] upper \*\*\*\n/, secret);
  }
});

Deno.test("cli secret forms: a secret's backslash escapes interpreted by echo, printf %b or echo -e are masked", async () => {
  // What each writes, and weft would show (its controls escaped as `\a`, `\v`): the first
  // reads as the secret itself; the second's octal and hex escapes turn into letters.
  const cases: [string, string[]][] = [
    ["s3cr\\aet\\v99", ["s3cr\\aet\\v99", "s3cr\x07et\x0b99", "et\\v99"]],
    ["pw\\x41\\0102\\101-xyz", ["pw\\x41BA-xyz", "pwABA-xyz", "pwAB\\101-xyz", "-xyz"]],
  ];
  for (const [secret, shown] of cases) {
    const home = testTempDir("home-");
    const run = await weft(["run", `${FIXTURES}echo_escapes.yml`, "-v"], {
      env: { WEFT_HOME: home, DB_PASSWORD: secret },
    });
    assert.equal(run.code, 1, run.stderr);
    const text = run.stdout + run.stderr;
    assert.match(text, /\[sh\] echo \*\*\*\n\[sh\] b \*\*\*\n/, secret);
    assert.match(text, /\[bash\] e \*\*\*\n\[bash\] b \*\*\*\n/, secret);
    const status = await weft(["status"], { env: { WEFT_HOME: home } });
    assert.match(status.stdout, /stdout │ echo \*\*\*\n/);
    assertNowhere(shown, text + status.stdout + status.stderr, home);
  }
});

Deno.test("cli secret forms: a non-ASCII secret printed by Python as bytes (b'\\xc3\\xa4') is masked", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", `${FIXTURES}py_bytes.yml`, "-v"], {
    env: { WEFT_HOME: home, API_TOKEN: "pässwort-Zürich7" },
  });
  assert.equal(run.code, 1, run.stderr);
  const text = run.stdout + run.stderr;
  assert.match(text, /\[py\] bytes b'\*\*\*'\n\[py\] list \[b'\*\*\*'\]\n/);
  const status = await weft(["status"], { env: { WEFT_HOME: home } });
  assert.match(status.stdout, /stdout │ bytes b'\*\*\*'\n/);
  assertNowhere(["sswort", "rich7"], text + status.stdout + status.stderr, home);
});
