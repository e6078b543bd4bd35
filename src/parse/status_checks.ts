/**
 * Conditions that compare a status and so can never hold:
 * - a status word no task or run has (`${tasks.test.status} == 'succeeded'`, GitHub
 *   Actions' `'failure'`): the comparison is always false (or `!=` always true). The seed's
 *   `'completed'` means `'success'` and is read so (model/status_words.ts, expr/compile.ts).
 * - a task's `condition` requiring a task it depends on (directly or further up) to have
 *   failed, timed out or been cancelled, or not to have succeeded where nothing else lets
 *   it run (`!= 'success'`: no condition, continue_on_error or callback; verifier N9): such a dependency skips the task first
 *   (`upstream`, engine/outcomes.ts blocks) unless it has `continue_on_error: true` (never
 *   for `cancelled`), so the condition is never read when it would hold. What GitHub
 *   Actions writes `needs: test` + `if: failure()` is an `on_failure` callback here.
 *   The same facts hold of any comparison of such a dependency's status or exit code
 *   with a literal (`${tasks.test.exit_code} != 0`, `> 0`, `!(… == 0)`): when the
 *   condition is read, a dependency without continue_on_error has succeeded, and so
 *   exited 0 (every task type's success does: tasks/*.ts, engine/composite.ts), or,
 *   when it has a condition or is a callback, may have been skipped (no exit code).
 * @module
 */
import {
  type Comparison,
  comparisons,
  isLiteralComparison,
  type LiteralComparison,
  literalComparisons,
  type Value,
} from "../expr/mod.ts";
import type { Problem } from "../model/errors.ts";
import {
  RUN_STATUSES,
  STATUS_NEAR_MISSES,
  STATUS_SYNONYMS,
  statusOwner,
  TASK_STATUSES,
} from "../model/status_words.ts";
import { valueLabel } from "./describe.ts";
import { idRefs, isObject, type RawObject, type RawTask, topLevelTasks } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";
import { didYouMean, listWords } from "./suggest.ts";
import { closedWordTrouble, stepsById } from "./closed_words.ts";

/** The statuses a failed dependency has: each skips its dependents (`upstream`). */
const BLOCKING = new Set(["failed", "timed_out", "cancelled"]);

/** Every status problem of the conditions of `data` (tasks' and alerts'). */
export function statusProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  const tasks = topLevelTasks(data);
  const problems: Problem[] = [];
  const lineage = new Lineage(data, tasks);
  const steps = stepsById(data);
  for (const task of tasks) {
    const text = task.data.condition;
    if (typeof text !== "string") continue;
    const path = [...task.path, "condition"];
    for (const cmp of comparisons(text)) {
      const word = isLiteralComparison(cmp)
        ? wordProblem(cmp, "task") ?? closedWordTrouble(cmp, steps)
        : undefined;
      const problem = word ??
        (task.id === undefined ? undefined : lineage.neverProblem(task.id, cmp));
      if (problem) problems.push(at(data, map, file, path, text, cmp, problem));
    }
  }
  if (isObject(data) && Array.isArray(data.alerts)) {
    data.alerts.forEach((alert, i) => {
      if (!isObject(alert) || typeof alert.condition !== "string") return;
      const path = ["alerts", i, "condition"];
      for (const cmp of literalComparisons(alert.condition)) {
        const problem = wordProblem(cmp, "run");
        if (problem) problems.push(at(data, map, file, path, alert.condition, cmp, problem));
      }
    });
  }
  return problems;
}

interface Trouble {
  message: string;
  hint: string;
}

function at(
  data: unknown,
  map: SourceMap,
  file: string,
  path: PathSegment[],
  text: string,
  cmp: Comparison,
  trouble: Trouble,
): Problem {
  const written = text.slice(cmp.ref.offset, cmp.ref.offset + cmp.ref.length);
  return {
    file,
    ...map.inString(path, cmp.ref.offset),
    message: `${valueLabel(data, path)}: ${written} ${trouble.message}`,
    hint: trouble.hint,
  };
}

/** A comparison of a status with a word that is none of its statuses. */
function wordProblem(cmp: LiteralComparison, reader: "task" | "run"): Trouble | undefined {
  const owner = statusOwner(cmp.ref.root, cmp.ref.path);
  // In a task's condition `execution.status` is another problem (an unknown name).
  if (owner === undefined || (reader === "task" && owner === "run")) return undefined;
  const words: readonly string[] = owner === "task" ? TASK_STATUSES : RUN_STATUSES;
  const word = cmp.literal;
  if (words.includes(word) || Object.hasOwn(STATUS_SYNONYMS, word)) return undefined;
  const meant = STATUS_NEAR_MISSES[word.toLowerCase()] ?? STATUS_NEAR_MISSES[word];
  const whose = owner === "task" ? "a task" : "a run";
  return {
    message: `is never ${JSON.stringify(word)}: the comparison is always ${cmp.op === "!="}; ` +
      `${whose}'s status is ${listWords(words)}`,
    hint: meant !== undefined && words.includes(meant)
      ? `did you mean "${meant}"?`
      : didYouMean(word, words) ?? `compare with one of ${listWords(words)}`,
  };
}

/** Who depends on whom (`depends_on`, transitively), and who may fail without blocking. */
class Lineage {
  readonly #deps = new Map<string, string[]>();
  readonly #continues = new Set<string>();
  readonly #callbacks = new Set<string>();
  /** Tasks that may be skipped by their own condition, which lets their dependents run. */
  readonly #skippable = new Set<string>();

  constructor(data: unknown, tasks: readonly RawTask[]) {
    const defaults = isObject(data) && isObject(data.defaults) ? data.defaults : undefined;
    const everyContinues = defaults?.continue_on_error === true;
    for (const task of tasks) {
      for (const field of ["on_success", "on_failure"]) {
        for (const ref of idRefs(task, field)) this.#callbacks.add(ref.id);
      }
      if (task.id === undefined || this.#deps.has(task.id)) continue;
      this.#deps.set(task.id, idRefs(task, "depends_on").map((ref) => ref.id));
      if (everyContinues || mayContinue(task.data)) this.#continues.add(task.id);
      if (["condition", "then", "else"].some((key) => Object.hasOwn(task.data, key))) {
        this.#skippable.add(task.id);
      }
    }
  }

  /**
   * Why task `id`'s condition cannot hold through `cmp`: it needs a status or exit code
   * of a task `id` depends on that the task cannot have when the condition is read (one
   * that skips `id` first).
   */
  neverProblem(id: string, cmp: Comparison): Trouble | undefined {
    if (!cmp.required && !cmp.refuted) return undefined;
    const { root, path } = cmp.ref;
    const field = statusOwner(root, path) === "task"
      ? "status"
      : root === "tasks" && path.length === 2 && path[1] === "exit_code"
      ? "exit_code"
      : undefined;
    const target = path[0];
    // A callback may depend only on callbacks of its own list (graph_checks.ts), and one
    // that failed skips it (upstream) as a failed dependency skips a main task.
    if (field === undefined || !this.#upstream(id).has(target)) return undefined;
    const values = this.#whenRead(id, target, field);
    // Never as the condition needs: each value it can read gives the other answer.
    if (!values || !values.every((value) => cmp.holds(value) === cmp.refuted)) {
      return undefined;
    }
    if (field === "status" && isLiteralComparison(cmp) && cmp.required) {
      const word = Object.hasOwn(STATUS_SYNONYMS, cmp.literal)
        ? STATUS_SYNONYMS[cmp.literal]
        : cmp.literal;
      if (cmp.op === "==" && BLOCKING.has(word)) return blockingTrouble(id, target, word);
      if (cmp.op === "!=" && word === "success") return onlySuccessTrouble(id, target, cmp);
    }
    const written = cmp.quoted ? JSON.stringify(cmp.literal) : cmp.literal;
    const what = field === "status"
      ? `status is ${listWords(values.map((v) => JSON.stringify(v)))}`
      : values.length === 1
      ? "exit code is 0"
      : "exit code is 0 (or empty, when it is skipped)";
    // Whether it would hold as needed if `target` had failed (with exit code 1).
    const onFailure = cmp.holds(field === "status" ? "failed" : 1) === cmp.required;
    return {
      message: `${cmp.op} ${written} ` +
        (cmp.required ? "never holds" : "always holds, and the condition needs it not to") +
        `: task "${id}" depends on "${target}", whose ${what} whenever "${id}"'s condition ` +
        `is read (when "${target}" fails, "${id}" is skipped (upstream) first)`,
      hint: onFailure
        ? failureHint(id, target)
        : `compare with a ${field === "status" ? "status" : "exit code"} "${target}" can ` +
          `have when "${id}" starts, or drop the comparison`,
    };
  }

  /**
   * What `field` of task `target` (a dependency of `id`) can read when `id`'s condition
   * is: undefined when anything. Without `continue_on_error` (a failure skips `id`:
   * engine/outcomes.ts blocks) it succeeded, exit code 0, or was skipped, no exit code,
   * when it has a `condition` or `then`/`else`, or is a callback (one never called is
   * skipped as `not_called`, which lets `id` run too). A cancelled one always skips `id`.
   */
  #whenRead(id: string, target: string, field: "status" | "exit_code"): Value[] | undefined {
    const continues = this.#continues.has(target);
    if (continues && field === "exit_code") return undefined;
    const skips = this.#skippable.has(target) || this.#callbacks.has(target) ||
      this.#callbacks.has(id);
    if (field === "exit_code") return skips ? [0, undefined] : [0];
    const statuses: Value[] = ["success"];
    if (continues) statuses.push("failed", "timed_out");
    if (skips || continues) statuses.push("skipped");
    return statuses;
  }
  /** Every task `id` depends on, directly or further up. */
  #upstream(id: string): Set<string> {
    const seen = new Set<string>();
    const stack = [...(this.#deps.get(id) ?? [])];
    while (stack.length > 0) {
      const dep = stack.pop()!;
      if (seen.has(dep)) continue;
      seen.add(dep);
      for (const up of this.#deps.get(dep) ?? []) stack.push(up);
    }
    return seen;
  }
}

/** `== 'failed'` (or timed out, cancelled) of a dependency that then skips `id` first. */
function blockingTrouble(id: string, target: string, status: string): Trouble {
  const ended = status === "timed_out" ? "timed out" : status;
  return {
    message: `== ${JSON.stringify(status)} never holds: task "${id}" depends on "${target}", ` +
      `and when "${target}" ${ended} "${id}" is skipped (upstream) before its condition is read`,
    hint: status === "cancelled"
      ? `a cancelled task stops the run's other tasks too; to clean up, name "${id}" in ` +
        `"${target}"'s on_failure`
      : failureHint(id, target),
  };
}

/**
 * `!= 'success'` on a task `id` depends on that can end no other way and let `id` run:
 * no `continue_on_error`, no `condition` nor `then`/`else`, not a callback.
 */
function onlySuccessTrouble(id: string, target: string, cmp: LiteralComparison): Trouble {
  return {
    message: `!= ${JSON.stringify(cmp.literal)} never holds: task "${id}" depends on ` +
      `"${target}", which starts "${id}" only by succeeding (it has no condition to be ` +
      `skipped by, nor continue_on_error), so the condition is false whenever it is read`,
    hint: failureHint(id, target),
  };
}

function failureHint(id: string, target: string): string {
  return `to run "${id}" when "${target}" fails (GitHub Actions' if: failure()), name it in ` +
    `"${target}"'s on_failure instead of depending on it, or set continue_on_error: true on "${target}"`;
}

/** Whether a task's failure may leave its dependents running (`continue_on_error`). */
function mayContinue(task: RawObject): boolean {
  if (task.continue_on_error === true) return true;
  // A conditional's comes from the branch taken.
  for (const branch of ["then", "else"]) {
    const step = task[branch];
    if (isObject(step) && step.continue_on_error === true) return true;
  }
  return false;
}
