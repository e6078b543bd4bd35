/**
 * `__proto__` as a key is refused where it is written (see src/parse/proto_keys.ts for
 * why refusing is the safe choice): it was dropped without a word from `environment`,
 * `params` and every other map keyed by the user, in JSON and YAML alike.
 */
import assert from "node:assert/strict";
import { protoKeyPaths } from "../src/parse/proto_keys.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("protoKeyPaths: every own __proto__ key, at any depth, in lists too", () => {
  const data = JSON.parse(
    '{"a": {"__proto__": 1}, "b": [{"c": {"\\u005f_proto__": {"__proto__": 2}}}], "d": 3}',
  );
  assert.deepEqual(
    protoKeyPaths(data).sort(),
    [
      ["a", "__proto__"],
      ["b", 0, "c", "__proto__"],
      ["b", 0, "c", "__proto__", "__proto__"],
    ].sort(),
  );
  assert.deepEqual(protoKeyPaths({ constructor: 1, toString: { x: 1 } }), []);
});

const PROTO = /the key "__proto__" is not allowed/;

Deno.test("weft validate / run: __proto__ in user-keyed maps is refused at its key", async () => {
  const dir = testTempDir("proto-");
  const yaml = [
    "name: p",
    "params:",
    "  __proto__: {default: a}",
    "environment: {__proto__: x}",
    "triggers:",
    "  - type: schedule",
    '    config: {schedule: "0 * * * *", params: {__proto__: y}}',
    "tasks:",
    "  - id: a",
    "    type: http",
    "    url: http://127.0.0.1:2/",
    "    headers: {__proto__: h}",
    "    data: {__proto__: {n: 1}}",
    "  - id: b",
    "    type: workflow",
    "    file: c.yml",
    "    params: {__proto__: z}",
  ].join("\n") + "\n";
  await Deno.writeTextFile(`${dir}/c.yml`, "name: c\ntasks:\n  - id: a\n    command: echo\n");
  await Deno.writeTextFile(`${dir}/w.yml`, yaml);
  const checked = await weft(["validate", "w.yml"], { cwd: dir });
  assert.equal(checked.code, 2);
  const text = checked.stdout + checked.stderr;
  for (const at of ["3:3", "4:15", "7:46", "12:15", "13:12", "17:14"]) {
    assert.match(text, new RegExp(`w\\.yml:${at}: ${PROTO.source}`), at);
  }
  assert.match(text, /hint: .*prototype.*use another name/);
  const run = await weft(["run", "w.yml"], { cwd: dir });
  assert.equal(run.code, 2);
  assert.match(run.stdout + run.stderr, PROTO);
});

Deno.test("weft validate / run: a JSON __proto__ key, escaped or not, is refused", async () => {
  const dir = testTempDir("proto-json-");
  for (const key of ["__proto__", "\\u005f_proto__"]) {
    const json = `{"name": "p", "environment": {"${key}": "x"},\n` +
      ` "tasks": [{"id": "a", "type": "shell", "command": "echo", "outputs": {"${key}": {}}}]}`;
    await Deno.writeTextFile(`${dir}/w.json`, json);
    for (const command of ["validate", "run"]) {
      const result = await weft([command, "w.json"], { cwd: dir });
      assert.equal(result.code, 2, `${command} ${key}`);
      assert.match(result.stdout + result.stderr, new RegExp(`w\\.json:1:31: ${PROTO.source}`));
    }
  }
});
