/**
 * Checks every expression in a workflow: conditions and `${...}` templates must
 * parse, and every reference must name something that will exist at run time.
 * @module
 */
import { compileCondition, compileTemplate, ExpressionError, type Reference } from "../expr/mod.ts";
import type { Problem } from "../model/errors.ts";
import { valueLabel } from "./describe.ts";
import { notificationProblems } from "./notify_checks.ts";
import { envOrderProblems, type Reader, RunOrder } from "./order_checks.ts";
import { isObject, parallelChildren, type RawObject, topLevelTasks } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";
import { isLiteralText, loopItemsProblem, stepProblems } from "./step_checks.ts";
import { didYouMean, didYouMeanTaskId, listWords, validTaskIds } from "./suggest.ts";

/** Fields of a task whose strings are `${...}` templates. */
const TEMPLATE_FIELDS = ["command", "url", "cwd"] as const;
/** Fields holding a map, list or text whose strings are all templates (http `data`, `auth`). */
const TEMPLATE_MAPS = ["headers", "environment", "config", "data", "auth"] as const;

const TASK_FIELDS = ["exit_code", "status", "stdout", "duration_ms", "outputs"];
const WORKFLOW_FIELDS = ["name", "version", "description", "file"];
const RUN_FIELDS = ["id", "started_at"];
/** `${schedule.time}` (logical fire time), `${schedule.name}`: see engine/expressions.ts. */
const SCHEDULE_FIELDS = ["time", "name"];
const TRIGGER_FIELDS = ["type"];
const ROOTS = ["env", "params", "tasks", "workflow", "run", "schedule", "trigger"];
const ALERT_ROOTS = ["execution", "metrics", "workflow", "error", "run"];

interface Scope {
  data: unknown;
  map: SourceMap;
  file: string;
  taskIds: Set<string>;
  params: Set<string>;
  problems: Problem[];
  order: RunOrder;
  /** Whose fields are being checked: what their `${tasks...}` may read. */
  reader: Reader;
}

/** Every expression problem in the workflow data. */
export function expressionProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  const tasks = topLevelTasks(data);
  // Top-level ids first, then the children's: the order of "defined tasks" in hints.
  const taskIds = new Set<string>();
  for (const task of tasks) if (task.id !== undefined) taskIds.add(task.id);
  for (const task of tasks) {
    for (const child of parallelChildren(task)) if (child.id !== undefined) taskIds.add(child.id);
  }
  const params = isObject(data) && isObject(data.params) ? Object.keys(data.params) : [];
  const scope: Scope = {
    data,
    map,
    file,
    taskIds,
    params: new Set(params),
    problems: [],
    order: new RunOrder(tasks),
    reader: { kind: "none" },
  };

  for (const task of tasks) {
    scope.reader = task.id ? { kind: "task", id: task.id } : { kind: "none" };
    if (typeof task.data.condition === "string") {
      checkText(scope, task.data.condition, [...task.path, "condition"], "condition", false);
    }
    checkStep(scope, task.data, task.path, false);
    switch (task.data.type) {
      case "conditional":
        for (const branch of ["then", "else"]) {
          if (isObject(task.data[branch])) {
            checkStep(scope, task.data[branch] as RawObject, [...task.path, branch], false);
          }
        }
        break;
      case "parallel":
        for (const child of parallelChildren(task)) {
          scope.reader = child.id ? { kind: "task", id: child.id } : { kind: "none" };
          checkStep(scope, child.data, child.path, false);
        }
        break;
      case "loop":
        checkText(scope, task.data.items, [...task.path, "items"], "template", false);
        {
          const items = loopItemsProblem(task.data.items, [...task.path, "items"], map, data);
          if (items) scope.problems.push({ file, ...items });
        }
        if (isObject(task.data.task)) {
          checkStep(scope, task.data.task, [...task.path, "task"], true);
        }
        break;
      case "data_processor":
        if (isObject(task.data.processor)) {
          checkStep(scope, task.data.processor, [...task.path, "processor"], false);
        }
    }
  }
  // The engine renders the workflow's environment and the task defaults too.
  if (isObject(data)) {
    scope.reader = { kind: "workflow" };
    checkNested(scope, data.environment, ["environment"], false);
    checkEnvOrder(scope, data.environment, ["environment"]);
    if (isObject(data.defaults)) {
      scope.reader = { kind: "defaults" };
      checkNested(scope, data.defaults.environment, ["defaults", "environment"], false);
      checkEnvOrder(scope, data.defaults.environment, ["defaults", "environment"]);
      checkText(scope, data.defaults.cwd, ["defaults", "cwd"], "template", false);
    }
  }
  if (isObject(data) && Array.isArray(data.alerts)) {
    data.alerts.forEach((alert, i) => {
      if (!isObject(alert)) return;
      checkAlert(scope, alert.condition, ["alerts", i, "condition"], "condition");
      checkAlert(scope, alert.template, ["alerts", i, "template"], "template");
    });
  }
  scope.problems.push(...notificationProblems(data, map, file));
  return scope.problems;
}

/**
 * The templated fields of one unit of work. A field's path is made only for a field
 * that is there: this runs for every task, and most fields are absent (issue 8 §5).
 */
function checkStep(scope: Scope, step: RawObject, path: PathSegment[], inLoop: boolean): void {
  for (const field of TEMPLATE_FIELDS) {
    if (typeof step[field] === "string") {
      checkText(scope, step[field], [...path, field], "template", inLoop);
    }
  }
  for (const field of TEMPLATE_MAPS) {
    if (step[field] !== undefined) checkNested(scope, step[field], [...path, field], inLoop);
  }
  if (isObject(step.environment)) {
    checkEnvOrder(scope, step.environment, [...path, "environment"]);
  }
  for (const p of stepProblems(step, path, scope.map, scope.data)) {
    scope.problems.push({ file: scope.file, ...p });
  }
}

/** An environment block's values read only names set above them (order_checks.ts). */
function checkEnvOrder(scope: Scope, block: unknown, path: PathSegment[]): void {
  for (const p of envOrderProblems(block, path, scope.map, scope.data)) {
    scope.problems.push({ file: scope.file, ...p });
  }
}

/** Every string inside a map or list (headers, environment, docker/database config). */
function checkNested(scope: Scope, value: unknown, path: PathSegment[], inLoop: boolean): void {
  if (typeof value === "string") checkText(scope, value, path, "template", inLoop);
  else if (Array.isArray(value)) {
    value.forEach((v, i) => checkNested(scope, v, [...path, i], inLoop));
  } else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) checkNested(scope, v, [...path, key], inLoop);
  }
}

function compile(
  scope: Scope,
  text: string,
  path: PathSegment[],
  kind: "condition" | "template",
): Reference[] | undefined {
  try {
    return (kind === "condition" ? compileCondition(text) : compileTemplate(text)).references;
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    scope.problems.push({
      file: scope.file,
      ...scope.map.inString(path, e.offset),
      message: `${valueLabel(scope.data, path)}: ${e.message}`,
      hint: e.hint,
    });
    return undefined;
  }
}

function checkText(
  scope: Scope,
  text: unknown,
  path: PathSegment[],
  kind: "condition" | "template",
  inLoop: boolean,
): void {
  if (typeof text !== "string" || (kind === "template" && isLiteralText(text))) return;
  for (const ref of compile(scope, text, path, kind) ?? []) {
    const trouble = referenceTrouble(scope, ref, inLoop) ??
      (ref.root === "tasks" ? scope.order.trouble(scope.reader, ref.path[0]) : undefined);
    if (!trouble) continue;
    const written = text.slice(ref.offset, ref.offset + ref.length);
    scope.problems.push({
      file: scope.file,
      ...scope.map.inString(path, ref.offset),
      message: `${valueLabel(scope.data, path)}: ${trouble.message} in ${written}`,
      hint: trouble.hint,
    });
  }
}

function checkAlert(
  scope: Scope,
  text: unknown,
  path: PathSegment[],
  kind: "condition" | "template",
) {
  if (typeof text !== "string") return;
  for (const ref of compile(scope, text, path, kind) ?? []) {
    if (ALERT_ROOTS.includes(ref.root)) continue;
    scope.problems.push({
      file: scope.file,
      ...scope.map.inString(path, ref.offset),
      message: `${valueLabel(scope.data, path)}: unknown name "${ref.root}"`,
      hint: didYouMean(ref.root, ALERT_ROOTS) ?? `alert rules can use ${listWords(ALERT_ROOTS)}`,
    });
  }
}

interface Trouble {
  message: string;
  hint?: string;
}

function referenceTrouble(scope: Scope, ref: Reference, inLoop: boolean): Trouble | undefined {
  const [first, second, third] = ref.path;
  switch (ref.root) {
    case "env":
      return first === undefined
        ? { message: "env needs a variable name", hint: "write ${env.NAME}" }
        : undefined;
    case "item":
      return inLoop ? undefined : {
        message: "item is only defined inside a loop",
        hint: "use ${item} in the `task` of a `loop` task",
      };
    case "index":
      if (!inLoop) {
        return {
          message: "index is only defined inside a loop",
          hint: "use ${index} in the `task` of a `loop` task",
        };
      }
      return first === undefined
        ? undefined
        : { message: "index has no fields", hint: "write ${index} (the item's 0-based position)" };
    case "params":
      if (first !== undefined && scope.params.has(first) && ref.path.length === 1) {
        return undefined;
      }
      if (first === undefined) {
        return { message: "params needs a parameter name", hint: "write ${params.NAME}" };
      }
      if (!scope.params.has(first)) {
        return {
          message: `undeclared parameter "${first}"`,
          hint: didYouMean(first, scope.params) ??
            `declare it under the top-level \`params\`, e.g. params: { ${first}: "default" }`,
        };
      }
      return { message: `parameter "${first}" has no fields`, hint: `write \${params.${first}}` };
    case "tasks": {
      if (first === undefined) {
        return { message: "tasks needs a task id", hint: "write ${tasks.ID.status}" };
      }
      if (!scope.taskIds.has(first)) {
        return {
          message: `unknown task "${first}"`,
          hint: didYouMeanTaskId(first, scope.taskIds) ??
            `defined tasks: ${validTaskIds(scope.taskIds).join(", ")}`,
        };
      }
      const fields = `${listWords(TASK_FIELDS.slice(0, -1))} or outputs.KEY`;
      if (second === undefined || !TASK_FIELDS.includes(second)) {
        const near = second === undefined ? undefined : didYouMean(second, TASK_FIELDS);
        return {
          message: second === undefined
            ? `task "${first}" needs a field`
            : `task "${first}" has no field "${second}"`,
          hint: near ?? `use ${fields}`,
        };
      }
      if (second === "outputs" ? third === undefined || ref.path.length > 3 : ref.path.length > 2) {
        return {
          message: `tasks.${first}.${second} is not a valid reference`,
          hint: `use ${fields}`,
        };
      }
      return undefined;
    }
    case "workflow":
      return fieldTrouble("workflow", first, ref.path.length, WORKFLOW_FIELDS);
    case "run":
      return fieldTrouble("run", first, ref.path.length, RUN_FIELDS);
    case "schedule":
      return fieldTrouble("schedule", first, ref.path.length, SCHEDULE_FIELDS);
    case "trigger":
      return fieldTrouble("trigger", first, ref.path.length, TRIGGER_FIELDS);
    default: {
      const roots = inLoop ? [...ROOTS, "item", "index"] : ROOTS;
      return {
        message: `unknown name "${ref.root}"`,
        hint: didYouMean(ref.root, roots) ?? shellVariableHint(ref) ??
          `references start with ${listWords(roots)}`,
      };
    }
  }
}

/**
 * `${HOME}` copied from a shell script: `${...}` is always weft's, so say how to write
 * the shell's variable (`$HOME`, `$${HOME}`) and weft's copy of it (`${env.HOME}`).
 */
function shellVariableHint(ref: Reference): string | undefined {
  if (ref.path.length > 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(ref.root)) return undefined;
  const name = ref.root;
  return `\${...} is weft's; for the shell's variable write $${name} or $\${${name}}, ` +
    `for weft's value of it \${env.${name}}`;
}

function fieldTrouble(root: string, field: string | undefined, length: number, fields: string[]) {
  if (field !== undefined && fields.includes(field) && length === 1) return undefined;
  return {
    message: field === undefined ? `${root} needs a field` : `${root} has no field "${field}"`,
    hint: (field && didYouMean(field, fields)) ??
      `use ${fields.map((f) => `${root}.${f}`).join(", ")}`,
  };
}
