/**
 * Secrets that reach weft's output in a form masking used to miss, through the real
 * `weft run`, `status` and `logs`: colour sequences or a tab inside a printed secret
 * (engine/shown_text.ts), an output KEY holding a secret (engine/mask_events.ts
 * maskOutputs), and Python's repr()/ascii() and console.log spellings of a secret
 * (engine/secret_forms.ts reprSpellings). Every test greps the whole WEFT_HOME too.
 */
import assert from "node:assert/strict";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/secret_shown/", import.meta.url).pathname;

function* walk(folder: string): Generator<string> {
  for (const entry of Deno.readDirSync(folder)) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

/** Asserts that none of `values` is in `text` (SGR sequences removed) or under `home`. */
function assertNowhere(values: string[], text: string, home: string): void {
  // deno-lint-ignore no-control-regex
  const shown = text.replace(/\x1b\[[0-9;]*[mK]/g, "").replaceAll("\\e[K", "");
  const latin1 = new TextDecoder("latin1");
  for (const value of values) {
    assert.ok(!shown.includes(value), `weft printed ${JSON.stringify(value)}:\n${text}`);
    const bytes = latin1.decode(new TextEncoder().encode(value));
    const holding = [...walk(home)].filter((f) =>
      latin1.decode(Deno.readFileSync(f)).includes(bytes)
    );
    assert.deepEqual(holding, [], `WEFT_HOME holds ${JSON.stringify(value)}`);
  }
}

Deno.test("cli secret shown: colour codes or a tab inside a printed secret do not unmask it (-v, recap, status, logs)", async () => {
  const home = testTempDir("home-");
  const env = { WEFT_HOME: home, DB_PASSWORD: "MyPassw0rd99", API_TOKEN: "correct horse battery" };
  const values = ["MyPassw0rd99", "correct horse battery", "Passw0rd99", "horse battery"];
  // Colour off (stderr a pipe, as in CI): weft drops the SGR sequences.
  const run = await weft(["run", `${FIXTURES}sgr.yml`, "-v"], { env });
  assert.equal(run.code, 1, run.stderr);
  const text = run.stdout + run.stderr;
  // grep's highlight of `pass` inside the value, the printf's bold, the tab: all masked.
  assert.match(text, /\[a\] db_password=\*\*\*\n/);
  assert.match(text, /\[a\] tok: \*\*\*\n/);
  assert.match(text, /\[a\] \*\*\*\n/);
  assert.match(text, /stdout │ tok: \*\*\*\n/);
  assertNowhere(values, text, home);
  // Colour on (a terminal, through `script`): the sequences are kept, the secret is not.
  const command = ["deno", ...weftArgs(["run", `${FIXTURES}sgr.yml`, "-v"])]
    .map((a) => `'${a.replaceAll("'", `'"'"'`)}'`).join(" ");
  const tty = await new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    env: weftEnv({
      PATH: `${Deno.execPath().replace(/\/[^/]+$/, "")}:${Deno.env.get("PATH")}`,
      TERM: "xterm",
      ...env,
    }),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ttyText = new TextDecoder().decode(tty.stdout);
  assert.match(ttyText, /tok: \*\*\*/);
  assertNowhere(values, ttyText, home);
  const status = await weft(["status"], { env: { WEFT_HOME: home } });
  assert.match(status.stdout, /stdout │ tok: \*\*\*\n/);
  const logs = await weft(["logs"], { env: { WEFT_HOME: home } });
  assert.equal(logs.code, 0, logs.stderr);
  // The log holds the masked line: a terminal showing it cannot show the password.
  assert.match(logs.stdout, /tok: \*\*\*\n/);
  // Only the secret is masked: grep's highlight of `pass` in the key stays.
  // deno-lint-ignore no-control-regex
  assert.match(logs.stdout, /db_\x1b\[01;31m(\x1b\[K)?pass\x1b\[m(\x1b\[K)?word=\*\*\*\n/);
  assertNowhere(values, status.stdout + logs.stdout, home);
});

Deno.test("cli secret shown: an output key holding a secret is masked in --json, status --json, the store and a webhook's payload", async () => {
  const bodies: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    bodies.push(await req.text());
    return new Response("ok");
  });
  try {
    const home = testTempDir("home-");
    const env = {
      WEFT_HOME: home,
      API_TOKEN: "Hunter2SecretValue",
      OTHER_TOKEN: "OtherSecretVal99",
      HOOK_URL: `http://127.0.0.1:${server.addr.port}/hook`,
    };
    const run = await weft(["run", `${FIXTURES}okey.yml`, "--json", "-q"], { env });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    const outputs = (id: string) => report.tasks.find((t: { id: string }) => t.id === id).outputs;
    // Two secrets as keys and a key written `***`: each value kept under its own key.
    assert.deepEqual(outputs("a"), {
      "*** (2)": "yes",
      "k_***": "1",
      "*** (3)": "two",
      "***": "kept",
      plain: "ok",
    });
    assert.deepEqual(outputs("js"), { "***": "v" });
    const status = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
    assert.equal(status.code, 0, status.stderr);
    assert.ok(status.stdout.includes('"k_***"'), status.stdout);
    assert.equal(bodies.length, 1);
    assert.ok(bodies[0].includes('"k_***"'), bodies[0]);
    assertNowhere(
      ["Hunter2SecretValue", "OtherSecretVal99"],
      run.stdout + run.stderr + status.stdout + bodies[0],
      home,
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("cli secret shown: Python's repr/ascii/logging %r and console.log spellings of a secret are masked", async () => {
  const home = testTempDir("home-");
  const secrets = {
    API_TOKEN: `it's "S3cret"x`,
    DB_PASSWORD: `pa\\ss99word"q'`,
    UNI_SECRET: "pässwörd99",
    EMOJI_SECRET: "pass😀word1",
    CTL_SECRET: "ctl\x01Secret99",
  };
  const run = await weft(["run", `${FIXTURES}repr.yml`, "-v"], {
    env: { WEFT_HOME: home, ...secrets },
  });
  assert.equal(run.code, 0, run.stderr);
  const text = run.stdout + run.stderr;
  assert.equal(text.match(/\[py\] \{'t': '\*\*\*'\}\n/g)?.length, 5, text);
  assert.equal(text.match(/\[py\] INFO:root:tok '\*\*\*'\n/g)?.length, 5, text);
  assert.match(text, /\[js\] \{ t: "\*\*\*" \}\n/);
  assertNowhere(
    ["S3cret", "ss99word", "p\\xe4ssw", "pass\\U0001f600", "Secret99"],
    text,
    home,
  );
});
