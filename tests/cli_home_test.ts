/** The history folder: one resolution, the same in every verb's --help and the README. */
import assert from "node:assert/strict";
import { HOME_RESOLUTION, resolveHome } from "../src/cli/home.ts";
import { weft } from "./_run_cli.ts";

Deno.test("--help of every verb with --home gives the same resolution as the README", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  assert.ok(
    readme.replace(/\s+/g, " ").includes(
      "`--home DIR`, else `$WEFT_HOME`, else `$XDG_DATA_HOME/weft`, else `~/.local/share/weft`",
    ),
  );
  for (
    const verb of [["run"], ["history"], ["history", "prune"], ["status"], ["logs"], ["metrics"]]
  ) {
    const { code, stdout } = await weft([...verb, "--help"]);
    assert.equal(code, 0, verb.join(" "));
    assert.ok(stdout.replace(/\s+/g, " ").includes(HOME_RESOLUTION), `${verb.join(" ")} --help`);
  }
  // And it is the order resolveHome follows.
  const env = { WEFT_HOME: "/w", XDG_DATA_HOME: "/x", HOME: "/h" };
  assert.equal(resolveHome(env, "/o"), "/o");
  assert.equal(resolveHome(env), "/w");
  assert.equal(resolveHome({ XDG_DATA_HOME: "/x", HOME: "/h" }), "/x/weft");
  assert.equal(resolveHome({ HOME: "/h" }), "/h/.local/share/weft");
});
