/**
 * The editor schema (schemas/workflow.schema.json): current with the zod model, and it
 * accepts every seed workflow (with `$schema`, and tasks without `type`) while
 * rejecting what the validator rejects structurally.
 */
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { Ajv2020 } from "ajv/dist/2020.js";
import { renderSchema, SCHEMA_ID } from "../scripts/gen_schema.ts";

const SCHEMA_FILE = new URL("../schemas/workflow.schema.json", import.meta.url);
const SCRIPT = new URL("../scripts/gen_schema.ts", import.meta.url).pathname;
const SEED = new URL("./fixtures/seed/", import.meta.url);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

const committed = await Deno.readTextFile(SCHEMA_FILE);
const schema: Schema = JSON.parse(committed);

const ajv = new Ajv2020({ strict: true, allErrors: true });
// Editor-only keywords (VS Code, yaml-language-server); no validation meaning.
for (const keyword of ["defaultSnippets", "patternErrorMessage", "errorMessage"]) {
  ajv.addKeyword(keyword);
}
const validate = ajv.compile(schema);

/** The schema's complaints about `value` (Ajv, strict mode); empty when valid. */
function check(_node: Schema, value: Json): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "$"}: ${e.message}`);
}

async function seedDocuments(): Promise<[string, Json][]> {
  const docs: [string, Json][] = [];
  for await (const entry of Deno.readDir(SEED)) {
    const text = await Deno.readTextFile(new URL(entry.name, SEED));
    docs.push([entry.name, entry.name.endsWith(".json") ? JSON.parse(text) : parseYaml(text)]);
  }
  return docs.sort(([a], [b]) => a.localeCompare(b));
}

Deno.test("the committed schema is what gen:schema generates now", () => {
  assert.equal(
    committed,
    renderSchema(),
    "schemas/workflow.schema.json is stale: run `deno task gen:schema`",
  );
});

Deno.test("the schema names itself and allows $schema", () => {
  assert.equal(schema.$id, SCHEMA_ID);
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.equal(typeof schema.title, "string");
  assert.ok((schema.properties as Schema).$schema);
  assert.ok(committed.endsWith("}\n"));
});

Deno.test("gen:schema --check exits 0 when current and 1 with a message when stale", async () => {
  const run = (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", SCRIPT, ...args],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
  const current = await run(["--check"]);
  assert.equal(current.code, 0, new TextDecoder().decode(current.stderr));
  const stale = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(stale, committed.replace('"Weft workflow"', '"Old title"'));
  const result = await run(["--check", "--file", stale]);
  assert.equal(result.code, 1);
  assert.match(new TextDecoder().decode(result.stderr), /out of date.*deno task gen:schema/);
  await Deno.remove(stale);
});

Deno.test("every seed workflow matches the editor schema", async () => {
  const docs = await seedDocuments();
  assert.ok(docs.length >= 10);
  for (const [name, doc] of docs) {
    assert.deepEqual(check(schema, doc), [], `${name} rejected by the JSON Schema`);
  }
});

Deno.test("the editor schema rejects unknown keys, bad enums, missing names and bad durations", () => {
  const base = { name: "x", tasks: [{ id: "a", command: "echo a" }] };
  assert.deepEqual(check(schema, base), []);
  const bad: Json[] = [
    { ...base, name: undefined as unknown as Json, tasks: base.tasks }, // name missing
    { ...base, descripton: "typo" },
    { ...base, tasks: [{ id: "a", comand: "echo a" }] },
    { ...base, tasks: [{ id: "a", type: "htp", url: "x" }] },
    {
      ...base,
      tasks: [{ id: "p", type: "parallel", tasks: base.tasks, wait_for: "any|first" }],
    },
    { ...base, tasks: [{ id: "a", command: "echo a", timeout: "5 minutes" }] },
    { ...base, tasks: [] },
  ];
  for (const doc of bad) {
    const clean = JSON.parse(JSON.stringify(doc));
    assert.notDeepEqual(check(schema, clean), [], `accepted: ${JSON.stringify(clean)}`);
  }
});
