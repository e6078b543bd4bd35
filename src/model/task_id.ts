/**
 * The task id rule, without the schema library, so modules loaded at start-up (the
 * CLI's did-you-mean hints, see parse/suggest.ts) can check an id cheaply.
 * @module
 */

/**
 * The longest task id, in characters. Ids name history records, log files and
 * environment values; 128 keeps every such name far below the limits of the store
 * (2 KiB keys) and of file systems (255-byte names), whatever is added around it.
 */
export const MAX_TASK_ID_LENGTH = 128;

/** The characters a task id may hold: letters, digits, `_` and `-`, a letter or `_` first. */
export const TASK_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * A param's name: a task id's shape, without its length limit (model/workflow_parts.ts
 * `params`, `-p NAME=value`).
 */
export const PARAM_NAME_PATTERN = TASK_ID_PATTERN;

/** The rule of {@link TASK_ID_PATTERN} in words, for messages. */
export const TASK_ID_RULE =
  "task ids use letters, digits, '_' and '-', and start with a letter or '_'";

/** Whether `id` is a valid task id ({@link TASK_ID_PATTERN}, at most {@link MAX_TASK_ID_LENGTH}). */
export function isTaskId(id: string): boolean {
  return id.length <= MAX_TASK_ID_LENGTH && TASK_ID_PATTERN.test(id);
}

/**
 * The ids of a text that lists several in one string (`a, b` or `a b`, as many CI files
 * write `needs:`), or undefined when it is not such a list: for the hint "write a list".
 */
export function joinedTaskIds(text: string): string[] | undefined {
  const parts = text.split(/[\s,]+/).filter((p) => p !== "");
  return parts.length > 1 && parts.every(isTaskId) ? parts : undefined;
}
