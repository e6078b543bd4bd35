/**
 * weft's own stdout on a full file system (a `/dev/full`-like device made in a test
 * folder, never /dev itself), through the real CLI (cli/io.ts OutputStreamError): the
 * message names standard output, not a full WEFT_HOME or an unreadable log file.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { historyJson, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const OK = new URL("./fixtures/io_full/ok.yml", import.meta.url).pathname;

/** A character device like /dev/full (1, 7) in a test folder; undefined when mknod is not allowed. */
function fullDevice(): string | undefined {
  const path = join(testTempDir("dev-"), "full");
  const made = new Deno.Command("mknod", { args: [path, "c", "1", "7"], stderr: "null" })
    .outputSync();
  return made.success ? path : undefined;
}

/** Runs weft with stdout sent to `device` (through sh: Deno.Command cannot open it). */
async function toDevice(args: string[], device: string, home: string) {
  const quoted = weftArgs(args).map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
  const result = await new Deno.Command("sh", {
    args: ["-c", `exec '${Deno.execPath()}' ${quoted} > '${device}'`],
    env: weftEnv({ WEFT_HOME: home }),
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: result.code, stderr: new TextDecoder().decode(result.stderr) };
}

const device = Deno.uid() === 0 ? fullDevice() : undefined;

Deno.test({
  name: "cli io: a full stdout is said as such for run --json, history and logs" +
    (device ? "" : " (skipped: mknod not allowed)"),
  ignore: device === undefined,
  async fn() {
    const home = testTempDir("home-");
    for (const args of [["run", OK, "--json"], ["history"], ["logs"]]) {
      const { code, stderr } = await toDevice(args, device!, home);
      assert.equal(code, 1, stderr);
      assert.match(stderr, /weft: cannot write to standard output: no space left on the device/);
      assert.doesNotMatch(stderr, /WEFT_HOME|cannot read the log|internal error/);
    }
    // The run itself succeeded and is recorded as such.
    const [run] = await historyJson(home);
    assert.equal(run.status, "success");
  },
});
