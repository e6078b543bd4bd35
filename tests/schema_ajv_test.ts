/**
 * The editor schema (schemas/workflow.schema.json) through Ajv in strict mode: it
 * compiles; it accepts every workflow `weft validate` accepts (examples and fixtures);
 * it rejects every malformed fixture `weft validate` rejects for a reason a schema can
 * state; every property has a description. Editor-only keywords are registered as
 * annotations, as VS Code and yaml-language-server read them and Ajv ignores them.
 */
import assert from "node:assert/strict";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse as parseYaml } from "yaml";
import { checkWorkflow } from "../src/parse/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const schema = JSON.parse(await Deno.readTextFile(`${ROOT}schemas/workflow.schema.json`));

/** Keywords editors read (VS Code's JSON and YAML support); no validation meaning. */
const EDITOR_KEYWORDS = [
  "defaultSnippets",
  "patternErrorMessage",
  "errorMessage",
  "markdownDescription",
];

/**
 * Invalid fixtures whose problem no JSON Schema can state, with the reason. Every other
 * invalid fixture must be refused by the schema, or fail to parse as JSON/YAML (which an
 * editor flags as a syntax error before any schema runs).
 */
const NOT_SCHEMA_EXPRESSIBLE: Record<string, string> = {
  "alert-unknown-root.yml": "expression: unknown name in an alert condition",
  "bad-timezone.yml": "time zone names come from the runtime's Intl data",
  "callback-cycle.yml": "graph: a cycle through callbacks",
  "callback-with-depends-on.yml": "graph: relation between two tasks",
  "cron-out-of-range.yml": "cron field ranges need a cron parser",
  "cycle.yml": "graph: dependency cycle",
  "dangling-depends-on.yml": "graph: an id must name another task",
  "database-bad-url.yml": "connection URL syntax is checked by a URL parser",
  "database-query-value-as-name.yml": "expression: where ${...} stands in SQL",
  "database-query-order-by-value.yml": "expression: where ${...} stands in SQL",
  "database-query-subquery-table-value.yml": "expression: where ${...} stands in SQL",
  "database-unknown-scheme.yml": "connection URL scheme inside a possibly templated string",
  "deep-nesting.json": "nesting depth of the document, not of the model",
  "deep-nesting.yml": "nesting depth of the document, not of the model",
  "depends-on-callback.yml": "graph: relation between two tasks",
  "depends-on-parallel-child.yml": "graph: ids inside another task",
  "docker-command-unclosed-quote.yml": "shell-style quoting of a command string",
  "duplicate-ids.yml": "ids unique across the list (uniqueItems compares whole tasks)",
  "env-later-name.yml": "expression: ${env.X} order within a block",
  "expr-bad-task-field.yml": "expression check",
  "expr-in-block-scalar.yml": "expression placement in a shell here-document",
  "expr-in-folded-scalar.yml": "expression placement in a folded scalar",
  "expr-index-outside-loop.yml": "expression scope",
  "expr-item-outside-loop.yml": "expression scope",
  "expr-single-equals.yml": "expression syntax",
  "expr-undeclared-param.yml": "expression: params declared elsewhere in the file",
  "expr-unknown-task.yml": "expression: task ids elsewhere in the file",
  "expr-unterminated.yml": "expression syntax",
  "http-bad-url.yml": "URL syntax around ${...} needs a URL parser",
  "invalid-utf8.yml": "bytes of the file, before any JSON/YAML value exists",
  "loop-items-json-object.yml": "the content of a string that holds JSON",
  "output-ref-without-dependency.yml": "expression: ${tasks.X} needs depends_on X",
  "quoted-heredoc.yml": "expression placement in a quoted shell here-document",
  "self-dependency.yml": "graph: an id equal to the task's own id",
};

function compile() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  for (const keyword of EDITOR_KEYWORDS) {
    ajv.addKeyword({ keyword, schemaType: ["string", "array", "object"] });
  }
  return ajv.compile(schema);
}

/** The document as an editor's parser reads it, or undefined when it does not parse. */
function parseDocument(name: string, text: string): unknown {
  try {
    // YAML 1.2 reads JSON too; uniqueKeys refuses duplicate keys, as editors flag them;
    // merge keys (`<<: *base`) merge, as weft reads them (parse/syntax.ts).
    const value = parseYaml(text, {
      uniqueKeys: true,
      prettyErrors: false,
      logLevel: "error",
      merge: true,
    });
    if (name.endsWith(".json")) JSON.parse(text); // JSON's own syntax (no trailing commas)
    return JSON.parse(JSON.stringify(value ?? null));
  } catch {
    return undefined;
  }
}

async function workflowFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...await workflowFiles(path));
    else if (/\.(ya?ml|json)$/.test(entry.name)) files.push(path);
  }
  return files.sort();
}

const validate = compile();
const problemsOf = async (file: string) => (await checkWorkflow(file, { cwd: ROOT })).problems;

Deno.test("Ajv in strict mode compiles the schema", () => {
  assert.equal(typeof validate, "function");
  assert.ok(!JSON.stringify(schema).includes('"type":['), "no type unions (allowUnionTypes)");
});

Deno.test("every workflow weft validate accepts passes the schema (examples, fixtures)", async () => {
  const files = [
    ...await workflowFiles(`${ROOT}examples`),
    // written_json/: numbers and booleans in text fields, which weft takes as their text
    // (README "Text stays as written") and the editor schema flags, asking for a string.
    ...(await workflowFiles(`${ROOT}tests/fixtures`)).filter((f) =>
      !f.includes("/invalid/") && !f.includes("/written_json/")
    ),
  ];
  let checked = 0;
  for (const file of files) {
    const text = await Deno.readTextFile(file);
    const doc = parseDocument(file, text) as Record<string, unknown> | undefined;
    // Only workflow files: JSON data, configs and scripts' inputs are not workflows.
    if (!doc || typeof doc !== "object" || !("tasks" in doc)) continue;
    if ((await problemsOf(file)).length > 0) continue;
    checked++;
    assert.ok(validate(doc), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
  assert.ok(checked >= 20, `only ${checked} valid workflows found`);
});

Deno.test("every invalid fixture with a schema-expressible problem is refused by the schema", async () => {
  const dir = `${ROOT}tests/fixtures/invalid`;
  const accepted: string[] = [];
  for (const file of await workflowFiles(dir)) {
    const name = file.slice(dir.length + 1);
    assert.ok((await problemsOf(file)).length > 0, `${name}: weft validate accepts it`);
    const doc = parseDocument(name, await Deno.readTextFile(file));
    if (doc === undefined) continue; // a syntax error: the editor's parser flags it
    if (validate(doc) !== (name in NOT_SCHEMA_EXPRESSIBLE)) accepted.push(name);
  }
  assert.deepEqual(
    accepted,
    [],
    "accepted though expressible, or listed as not expressible though refused",
  );
});

Deno.test("the schema states the rules of docker, script/code and database configs", () => {
  const task = (t: Record<string, unknown>) => ({ name: "x", tasks: [{ id: "a", ...t }] });
  const ok = [
    task({ type: "docker", config: { image: "alpine" } }),
    task({ type: "docker", config: { context: ".", tags: ["a:1"], push: true } }),
    task({ type: "javascript", script: "a.js" }),
    task({ type: "python", code: "print(1)" }),
    task({ type: "database", config: { connection: "sqlite:a.db", migrations_path: "m" } }),
    task({ command: "echo", timeout: "1h30m" }),
  ];
  for (const doc of ok) assert.ok(validate(doc), JSON.stringify([doc, validate.errors]));
  const bad = [
    task({ type: "docker", config: {} }),
    task({ type: "docker", config: { command: "echo" } }),
    task({ type: "docker", config: { context: ".", push: true } }),
    task({ type: "docker", config: { image: "alpine", tags: ["x"] } }),
    task({ type: "javascript", script: "a.js", code: "1" }),
    task({ type: "python" }),
    task({ type: "database", config: { connection: "sqlite:a.db" } }),
    task({ command: "echo", wait_for: "all" }),
    { ...task({ command: "echo" }), trigger: { type: "manual" }, triggers: [] },
    { ...task({ command: "echo" }), trigger: { type: "manual|schedule" } },
  ];
  for (const doc of bad) assert.equal(validate(doc), false, JSON.stringify(doc));
});

Deno.test("every property of the schema has a description", () => {
  const defs = schema.$defs as Record<string, Record<string, unknown>>;
  const described = (p: Record<string, unknown>) =>
    typeof p.description === "string" ||
    (typeof p.$ref === "string" && typeof defs[p.$ref.split("/").pop()!].description === "string");
  const missing: string[] = [];
  let count = 0;
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}/${i}`));
    if (node === null || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    // A closed object (a zod strictObject) declares its keys; rule subschemas do not.
    if (n.additionalProperties === false && n.properties) {
      for (
        const [key, p] of Object.entries(n.properties as Record<string, Record<string, unknown>>)
      ) {
        count++;
        if (!described(p)) missing.push(`${path}/${key}`);
      }
    }
    for (const [key, value] of Object.entries(n)) {
      if (!["defaultSnippets", "examples", "default", "const", "enum"].includes(key)) {
        walk(value, `${path}/${key}`);
      }
    }
  };
  walk(schema, "#");
  assert.ok(count > 400, `only ${count} properties`);
  assert.deepEqual(missing, []);
});

Deno.test("task variants are titled and pattern-checked strings carry a readable message", () => {
  const defs = schema.$defs;
  const titles = defs.Task.allOf.map((b: { then: { title: string } }) => b.then.title);
  assert.ok(titles.includes("Shell task") && titles.includes("HTTP task"), titles.join(", "));
  assert.equal(defs.Task.type, "object");
  assert.equal(defs.Task.defaultSnippets.length, 11);
  assert.match(defs.TaskId.patternErrorMessage, /letters, digits/);
  for (const d of ["DurationSeconds", "DurationMilliseconds"]) {
    const text = defs[d].anyOf.find((b: { type: string }) => b.type === "string");
    assert.match(text.patternErrorMessage, /a duration/);
  }
  assert.equal(defs.Trigger.defaultSnippets.length, 4);
});
