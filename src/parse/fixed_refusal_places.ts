/**
 * The refusals the run always makes for values the file fixes (model/fixed_refusal.ts),
 * placed at their line and column: the step is found by its task id, and the field in it
 * by its text (a field the step takes from `defaults`, in `defaults`).
 * @module
 */
import type { Problem } from "../model/errors.ts";
import type { FixedRefusal } from "../model/fixed_refusal.ts";
import { valueLabel } from "./describe.ts";
import { isObject } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";

/** `refusals` of the workflow read as `data` (positions in `map`) as problems of `file`. */
export function placeRefusals(
  refusals: readonly FixedRefusal[],
  data: unknown,
  map: SourceMap,
  file: string,
): Problem[] {
  return refusals.map((refusal) => {
    const step = stepPath(data, refusal.taskId, refusal.step);
    const field = refusal.text === undefined ? undefined : (
      step && textPath(valueAt(data, step), refusal.text, step)
    ) ?? textPath(isObject(data) ? data.defaults : undefined, refusal.text, ["defaults"]);
    if (!field) {
      const at = step ?? [];
      return {
        file,
        ...map.value(at),
        message: `${valueLabel(data, at)}: ${refusal.message}`,
        hint: refusal.hint,
      };
    }
    const offset = refusal.offset ?? Math.max(0, refusal.text!.indexOf("${"));
    return {
      file,
      ...map.inString(field, offset),
      message: `${valueLabel(data, field)}: ${refusal.message}`,
      hint: refusal.hint,
    };
  });
}

/** The path of task `id` (a parallel child's too), with its composite step key. */
function stepPath(data: unknown, id: string, step?: string): PathSegment[] | undefined {
  const tasks = isObject(data) && Array.isArray(data.tasks) ? data.tasks : [];
  for (const [i, task] of tasks.entries()) {
    if (!isObject(task)) continue;
    if (task.id === id) return step ? ["tasks", i, step] : ["tasks", i];
    const children = Array.isArray(task.tasks) ? task.tasks : [];
    const j = children.findIndex((child) => isObject(child) && child.id === id);
    if (j >= 0) return ["tasks", i, "tasks", j];
  }
  return undefined;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let at = data;
  for (const key of path) at = (at as Record<string | number, unknown> | undefined)?.[key];
  return at;
}

/** The path of the first string equal to `text` in `value` (at `path`), depth first. */
function textPath(value: unknown, text: string, path: PathSegment[]): PathSegment[] | undefined {
  if (value === text) return path;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = textPath(v, text, [...path, i]);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      const found = textPath(v, text, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
