/**
 * The layer rule (env_layers.ts) for a composite's own expressions: a `conditional`'s,
 * `loop`'s or `parallel`'s `condition` and a loop's `items` are worked out with the
 * workflow's `environment` and `defaults.environment` (README: "with
 * `defaults.environment` as their steps get it"), before any step's own `environment`
 * is applied. So `${env.NAME}` there, where only a step of that task sets NAME, reads
 * weft's own environment (mostly nothing) while the step sees the name set: refused at
 * the reference, as a workflow value reading a name only a task sets is. A plain task
 * is one step, and its condition sees its own `environment`.
 * @module
 */
import type { Problem } from "../model/errors.ts";
import { valueLabel } from "./describe.ts";
import { conditionEnvReads, envReads } from "./env_layers.ts";
import { isObject, parallelChildren, type RawObject, topLevelTasks } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";

const COMPOSITES = new Set(["conditional", "loop", "parallel"]);

/** Every `${env.NAME}` in a composite's condition or items that only its steps set. */
export function compositeEnvProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  if (!isObject(data)) return [];
  const below = (name: string) =>
    [data.environment, isObject(data.defaults) ? data.defaults.environment : undefined]
      .some((block) => isObject(block) && Object.hasOwn(block, name));
  const problems: Problem[] = [];
  for (const task of topLevelTasks(data)) {
    if (typeof task.data.type !== "string" || !COMPOSITES.has(task.data.type)) continue;
    const steps = stepBlocks(task.data, parallelChildren(task).map((c) => c.data));
    if (steps.size === 0) continue;
    const reads: { path: PathSegment[]; name: string; offset: number; text: string }[] = [];
    for (const ref of conditionEnvReads(task.data.condition)) {
      reads.push({ path: [...task.path, "condition"], ...ref });
    }
    for (const [path, value] of itemStrings(task.data.items, [...task.path, "items"])) {
      for (const ref of envReads(value)) reads.push({ path, ...ref });
    }
    for (const ref of reads) {
      const step = steps.get(ref.name);
      if (step === undefined || below(ref.name)) continue;
      const field = ref.path[task.path.length] === "condition" ? "condition" : "items";
      problems.push({
        file,
        ...map.inString(ref.path, ref.offset),
        message: `${valueLabel(data, ref.path)}: ${ref.name} is set only in the environment ` +
          `of ${step}, and the task's ${field} ${field === "items" ? "are" : "is"} worked out ` +
          `before its steps' environment, so ${ref.text} here reads weft's own environment`,
        hint: `set ${ref.name} in defaults.environment or the workflow's environment, which ` +
          `the ${field} ${field === "items" ? "read" : "reads"} and the steps get too`,
      });
    }
  }
  return problems;
}

/** The names the steps of a composite set, each with the step's label (first kept). */
function stepBlocks(task: RawObject, children: readonly RawObject[]): Map<string, string> {
  const names = new Map<string, string>();
  const add = (step: unknown, label: string) => {
    if (!isObject(step) || !isObject(step.environment)) return;
    for (const name of Object.keys(step.environment)) if (!names.has(name)) names.set(name, label);
  };
  add(task.then, "its `then`");
  add(task.else, "its `else`");
  add(task.task, "its `task`");
  for (const child of children) {
    add(child, typeof child.id === "string" ? `its child "${child.id}"` : "a child");
  }
  return names;
}

/** Every string of a loop's `items` (a string, or any depth of lists and objects), with its path. */
function itemStrings(items: unknown, path: PathSegment[]): [PathSegment[], string][] {
  const found: [PathSegment[], string][] = [];
  const stack: [PathSegment[], unknown][] = [[path, items]];
  while (stack.length > 0) {
    const [at, value] = stack.pop()!;
    if (typeof value === "string") found.push([at, value]);
    else if (Array.isArray(value)) value.forEach((v, i) => stack.push([[...at, i], v]));
    else if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) stack.push([[...at, k], v]);
    }
  }
  return found;
}
