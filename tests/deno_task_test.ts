/**
 * `deno task weft ARGS` behaves as if `weft` ran where it was invoked: relative paths
 * resolve against the caller's folder, not the project's.
 */
import assert from "node:assert/strict";
import { testTempDir } from "./_tmp.ts";
import { execClean } from "./_smoke.ts";

const CONFIG = new URL("../deno.json", import.meta.url).pathname;

Deno.test("deno task --config … weft resolves relative paths against the caller's folder", async () => {
  const work = testTempDir("task-");
  await Deno.writeTextFile(
    `${work}/here.yml`,
    "name: here\ntasks:\n  - id: where\n    command: pwd\n",
  );
  // A clean environment: under `deno task test` INIT_CWD is already set, and deno task
  // (like npm) keeps an INIT_CWD it inherits.
  const env = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/root",
    WEFT_HOME: `${work}/home`,
    NO_COLOR: "1",
  };
  const run = (...args: string[]) =>
    execClean(Deno.execPath(), ["task", "-q", "--config", CONFIG, "weft", ...args], work, env);

  const valid = await run("validate", "here.yml");
  assert.equal(valid.code, 0, valid.stderr);
  assert.match(valid.stderr, /here\.yml: ok/);

  const ran = await run("run", "here.yml", "--verbose");
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stderr, new RegExp(`\\[where\\] ${await Deno.realPath(work)}\\n`));
});
