/**
 * Loop items cut out of a secret (src/engine/loop_secrets.ts), through the real
 * `weft run`: a secret param or variable holding a JSON array gives items that are
 * masked wherever they show, and iterations keyed by index, so no item is written to
 * WEFT_HOME (ids, log file names, store keys) or printed (README "loop", "Secrets").
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { filesHolding } from "./_file_texts.ts";

const FIXTURES = new URL("./fixtures/loop_secrets/", import.meta.url).pathname;

Deno.test("loop secrets: items of a secret param's JSON array are masked and keyed by index", async () => {
  const home = testTempDir("home-");
  const run = await weft(
    ["run", "tokens.yml", "-v", "-p", 'api_tokens=["tokA_secret_1234", {"t": "tokB_secret_5678"}]'],
    { env: { WEFT_HOME: home }, cwd: FIXTURES },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\[lp\[0\]\] using \*\*\* and \*\*\*/);
  assert.match(run.stderr, /\[lp\[1\]\] using \{"t":"\*\*\*"\} and \{"t":"\*\*\*"\}/);
  assert.ok(!run.stderr.includes("_secret_"), run.stderr);
  const status = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
  const ids = JSON.parse(status.stdout).tasks.map((t: { id: string }) => t.id);
  assert.deepEqual(ids, ["lp", "lp[0]", "lp[1]"]);
  assert.deepEqual(filesHolding(home, "_secret_", { names: true }), []);
});

Deno.test("loop secrets: an environment secret's items too; other loops keep their item keys", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", "env_tokens.yml", "-v"], {
    env: { WEFT_HOME: home, DEPLOY_TOKENS: '["tokE_secret_1234", "tok\\"F_secret_5678"]' },
    cwd: FIXTURES,
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\[lp\[0\]\] using \*\*\*\n/);
  assert.match(run.stderr, /\[lp\[1\]\] using \*\*\*\n/);
  assert.match(run.stderr, /\[hosts\[alpha\]\] host alpha/);
  assert.ok(!run.stderr.includes("_secret_"), run.stderr);
  assert.deepEqual(filesHolding(home, "_secret_", { names: true }), []);
});
