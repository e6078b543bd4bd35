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

Deno.test("config.json: an unknown top-level key is an error naming it, with a did-you-mean", async () => {
  const { testTempDir } = await import("./_tmp.ts");
  const { readGlobalConfig } = await import("../src/cli/home.ts");
  const home = testTempDir("home-config-");
  const write = (text: string) => Deno.writeTextFileSync(`${home}/config.json`, text);
  write('{"notifcations": {"slack": {}}}');
  await assert.rejects(readGlobalConfig(home), /unknown key "notifcations" at the top level/);
  write('{"alerts": []}');
  await assert.rejects(readGlobalConfig(home), /unknown key "alerts"/);
  // What config.json does hold is read as before; `$schema` (for editors) is ignored.
  write('{"$schema": "x", "retention": {"keep_runs": 3}, "notifications": {}}');
  assert.deepEqual(await readGlobalConfig(home), {
    retention: { keep_runs: 3 },
    notifications: {},
  });
  // Through the CLI: prune by the config refuses it (exit 2) with the hint.
  write('{"retension": {"keep_runs": 3}}');
  const prune = await weft(["history", "prune", "--home", home]);
  assert.equal(prune.code, 2, prune.stderr);
  assert.match(prune.stderr, /config\.json: unknown key "retension" at the top level/);
  assert.match(prune.stderr, /hint: did you mean "retention"\? config\.json holds only/);
});
