/**
 * A workflow file that does not parse has its secret values masked in the YAML errors
 * weft reports (src/parse/text_secrets.ts), through the real CLI: a value of a
 * `secrets:`-listed or secret-named variable (or a secret param's `default`) that breaks
 * YAML is quoted as `***` by `weft validate` and `weft run`, in message and hint.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { writtenSecretValues } from "../src/parse/text_secrets.ts";

const VALUES = [
  "*tok_secret_alias",
  "%tok_secret_pct",
  "`tok_secret_bt`",
  "'tok_secret_q' extra",
  "@tok_secret_at",
];

function file(value: string): string {
  const path = `${testTempDir("text-secrets-")}/vv.yml`;
  Deno.writeTextFileSync(
    path,
    `name: v\nsecrets:\n  - MYVAR\nenvironment:\n  MYVAR: ${value}\n  API_TOKEN: ${value}\n` +
      `  SHOWN: ${value.replace("tok_secret", "plain")}\ntasks:\n  - id: a\n    command: echo hi\n`,
  );
  return path;
}

for (const value of VALUES) {
  Deno.test(`text secrets: a YAML error on a secret's line masks ${value}`, async () => {
    const path = file(value);
    for (const verb of ["validate", "run"]) {
      const out = await weft([verb, path], { env: { WEFT_HOME: testTempDir("home-") } });
      const text = out.stdout + out.stderr;
      assert.equal(out.code, 2, text);
      assert.match(text, /vv\.yml:5:\d+: invalid YAML/);
      assert.match(text, /MYVAR: "\*\*\*"/);
      assert.ok(!text.includes("tok_secret"), `${verb}:\n${text}`);
      // A variable that is no secret is quoted as written (an alias error stops at the first).
      if (!value.startsWith("*")) assert.ok(text.includes("plain"), `${verb}:\n${text}`);
    }
  });
}

Deno.test("text secrets: which lines hold a secret value", () => {
  const values = writtenSecretValues(
    'secrets: [LISTED, "OTHER"]\nparams:\n  api_token:\n    default: "@p-1234"\n  name:\n' +
      "    default: visible\nenvironment:\n  LISTED: l-1234\n  HOST: shown-1\n  DB_PASSWORD: ab\n",
  ).sort();
  assert.deepEqual(values, ['"@p-1234"', "@p-1234", "l-1234", "p-1234"]);
});
