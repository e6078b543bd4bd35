/**
 * `$WEFT_OUTPUT` through the real `weft run`: content that is not the GITHUB_OUTPUT
 * format fails the attempt with a reason naming the line (engine/outputs.ts), and
 * well-formed content is read as it always was.
 */
import assert from "node:assert/strict";
import { reportTask, weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/outputs/", import.meta.url).pathname;

Deno.test("cli outputs: an unclosed heredoc fails the task naming the line; its dependents do not run", async () => {
  const run = await weft(["run", `${FIXTURES}malformed.yml`, "--json"]);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  const a = reportTask(report, "a");
  assert.equal(a.status, "failed");
  assert.equal(a.reason, "error");
  assert.equal(a.exitCode, 0);
  assert.equal(
    a.error,
    '$WEFT_OUTPUT line 2: "notes<<EOF" is never closed: no line "EOF" follows; ' +
      "end the value with the delimiter alone on a line",
  );
  assert.deepEqual(a.outputs, {});
  assert.equal(reportTask(report, "b").status, "skipped");
  assert.match(run.stderr, /✖ a failed: \$WEFT_OUTPUT line 2: "notes<<EOF" is never closed/);
});

Deno.test("cli outputs: well-formed content keeps its values exactly", async () => {
  const run = await weft(["run", `${FIXTURES}wellformed.yml`, "--json", "-v"]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.deepEqual(reportTask(report, "a").outputs, {
    greeting: " hello = world",
    notes: "line1\n\nline2",
    crlf: "yes",
  });
  assert.match(run.stderr, /\[line1\n[^\n]*\n[^\n]*line2\]/);
});

Deno.test("cli outputs: a $WEFT_OUTPUT over 1 MiB fails the task naming size and limit; 1 MiB is read", async () => {
  const run = await weft(["run", `${FIXTURES}too_large.yml`, "--json"]);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  const big = reportTask(report, "big");
  assert.equal(big.status, "failed");
  assert.equal(big.exitCode, 0);
  assert.equal(
    big.error,
    "$WEFT_OUTPUT holds 2.9 MiB, over its limit of 1 MiB; " +
      "write large data to a file and pass its path as an output",
  );
  assert.deepEqual(big.outputs, {});
  // Not a format error: a large file of zero bytes is refused for its size first.
  assert.match(
    reportTask(report, "zeros").error ?? "",
    /^\$WEFT_OUTPUT holds 1\.9 MiB, over its limit/,
  );
  const atLimit = reportTask(report, "at_limit");
  assert.equal(atLimit.status, "success", atLimit.error ?? "");
  assert.equal(atLimit.outputs.k.length, 1048573);
  assert.equal(reportTask(report, "after").status, "skipped");
  assert.match(run.stderr, /✖ big failed: \$WEFT_OUTPUT holds 2\.9 MiB, over its limit of 1 MiB/);
});

Deno.test("cli outputs: a $WEFT_OUTPUT made into a FIFO, directory or device fails the task; gone or linked is fine", async () => {
  const run = await weft(["run", `${FIXTURES}not_a_file.yml`, "--json"]);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  const kinds = { fifo: "a named pipe (FIFO)", dir: "a directory", zero: "a character device" };
  for (const [id, kind] of Object.entries(kinds)) {
    const task = reportTask(report, id);
    assert.equal(task.status, "failed", id);
    assert.equal(task.reason, "error", id);
    assert.equal(
      task.error,
      `$WEFT_OUTPUT is now ${kind}, not a regular file; ` +
        "a task appends its outputs to the file weft gives it",
    );
    assert.match(run.stderr, new RegExp(`✖ ${id} failed: \\$WEFT_OUTPUT is now`));
  }
  assert.deepEqual(reportTask(report, "linked").outputs, { A: "1" });
  assert.equal(reportTask(report, "linked").status, "success");
  assert.equal(reportTask(report, "gone").status, "success");
});

Deno.test("cli outputs: a value that is not UTF-8 fails the task naming the line and key, not passed on changed", async () => {
  const run = await weft(["run", `${FIXTURES}latin1.yml`, "--json"]);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  const a = reportTask(report, "a");
  assert.equal(a.status, "failed");
  assert.equal(
    a.error,
    '$WEFT_OUTPUT line 1: the value of "k" is not UTF-8 text; outputs are text: ' +
      "convert it (iconv -f LATIN1 -t UTF-8) or encode it (base64)",
  );
  assert.deepEqual(a.outputs, {});
  assert.equal(reportTask(report, "b").status, "skipped");
});
