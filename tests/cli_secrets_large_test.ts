/**
 * A secret of any size through the real `weft run`: a 140,000-character secret param
 * (over V8's limit for one regular expression) is masked in output, outputs, logs,
 * status and the failure tail, and never printed or stored raw, not even in part.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { filesHolding } from "./_file_texts.ts";

/** 140,000 characters like a base64 key: `/` and `+` make its encoded forms differ. */
const SECRET = "z/17lmyZ+rE7irhtM".repeat(8_236).slice(0, 140_000);
/** Pieces of the secret: any of them printed would be a partial leak. */
const PIECES = [0, 50_000, 139_900].map((at) => SECRET.slice(at, at + 64));

Deno.test("cli secrets: a 140,000-character secret param is masked everywhere and the run works", async () => {
  const dir = testTempDir("big-secret-");
  const home = testTempDir("home-");
  const workflow = `${dir}/big.yml`;
  Deno.writeTextFileSync(
    workflow,
    [
      "name: big-secret",
      "params:",
      `  db_password: {default: "${SECRET}"}`,
      "tasks:",
      "  - id: show",
      `    command: 'printf "pw=%s;\\n" "\${params.db_password}"; echo "key=\${params.db_password}" >> "$WEFT_OUTPUT"'`,
      "  - id: fail",
      "    depends_on: [show]",
      `    command: 'echo "bad \${params.db_password}" >&2; exit 3'`,
    ].join("\n") + "\n",
  );
  const run = await weft(["run", workflow, "-v", "--json"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 1, run.stderr.slice(0, 2_000));
  assert.doesNotMatch(run.stderr, /internal error/);
  assert.ok(run.stderr.length < 5_000, `${run.stderr.length} characters on stderr`);
  // -v shows a line's first 64 KiB (held back while it could still be the secret's start).
  assert.match(run.stderr, /\[show\] .*line cut at 64 KiB/);
  const report = JSON.parse(run.stdout);
  const show = report.tasks.find((t: { id: string }) => t.id === "show");
  assert.deepEqual([show.status, show.outputs], ["success", { key: "***" }]);
  const fail = report.tasks.find((t: { id: string }) => t.id === "fail");
  assert.deepEqual([fail.status, fail.exitCode], ["failed", 3]);

  const later = { env: { WEFT_HOME: home } };
  const logs = await weft(["logs", report.id, "show"], later);
  assert.equal(logs.stdout, "pw=***;\n");
  const failLogs = await weft(["logs", report.id, "fail"], later);
  assert.equal(failLogs.stderr, "bad ***\n");
  const status = await weft(["status", report.id], later);
  assert.equal(status.code, 0, status.stderr);
  const statusJson = await weft(["status", report.id, "--json"], later);
  for (
    const text of [
      run.stdout,
      run.stderr,
      logs.stdout,
      failLogs.stderr,
      status.stdout,
      statusJson.stdout,
    ]
  ) {
    for (const piece of PIECES) {
      assert.ok(!text.includes(piece), "a piece of the secret was printed");
    }
  }
  assert.deepEqual(filesHolding(home, PIECES), [], "WEFT_HOME holds a piece of the secret");
});
