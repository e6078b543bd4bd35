/**
 * The words of a task id the schema refuses (model/fields.ts `taskId`): as a task's `id`
 * or as a reference in `depends_on`, `on_success` or `on_failure`. The hint never
 * proposes an id that breaks the rules itself (issue 8 §4): a reference is pointed at the
 * workflow's valid ids, an `id` is given a valid spelling of itself.
 * @module
 */
import { isTaskId, MAX_TASK_ID_LENGTH, TASK_ID_PATTERN } from "../model/task_id.ts";
import type { Draft, Issue } from "./issue_messages.ts";
import { parallelChildren, topLevelTask, topLevelTasks } from "./raw.ts";
import { type Place, refTargets } from "./ref_targets.ts";
import type { PathSegment } from "./source_map.ts";
import { didYouMeanTaskId, idList, validTaskIds } from "./suggest.ts";

/** Fields that take a task id or a list of them. */
export const ID_LIST_FIELDS: ReadonlySet<string> = new Set([
  "depends_on",
  "on_success",
  "on_failure",
]);

/** The id rules in a few words, for hints. */
const RULES = "a letter or '_' first, then letters, digits, '_' or '-', " +
  `at most ${MAX_TASK_ID_LENGTH} characters`;

/** Text values longer than this are shown cut, in messages. */
const SHOWN_MAX = 60;

/**
 * The problem for `issue` when it refuses a task id at `path` (`value`, labelled
 * `label`), or undefined for any other issue. `data`: the whole workflow, whose valid
 * ids a hint may propose.
 */
export function taskIdDraft(
  issue: Issue,
  path: PathSegment[],
  value: unknown,
  label: string,
  data: unknown,
): Draft | undefined {
  if (typeof value !== "string" || !isTaskIdIssue(issue)) return undefined;
  const field = String(path.findLast((p) => typeof p === "string"));
  const pattern = issue.code === "invalid_format";
  const ids = workflowIds(data);
  if (ID_LIST_FIELDS.has(field)) {
    // depends_on and the callbacks name top-level tasks only, and of those the ones the
    // graph checks accept from this task's field: not itself, say (ref_targets.ts).
    const owner = path[0] === "tasks" && typeof path[1] === "number"
      ? topLevelTask(data, path[1])
      : undefined;
    const targets = refTargets(data, () => topLevelTasks(data));
    return {
      path,
      at: "value",
      message: pattern
        ? `${label}: ${shown(value)} is not a valid task id: ${issue.message}`
        : `${label}: ${issue.message}`,
      // Its own id, which it may not name here whatever its spelling: no rename helps.
      hint: owner?.id === value
        ? `remove it from ${field}`
        : invalidReferenceHint(value, targets.ids, ids, owner && targets.at(owner, field)),
    };
  }
  if (field !== "id" || !pattern) return undefined; // too long: the model's own hint
  return {
    path,
    at: "value",
    message: `${label}: ${issue.message}`,
    hint: renameHint(value, ids),
  };
}

/** Whether `issue` is the task id rule's: its pattern, or its length (model/fields.ts). */
function isTaskIdIssue(issue: Issue): boolean {
  if (issue.code === "invalid_format") {
    return (issue as { pattern?: unknown }).pattern === String(TASK_ID_PATTERN);
  }
  return issue.code === "custom" && issue.message.startsWith("task ids are at most");
}

/**
 * What a reference to the invalid id `value` may name instead. `named`: the ids such a
 * reference may name (a close valid one is proposed, else all valid ones), of which only
 * those `place` accepts when given (ref_targets.ts); `taken`: every task id of the
 * workflow, which a proposed new spelling must not be.
 */
export function invalidReferenceHint(
  value: string,
  named: readonly string[] | ReadonlySet<string>,
  taken: ReadonlySet<string>,
  place?: Place,
): string {
  if (taken.has(value)) {
    // The task named has this id too: both change, to the same valid spelling.
    const fixed = validSpelling(value, taken);
    return `the task with this id must be renamed too: rename both${
      fixed === undefined ? ` (${RULES})` : `, e.g. to "${fixed}"`
    }`;
  }
  // `named` itself, not a copy: the index of its valid ids is kept for the next typo.
  const near = didYouMeanTaskId(value, named, place?.accepts);
  if (near !== undefined) return near;
  const ids = place?.list() ?? validTaskIds(named);
  if (ids.length > 0) return `name one of: ${idList(ids)}`;
  return `give the task it means an id of ${RULES} (e.g. build_app), and name that here`;
}

/** How to rename the task whose id is the invalid `value` (`taken`: every task id). */
function renameHint(value: string, taken: ReadonlySet<string>): string {
  const fixed = validSpelling(value, taken);
  return fixed === undefined
    ? `rename it: ${RULES} (e.g. build_app)`
    : `rename it, e.g. "${fixed}"`;
}

/**
 * `name` in the shape of a task id or param name (TASK_ID_PATTERN): each other character
 * as `_`, and a `_` before a leading digit or `-`; empty stays empty.
 */
export function validShape(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, "_").replace(/^(?=[0-9-])/, "_");
}

/**
 * The invalid id `value` made valid (other characters as `_`, a `_` before a leading
 * digit or `-`, cut to the longest id), unless no task may take it: empty, or in `taken`.
 */
function validSpelling(value: string, taken: ReadonlySet<string>): string | undefined {
  const fixed = validShape(value).slice(0, MAX_TASK_ID_LENGTH);
  return isTaskId(fixed) && !taken.has(fixed) ? fixed : undefined;
}

/** {@link workflowIds} per workflow: a file with many bad ids has them worked out once. */
const idsOf = new WeakMap<object, Set<string>>();

/** Every task id of the workflow (parallel children's too: ids are unique among all). */
function workflowIds(data: unknown): Set<string> {
  const known = typeof data === "object" && data !== null ? idsOf.get(data) : undefined;
  if (known) return known;
  const all = new Set<string>();
  for (const task of topLevelTasks(data)) {
    for (const one of [task, ...parallelChildren(task)]) if (one.id !== undefined) all.add(one.id);
  }
  if (typeof data === "object" && data !== null) idsOf.set(data, all);
  return all;
}

/** `value` quoted, cut to {@link SHOWN_MAX} characters. */
function shown(value: string): string {
  return JSON.stringify(value.length > SHOWN_MAX ? `${value.slice(0, SHOWN_MAX)}…` : value);
}
