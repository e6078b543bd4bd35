/**
 * The outputs of task types whose outputs weft sets itself, so that a misspelt
 * `${tasks.fetch.outputs.staus}` is a validation error rather than an empty value. Types
 * whose outputs the task's own code writes (`shell`, `javascript`, `python` through
 * `$WEFT_OUTPUT`, `workflow` from the child's tasks, `data_processor` from its processor)
 * may have any key and are not listed.
 * @module
 */
import { parallelChildren, type RawObject, type RawTask } from "./raw.ts";

/**
 * Output keys by task type, as the runners set them (the README's task reference):
 * http: tasks/http.ts responseOutputs; docker: tasks/docker.ts (`image` after a build
 * with tags, `container` when it runs one); database: tasks/database/runner.ts;
 * loop: engine/loop.ts; parallel: engine/composite.ts runParallel (`winner` with
 * `wait_for: any` or `first`). A conditional has its branch's outputs and `branch`.
 */
export const FIXED_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  http: ["status", "headers", "body"],
  docker: ["image", "container"],
  database: ["migrations_applied", "rows", "row_count"],
  loop: ["total", "count", "succeeded", "failed"],
  parallel: ["succeeded", "failed", "winner"],
};

/** A conditional's own output: which branch ran (engine/composite.ts runConditional). */
const CONDITIONAL_OUTPUTS = ["branch"];

/** The outputs a step can have, or undefined when its own code chooses them. */
export function fixedOutputsOf(step: RawObject): readonly string[] | undefined {
  const type = step.type ?? "shell";
  if (typeof type !== "string") return undefined;
  // Only `any` and `first` let one child decide, and so name a winner.
  if (type === "parallel" && step.wait_for !== "any" && step.wait_for !== "first") {
    return FIXED_OUTPUTS.parallel.filter((key) => key !== "winner");
  }
  if (type !== "conditional") {
    return Object.hasOwn(FIXED_OUTPUTS, type) ? FIXED_OUTPUTS[type] : undefined;
  }
  const keys = new Set(CONDITIONAL_OUTPUTS);
  for (const branch of [step.then, step.else]) {
    if (branch === undefined) continue; // no else: the task is skipped, with no outputs
    if (typeof branch !== "object" || branch === null || Array.isArray(branch)) return undefined;
    const outputs = fixedOutputsOf(branch as RawObject);
    if (outputs === undefined) return undefined;
    for (const key of outputs) keys.add(key);
  }
  return [...keys];
}

/** A task whose outputs weft sets: its type and their keys. */
export interface KnownOutputs {
  type: string;
  keys: readonly string[];
}

/** The fixed outputs of every task with an id (parallel children included), by id. */
export function fixedOutputsById(tasks: readonly RawTask[]): Map<string, KnownOutputs> {
  const out = new Map<string, KnownOutputs>();
  const add = (task: RawTask) => {
    if (task.id === undefined || out.has(task.id)) return;
    const keys = fixedOutputsOf(task.data);
    if (keys) out.set(task.id, { type: String(task.data.type), keys });
  };
  for (const task of tasks) {
    add(task);
    for (const child of parallelChildren(task)) add(child);
  }
  return out;
}

/** A type's name with its article, for messages: `an http task`, `a loop task`. */
export function typeLabel(type: string): string {
  return `${/^[aeiou]/.test(type) || type === "http" ? "an" : "a"} ${type} task`;
}
