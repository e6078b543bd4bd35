/**
 * `weft schema [--output FILE]`: prints the embedded schema (the committed
 * schemas/workflow.schema.json, through src/model/schema_json.ts), writes it to a private
 * file, and reports an unwritable path in one line.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { renderModule, renderSchema } from "../scripts/gen_schema.ts";
import { WORKFLOW_SCHEMA_JSON } from "../src/model/schema_json.ts";

const COMMITTED = await Deno.readTextFile(
  new URL("../schemas/workflow.schema.json", import.meta.url),
);

Deno.test("the embedded schema module is what gen:schema generates now", async () => {
  assert.equal(WORKFLOW_SCHEMA_JSON, COMMITTED);
  const module = await Deno.readTextFile(new URL("../src/model/schema_json.ts", import.meta.url));
  assert.equal(module, renderModule(renderSchema()), "run `deno task gen:schema`");
});

Deno.test("weft schema prints the schema on stdout", async () => {
  const { code, stdout, stderr } = await weft(["schema"]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, COMMITTED);
  assert.equal(JSON.parse(stdout).title, "Weft workflow");
});

Deno.test("weft schema --output writes a private file; a bad path is one line, exit 2", async () => {
  const dir = testTempDir("schema-");
  const written = await weft(["schema", "--output", "weft.schema.json"], { cwd: dir });
  assert.equal(written.code, 0, written.stderr);
  assert.equal(written.stdout, "");
  assert.equal(await Deno.readTextFile(`${dir}/weft.schema.json`), COMMITTED);
  assert.equal((await Deno.stat(`${dir}/weft.schema.json`)).mode! & 0o777, 0o600);
  const bad = await weft(["schema", "-o", `${dir}/missing/x.json`]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^cannot write the schema to .*missing\/x\.json: .*\n {2}hint: /);
  assert.ok(!bad.stderr.includes("    at "), bad.stderr);
});

Deno.test("weft schema --output over an existing file replaces its text, keeps its mode", async () => {
  const dir = testTempDir("schema-keep-");
  const path = `${dir}/mine.json`;
  await Deno.writeTextFile(path, "{}\n");
  await Deno.chmod(path, 0o644);
  const again = await weft(["schema", "-o", path]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(await Deno.readTextFile(path), COMMITTED);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o644);
});

Deno.test("weft schema -o with an empty name: said as such, nothing written, exit 2", async () => {
  const dir = testTempDir("schema-empty-");
  for (const name of ["", "  "]) {
    const r = await weft(["schema", "-o", name], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^--output needs a file name, got an empty one\n {2}hint: /);
  }
  assert.deepEqual([...Deno.readDirSync(dir)], []);
});
