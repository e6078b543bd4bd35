/**
 * Reshapes the JSON Schema that zod generates into one editors follow (gen_schema.ts runs it):
 * - the task unions (`Task`, `Step`, `ParallelChild`, a data_processor's `processor`) become
 *   an object whose `type` is an enum and whose variants are titled `if`/`then` branches keyed
 *   by `type` (absent `type` = shell), so a stray key is blamed on its own line, not on the
 *   key of some other variant the editor guessed;
 * - `defaultSnippets` per task type and trigger type, labelled by the variant's title: the
 *   one completion entry per type (see requiredApart for why the server adds no other);
 * - `type: [a, b]` unions become `anyOf`, which Ajv's strict mode accepts.
 * The rules themselves stay in src/model; this adds only editor shape and snippets.
 * @module
 */

type Node = Record<string, unknown>;

/** Variant titles by task type, also the labels of their snippets. */
export const TASK_TITLES: Record<string, string> = {
  shell: "Shell task",
  http: "HTTP task",
  docker: "Docker task",
  javascript: "JavaScript task",
  python: "Python task",
  database: "Database task",
  workflow: "Sub-workflow task",
  conditional: "Conditional task",
  parallel: "Parallel task",
  loop: "Loop task",
  data_processor: "Data processor task",
};

/** Skeletons per task type, without `id`; `${n:text}` are snippet placeholders. */
const TASK_BODIES: Record<string, Node> = {
  shell: { command: "${2:echo hello}" },
  http: { type: "http", url: "${2:https://example.com/health}", method: "GET" },
  docker: { type: "docker", config: { image: "${2:alpine:3}", command: "${3:echo hello}" } },
  javascript: { type: "javascript", code: "${2:console.log('hello')}" },
  python: { type: "python", script: "${2:scripts/main.py}" },
  database: {
    type: "database",
    config: { connection: "${2:postgres://localhost/app}", query: "${3:SELECT 1}" },
  },
  workflow: { type: "workflow", file: "${2:other.yml}" },
  conditional: {
    type: "conditional",
    condition: "${2:'a' == 'a'}",
    then: { command: "${3:echo yes}" },
  },
  parallel: {
    type: "parallel",
    tasks: [{ id: "${2:first}", command: "${3:echo one}" }, {
      id: "${4:second}",
      command: "${5:echo two}",
    }],
  },
  loop: { type: "loop", items: ["${2:a}", "${3:b}"], task: { command: "${4:echo item}" } },
  data_processor: {
    type: "data_processor",
    input: { type: "file", path: "${2:data/*.json}" },
    processor: { type: "javascript", script: "${3:transform.js}" },
    output: { type: "file", path: "${4:out/result.json}" },
  },
};

const TRIGGER_SNIPPETS = [
  { label: "Manual trigger", body: { type: "manual" } },
  {
    label: "Schedule trigger",
    body: { type: "schedule", config: { schedule: "${1:0 2 * * *}", timezone: "${2:UTC}" } },
  },
  {
    label: "Webhook trigger",
    body: { type: "webhook", config: { webhook: "${1:/hooks/deploy}" } },
  },
  {
    label: "File change trigger",
    body: { type: "file_change", config: { files: ["${1:src/**/*.ts}"], debounce: "2s" } },
  },
];

/** Returns the editor-shaped schema; `doc` is zod's output and is changed in place. */
export function forEditors(doc: Node): Node {
  splitTypeUnions(doc);
  declareRequired(doc);
  const defs = doc.$defs as Record<string, Node>;
  defs.Task = taskUnion(defs.Task, "Task", true);
  defs.Step = taskUnion(defs.Step, "Step", false);
  defs.ParallelChild = taskUnion(defs.ParallelChild, "ParallelChild", true);
  for (const branch of defs.Task.allOf as Node[]) {
    const then = branch.then as Node;
    const props = then.properties as Record<string, Node>;
    if (props.processor) props.processor = processorUnion(props.processor);
  }
  defs.Trigger.defaultSnippets = TRIGGER_SNIPPETS;
  requiredApart(defs.Trigger);
  return doc;
}

/** Keywords whose value maps names to subschemas (the map itself is no schema). */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "dependentSchemas"]);

/** Calls `visit` on every subschema of `node`, children first. */
function eachSchema(node: unknown, visit: (schema: Node) => void): void {
  if (Array.isArray(node)) return node.forEach((item) => eachSchema(item, visit));
  if (node === null || typeof node !== "object") return;
  const n = node as Node;
  for (const [key, value] of Object.entries(n)) {
    // Data, not schemas: snippets, examples, defaults, constants and enums.
    if (["defaultSnippets", "examples", "default", "const", "enum"].includes(key)) continue;
    if (SCHEMA_MAPS.has(key) && value && typeof value === "object") {
      for (const sub of Object.values(value as Node)) eachSchema(sub, visit);
    } else eachSchema(value, visit);
  }
  visit(n);
}

const NUMBER_KEYWORDS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];
const TYPE_KEYWORDS: Record<string, string[]> = {
  number: NUMBER_KEYWORDS,
  integer: NUMBER_KEYWORDS,
  string: ["pattern", "patternErrorMessage", "minLength", "maxLength", "format"],
  array: ["items", "minItems", "maxItems"],
};

/** `{type: [a, b], ...}` becomes `{anyOf: [{type: a}, {type: b}], ...}`, everywhere. */
function splitTypeUnions(doc: Node): void {
  eachSchema(doc, (n) => {
    if (!Array.isArray(n.type)) return;
    // Keywords for one type go into that type's branch (Ajv strictTypes asks for it).
    // Strings first: editors report the first branch's problem for text (a duration
    // "5 minutes" reads as a duration message, not "expected number").
    const types = [...(n.type as string[])].sort((a, b) =>
      Number(b === "string") - Number(a === "string")
    );
    const anyOf = types.map((type) => {
      const branch: Node = { type };
      for (const key of TYPE_KEYWORDS[type] ?? []) {
        if (key in n) branch[key] = n[key];
      }
      return branch;
    });
    for (const key of (n.type as string[]).flatMap((type) => TYPE_KEYWORDS[type] ?? [])) {
      delete n[key];
    }
    delete n.type;
    if (n.anyOf) n.allOf = [...(n.allOf as Node[] ?? []), { anyOf }];
    else n.anyOf = anyOf;
  });
}

/**
 * A `required` list in a rule (`anyOf: [{required: [image]}, ...]`) gets the keys it names
 * in its own `properties` (as `{}` when absent), and `type: object`, which Ajv's strict
 * mode asks for (strictRequired, strictTypes) and which changes nothing else.
 */
function declareRequired(doc: Node): void {
  eachSchema(doc, (n) => {
    // Rules on an object's keys state that it is one (strictTypes), as their parents do.
    if ((n.required || n.properties) && !n.type && !n.$ref) n.type = "object";
    if (!Array.isArray(n.required)) return;
    const props = (n.properties ?? {}) as Node;
    for (const key of n.required as string[]) props[key] ??= {};
    n.properties = props;
  });
}

function typeOf(variant: Node): string {
  const type = (variant.properties as Record<string, Node>).type;
  return type.const as string;
}

/** The `if` that selects a variant: its `type`, or no `type` at all for shell. */
function selector(type: string): Node {
  const test = { properties: { type: { const: type } } };
  return type === "shell" ? test : { ...test, required: ["type"] };
}

function taskUnion(union: Node, what: string, withId: boolean): Node {
  const { oneOf, ...rest } = union;
  const variants = oneOf as Node[];
  const types = variants.map(typeOf);
  const kind = what === "Step" ? "step" : "task";
  return {
    ...rest,
    type: "object",
    title: what === "Task" ? "Task" : what === "Step" ? "Nested task" : "Parallel branch task",
    description: what === "Task"
      ? "A task: `id` and a `type` (shell when left out) with that type's fields"
      : what === "Step"
      ? "A nested unit of work (no id, depends_on or callbacks): a `type` (shell when left out) with that type's fields"
      : "A task run by a parallel task: an `id` and a leaf task's fields",
    properties: {
      type: {
        description: `The ${kind} type; a ${kind} without \`type\` is a shell ${kind}`,
        enum: types,
      },
    },
    defaultSnippets: types.map((type) => ({
      label: TASK_TITLES[type],
      description: `${TASK_TITLES[type]}: a skeleton with example values`,
      body: withId ? { id: "${1:" + type + "_task}", ...TASK_BODIES[type] } : TASK_BODIES[type],
    })),
    allOf: variants.map((variant) => {
      const type = typeOf(variant);
      describeType(variant, `${TASK_TITLES[type]}`);
      requiredApart(variant);
      return { if: selector(type), then: { title: TASK_TITLES[type], ...variant } };
    }),
  };
}

/** The `type` key of a variant says which variant it is, for hover. */
function describeType(variant: Node, title: string): void {
  const type = (variant.properties as Record<string, Node>).type;
  type.description = type.const === "shell"
    ? `${title} (the default: \`type\` may be left out)`
    : title;
}

function processorUnion(union: Node): Node {
  const { oneOf, ...rest } = union;
  const variants = oneOf as Node[];
  const types = variants.map(typeOf);
  const title = (t: string) => TASK_TITLES[t].replace("task", "processor");
  return {
    ...rest,
    type: "object",
    title: "Processor",
    description:
      "What turns the input files into the output: a javascript, python or shell (default) processor",
    properties: {
      type: { description: "The processor type; without `type` it is shell", enum: types },
    },
    defaultSnippets: types.map((type) => ({
      label: title(type),
      body: type === "shell"
        ? { command: "${1:./transform.sh}" }
        : { type, script: "${1:transform." + (type === "python" ? "py" : "js") + "}" },
    })),
    allOf: variants.map((variant) => {
      const type = typeOf(variant);
      describeType(variant, title(type));
      requiredApart(variant);
      return { if: selector(type), then: { title: title(type), ...variant } };
    }),
  };
}

/**
 * yaml-language-server offers every schema it matches that has both `properties` and
 * `required` as a completion entry of its own (labelled by its `title`, inserting the
 * required keys), next to our snippet of the same title. Moving `required` into an
 * `allOf` member whose properties are `true` (no object schema: the server skips them
 * when completing, yet Ajv's strictRequired sees them declared) keeps the rule and drops
 * that entry; rule subschemas of the variant (`oneOf` of required sets) likewise.
 */
function requiredApart(schema: Node): void {
  for (const rule of [...(schema.anyOf as Node[] ?? []), ...(schema.oneOf as Node[] ?? [])]) {
    if (rule.properties && rule.required) requiredApart(rule);
  }
  const required = schema.required as string[] | undefined;
  if (!required?.length) return;
  delete schema.required;
  const declared = Object.fromEntries(required.map((key) => [key, true]));
  const rule = { type: "object", properties: declared, required };
  schema.allOf = [...(schema.allOf as Node[] ?? []), rule];
}
