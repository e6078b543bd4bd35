/**
 * Crash recovery removes the temporary files a data_processor task of the crashed run
 * had in the user's output folder (`.<output>.weft-<run>-<attempt>.tmp` and its `.inputs`
 * list), found through the live processor's environment, and nothing else there.
 */
import assert from "node:assert/strict";
import { waitForFile, weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const WORKFLOW = `name: processor-crash
tasks:
  - id: p
    type: data_processor
    input: {type: file, path: "in/*.json"}
    processor:
      type: shell
      command: 'cat "$@" > "$WEFT_OUTPUT_FILE"; echo $$ > started.pid; sleep 300'
    output: {type: file, path: out/result.json}
`;

Deno.test("kill -9 during a data_processor: the next weft history removes its temp files", async () => {
  const dir = testTempDir("dp-");
  const home = testTempDir("home-");
  Deno.mkdirSync(`${dir}/in`);
  Deno.mkdirSync(`${dir}/out`);
  Deno.writeTextFileSync(`${dir}/in/x.json`, "{}\n");
  Deno.writeTextFileSync(`${dir}/flow.yml`, WORKFLOW);
  // Not this run's: a user's file, and another run's name.
  const others = [".result.json.weft-20200101T000000.000Z-0000000000-1.tmp", "keep.tmp"];
  for (const name of others) Deno.writeTextFileSync(`${dir}/out/${name}`, "x");
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", `${dir}/flow.yml`, "-q"]),
    env: weftEnv({ WEFT_HOME: home }),
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const processor = Number(await waitForFile(`${dir}/started.pid`));
  try {
    const temps = [...Deno.readDirSync(`${dir}/out`)].map((e) => e.name)
      .filter((name) => !others.includes(name));
    assert.equal(temps.length, 2, `the temp file and its list exist: ${temps}`);
    assert.ok(temps.every((name) => name.startsWith(".result.json.weft-")));
    child.kill("SIGKILL");
    await child.status;

    const result = await weft(["history"], { env: { WEFT_HOME: home } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /marked interrupted/);
    const left = [...Deno.readDirSync(`${dir}/out`)].map((e) => e.name).sort();
    assert.deepEqual(left, [...others].sort(), "only the crashed run's temp files are gone");
  } finally {
    try {
      Deno.kill(-processor, "SIGKILL");
    } catch { /* ended by recovery, as expected */ }
  }
});
