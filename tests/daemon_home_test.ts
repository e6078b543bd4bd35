/**
 * `weft daemon` checks its home as `weft run` does (store/open.ts prepareHome): a
 * WEFT_HOME that is a link to nothing or a loop of links is said as it is, with the
 * same words and exit code (2) as `weft run` (tester22 F6).
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FLOW = new URL("./fixtures/metrics_resumed/flaky.yml", import.meta.url).pathname;

for (
  const [kind, make] of [
    ["a link to nothing", (dir: string) => Deno.symlinkSync("/nonexistent/weft-home", `${dir}/h`)],
    ["a loop of links", (dir: string) => {
      Deno.symlinkSync(`${dir}/h2`, `${dir}/h`);
      Deno.symlinkSync(`${dir}/h`, `${dir}/h2`);
    }],
  ] as const
) {
  Deno.test(`daemon with WEFT_HOME ${kind}: said as weft run says it, exit 2`, async () => {
    const dir = testTempDir("daemon-home-");
    make(dir);
    const flows = testTempDir("daemon-home-flows-");
    const env = { WEFT_HOME: `${dir}/h` };
    const daemon = await weft(["daemon", "--dir", flows], { env });
    const run = await weft(["run", FLOW, "-q"], { env });
    assert.equal(run.code, 2, run.stderr);
    assert.equal(daemon.code, 2, daemon.stderr);
    assert.equal(daemon.stderr, run.stderr);
    assert.doesNotMatch(daemon.stderr, /is not a folder/);
  });
}
