/**
 * Which tasks' stdout a run may read as `${tasks.ID.stdout}`. Only those tasks keep their
 * stdout in memory (tail.ts: whole, up to 1 MiB each); every other task's output goes to
 * its log and the display only, so a workflow of many chatty tasks holds no megabyte per
 * task for a value nobody reads.
 *
 * Found once per workflow from its text, without parsing expressions: every string (a
 * `${...}` template, or a condition, which reads expressions without `${`) is searched
 * for `tasks.ID.stdout` and `tasks["ID"].stdout` (or `["stdout"]`), the forms
 * expr/scanner.ts reads. A `stdout` a string holds in any other form (an escaped quote in
 * the id, `/dev/stdout` in a command) makes every task keep its stdout: a guess costs
 * memory, never a value.
 * @module
 */
import type { Workflow } from "../model/workflow.ts";

/** The ids read, or "all" when some `stdout` could not be attributed. */
type Readers = ReadonlySet<string> | "all";

const cache = new WeakMap<Workflow, Readers>();

/** `tasks.ID.stdout`, `tasks["ID"].stdout`, `tasks.ID["stdout"]`, ... (ID in group 1 or 3). */
const READ =
  /\btasks\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*(["'])((?:(?!\2)[^\\])*)\2\s*\])\s*(?:\.\s*stdout|\[\s*(["'])stdout\4\s*\])(?![\w-])/g;
const WORD = /(?<![\w-])stdout(?![\w-])/g;

/** Whether `${tasks.<taskId>.stdout}` may be read in a run of `workflow`. */
export function readsStdout(workflow: Workflow, taskId: string): boolean {
  if (typeof workflow !== "object" || workflow === null) return true; // nothing to go by
  let readers = cache.get(workflow);
  if (readers === undefined) cache.set(workflow, readers = stdoutReaders(workflow));
  return readers === "all" || readers.has(taskId);
}

/** The ids whose stdout the strings of `workflow` may read (see the module). */
export function stdoutReaders(workflow: unknown): Readers {
  const ids = new Set<string>();
  const pending: unknown[] = [workflow];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "string") {
      if (!value.includes("stdout")) continue;
      let found = 0;
      for (const match of value.matchAll(READ)) {
        ids.add(match[1] ?? match[3]);
        found++;
      }
      if ((value.match(WORD)?.length ?? 0) > found) return "all";
    } else if (value !== null && typeof value === "object") {
      // One by one: a 50,000-task list is past what push(...items) can pass.
      for (const item of Array.isArray(value) ? value : Object.values(value)) pending.push(item);
    }
  }
  return ids;
}
