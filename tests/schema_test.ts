/**
 * The editor schema (schemas/workflow.schema.json): current with the zod model, and it
 * accepts every seed workflow (with `$schema`, and tasks without `type`) while
 * rejecting what the validator rejects structurally.
 */
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { renderSchema, SCHEMA_ID } from "../scripts/gen_schema.ts";

const SCHEMA_FILE = new URL("../schemas/workflow.schema.json", import.meta.url);
const SCRIPT = new URL("../scripts/gen_schema.ts", import.meta.url).pathname;
const SEED = new URL("./fixtures/seed/", import.meta.url);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

const committed = await Deno.readTextFile(SCHEMA_FILE);
const schema: Schema = JSON.parse(committed);

/**
 * A JSON Schema check for the keywords the generated schema uses (draft 2020-12
 * subset). Returns the paths that fail; empty when valid. Small on purpose: it exists
 * so this test needs no validator dependency.
 */
function check(node: Schema, value: Json, path = "$"): string[] {
  const errors: string[] = [];
  const fail = (why: string) => errors.push(`${path}: ${why}`);
  if (typeof node.$ref === "string") {
    const target = (schema.$defs as Record<string, Schema>)[node.$ref.replace("#/$defs/", "")];
    errors.push(...check(target, value, path));
  }
  if (node.type !== undefined) {
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (!types.some((t) => typeOk(t as string, value))) fail(`not ${types.join("|")}`);
  }
  if ("const" in node && node.const !== value) fail(`not ${JSON.stringify(node.const)}`);
  if (Array.isArray(node.enum) && !node.enum.includes(value)) fail("not in enum");
  if (typeof value === "string") {
    if (typeof node.pattern === "string" && !new RegExp(node.pattern, "u").test(value)) {
      fail(`does not match ${node.pattern}`);
    }
    if (typeof node.minLength === "number" && value.length < node.minLength) fail("too short");
  }
  if (typeof value === "number") {
    if (typeof node.minimum === "number" && value < node.minimum) fail("too small");
    if (typeof node.maximum === "number" && value > node.maximum) fail("too big");
  }
  if (Array.isArray(value)) {
    if (typeof node.minItems === "number" && value.length < node.minItems) fail("too few items");
    if (node.items && typeof node.items === "object") {
      value.forEach((v, i) => errors.push(...check(node.items as Schema, v, `${path}[${i}]`)));
    }
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const properties = (node.properties ?? {}) as Record<string, Schema>;
    for (const key of (node.required ?? []) as string[]) {
      if (!(key in value)) fail(`missing ${key}`);
    }
    for (const [key, v] of Object.entries(value)) {
      if (node.propertyNames) {
        errors.push(...check(node.propertyNames as Schema, key, `${path}.${key}(name)`));
      }
      if (key in properties) errors.push(...check(properties[key], v, `${path}.${key}`));
      else if (node.additionalProperties === false) fail(`unknown key ${key}`);
      else if (node.additionalProperties && typeof node.additionalProperties === "object") {
        errors.push(...check(node.additionalProperties as Schema, v, `${path}.${key}`));
      }
    }
  }
  if (Array.isArray(node.anyOf)) {
    const ok = node.anyOf.some((s) => check(s as Schema, value, path).length === 0);
    if (!ok) fail("matches no anyOf branch");
  }
  if (Array.isArray(node.oneOf)) {
    const matches = node.oneOf.filter((s) => check(s as Schema, value, path).length === 0).length;
    if (matches !== 1) fail(`matches ${matches} oneOf branches`);
  }
  return errors;
}

function typeOk(type: string, value: Json): boolean {
  switch (type) {
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "null":
      return value === null;
    default: {
      const jsType: string = typeof value; // string, number, boolean: named as typeof names them
      return jsType === type;
    }
  }
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
      tasks: [{ id: "p", type: "parallel", tasks: base.tasks, wait_for: "all|any|first" }],
    },
    { ...base, tasks: [{ id: "a", command: "echo a", timeout: "5 minutes" }] },
    { ...base, tasks: [] },
  ];
  for (const doc of bad) {
    const clean = JSON.parse(JSON.stringify(doc));
    assert.notDeepEqual(check(schema, clean), [], `accepted: ${JSON.stringify(clean)}`);
  }
});
