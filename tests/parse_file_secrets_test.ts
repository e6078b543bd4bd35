/**
 * The secret values a workflow file writes (src/parse/file_secrets.ts) are masked in the
 * problems weft reports of it, though a problem quotes another variable's value that
 * holds them: through the real CLI, in validate (text and --json), run and --dry-run.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { fileSecretValues, maskProblems } from "../src/parse/file_secrets.ts";

const FILE = new URL("./fixtures/file_secrets/quoted.yml", import.meta.url).pathname;
const SECRETS = ["hunter2-Xq", "tok-Zz81", "sig-Yw44"];

Deno.test("file secrets: validate, run and --dry-run mask every secret the file writes", async () => {
  for (
    const args of [
      ["validate", FILE],
      ["validate", "--json", FILE],
      ["run", FILE],
      ["run", "--dry-run", FILE],
    ]
  ) {
    const out = await weft(args);
    const text = out.stdout + out.stderr;
    assert.notEqual(out.code, 0, text);
    assert.match(text, /is not an integer/, args.join(" "));
    assert.ok(text.includes("1 + *** + *** + ***"), `${args.join(" ")}:\n${text}`);
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret}: ${text}`);
  }
});

Deno.test("file secrets: which values are secret, and their JSON spelling", () => {
  const values = fileSecretValues({
    secrets: ["PLAIN_LISTED"],
    params: { token: "p-1234", name: "visible", password: { default: "p-5678" } },
    environment: { API_KEY: "k-1234", PLAIN_LISTED: "l-1234", OTHER: "shown-1", SHORT_TOKEN: "ab" },
    tasks: [{ id: "t", environment: { DEEP_SECRET: 'q"uo\nte', LATER_TOKEN: "${env.X}" } }],
  }).sort();
  assert.deepEqual(values, ["k-1234", "l-1234", "p-1234", "p-5678", 'q"uo\nte']);
  const [masked] = maskProblems(
    [{ file: "f", message: `value ${JSON.stringify('a q"uo\nte')}`, hint: "k-1234!" }],
    values,
  );
  assert.equal(masked.message, 'value "a ***"');
  assert.equal(masked.hint, "***!");
});
