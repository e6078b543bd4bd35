/**
 * The CLI's streams: a reader that goes away early (`weft logs ID | head`) is not an
 * error; the verb still ends with its own exit code and says nothing about a broken pipe.
 * Text for people (humanText) shows control characters from data escaped, colours too when
 * colour is off.
 */
import assert from "node:assert/strict";
import { humanText } from "../src/cli/io.ts";
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

Deno.test("humanText: colour off shows every control escaped, colours included; on keeps colours closed", () => {
  assert.equal(humanText("plain\ttext\n", false), "plain\ttext\n");
  assert.equal(humanText('id "b\x1b[1;31m": bad\nnext', false), 'id "b\\e[1;31m": bad\nnext');
  assert.equal(humanText("a\x1b[2Jb \x1b[31mc", false), "a\\e[2Jb \\e[31mc");
  // Colour on: weft's own colours pass byte for byte; one left open is closed at the line's end.
  assert.equal(humanText("\x1b[32mok\x1b[0m", true), "\x1b[32mok\x1b[0m");
  assert.equal(humanText("b\x1b[1;31m: bad\nnext", true), "b\x1b[1;31m: bad\x1b[0m\nnext");
  assert.equal(humanText("a\x1b[2Jb", true), "a\\e[2Jb");
});

Deno.test("validate and run --dry-run show colour sequences from the file escaped, colour off", async () => {
  const dir = new URL("./fixtures/cli_io/", import.meta.url).pathname;
  const env = { NO_COLOR: "1" };
  const id = await weft(["validate", `${dir}sgr_id.yml`], { env });
  assert.equal(id.code, 2);
  assert.match(id.stdout + id.stderr, /id in task "b\\e\[1;31m": task ids use letters/);
  assert.ok(!(id.stdout + id.stderr).includes("\x1b"));
  const dry = await weft(["run", "--dry-run", "--no-color", `${dir}sgr_name.yml`], { env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout + dry.stderr, /plan for wf\\e\[32mname/);
  assert.match(dry.stdout + dry.stderr, /nice\\e\[31mname/);
  assert.ok(!(dry.stdout + dry.stderr).includes("\x1b"));
});
