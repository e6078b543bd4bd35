/**
 * `environment` on a `workflow` task (a sub-workflow call) would reach no process: the
 * task runs none itself, and the called workflow's tasks start from the caller's
 * environment (`--env`, the process environment) with their own file's blocks over it
 * (README, Task types: `workflow`). Rather than drop the block without a word, `weft
 * validate` refuses it at the key, saying values go to a called workflow through `params`.
 * @module
 */
import type { Problem } from "../model/errors.ts";
import { eachStep, isObject } from "./raw.ts";
import type { SourceMap } from "./source_map.ts";

/**
 * Keys the model takes on a task type that validation then refuses there, by key: hints
 * that name the types a key belongs to leave these out (issue_messages.ts unknownKey).
 */
export const REFUSED_TYPES: Readonly<Record<string, readonly string[]>> = {
  environment: ["workflow"],
};

/**
 * Every `environment` key of a `workflow` task, top-level, in a `parallel` or as a
 * loop's or conditional's step, as a problem at the key with a hint.
 */
export function workflowTaskEnvProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  if (!isObject(data)) return [];
  const problems: Problem[] = [];
  eachStep(data, (step, path) => {
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
  });
  return problems;
}
