/**
 * The variables weft sets in each task's environment itself (engine/attempt_context.ts),
 * over any of the same name from its own process, the workflow or the task. `${env.NAME}`
 * reads them as the task sees them, in its `environment` values as in its command.
 * @module
 */

/** Known for the whole run: the workflow's `environment` reads them too. */
export const RUN_VARIABLES: readonly string[] = ["WEFT_RUN_ID", "WEFT_WORKFLOW"];

/**
 * Set per task or attempt (`WEFT_ITEM`, `WEFT_ITEM_INDEX`: in a loop's iterations): the
 * workflow's `environment`, resolved once before any task, cannot read them
 * (parse/env_layers.ts says so).
 */
export const TASK_VARIABLES: readonly string[] = [
  "WEFT_TASK_ID",
  "WEFT_ATTEMPT",
  "WEFT_OUTPUT",
  "WEFT_ITEM",
  "WEFT_ITEM_INDEX",
];

/** Every variable weft sets in a task's environment ({@link RUN_VARIABLES} and {@link TASK_VARIABLES}). */
export const WEFT_VARIABLES: ReadonlySet<string> = new Set([...RUN_VARIABLES, ...TASK_VARIABLES]);
