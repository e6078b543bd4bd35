/**
 * A lone carriage return (a progress bar) in task output, through the real CLI: `weft
 * logs`, `logs --follow`, the run's failure recap, `-v` and `weft status` all show it as
 * a line end (src/cli/render/cut.ts crLines, src/cli/log_output.ts), a CRLF as one line
 * end, and the log file keeps the bytes.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { crLines, splitAtCr } from "../src/cli/render/cut.ts";

const BAR = new URL("./fixtures/logs_cr/bar.yml", import.meta.url).pathname;
const STDOUT_LINES = ["crlf", "next", "10%", "20%", "100%", "end"];

Deno.test("crLines: a lone CR ends a line, CRs at the end end nothing", () => {
  assert.deepEqual(crLines("plain"), ["plain"]);
  assert.deepEqual(crLines("10%\r20%\r\r100%"), ["10%", "20%", "100%"]);
  assert.deepEqual(crLines("end\r\r"), ["end"]);
  assert.deepEqual(crLines("\rx"), ["", "x"]);
  const split = splitAtCr([{ text: "a\rb" }, { text: "c" }, { text: "d\re" }], 3);
  assert.deepEqual(split.lines.map((l) => l.text), ["c", "d", "e"]);
  assert.equal(split.added, 2);
});

Deno.test("logs, logs --follow, the run's recap, -v and status agree on a lone CR", async () => {
  const env = { WEFT_HOME: testTempDir("cr-home-"), NO_COLOR: "1" };
  const run = await weft(["run", BAR, "-v"], { env });
  assert.equal(run.code, 1, run.stderr);
  const recap = (text: string) =>
    text.slice(text.indexOf("✖ bar failed")).split("\n").filter((l) => l.includes("│"))
      .map((l) => l.replace(/^\s+(stdout|stderr) │ ?/, "$1 "));
  const expected = [...STDOUT_LINES.map((l) => `stdout ${l}`), "stderr err", "stderr ERR"];
  // The recap shows the last 10 lines, whichever stream; order of streams may vary.
  assert.deepEqual(recap(run.stderr).sort(), [...expected].sort());
  assert.ok(!run.stderr.includes("\\r") && !run.stderr.includes("\r"));
  // -v: one [bar] line per state.
  for (const line of STDOUT_LINES) assert.match(run.stderr, new RegExp(`\\[bar\\] ${line}\\n`));

  const status = await weft(["status"], { env });
  assert.equal(status.code, 0, status.stderr);
  assert.deepEqual(recap(status.stdout).sort(), [...expected].sort());
  assert.ok(!status.stdout.includes("\\r"));

  const logs = await weft(["logs", "bar"], { env });
  assert.equal(logs.code, 0, logs.stderr);
  assert.equal(logs.stdout, STDOUT_LINES.join("\n") + "\n");
  assert.equal(logs.stderr.split("\n").filter((l) => l === "err" || l === "ERR").length, 2);
  const followed = await weft(["logs", "--follow", "--no-prefix"], { env });
  assert.equal(followed.code, 0, followed.stderr);
  assert.equal(followed.stdout, STDOUT_LINES.join("\n") + "\n");
  const prefixed = await weft(["logs"], { env });
  assert.equal(
    prefixed.stdout.split("\n").filter((l) => l.startsWith("bar | ")).length,
    STDOUT_LINES.length,
  );

  // The log file keeps the lone CRs (the CR of a CRLF goes with the line end).
  const home = env.WEFT_HOME;
  const [runDir] = [...Deno.readDirSync(`${home}/logs`)].map((e) => e.name);
  const file = [...Deno.readDirSync(`${home}/logs/${runDir}`)].find((e) => e.name.endsWith(".log"));
  const stored = Deno.readTextFileSync(`${home}/logs/${runDir}/${file!.name}`);
  assert.ok(stored.includes("10%\r20%\r\r100%"), JSON.stringify(stored));
});
