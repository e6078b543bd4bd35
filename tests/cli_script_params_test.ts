/**
 * python and javascript tasks when the run's params together pass Linux's 128 KiB limit
 * on one environment string (so `WEFT_PARAMS` cannot be exec'd): through the real
 * `weft run`, the params reach `params` / `os.environ["WEFT_PARAMS"]` through a private
 * file named by `WEFT_PARAMS_FILE`, removed afterwards; small params still come inline.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

/** A workflow with `count` params of 7,000 characters each (20 of them: ~140 KiB of JSON). */
function workflowWith(count: number, dir: string): string {
  const params = Array.from(
    { length: count },
    (_, i) => `  p${i}: {default: "${String(i % 10).repeat(7_000)}"}`,
  );
  const file = `${dir}/params.yml`;
  Deno.writeTextFileSync(
    file,
    [
      "name: big-params",
      "params:",
      ...params,
      "tasks:",
      "  - id: py",
      "    type: python",
      "    code: |",
      "      import os, json, subprocess",
      "      p = json.loads(os.environ['WEFT_PARAMS'])",
      "      print('py', len(p), len(p['p3']), p['p3'][:3])",
      "      # A child still starts: the long value is not exported to it.",
      "      child = subprocess.run(['sh', '-c', 'echo child ${#WEFT_PARAMS}'], capture_output=True, text=True)",
      "      print(child.stdout.strip(), 'file' if os.environ.get('WEFT_PARAMS_FILE') else 'inline')",
      "  - id: js",
      "    type: javascript",
      "    code: |",
      "      const file = process.env.WEFT_PARAMS_FILE;",
      "      const mode = file ? (require('node:fs').statSync(file).mode & 0o777).toString(8) : 'inline';",
      "      console.log('js', Object.keys(params).length, params.p3.length, params.p3.slice(0, 3), mode);",
      "      setOutput('file', file ?? '');",
    ].join("\n") + "\n",
  );
  return file;
}

Deno.test("cli script params: 140 KiB of params reach python and javascript through a private file", async () => {
  const dir = testTempDir("script-params-");
  const run = await weft(["run", workflowWith(20, dir), "-v", "--json"]);
  assert.equal(run.code, 0, run.stderr.slice(0, 2_000));
  assert.match(run.stderr, /\[py\] py 20 7000 333\n/);
  assert.match(run.stderr, /\[py\] child 0 file\n/);
  assert.match(run.stderr, /\[js\] js 20 7000 333 600\n/);
  const report = JSON.parse(run.stdout);
  const file = report.tasks.find((t: { id: string }) => t.id === "js").outputs.file;
  assert.match(file, /\/params\.json$/);
  assert.throws(() => Deno.statSync(file), Deno.errors.NotFound, "the params file is removed");
});

Deno.test("cli script params: small params still come in WEFT_PARAMS, with no file", async () => {
  const dir = testTempDir("script-params-");
  const run = await weft(["run", workflowWith(4, dir), "-v"], {
    env: { WEFT_PARAMS_FILE: "/nonexistent/inherited" },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\[py\] py 4 7000 333\n/);
  assert.match(run.stderr, /\[py\] child \d+ inline\n/);
  assert.match(run.stderr, /\[js\] js 4 7000 333 inline\n/);
});
