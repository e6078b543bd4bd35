/**
 * Every human-readable line weft writes passes through one writer (src/cli/io.ts) that
 * shows control characters escaped: names, keys, ids, arguments and paths holding ESC,
 * OSC, CSI or BEL cannot act on the terminal. Run with NO_COLOR and pipes, so weft
 * writes no colour of its own and any ESC or BEL in the output is a leak.
 */
import assert from "node:assert/strict";
import { weft, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const DIR = new URL("./fixtures/terminal_safety/", import.meta.url).pathname;
const ESCAPES = `${DIR}escapes.yml`;

Deno.test("no verb's human output carries raw ESC or BEL from names, keys, ids or arguments", async () => {
  const home = testTempDir("safe-home-");
  const env = weftEnv({ WEFT_HOME: home, NO_COLOR: "1" });
  // Records one run first, so history, status and metrics have a hostile name to show.
  const ran = await weft(["run", ESCAPES], { env: { ...env } });
  assert.equal(ran.code, 0, ran.stderr);

  const cases: [string, string[], number][] = [
    ["validate messages and hints", ["validate", `${DIR}bad_keys.yml`], 2],
    ["unknown command", ["verb\x1b[2J\x07"], 2],
    ["unknown option", ["run", "--x\x1b]0;T\x07"], 2],
    ["missing file", ["run", "f\x1b[2J\x9b2J.yml"], 2],
    ["run progress", ["run", ESCAPES], 0],
    ["dry run", ["run", "--dry-run", ESCAPES], 0],
    ["metrics", ["metrics"], 0],
    ["history", ["history"], 0],
    ["status", ["status"], 0],
    ["unknown run in logs", ["logs", "r\x1b[2J"], 2],
  ];
  for (const [what, args, code] of cases) {
    const result = await weft(args, { env: { ...env } });
    assert.equal(result.code, code, `${what}: ${result.stderr}`);
    for (const [stream, text] of [["stdout", result.stdout], ["stderr", result.stderr]]) {
      // deno-lint-ignore no-control-regex
      assert.doesNotMatch(text, /[\x07\x1b\x9b]/, `${what}: raw control on ${stream}: ${text}`);
    }
    assert.match(
      result.stdout + result.stderr,
      /\\e|\\a|\\u009b|\\u001b/,
      `${what}: shown escaped`,
    );
  }
});

Deno.test("--json output stays JSON and keeps the values as they are", async () => {
  const env = weftEnv({ NO_COLOR: "1" });
  const result = await weft(["run", "--dry-run", "--json", ESCAPES], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).workflow, "w\x1b[2J\x07\x1b]0;T\x07");
  const checked = await weft(["validate", "--json", `${DIR}bad_keys.yml`], { env });
  assert.equal(checked.code, 2);
  assert.ok(Array.isArray(JSON.parse(checked.stdout)));
});

Deno.test("validate reports, at their place, what a run could never start with", async () => {
  const env = weftEnv({ NO_COLOR: "1" });
  const result = await weft([
    "validate",
    new URL("./fixtures/limits/limits.yml", import.meta.url).pathname,
  ], {
    env,
  });
  assert.equal(result.code, 2);
  const lines = result.stderr.split("\n");
  const at = (pos: string, text: RegExp) =>
    assert.ok(
      lines.some((l) => l.includes(`limits.yml:${pos}:`) && text.test(l)),
      `${pos} ${text}\n${result.stderr}`,
    );
  at("1:7", /workflow name is at most 256 characters, this one has 300/);
  at("2:10", /timeout must be at least 1ms/);
  at("4:12", /defaults\.timeout: a timeout must be at least 1ms/);
  at("8:14", /timeout in task "a": a timeout must be at least 1ms/);
  at("10:12", /BIG is 131075 bytes .*131072 .*MAX_ARG_STRLEN/);
  at("11:10", /N holds a NUL character/);
});

Deno.test("a workflow name of 256 characters is valid and runs", async () => {
  const dir = testTempDir("limits-");
  await Deno.writeTextFile(
    `${dir}/w.yml`,
    `name: "${
      "W".repeat(256)
    }"\ntasks:\n  - id: a\n    command: test \"$(printenv WEFT_WORKFLOW | wc -c)\" -eq 257\n`,
  );
  const result = await weft(["run", `${dir}/w.yml`], { env: weftEnv({ NO_COLOR: "1" }) });
  assert.equal(result.code, 0, result.stderr);
});
