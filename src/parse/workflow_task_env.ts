/**
 * `environment` on a `workflow` task (a sub-workflow call) would reach no process: the
 * task runs none itself, and the called workflow's tasks start from the caller's
 * environment (`--env`, the process environment) with their own file's blocks over it
 * (README, Task types: `workflow`). Rather than drop the block without a word, `weft
 * validate` refuses it at the key, saying values go to a called workflow through `params`.
 * @module
 */
import type { Problem } from "../model/errors.ts";
import { isObject, parallelChildren, type RawObject, topLevelTasks } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";

/** The step fields of composites, each holding one task (a loop's, a conditional's branches). */
const STEP_FIELDS = ["then", "else", "task"];

/**
 * Every `environment` key of a `workflow` task, top-level, in a `parallel` or as a
 * loop's or conditional's step, as a problem at the key with a hint.
 */
export function workflowTaskEnvProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  if (!isObject(data)) return [];
  const problems: Problem[] = [];
  const checkStep = (step: RawObject, path: PathSegment[]) => {
    if (step.type === "workflow" && "environment" in step) {
      problems.push({
        file,
        ...map.key([...path, "environment"]),
        message: "a `workflow` task runs no process of its own: its `environment` would reach " +
          "none of the called workflow's tasks",
        hint: "pass values to the called workflow as `params` (declared in its `params:`), " +
          "or set `environment` in the called file",
      });
    }
    for (const field of STEP_FIELDS) {
      if (isObject(step[field])) checkStep(step[field] as RawObject, [...path, field]);
    }
  };
  const walk = (tasks: ReturnType<typeof topLevelTasks>) => {
    for (const task of tasks) {
      checkStep(task.data, task.path);
      walk([...parallelChildren(task)]);
    }
  };
  walk(topLevelTasks(data));
  return problems;
}
