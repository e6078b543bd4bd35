/**
 * Reading the parsed data before (or regardless of whether) it passed the schema, so
 * graph and expression checks run in the same pass and every problem is reported at
 * once. Everything here tolerates malformed input.
 * @module
 */
import type { PathSegment } from "./source_map.ts";

/** A plain object from JSON/YAML. */
export type RawObject = Record<string, unknown>;

/** Whether `value` is a plain object (not a list, not null). */
export function isObject(value: unknown): value is RawObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A task as written: its data, where it is, and its id when it has a usable one. */
export interface RawTask {
  data: RawObject;
  path: PathSegment[];
  id?: string;
  /** For a child of a `parallel` task: the parent's id. */
  parent?: string;
}

function asTask(data: unknown, path: PathSegment[], parent?: string): RawTask | undefined {
  if (!isObject(data)) return undefined;
  const id = typeof data.id === "string" && data.id !== "" ? data.id : undefined;
  return { data, path, id, parent };
}

/** Nothing, as {@link parallelChildren} and {@link idRefs} give it: one frozen list. */
const NONE: readonly never[] = Object.freeze([]);

/** The top-level tasks. */
export function topLevelTasks(workflow: unknown): RawTask[] {
  if (!isObject(workflow) || !Array.isArray(workflow.tasks)) return [];
  return tasksOf(workflow.tasks, ["tasks"], undefined);
}

/** The top-level task at `index` of `tasks`, when it is an object. */
export function topLevelTask(workflow: unknown, index: number): RawTask | undefined {
  if (!isObject(workflow) || !Array.isArray(workflow.tasks)) return undefined;
  return asTask(workflow.tasks[index], ["tasks", index], undefined);
}

/** The children of a `parallel` task (empty for other tasks). */
export function parallelChildren(task: RawTask): readonly RawTask[] {
  if (task.data.type !== "parallel" || !Array.isArray(task.data.tasks)) return NONE;
  return tasksOf(task.data.tasks, [...task.path, "tasks"], task.id);
}

// A loop rather than flatMap: this runs for every task of every file checked, and a
// callback and a one-element array per task are most of its cost (issue 8 §5).
function tasksOf(list: unknown[], path: PathSegment[], parent: string | undefined): RawTask[] {
  const tasks: RawTask[] = [];
  for (let i = 0; i < list.length; i++) {
    const task = asTask(list[i], [...path, i], parent);
    if (task) tasks.push(task);
  }
  return tasks;
}

/**
 * One task id named in `depends_on`, `on_success` or `on_failure`. Its path is worked
 * out when asked for: only a problem needs it, and a clean workflow has thousands of
 * references (issue 8 §5).
 */
export class IdRef {
  constructor(
    /** The task that names it. */
    readonly task: RawTask,
    readonly field: string,
    readonly id: string,
    /** Its index in the list; undefined when the field is the one id. */
    readonly index: number | undefined,
  ) {}

  /** Where it is written. */
  get path(): PathSegment[] {
    const path = [...this.task.path, this.field];
    if (this.index !== undefined) path.push(this.index);
    return path;
  }
}

/** The ids a task names in `field` (a string or a list of strings). */
export function idRefs(task: RawTask, field: string): readonly IdRef[] {
  const value = task.data[field];
  if (typeof value === "string") return [new IdRef(task, field, value, undefined)];
  if (!Array.isArray(value) || value.length === 0) return NONE;
  const refs: IdRef[] = [];
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] === "string") refs.push(new IdRef(task, field, value[i], i));
  }
  return refs;
}

/**
 * The step fields of composites, each holding one step: a conditional's branches, a
 * loop's step, a data_processor's processor.
 */
export const ONE_STEP_FIELDS: readonly string[] = ["then", "else", "task", "processor"];

/**
 * Calls `visit` for each `environment` block a workflow may have, with its path: the
 * workflow's, `defaults.environment`, and every step's ({@link eachStep}), the step given
 * (its block may be missing: `visit` gets what is there, checked by the caller).
 */
export function eachEnvironment(
  workflow: unknown,
  visit: (block: unknown, path: PathSegment[], step?: RawObject) => void,
): void {
  if (!isObject(workflow)) return;
  visit(workflow.environment, ["environment"]);
  if (isObject(workflow.defaults)) {
    visit(workflow.defaults.environment, ["defaults", "environment"]);
  }
  eachStep(workflow, (step, path) => visit(step.environment, [...path, "environment"], step));
}

/**
 * Calls `visit` for every step of the workflow with its path: each top-level task, each
 * child of a `parallel` (at any depth), and each step inside a composite's step fields.
 */
export function eachStep(
  workflow: unknown,
  visit: (step: RawObject, path: PathSegment[]) => void,
): void {
  const inStep = (step: RawObject, path: PathSegment[]) => {
    visit(step, path);
    for (const field of ONE_STEP_FIELDS) {
      if (isObject(step[field])) inStep(step[field] as RawObject, [...path, field]);
    }
  };
  const walk = (tasks: readonly RawTask[]) => {
    for (const task of tasks) {
      inStep(task.data, task.path);
      walk(parallelChildren(task));
    }
  };
  walk(topLevelTasks(workflow));
}
