/**
 * Comparisons with a word a value never has, beyond statuses (status_checks.ts): the
 * values weft itself sets from a closed set, so that a typo (`branch == 'if'`,
 * `trigger.type == 'cron'`) is a validation error rather than a task always skipped.
 * - `${tasks.C.outputs.branch}` of a conditional: `then` or `else` (engine/composite.ts);
 * - `${tasks.P.outputs.winner}` of a parallel with `wait_for: any|first`: a child's id;
 * - `${trigger.type}`: engine/events.ts RunTriggerType (the README's `trigger.type` row);
 * - `${tasks.ID.exit_code}`: a number, so text that spells none never equals it.
 * An empty `''` is always allowed: a value that is not there reads as empty.
 * @module
 */
import { asNumber, type LiteralComparison } from "../expr/mod.ts";
import { parallelChildren, type RawObject, topLevelTasks } from "./raw.ts";
import { didYouMean, listWords } from "./suggest.ts";

/** What started a run, as `${trigger.type}` reads (engine/events.ts RunTriggerType). */
const RUN_TRIGGER_TYPES = [
  "manual",
  "schedule",
  "catch-up",
  "backfill",
  "webhook",
  "file",
  "resume",
] as const;

/** Words meant for another: a trigger's config type, another tool's names. */
const NEAR_MISSES: Readonly<Record<string, string>> = {
  file_change: "file",
  cron: "schedule",
  scheduled: "schedule",
  catchup: "catch-up",
  catch_up: "catch-up",
  workflow_dispatch: "manual",
};

/** The words a reference can hold, and what to call it, when weft decides them. */
interface ClosedSet {
  words: readonly string[];
  what: string;
}

/** The steps of `data` by id: top-level tasks and parallel children. */
export function stepsById(data: unknown): Map<string, RawObject> {
  const byId = new Map<string, RawObject>();
  for (const task of topLevelTasks(data)) {
    if (task.id !== undefined && !byId.has(task.id)) byId.set(task.id, task.data);
    for (const child of parallelChildren(task)) {
      if (child.id !== undefined && !byId.has(child.id)) byId.set(child.id, child.data);
    }
  }
  return byId;
}

function closedSet(cmp: LiteralComparison, steps: Map<string, RawObject>): ClosedSet | undefined {
  const { root, path } = cmp.ref;
  if (root === "trigger" && path.length === 1 && path[0] === "type") {
    return { words: RUN_TRIGGER_TYPES, what: "a run's trigger type" };
  }
  if (root !== "tasks" || path.length !== 3 || path[1] !== "outputs") return undefined;
  const step = steps.get(path[0]);
  if (!step) return undefined;
  if (step.type === "conditional" && path[2] === "branch") {
    return { words: ["then", "else"], what: "a conditional's branch" };
  }
  if (
    step.type === "parallel" && path[2] === "winner" &&
    (step.wait_for === "any" || step.wait_for === "first")
  ) {
    const ids = parallelChildren({ id: path[0], data: step, path: [] })
      .flatMap((c) => c.id === undefined ? [] : [c.id]);
    return ids.length === 0 ? undefined : { words: ids, what: "the winner (a child's id)" };
  }
  return undefined;
}

/** Why `cmp` compares with a word its reference never holds, if it does. */
export function closedWordTrouble(
  cmp: LiteralComparison,
  steps: Map<string, RawObject>,
): { message: string; hint: string } | undefined {
  const word = cmp.literal;
  if (word === "") return undefined;
  const always = `the comparison is always ${cmp.op === "!="}`;
  const { root, path } = cmp.ref;
  if (root === "tasks" && path.length === 2 && path[1] === "exit_code") {
    if (asNumber(word) !== undefined) return undefined;
    return {
      message: `is never ${JSON.stringify(word)}: ${always}; an exit code is a number`,
      hint: "compare with a number, such as == 0 (or '' for a task that did not run)",
    };
  }
  const set = closedSet(cmp, steps);
  if (!set || set.words.includes(word)) return undefined;
  return {
    message: `is never ${JSON.stringify(word)}: ${always}; ${set.what} is ${listWords(set.words)}`,
    hint: set.words.includes(NEAR_MISSES[word.toLowerCase()])
      ? `did you mean "${NEAR_MISSES[word.toLowerCase()]}"?`
      : didYouMean(word, set.words) ??
        (set.words.length === 1
          ? `compare with "${set.words[0]}"`
          : `compare with one of ${listWords(set.words)}`),
  };
}
