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

/** The top-level tasks. */
export function topLevelTasks(workflow: unknown): RawTask[] {
  if (!isObject(workflow) || !Array.isArray(workflow.tasks)) return [];
  return workflow.tasks.flatMap((t, i) => asTask(t, ["tasks", i]) ?? []);
}

/** The children of a `parallel` task (empty for other tasks). */
export function parallelChildren(task: RawTask): RawTask[] {
  if (task.data.type !== "parallel" || !Array.isArray(task.data.tasks)) return [];
  return task.data.tasks.flatMap((t, i) => asTask(t, [...task.path, "tasks", i], task.id) ?? []);
}

/** One task id named in `depends_on`, `on_success` or `on_failure`. */
export interface IdRef {
  id: string;
  path: PathSegment[];
}

/** The ids a task names in `field` (a string or a list of strings). */
export function idRefs(task: RawTask, field: string): IdRef[] {
  const value = task.data[field];
  const path = [...task.path, field];
  if (typeof value === "string") return [{ id: value, path }];
  if (!Array.isArray(value)) return [];
  return value.flatMap((v, i) => (typeof v === "string" ? [{ id: v, path: [...path, i] }] : []));
}
