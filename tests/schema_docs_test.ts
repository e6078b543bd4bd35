/**
 * The README's workflow file reference and the schema (both from src/model) cannot drift:
 * every key the generated schema declares is named in the reference. Its descriptions
 * come from the zod model; schema_ajv_test.ts checks that every key has one.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const schema = JSON.parse(await Deno.readTextFile(new URL("schemas/workflow.schema.json", ROOT)));
const readme = await Deno.readTextFile(new URL("README.md", ROOT));

/** Keys of every closed object (a zod strictObject) in the schema. */
function declaredKeys(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => declaredKeys(n, into));
  if (node === null || typeof node !== "object" || Array.isArray(node)) return into;
  const n = node as Record<string, unknown>;
  if (n.additionalProperties === false && n.properties) {
    for (const key of Object.keys(n.properties)) into.add(key);
  }
  for (const [key, value] of Object.entries(n)) {
    if (!["defaultSnippets", "examples", "default", "const", "enum"].includes(key)) {
      declaredKeys(value, into);
    }
  }
  return into;
}

Deno.test("every key of the schema is named in the README's workflow file reference", () => {
  const start = readme.indexOf("## Workflow file reference");
  const end = readme.indexOf("\n## ", start + 1);
  assert.ok(start >= 0 && end > start, "README has a Workflow file reference section");
  const reference = readme.slice(start, end);
  const keys = [...declaredKeys(schema)];
  assert.ok(keys.length > 100, `only ${keys.length} keys`);
  const undocumented = keys.filter((key) => {
    const escaped = key.replace(/[$]/g, "\\$");
    return !new RegExp(`[\`{,.\\s]${escaped}[\`:,}\\s]`).test(reference);
  });
  assert.deepEqual(undocumented, [], "add these keys to the README reference");
});

Deno.test("the environment descriptions give the README's layer order (workflow, defaults, task)", () => {
  // README "Parameters and environment": the workflow's environment, then
  // defaults.environment, then the task's, each over the one before.
  assert.ok(/then the workflow's `environment`, then `defaults.environment`, then the task's/.test(
    readme.replace(/\s+/g, " "),
  ));
  const byDescription = (node: unknown, found: string[] = []): string[] => {
    if (node === null || typeof node !== "object") return found;
    const n = node as Record<string, unknown>;
    const env = (n.properties as Record<string, { description?: string }> | undefined)
      ?.environment;
    if (env?.description) found.push(env.description);
    for (const value of Object.values(n)) byDescription(value, found);
    return found;
  };
  const descriptions = [...new Set(byDescription(schema))];
  const defaults = schema.properties.defaults.properties.environment.description;
  assert.match(defaults, /over the workflow's environment/);
  const tasks = descriptions.filter((d) => /for this task/.test(d));
  assert.ok(tasks.length > 0, descriptions.join("\n"));
  for (const d of tasks) assert.match(d, /over defaults\.environment and the workflow's/);
});
