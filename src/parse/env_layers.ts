/**
 * Layer rule for `${env.NAME}` in an `environment` block: a block sees the layers below
 * it, never those above. The engine builds a task's environment as weft's own (with
 * `--env`) < the workflow's `environment` (resolved once, before any task) <
 * `defaults.environment` < the task's `environment` (engine/context.ts, leaf_spec.ts,
 * expressions.ts renderEnvBlocks). So a workflow value reading a name that only
 * `defaults.environment` or a task sets, or a defaults value reading a name only a task
 * sets, reads weft's own environment instead — mostly nothing — while the task sees the
 * name set: refused here, as a name set further down the same block is (order_checks.ts).
 * Weft's own per-task variables (`WEFT_TASK_ID`, …; model/weft_vars.ts) lie above every
 * block, as the task sees them: only the workflow's `environment`, resolved once before any
 * task, cannot read them; its run-wide ones (`WEFT_RUN_ID`) every block reads.
 * @module
 */
import { compileCondition, compileTemplate, ExpressionError, type Reference } from "../expr/mod.ts";
import type { Problem } from "../model/errors.ts";
import { RUN_VARIABLES, TASK_VARIABLES } from "../model/weft_vars.ts";
import { valueLabel } from "./describe.ts";
import { isObject, ONE_STEP_FIELDS, type RawObject, topLevelTasks } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";

/** Where a later layer sets a name: for the message and the hint. */
export interface Setter {
  /** `defaults.environment`, or `the environment of task "deploy"`. */
  where: string;
  /** Which block the reading value can move into (below the name). */
  moveTo: string;
  /** Set by weft itself for each task (model/weft_vars.ts), not by a block. */
  weft?: boolean;
}

const WEFT_SETTER: Setter = { where: "weft", moveTo: "defaults.environment", weft: true };

/**
 * Every `${env.NAME}` in the workflow's `environment` or `defaults.environment` that
 * names a variable set only in a later layer (not in its own block or a layer below),
 * at the reference's place, with the layer that sets it and what to do.
 */
export function envLayerProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  if (!isObject(data)) return [];
  const workflowEnv = isObject(data.environment) ? data.environment : undefined;
  const defaultsEnv = isObject(data.defaults) && isObject(data.defaults.environment)
    ? data.defaults.environment
    : undefined;
  if (!readsEnv(workflowEnv) && !readsEnv(defaultsEnv)) return [];
  const taskSetters = new Map<string, Setter>();
  for (const task of topLevelTasks(data)) collectTaskNames(task.data, task.id, taskSetters);
  const problems: Problem[] = [];
  const check = (
    block: RawObject | undefined,
    path: PathSegment[],
    below: (name: string) => boolean,
    later: (name: string) => Setter | undefined,
  ) => {
    if (!block) return;
    for (const [name, value] of Object.entries(block)) {
      for (const ref of envReads(value)) {
        // Its own name reads the layer below; a name of its own block is order_checks.ts's.
        if (ref.name === name || Object.hasOwn(block, ref.name) || below(ref.name)) continue;
        const setter = later(ref.name);
        if (!setter) continue;
        if (setter.weft) {
          problems.push({
            file,
            ...map.inString([...path, name], ref.offset),
            message: `${valueLabel(data, [...path, name])}: ${ref.name} is set by weft for ` +
              `each task, and the workflow's environment is resolved once before any task, so ` +
              `${ref.text} here reads nothing`,
            hint: `move ${name} into defaults.environment, which is resolved for each task ` +
              `(${RUN_VARIABLES.join(" and ")} are known here)`,
          });
          continue;
        }
        problems.push({
          file,
          ...map.inString([...path, name], ref.offset),
          message: `${valueLabel(data, [...path, name])}: ${ref.name} is set in ` +
            `${setter.where}, a layer applied after this one, so ${ref.text} here reads ` +
            "weft's own environment",
          hint: `layers are applied in order: the workflow's environment, defaults.environment, ` +
            `then each task's; move ${name} into ${setter.moveTo}, below ${ref.name}`,
        });
      }
    }
  };
  const inDefaults = (name: string) =>
    defaultsEnv !== undefined && Object.hasOwn(defaultsEnv, name);
  const inWorkflow = (name: string) =>
    workflowEnv !== undefined && Object.hasOwn(workflowEnv, name);
  check(
    workflowEnv,
    ["environment"],
    () => false,
    (name) =>
      TASK_VARIABLES.includes(name)
        ? WEFT_SETTER
        : inDefaults(name)
        ? { where: "defaults.environment", moveTo: "defaults.environment" }
        : taskSetters.get(name),
  );
  check(defaultsEnv, ["defaults", "environment"], inWorkflow, (name) => taskSetters.get(name));
  return problems;
}

function readsEnv(block: RawObject | undefined): boolean {
  if (!block) return false;
  for (const value of Object.values(block)) {
    if (typeof value === "string" && value.includes("${")) return true;
  }
  return false;
}

/** A read of `env.NAME` in a value or condition: the name, and where and how it is written. */
export interface EnvRead {
  name: string;
  offset: number;
  text: string;
}

/** The `${env.NAME}` references of one value (none when it does not parse: reported elsewhere). */
export function envReads(value: unknown): EnvRead[] {
  if (typeof value !== "string" || !value.includes("${")) return [];
  return envReadsOf(value, compileTemplate);
}

/** `${env.NAME}` and bare `env.NAME` in a condition (none when it does not parse: reported with it). */
export function conditionEnvReads(condition: unknown): EnvRead[] {
  return typeof condition === "string" ? envReadsOf(condition, compileCondition) : [];
}

/** The `env.NAME` references of `text` as `compile` reads it; none when it does not parse. */
function envReadsOf(
  text: string,
  compile: (text: string) => { references: readonly Reference[] },
): EnvRead[] {
  try {
    return compile(text).references.flatMap((r) =>
      r.root === "env" && r.path.length === 1
        ? [{ name: r.path[0], offset: r.offset, text: text.slice(r.offset, r.offset + r.length) }]
        : []
    );
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    return [];
  }
}

/** The names a task (and its steps, parallel children included) sets, first setter kept. */
export function collectTaskNames(
  task: RawObject,
  id: string | undefined,
  out: Map<string, Setter>,
): void {
  const who = id === undefined ? "a task" : `task "${id}"`;
  if (isObject(task.environment)) {
    for (const name of Object.keys(task.environment)) {
      if (!out.has(name)) {
        out.set(name, { where: `the environment of ${who}`, moveTo: `the environment of ${who}` });
      }
    }
  }
  for (const field of ONE_STEP_FIELDS) {
    if (isObject(task[field])) collectTaskNames(task[field] as RawObject, id, out);
  }
  if (task.type === "parallel" && Array.isArray(task.tasks)) {
    for (const child of task.tasks) {
      if (!isObject(child)) continue;
      collectTaskNames(child, typeof child.id === "string" ? child.id : id, out);
    }
  }
}
