/**
 * One limit on output names (engine/output_names.ts, model/limits.ts
 * MAX_OUTPUT_NAME_BYTES), whatever made the name — a `$WEFT_OUTPUT` key or a task type's
 * output: a longer name fails the attempt, naming the task and the limit, and is not
 * recorded (it was stored whole with its value emptied, and printed whole in one
 * `weft status` cell). And `weft status`'s table cells are bounded (history_shared.ts
 * CELL_SHOWN). Through the real `weft run` and `weft status`.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { MAX_OUTPUT_NAME_BYTES } from "../src/model/limits.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/output_name_limit/", import.meta.url).pathname;

function nameError(task: string, bytes: string, first: string): string {
  return `task "${task}" made an output whose name is ${bytes} bytes ("${
    first.repeat(40)
  }…"); an output name is at most ${MAX_OUTPUT_NAME_BYTES} bytes: pass long text as an output's value`;
}

Deno.test("weft run: a $WEFT_OUTPUT name over the limit fails the task, naming it and the limit", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const run = await weft(["run", `${FIXTURES}file.yml`, "--json"], { env });
  assert.equal(run.code, 1, run.stderr);
  const w = reportTask(JSON.parse(run.stdout) as RunReport, "w");
  const error = nameError("w", "300,000", "k");
  assert.deepEqual([w.status, w.reason, w.error], ["failed", "error", error]);
  // The name is left out, not kept with its value emptied; the other output stays.
  assert.deepEqual(w.outputs, { ok: "1" });
  const status = await weft(["status"], { env });
  assert.equal(status.code, 0, status.stderr);
  assert.ok(status.stdout.length < 2000, `${status.stdout.length} bytes`);
  assert.match(status.stdout, new RegExp(`^w\\s+failed\\s.*error: ${RegExp.escape(error)}$`, "m"));
  const json = await weft(["status", "--json"], { env });
  assert.deepEqual(reportTask(JSON.parse(json.stdout) as RunReport, "w").outputs, { ok: "1" });
});

Deno.test("weft run: an output name of exactly the limit is kept, one byte more is refused", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const size = String(MAX_OUTPUT_NAME_BYTES);
  const at = await weft(["run", `${FIXTURES}file.yml`, "-p", `size=${size}`, "--json"], { env });
  assert.equal(at.code, 0, at.stderr);
  const kept = reportTask(JSON.parse(at.stdout) as RunReport, "w");
  assert.deepEqual(kept.outputs, { ["k".repeat(MAX_OUTPUT_NAME_BYTES)]: "v", ok: "1" });
  const over = String(MAX_OUTPUT_NAME_BYTES + 1);
  const past = await weft(["run", `${FIXTURES}file.yml`, "-p", `size=${over}`, "--json"], { env });
  assert.equal(past.code, 1, past.stderr);
  assert.equal(
    reportTask(JSON.parse(past.stdout) as RunReport, "w").error,
    nameError("w", over, "k"),
  );
});

Deno.test("weft run: a task type's output name over the limit is refused the same way", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const run = await weft(["run", `${FIXTURES}js.yml`, "--json"], { env });
  assert.equal(run.code, 1, run.stderr);
  const j = reportTask(JSON.parse(run.stdout) as RunReport, "j");
  assert.deepEqual([j.status, j.error, j.outputs], [
    "failed",
    nameError("j", "5,000", "n"),
    { ok: "1" },
  ]);
});

Deno.test("weft status: a table cell longer than it shows is cut, saying how much more --json has", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const run = await weft(["run", `${FIXTURES}reason.yml`, "--json"], { env });
  assert.equal(run.code, 1, run.stderr);
  const whole = reportTask(JSON.parse(run.stdout) as RunReport, "c").error ?? "";
  assert.ok(whole.length > 2000, whole);
  const status = await weft(["status"], { env });
  const row = status.stdout.split("\n").find((l) => l.startsWith("c ")) ?? "";
  const cell = row.slice(row.indexOf("error: "));
  const more = (`error: ${whole}`.length - 1000).toLocaleString("en-US");
  assert.equal(
    cell,
    `error: ${whole}`.slice(0, 1000) + `… (${more} more characters; --json shows all)`,
  );
});
