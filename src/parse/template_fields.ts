/**
 * The one list of a step's templated fields: the strings whose `${...}` the task runners
 * resolve (tasks/*.ts call `ctx.interpolate`, `interpolateShell` or `interpolateUrl` on
 * exactly these), per task type. `weft validate` checks every `${...}` found through it
 * (expr_checks.ts: syntax, unknown roots, did-you-mean, "add X to depends_on").
 * tests/parse_template_fields_test.ts walks the generated JSON Schema and fails for a
 * string field of a task type that is in neither {@link TEMPLATED_FIELDS} nor
 * {@link LITERAL_FIELDS}, so a new field cannot be left out.
 * @module
 */
import { isObject, type RawObject } from "./raw.ts";
import type { PathSegment } from "./source_map.ts";

/**
 * A field inside a step: keys in order; `*` stands for any key of a map or any index
 * of a list, `**` for every string at any depth below (http `data`, a body as written).
 */
export type FieldPattern = readonly string[];

/** Templated fields every step may have (engine/attempt_context.ts, engine/expressions.ts). */
export const COMMON_FIELDS: readonly FieldPattern[] = [["cwd"], ["environment", "*"]];
/** `script` and `args` of a javascript or python task or processor (tasks/script_launch.ts). */
const SCRIPT: FieldPattern[] = [["script"], ["args", "*"]];

/**
 * Per step type (the `type` of a task, a composite's step, or a data_processor's
 * `processor`): its templated fields besides {@link COMMON_FIELDS}. A loop's `items` is
 * read before its iterations (engine/loop.ts loopItems): a string, or every string in a
 * list, objects' fields included, as a GitHub Actions matrix is.
 */
export const TEMPLATED_FIELDS: Readonly<Record<string, readonly FieldPattern[]>> = {
  shell: [["command"]],
  http: [["url"], ["headers", "*"], ["data", "**"], ["auth", "*"]],
  docker: [
    ["config", "dockerfile"],
    ["config", "context"],
    ["config", "tags", "*"],
    ["config", "build_args", "*"],
    ["config", "image"],
    ["config", "command"],
    ["config", "command", "*"],
    ["config", "volumes", "*"],
    ["config", "ports", "*"],
    ["config", "env", "*"],
    ["config", "workdir"],
    ["config", "network"],
  ],
  javascript: SCRIPT,
  python: [...SCRIPT, ["interpreter"]],
  database: [
    ["config", "connection"],
    ["config", "query"],
    ["config", "file"],
    ["config", "migrations_path"],
  ],
  workflow: [["params", "*"]],
  data_processor: [["input", "path"], ["output", "path"]],
  loop: [["items", "**"]],
};

/**
 * The templated fields that name a file or a folder (README "Values in paths"): each
 * `${...}` value in them is one name (expr/path.ts; tasks/path_field.ts applies it, and
 * engine/attempt_context.ts to `cwd`), unless it starts the path or is written `raw(...)`.
 * Keyed by step type; `*` for every step. A `sqlite:` connection's file is one too
 * (database `config.connection`, after its scheme).
 */
export const PATH_FIELDS: Readonly<Record<string, readonly FieldPattern[]>> = {
  "*": [["cwd"]],
  javascript: [["script"]],
  python: [["script"], ["interpreter"]],
  database: [["config", "file"], ["config", "migrations_path"], ["config", "connection"]],
  // A volume's host path: the text before its first `:` (tasks/docker_argv.ts volumeArg).
  docker: [["config", "dockerfile"], ["config", "context"], ["config", "volumes", "*"]],
  data_processor: [["input", "path"], ["output", "path"]],
};

/** Fields holding a condition (an expression, `${...}` optional): expr_checks.ts reads them. */
export const CONDITION_FIELDS: readonly FieldPattern[] = [["condition"]];

/**
 * Fields holding steps of their own, whose fields this table gives by their own type:
 * a conditional's `then`/`else`, a parallel's `tasks`, a loop's `task`, a
 * data_processor's `processor`.
 */
export const STEP_FIELDS: readonly string[] = ["then", "else", "tasks", "task", "processor"];

/**
 * String fields taken as written (ids, labels, choices, durations, inline code, the
 * shell's name, the called workflow's `file`, which subworkflows.ts refuses `${...}` in).
 */
export const LITERAL_FIELDS: readonly FieldPattern[] = [
  ["type"],
  ["id"],
  ["name"],
  ["description"],
  ["depends_on"],
  ["depends_on", "*"],
  ["on_success"],
  ["on_success", "*"],
  ["on_failure"],
  ["on_failure", "*"],
  ["notifications", "channels", "*"],
  ["retry", "backoff"],
  ["timeout"],
  ["retry", "delay"],
  ["retry", "max_delay"],
  ["wait_for"],
  ["shell"],
  ["code"],
  ["method"],
  ["config", "pull"],
  ["file"],
  ["input", "type"],
  ["output", "type"],
];

/** A string found at a templated field: its value and its path from the workflow's root. */
export interface TemplatedString {
  text: string;
  path: PathSegment[];
}

/**
 * Every templated string of one step (not those of the steps inside it: see
 * {@link STEP_FIELDS} and {@link processorStep}), with its path from the workflow's root.
 */
export function templatedStrings(step: RawObject, path: PathSegment[]): TemplatedString[] {
  const found: TemplatedString[] = [];
  const type = typeof step.type === "string" ? step.type : "shell";
  let patterns = fieldsByType.get(type);
  if (patterns === undefined) {
    patterns = [...COMMON_FIELDS, ...(TEMPLATED_FIELDS[type] ?? [])];
    fieldsByType.set(type, patterns);
  }
  for (const pattern of patterns) {
    // A field the step has not has nothing to walk: most are absent, and this runs for
    // every step of every file checked (issue 8 §5). No pattern starts with `*`.
    if (Object.hasOwn(step, pattern[0])) collect(step, pattern, 0, path, found);
  }
  return found;
}

/** {@link COMMON_FIELDS} and a type's {@link TEMPLATED_FIELDS}, joined once per type. */
const fieldsByType = new Map<string, readonly FieldPattern[]>();

/** A data_processor's `processor`: a shell/javascript/python step with its own fields. */
export function processorStep(step: RawObject): RawObject | undefined {
  return step.type === "data_processor" && isObject(step.processor) ? step.processor : undefined;
}

function collect(
  value: unknown,
  pattern: FieldPattern,
  at: number,
  path: PathSegment[],
  found: TemplatedString[],
): void {
  if (at === pattern.length) {
    if (typeof value === "string") found.push({ text: value, path });
    return;
  }
  const key = pattern[at];
  if (key === "**") {
    if (typeof value === "string") found.push({ text: value, path });
    else forEachChild(value, (child, k) => collect(child, pattern, at, [...path, k], found));
    return;
  }
  if (key === "*") {
    forEachChild(value, (child, k) => collect(child, pattern, at + 1, [...path, k], found));
    return;
  }
  if (isObject(value) && Object.hasOwn(value, key)) {
    collect(value[key], pattern, at + 1, [...path, key], found);
  }
}

function forEachChild(value: unknown, each: (child: unknown, key: PathSegment) => void): void {
  if (Array.isArray(value)) value.forEach((v, i) => each(v, i));
  else if (isObject(value)) { for (const [k, v] of Object.entries(value)) each(v, k); }
}

/**
 * Fields whose map keys are refused by a name check of their own (environment variable
 * names, header names: env_layers.ts, http_checks.ts), so {@link templatedKeys} leaves them out.
 */
const NAME_CHECKED_MAPS: ReadonlySet<string> = new Set([
  "environment",
  "headers",
  "config.env",
  "config.build_args",
]);

/**
 * Every map key inside one step's templated fields (not those of the steps inside it),
 * with its path from the workflow's root: an http `data` object's keys at any depth, a
 * loop's item objects' keys, a called workflow's `params` names. A task runner sends
 * and passes keys as written — only the strings are templates (tasks/http_request.ts
 * interpolateDeep, engine/loop.ts renderStrings, tasks/workflow.ts) — so expr_checks.ts
 * refuses a `${` in one rather than send it as text. Maps with a name check of their own
 * ({@link NAME_CHECKED_MAPS}) are left out.
 */
export function templatedKeys(step: RawObject, path: PathSegment[]): PathSegment[][] {
  const found: PathSegment[][] = [];
  const type = typeof step.type === "string" ? step.type : "shell";
  for (const pattern of [...COMMON_FIELDS, ...(TEMPLATED_FIELDS[type] ?? [])]) {
    if (NAME_CHECKED_MAPS.has(pattern.filter((k) => k !== "*").join("."))) continue;
    if (Object.hasOwn(step, pattern[0])) collectKeys(step, pattern, 0, path, found);
  }
  return found;
}

function collectKeys(
  value: unknown,
  pattern: FieldPattern,
  at: number,
  path: PathSegment[],
  found: PathSegment[][],
): void {
  if (at === pattern.length) return;
  const key = pattern[at];
  if (key === "*" || key === "**") {
    const next = key === "**" ? at : at + 1;
    if (isObject(value)) { for (const k of Object.keys(value)) found.push([...path, k]); }
    forEachChild(value, (child, k) => collectKeys(child, pattern, next, [...path, k], found));
    return;
  }
  if (isObject(value) && Object.hasOwn(value, key)) {
    collectKeys(value[key], pattern, at + 1, [...path, key], found);
  }
}
