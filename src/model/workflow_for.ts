/**
 * The workflow schema of the parts one file uses, for `weft validate` and `weft run` of a
 * clean JSON file (parse/clean_json.ts): the model's full `workflowSchema` (workflow.ts) is
 * ~700 zod schemas, ~15 ms of start-up to build, where a workflow of shell tasks needs
 * about a fifth of them. Built of the same parts (once.ts), so what it accepts it parses
 * as the full schema does; where it refuses, the full path (parse/mod.ts) decides and
 * words the problems.
 * @module
 */
import * as z from "zod";
import { TASK_TYPES, type TaskType, taskUnionOf } from "./task.ts";
import { triggerSchema } from "./triggers.ts";
import * as parts from "./workflow_parts.ts";

/** The reduced schemas made so far, by the parts they hold (one per file shape). */
const made = new Map<string, z.ZodType>();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A schema that parses the workflow `data` (a file's data) as `workflowSchema` does
 * whenever it accepts it: the same top level, whose sections `data` has not (`trigger`,
 * `params`, `notifications`, ...) are `z.never()` (an absent optional key parses the
 * same), and a task union of the types `data`'s tasks name (a task without `type` is a
 * shell task), in the full union's order. Undefined where `data` is no object with a
 * non-empty `tasks` list of objects of known types: the full schema refuses those.
 */
export function workflowSchemaFor(data: unknown): z.ZodType | undefined {
  if (!isRecord(data) || !Array.isArray(data.tasks) || data.tasks.length === 0) return undefined;
  const types = new Set<TaskType>();
  for (const task of data.tasks) {
    if (!isRecord(task)) return undefined;
    const type = task.type === undefined ? "shell" : task.type;
    if (!(TASK_TYPES as readonly unknown[]).includes(type)) return undefined;
    types.add(type as TaskType);
  }
  const has = (key: string) => Object.hasOwn(data, key);
  const sections = {
    trigger: has("trigger") || has("triggers"),
    param: has("params"),
    defaults: has("defaults"),
    retention: has("retention"),
    notifications: has("notifications"),
    alert: has("alerts"),
  };
  const key = JSON.stringify([[...types].sort(), sections]);
  let schema = made.get(key);
  if (schema === undefined) {
    const never = z.never();
    schema = parts.workflowObject({
      task: taskUnionOf(types),
      trigger: sections.trigger ? triggerSchema() : never,
      param: sections.param ? parts.paramSchema() : never,
      defaults: sections.defaults ? parts.taskDefaultsSchema() : never,
      retention: sections.retention ? parts.retentionSchema() : never,
      notifications: sections.notifications ? parts.notificationsSchema() : never,
      alert: sections.alert ? parts.alertSchema() : never,
    } as unknown as parts.WorkflowSections);
    made.set(key, schema);
  }
  return schema;
}
