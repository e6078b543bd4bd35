/**
 * `weft validate` checks an alert rule's template (src/parse/alert_checks.ts) `${...}` by
 * `${...}`: one written wrong is reported at its place and does not hide the problems of
 * the others.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("alert checks: one bad ${...} in a template does not hide the others", async () => {
  const dir = testTempDir("alert-checks-");
  await Deno.writeTextFile(
    `${dir}/flow.yml`,
    `name: n
tasks: [{ id: a, command: "true" }]
alerts:
  - name: slow
    condition: "true"
    channels: [slack]
    template: "\${metrics.successrate} \${:bad} \${execution.duraton}"
`,
  );
  const result = await weft(["validate", `${dir}/flow.yml`]);
  const out = result.stdout + result.stderr;
  assert.equal(result.code, 2, out);
  assert.match(out, /flow\.yml:7:16: alerts\[0\]\.template: metrics has no field "successrate"/);
  assert.match(out, /flow\.yml:7:41: alerts\[0\]\.template: unexpected character ':'/);
  assert.match(
    out,
    /flow\.yml:7:47: alerts\[0\]\.template: execution has no field "duraton"\n {2}hint: did you mean "duration"\?/,
  );
  assert.match(out, /3 problems/);
});
