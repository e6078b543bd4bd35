/**
 * The CLI's streams: a reader that goes away early (`weft logs ID | head`) is not an
 * error; the verb still ends with its own exit code and says nothing about a broken pipe.
 */
import assert from "node:assert/strict";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("weft logs piped into a reader that stops early exits 0 without an error", async () => {
  const dir = testTempDir("io-");
  await Deno.writeTextFile(
    `${dir}/big.yml`,
    "name: big\ntasks:\n  - id: big\n    command: seq 1 200000\n",
  );
  const env = weftEnv({ WEFT_HOME: `${dir}/home` });
  const ran = await weft(["run", `${dir}/big.yml`, "--json", "--quiet"], { env });
  assert.equal(ran.code, 0, ran.stderr);
  const { id } = JSON.parse(ran.stdout);

  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["logs", id, "big"]),
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  const first = await reader.read();
  assert.ok(first.value && new TextDecoder().decode(first.value).startsWith("1\n"));
  await reader.cancel(); // the reader goes away, as `head` does
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]);
  assert.equal(status.code, 0, stderr);
  assert.doesNotMatch(stderr, /internal error|Broken pipe/);
});
