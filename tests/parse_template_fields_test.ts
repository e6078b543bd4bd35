/**
 * src/parse/template_fields.ts: every string field of every task type is either a
 * template or taken as written (checked against the generated JSON Schema, so a new
 * field cannot be forgotten), and every templated field gets the same reference checks
 * in `weft validate`: unknown roots with did-you-mean, and "add X to depends_on".
 */
import assert from "node:assert/strict";
import { WORKFLOW_SCHEMA_JSON } from "../src/model/schema_json.ts";
import {
  COMMON_FIELDS,
  CONDITION_FIELDS,
  type FieldPattern,
  LITERAL_FIELDS,
  STEP_FIELDS,
  TEMPLATED_FIELDS,
} from "../src/parse/template_fields.ts";
import { hints, lines, problems } from "./_problems.ts";

type Schema = Record<string, unknown>;
const ROOT = JSON.parse(WORKFLOW_SCHEMA_JSON) as Schema;
const DEFS = ROOT.$defs as Record<string, Schema>;

function deref(schema: Schema): Schema {
  const ref = schema.$ref;
  return typeof ref === "string" ? deref(DEFS[ref.replace("#/$defs/", "")]) : schema;
}

/** The typed variants of a union written as `allOf: [{if: {type: X}, then}]`. */
function variants(schema: Schema): [string, Schema][] {
  const found: [string, Schema][] = [];
  for (const part of (schema.allOf ?? []) as Schema[]) {
    const type = ((part.if as Schema | undefined)?.properties as Schema | undefined)?.type as
      | Schema
      | undefined;
    if (typeof type?.const === "string" && part.then) found.push([type.const, part.then as Schema]);
  }
  return found;
}

/**
 * Paths (relative to `schema`) of every value that may be a string; `*` for any key. A
 * definition met again inside itself (a loop item's fields, at any depth) is not walked
 * again: its paths are those of its first level.
 */
function stringPaths(
  schema: Schema,
  path: string[],
  out: string[][],
  within: ReadonlySet<string> = new Set(),
): void {
  const ref = schema.$ref;
  if (typeof ref === "string") {
    if (within.has(ref)) return;
    within = new Set([...within, ref]);
  }
  schema = deref(schema);
  const isString = schema.type === "string" ||
    (Array.isArray(schema.type) && schema.type.includes("string")) ||
    typeof schema.const === "string" ||
    (Array.isArray(schema.enum) && schema.enum.some((v) => typeof v === "string")) ||
    Object.keys(schema).every((key) => key === "description"); // any value (http `data`)
  if (isString) out.push(path);
  for (const key of ["anyOf", "oneOf"]) {
    for (const part of (schema[key] ?? []) as Schema[]) stringPaths(part, path, out, within);
  }
  for (const [, then] of variants(schema)) stringPaths(then, path, out, within);
  for (const [key, value] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    if (typeof value === "object") stringPaths(value, [...path, key], out, within);
  }
  if (typeof schema.items === "object") {
    stringPaths(schema.items as Schema, [...path, "*"], out, within);
  }
  if (typeof schema.additionalProperties === "object") {
    stringPaths(schema.additionalProperties as Schema, [...path, "*"], out, within);
  }
}

/** Whether `pattern` covers the schema path `path` (`*` any one segment, `**` the rest). */
function covers(pattern: FieldPattern, path: string[]): boolean {
  if (pattern.length === 0) return path.length === 0;
  if (pattern[0] === "**") return true;
  if (path.length === 0) return false;
  return (pattern[0] === "*" || path[0] === "*" || pattern[0] === path[0]) &&
    covers(pattern.slice(1), path.slice(1));
}

function classified(type: string, path: string[]): boolean {
  const patterns = [
    ...COMMON_FIELDS,
    ...(TEMPLATED_FIELDS[type] ?? []),
    ...CONDITION_FIELDS,
    ...LITERAL_FIELDS,
  ];
  return patterns.some((p) => covers(p, path));
}

/** Every (type, string path) of tasks, composite steps, parallel children and processors. */
function everyStringField(): { type: string; path: string[] }[] {
  const fields: { type: string; path: string[] }[] = [];
  for (const def of ["Task", "Step", "ParallelChild"]) {
    for (const [type, then] of variants(DEFS[def])) {
      const paths: string[][] = [];
      stringPaths(then, [], paths);
      for (const path of paths) {
        if (path[0] === "processor") continue; // a step of its own, below
        if (STEP_FIELDS.includes(path[0]) && type !== "data_processor") continue; // its own def
        fields.push({ type, path });
      }
      const processor = (then.properties as Record<string, Schema> | undefined)?.processor;
      if (!processor) continue;
      for (const [kind, step] of variants(deref(processor))) {
        const paths: string[][] = [];
        stringPaths(step, [], paths);
        for (const path of paths) fields.push({ type: kind, path });
      }
    }
  }
  return fields;
}

Deno.test("every string field of every task type is a template or taken as written", () => {
  const fields = everyStringField();
  assert.ok(fields.length > 50, `found ${fields.length} string fields`);
  const types = new Set(fields.map((f) => f.type));
  for (const type of ["shell", "http", "docker", "javascript", "python", "database", "workflow"]) {
    assert.ok(types.has(type), type);
  }
  const missing = fields.filter((f) => !classified(f.type, f.path))
    .map((f) => `${f.type}: ${f.path.join(".")}`);
  assert.deepEqual(missing, [], "add these to TEMPLATED_FIELDS or LITERAL_FIELDS");
});

Deno.test("every templated field named in the table exists in the schema", () => {
  const fields = everyStringField();
  for (const [type, patterns] of Object.entries(TEMPLATED_FIELDS)) {
    for (const pattern of patterns) {
      assert.ok(
        fields.some((f) => f.type === type && covers(pattern, f.path)),
        `${type}: ${pattern.join(".")} is not a string field of the schema`,
      );
    }
  }
});

Deno.test("every templated field starts with a field name (templatedStrings skips absent ones)", () => {
  for (const [type, patterns] of [["*", COMMON_FIELDS], ...Object.entries(TEMPLATED_FIELDS)]) {
    for (const pattern of patterns as readonly FieldPattern[]) {
      assert.ok(!pattern[0].startsWith("*"), `${type}: ${pattern.join(".")}`);
    }
  }
});

/** A workflow whose task `late` reads `build` without waiting for it, in `fields`. */
function reading(...fields: string[]): string {
  return lines(
    "name: x",
    "tasks:",
    `  - {id: build, command: 'echo v=1 >> "$WEFT_OUTPUT"'}`, // line 3
    ...fields,
  );
}

const OUT = "${tasks.build.outputs.v}";
const NOT_WAITED = 'task "build" may not have finished when "late" runs';

Deno.test("${tasks.X...} without X in depends_on is found in every templated field", () => {
  const cases: [string, string][] = [
    [`  - {id: late, type: python, code: "1", args: ["[${OUT}]"]}`, "args[0]"],
    [`  - {id: late, type: javascript, code: "1", args: ["${OUT}"]}`, "args[0]"],
    [`  - {id: late, type: javascript, script: "${OUT}.js"}`, "script"],
    [`  - {id: late, type: python, code: "1", interpreter: "${OUT}"}`, "interpreter"],
    [`  - {id: late, type: workflow, file: c.yml, params: {v: "${OUT}"}}`, "params.v"],
    [
      `  - {id: late, type: data_processor, input: {type: file, path: "a${OUT}"}, ` +
      `processor: {command: "true"}, output: {type: file, path: o.txt}}`,
      "input.path",
    ],
    [
      `  - {id: late, type: data_processor, input: {type: file, path: a}, ` +
      `processor: {command: "true"}, output: {type: file, path: "o${OUT}"}}`,
      "output.path",
    ],
    [
      `  - {id: late, type: data_processor, input: {type: file, path: a}, ` +
      `processor: {type: python, code: "1", args: ["${OUT}"]}, output: {type: file, path: o}}`,
      "processor.args[0]",
    ],
    [
      `  - {id: late, type: loop, items: [a], task: {type: python, code: "1", args: ["${OUT}"]}}`,
      "task.args[0]",
    ],
    [`  - {id: late, type: loop, items: ["${OUT}"], task: {command: "true"}}`, "items[0]"],
    [
      `  - {id: late, type: loop, items: [{a: "${OUT}"}], task: {command: "true"}}`,
      "items[0].a",
    ],
    [
      `  - {id: late, type: docker, config: {image: "a", volumes: ["${OUT}:/x"]}}`,
      "config.volumes[0]",
    ],
  ];
  for (const [task, field] of cases) {
    const found = problems(reading(task));
    assert.deepEqual(
      found,
      [`4:${task.indexOf("${tasks") + 1}: ${field} in task "late": ${NOT_WAITED} in ${OUT}`],
      task,
    );
    // Waiting for it is the fix the hint names.
    const fixed = task.replace("{id: late,", "{id: late, depends_on: [build],");
    assert.deepEqual(problems(reading(fixed)), [], fixed);
  }
});

Deno.test("unknown roots and fields get did-you-mean in args, script, params and paths", () => {
  const text = reading(
    `  - {id: a, type: python, code: "1", args: ["\${parms.x}"], interpreter: "\${tasks.biuld.stdout}"}`,
    `  - {id: b, type: workflow, file: c.yml, params: {v: "\${item}"}}`,
  );
  assert.deepEqual(problems(text), [
    '4:46: args[0] in task "a": unknown name "parms" in ${parms.x}',
    '4:74: interpreter in task "a": unknown task "biuld" in ${tasks.biuld.stdout}',
    '5:55: params.v in task "b": item is only defined inside a loop in ${item}',
  ]);
  // "build" is near but not proposed: "a" does not wait for it (issue 8 §4).
  assert.deepEqual(hints(text).slice(0, 2), [
    'did you mean "params"?',
    '"build" is near, but task "build" may not have finished when "a" runs: ' +
    'add "build" to depends_on of "a"',
  ]);
});

Deno.test("list-form loop items are templates: unknown params are found, item is not there", () => {
  const text = lines(
    "name: x",
    "params: {region: eu}",
    "tasks:",
    "  - id: l",
    "    type: loop",
    '    items: ["${params.region}-1", "${params.nope}", "${item}", "$${HOME}"]',
    '    task: {command: "echo ${item}"}',
  );
  assert.deepEqual(problems(text), [
    '6:36: items[1] in task "l": undeclared parameter "nope" in ${params.nope}',
    '6:54: items[2] in task "l": item is only defined inside a loop in ${item}',
  ]);
});

Deno.test("a param default with ${...} is refused with the $${ hint; $${ alone is accepted", () => {
  const text = lines(
    "name: x",
    "params:",
    "  base: eu",
    '  full: "${params.base}-west"',
    '  other: {default: "a-${env.HOME}"}',
    '  lit: "a$${x}"',
    "tasks: [{id: a, command: 'true'}]",
  );
  assert.deepEqual(problems(text), [
    "4:10: params.full: a param default cannot use ${...}: ${params.base} would not be resolved",
    "5:23: params.other.default: a param default cannot use ${...}: ${env.HOME} would not be " +
    "resolved",
  ]);
  assert.match(hints(text)[0] ?? "", /-p full=VALUE, or write \$\$\{ for a literal \$\{/);
});

Deno.test("a ${...} in `shell`, which is taken as written, is refused where it is written", () => {
  const text = lines(
    "name: x",
    'defaults: {shell: "${env.SHELL}"}',
    "tasks:",
    '  - {id: a, command: "true", shell: "/bin/${env.X}"}',
    '  - {id: b, command: "true", shell: bash}',
  );
  assert.deepEqual(problems(text), [
    "2:20: defaults.shell: `shell` is taken as written: ${env.SHELL} would not be resolved",
    '4:43: shell in task "a": `shell` is taken as written: ${env.X} would not be resolved',
  ]);
  assert.match(hints(text)[0] ?? "", /sh, bash, or a path/);
});
