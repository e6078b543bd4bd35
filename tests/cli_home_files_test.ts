/**
 * The small files weft reads from WEFT_HOME are read bounded (src/store/small_file.ts):
 * a `config.json` that is a symlink to /dev/zero, a FIFO or a huge file is refused with
 * one line naming it (exit 2), never read into memory; and a `script:` that is a device
 * is said to be one (src/tasks/script_launch.ts), not "not found".
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { readSmallText } from "../src/store/small_file.ts";

const FIX = new URL("./fixtures/home_files/", import.meta.url).pathname;

Deno.test("config.json as /dev/zero, a FIFO or over 1 MiB: history prune and run refuse it, exit 2", async () => {
  for (const make of ["zero", "fifo", "huge"] as const) {
    const home = testTempDir("cfg-home-");
    const config = `${home}/config.json`;
    if (make === "zero") Deno.symlinkSync("/dev/zero", config);
    if (make === "fifo") {
      const mk = await new Deno.Command("mkfifo", { args: [config] }).output();
      assert.equal(mk.code, 0);
    }
    if (make === "huge") Deno.writeTextFileSync(config, `{"x": "${"a".repeat(1024 * 1024)}"}`);
    const env = { WEFT_HOME: home };
    const prune = await weft(["history", "prune"], { env });
    assert.equal(prune.code, 2, `${make}: ${prune.stderr}`);
    const kind = {
      zero: "is a character device, not a regular file",
      fifo: "is a named pipe \\(FIFO\\), not a regular file",
      huge: "is larger than 1 MiB",
    }[make];
    assert.match(prune.stderr, new RegExp(`${config.replaceAll(".", "\\.")}: ${kind}`));
    assert.match(prune.stderr, /hint: make it a plain JSON file/);
    assert.doesNotMatch(prune.stderr, /\n\s+at /); // no stack trace
    // A run is refused before it starts, with the same line.
    const run = await weft(["run", `${FIX}ok.yml`], { env });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`config\\.json: ${kind}`));
    assert.doesNotMatch(run.stderr, /started/);
  }
});

Deno.test("readSmallText: missing is null; a folder or over the limit is refused naming the file", async () => {
  const dir = testTempDir("small-");
  assert.equal(await readSmallText(`${dir}/none`, { hint: "h" }), null);
  Deno.writeTextFileSync(`${dir}/f`, "12345");
  assert.equal(await readSmallText(`${dir}/f`, { hint: "h" }), "12345");
  await assert.rejects(
    readSmallText(`${dir}/f`, { hint: "h", limit: 4 }),
    /f: is larger than 4 bytes/,
  );
  await assert.rejects(readSmallText(dir, { hint: "h" }), /is a folder, not a regular file/);
});

Deno.test("a script: that is a symlink to a device is said to be one, not 'not found'", async () => {
  const dir = testTempDir("zero-script-");
  Deno.copyFileSync(`${FIX}zero_script.yml`, `${dir}/zero_script.yml`);
  Deno.symlinkSync("/dev/zero", `${dir}/zero.js`);
  const run = await weft(["run", `${dir}/zero_script.yml`], { env: { NO_COLOR: "1" } });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /script "zero\.js" is a character device, not a file \(.*zero\.js\)/);
  assert.doesNotMatch(run.stderr, /not found/);
});
