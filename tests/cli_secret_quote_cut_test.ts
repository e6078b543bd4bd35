/**
 * Reasons that quote a value's first N characters (model/data_text.ts quoteCut), through
 * the real `weft run`: a secret longer than the cut is masked whole before it is cut, so
 * no start of it is printed or written to WEFT_HOME (a cut made first left its first
 * 40, 60 or 80 characters, which masking cannot recognise: they are not the secret).
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/secret_quote_cut/", import.meta.url).pathname;

/** 100 characters of a token's alphabet (deterministic), without `=` or `<`. */
function token(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let seed = 20261201;
  let text = "";
  while (text.length < 100) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    text += alphabet[seed % alphabet.length];
  }
  return text;
}

/** Every 10-character piece of `secret` that `text` holds. */
function piecesIn(text: string, secret: string): string[] {
  const found = new Set<string>();
  for (let i = 0; i + 10 <= secret.length; i++) {
    const piece = secret.slice(i, i + 10);
    if (text.includes(piece)) found.add(piece);
  }
  return [...found];
}

function* walk(folder: string): Generator<string> {
  for (const entry of Deno.readDirSync(folder)) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

/**
 * Runs `args` (a failing workflow) with `env`, then `weft status` and `weft logs` of the
 * run; asserts the failure's reason reads `expected` and that no 10-character piece of
 * `secret` is in what weft printed or in any file of WEFT_HOME.
 */
async function assertCutMasked(
  args: string[],
  env: Record<string, string>,
  secret: string,
  task: string,
  expected: string,
): Promise<void> {
  const home = testTempDir("home-");
  const run = await weft(["run", ...args, "--json"], { env: { ...env, WEFT_HOME: home } });
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  const failed = report.tasks.find((t: { id: string }) => t.id === task);
  assert.equal(failed.error, expected);
  const shown = await weft(["status", report.id], { env: { WEFT_HOME: home } });
  assert.ok(shown.stdout.includes(expected), shown.stdout);
  const logs = await weft(["logs", report.id, task], { env: { WEFT_HOME: home } });
  const printed = [run, shown, logs].map((r) => r.stdout + r.stderr).join("\n");
  assert.deepEqual(piecesIn(printed, secret), [], "weft printed part of the secret");
  for (const path of walk(home)) {
    const text = new TextDecoder("latin1").decode(Deno.readFileSync(path));
    assert.deepEqual(piecesIn(text, secret), [], `${path} holds part of the secret`);
  }
}

Deno.test("cli secret quote cut: a long token refused in a URL's host is not shown by its first 60 characters", async () => {
  // Base64 tokens hold `/`, which a host cannot: the value is refused and quoted.
  const secret = token().slice(0, 3) + "/" + token().slice(4);
  await assertCutMasked(
    [`${FIXTURES}url_host.yml`],
    { API_TOKEN: secret },
    secret,
    "call",
    'url: value "***" cannot be used as the host of the URL in ${env.API_TOKEN} ' +
      "(a host name holds letters, digits, - . _ ~ only; if the value is meant to be URL " +
      "text, write raw(...) around it)",
  );
});

Deno.test("cli secret quote cut: a long token written to $WEFT_OUTPUT as a line that is not KEY=VALUE", async () => {
  const secret = token();
  await assertCutMasked(
    [`${FIXTURES}output_line.yml`],
    { API_TOKEN: secret },
    secret,
    "write",
    '$WEFT_OUTPUT line 1: "***" is neither KEY=VALUE nor KEY<<DELIMITER',
  );
});

Deno.test("cli secret quote cut: a secret param refused in shell arithmetic, whole or after a prefix", async () => {
  const secret = token();
  const reason = (value: string) =>
    `value "${value}" is not an integer and cannot be used where the shell evaluates ` +
    "arithmetic in ${params.count}";
  // `count` is listed under `secrets:`: its value is masked whole.
  await assertCutMasked(
    [`${FIXTURES}arithmetic.yml`, "-p", `count=${secret}`],
    {},
    secret,
    "add",
    reason("***"),
  );
  // The secret (API_TOKEN's value) begins at character 10: the 40-character cut falls in it.
  await assertCutMasked(
    [`${FIXTURES}arithmetic_plain.yml`, "-p", `count=0123456789${secret}`],
    { API_TOKEN: secret },
    secret,
    "add",
    reason("0123456789***"),
  );
});
