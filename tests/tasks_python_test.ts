/**
 * The `python` task: a script relative to the workflow or inline code, args, params
 * (WEFT_PARAMS), env and outputs; `interpreter:`; a missing interpreter in one line.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask as task, weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/scripts/", import.meta.url).pathname;

/** The absolute path of python3 on PATH. */
function python3(): string {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (Deno.statSync(`${dir}/python3`).isFile) return `${dir}/python3`;
    } catch {
      // not here
    }
  }
  throw new Error("python3 is not on PATH");
}

Deno.test("python: script, inline code, interpreter, missing interpreter, exit code", async () => {
  const { code, stdout, stderr } = await weft(
    ["run", `${FIXTURES}python.yml`, "--json", "-v", "-p", "who=ada"],
    { env: { PY: python3() } },
  );
  assert.equal(code, 1, stderr);
  const report = JSON.parse(stdout) as RunReport;
  assert.deepEqual(task(report, "file").outputs, { greeting: "hello ada", second: "two words" });
  assert.match(stderr, /^\[file\] hello ada \(ada\)$/m);
  assert.deepEqual(task(report, "inline").outputs, { lines: "A\nB" });
  assert.match(stderr, /^\[inline\] inline \['x', 'y'\] green$/m);
  assert.deepEqual(task(report, "chosen").outputs, { major: "3" });
  const missing = task(report, "missing");
  assert.equal(missing.status, "failed");
  assert.equal(
    missing.error,
    'python interpreter "python-does-not-exist" not found on PATH; ' +
      "fix `interpreter:` or install it",
  );
  assert.equal(task(report, "fails").exitCode, 4);
});
