/**
 * The names weft sets in each task's environment itself (model/weft_vars.ts:
 * `WEFT_RUN_ID`, `WEFT_TASK_ID`, …) go over any value of the same name, so an
 * `environment` block of the workflow that sets one would be dropped without a word
 * (engine/attempt_context.ts): refused here, at the name. Weft's own process environment
 * may hold them (a task that runs `weft run` inherits them): only the file is checked.
 * @module
 */
import type { Problem } from "../model/errors.ts";
import { WEFT_VARIABLES } from "../model/weft_vars.ts";
import { eachEnvironment, isObject, type RawObject } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";

/**
 * Names some task types set over the environment too: a data_processor's inputs and
 * output file (tasks/data_processor.ts); a script's params (tasks/script_launch.ts
 * scriptEnv), for python and javascript steps and processors.
 */
const DATA_PROCESSOR_NAMES = [
  "WEFT_INPUT_FILES",
  "WEFT_INPUT_LIST",
  "WEFT_INPUT_LIST_ONLY",
  "WEFT_OUTPUT_FILE",
];
const SCRIPT_NAMES = ["WEFT_PARAMS", "WEFT_PARAMS_FILE"];

/** The names weft sets for `step` beyond {@link WEFT_VARIABLES}, and whose they are. */
function typeNames(step: RawObject): { names: string[]; whose: string } {
  const names: string[] = [];
  // A processor has no environment of its own: the data_processor's reaches it.
  const script = isObject(step.processor) ? step.processor.type : step.type;
  if (step.type === "data_processor") names.push(...DATA_PROCESSOR_NAMES);
  if (script === "python" || script === "javascript") names.push(...SCRIPT_NAMES);
  return { names, whose: `a ${String(step.type)} task` };
}

/**
 * Every name of an `environment` block (the workflow's, `defaults.environment`, each
 * task's and each of its steps', parallel children included) that weft sets itself, at
 * the name, saying what the task would see instead and what to do.
 */
export function weftEnvNameProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  if (!isObject(data)) return [];
  const problems: Problem[] = [];
  const check = (block: unknown, path: PathSegment[], typed?: ReturnType<typeof typeNames>) => {
    if (!isObject(block)) return;
    for (const name of Object.keys(block)) {
      const own = typed?.names.includes(name) === true;
      if (!WEFT_VARIABLES.has(name) && !own) continue;
      problems.push({
        file,
        ...map.key([...path, name]),
        message: `${name} is set by weft itself in ${
          own
            ? `${typed!.whose}'s`
            : name.startsWith("WEFT_ITEM")
            ? "a loop iteration's"
            : "each task's"
        } environment, over any value given here: this one would never reach the task`,
        hint: own
          ? `choose another name; the task reads weft's value as $${name}`
          : `choose another name; to read weft's value, use \${env.${name}} or $${name}`,
      });
    }
  };
  eachEnvironment(data, (block, path, step) => check(block, path, step && typeNames(step)));
  return problems;
}
