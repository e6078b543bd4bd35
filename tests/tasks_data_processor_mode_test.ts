/**
 * The mode of a data_processor's output (src/tasks/data_processor.ts): the processor's
 * temporary file has whatever mode its umask gave it, and is renamed over `output.path`;
 * weft gives it the mode of the file it replaces (through a link: of the file the link
 * points to), else 0600, as every file weft writes for the user (cli/write_private.ts).
 * Through the real CLI; each processor leaves its file 0644 on purpose.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempCopy } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/data_processor_mode/", import.meta.url).pathname;

const modeOf = (path: string) => Deno.statSync(path).mode! & 0o777;

async function run(dir: string, file: string, params: string[] = []): Promise<void> {
  const args = ["run", `${dir}/${file}`, ...params.flatMap((p) => ["-p", p])];
  const ran = await weft(args, { env: { WEFT_HOME: `${dir}/home` } });
  assert.equal(ran.code, 0, ran.stderr);
}

Deno.test("data_processor output: new is 0600, a replaced one keeps its mode, run after run", async () => {
  const dir = testTempCopy(FIXTURES, "dp-mode-");
  const out = `${dir}/out/result.txt`;
  await run(dir, "modes.yml");
  assert.equal(Deno.readTextFileSync(out), "private row\n");
  assert.equal(modeOf(out), 0o600, "a new output is private");
  for (const mode of [0o600, 0o640, 0o604]) {
    Deno.chmodSync(out, mode);
    await run(dir, "modes.yml");
    assert.equal(modeOf(out), mode, `a ${mode.toString(8)} output keeps its mode`);
  }
  assert.equal(Deno.readTextFileSync(out), "private row\n");
});

Deno.test("data_processor output: through a link, the file it points to keeps its mode; the link stays", async () => {
  const dir = testTempCopy(FIXTURES, "dp-mode-");
  Deno.writeTextFileSync(`${dir}/target.txt`, "old\n");
  Deno.chmodSync(`${dir}/target.txt`, 0o640);
  Deno.mkdirSync(`${dir}/out`);
  Deno.symlinkSync(`${dir}/target.txt`, `${dir}/out/via-link.txt`);
  await run(dir, "modes.yml", ["out=out/via-link.txt"]);
  assert.equal(Deno.lstatSync(`${dir}/out/via-link.txt`).isSymlink, true);
  assert.equal(Deno.readTextFileSync(`${dir}/target.txt`), "private row\n");
  assert.equal(modeOf(`${dir}/target.txt`), 0o640);
});

Deno.test("data_processor output: no mode is given through a link (symbolic or hard) the processor made", async () => {
  const dir = testTempCopy(FIXTURES, "dp-mode-");
  Deno.writeTextFileSync(`${dir}/other.txt`, "someone else's\n");
  Deno.chmodSync(`${dir}/other.txt`, 0o644);
  Deno.chmodSync(`${dir}/in/a.txt`, 0o644);
  await run(dir, "link.yml");
  assert.equal(modeOf(`${dir}/other.txt`), 0o644, "the file the link points to is left alone");
  assert.equal(modeOf(`${dir}/in/a.txt`), 0o644, "the input a hard link shares is left alone");
  assert.equal(Deno.readTextFileSync(`${dir}/out/hard.txt`), "private row\n");
  assert.equal(Deno.readTextFileSync(`${dir}/out/linked.txt`), "someone else's\n");
});
