/**
 * Checks over the task graph: unique ids, references that name real tasks, callbacks
 * that are only callbacks, and no cycles. ref_targets.ts states the same rules as what
 * a reference may name, for hints: a rule added here belongs there too.
 * @module
 */
import { findCycle } from "../graph/mod.ts";
import type { Problem } from "../model/errors.ts";
import { idRefs, parallelChildren, type RawTask, topLevelTasks } from "./raw.ts";
import type { SourceMap } from "./source_map.ts";
import { didYouMeanTaskId, idList } from "./suggest.ts";
import { isTaskId, joinedTaskIds } from "../model/task_id.ts";
import { CALLBACK_FIELDS, callbackLists, refTargets } from "./ref_targets.ts";

const REF_FIELDS = ["depends_on", "on_success", "on_failure"] as const;
/** Cycles reported per graph at most: enough to show the pattern, not a flood. */
const MAX_CYCLES = 20;

/** Every graph problem in the workflow data. */
export function graphProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  const problems: Problem[] = [];
  const at = (path: RawTask["path"], message: string, hint?: string) =>
    problems.push({ file, ...map.value(path), message, hint });

  const tasks = topLevelTasks(data);
  const byId = new Map<string, RawTask>();
  const define = (task: RawTask) => {
    if (task.id === undefined) return;
    const first = byId.get(task.id);
    if (first) {
      // `used`: two tasks made from one anchor (`<<: *base`) are told apart by their aliases.
      const line = map.used([...first.path, "id"]).line;
      problems.push({
        file,
        ...map.used([...task.path, "id"]),
        message: `duplicate task id "${task.id}"`,
        hint:
          `"${task.id}" is already the id of the task at line ${line}; ids must be unique, parallel children included`,
      });
    } else byId.set(task.id, task);
  };
  // Document order (each task, then its children), so "first defined" means first in the file.
  for (const task of tasks) {
    define(task);
    for (const child of parallelChildren(task)) define(child);
  }

  const topIds = new Set<string>();
  for (const task of tasks) if (task.id !== undefined) topIds.add(task.id);
  for (const task of tasks) {
    for (const field of REF_FIELDS) {
      for (const ref of idRefs(task, field)) {
        if (topIds.has(ref.id)) {
          if (ref.id === task.id && field === "depends_on") {
            at(ref.path, `task "${ref.id}" depends on itself`, "remove it from depends_on");
          }
          continue;
        }
        // `depends_on: a, b`: the schema's problem says "write a list"; an id against the
        // rules (`1s`) it refuses with valid ones to name instead (task_id_issues.ts).
        if (!isTaskId(ref.id) || joinedTaskIds(ref.id) !== undefined) continue;
        const owner = task.id ? `task "${task.id}"` : "this task";
        const child = byId.get(ref.id);
        if (child?.parent !== undefined) {
          at(
            ref.path,
            `task "${ref.id}" in ${field} of ${owner} is a step inside parallel task "${child.parent}"`,
            isTaskId(child.parent)
              ? `name the parallel task "${child.parent}" instead`
              : "give the parallel task a valid id (its own problem says how) and name that instead",
          );
          continue;
        }
        // What it may name instead: the tasks the checks below would accept there (not
        // the task itself, say). Worked out for an unknown reference only.
        const targets = refTargets(data, () => tasks);
        const place = targets.at(task, field);
        let hint = didYouMeanTaskId(ref.id, targets.ids, place.accepts);
        if (hint === undefined) {
          const named = place.list();
          hint = `define a task with id "${ref.id}"${
            named.length > 0 ? `, or name one of: ${idList(named)}` : ""
          }`;
        }
        at(ref.path, `unknown task "${ref.id}" in ${field} of ${owner}`, hint);
      }
    }
  }

  // A callback runs when its caller finishes; it has no place in the dependency graph,
  // except after callbacks called with it (`on_failure: [rollback, notify]`, notify
  // waiting for rollback): those are called whenever it is.
  const lists = callbackLists(tasks, topIds);
  if (lists.size > 0) {
    for (const task of tasks) {
      const called = task.id ? lists.get(task.id) : undefined;
      if (!called) continue;
      for (const ref of idRefs(task, "depends_on")) {
        const outside = called.find((list) => !list.ids.includes(ref.id));
        if (outside === undefined || !topIds.has(ref.id)) continue;
        const when = outside.field === "on_success" ? "succeeds" : "fails";
        at(
          ref.path,
          `task "${task.id}" is a callback (in ${outside.field} of task "${outside.caller}") ` +
            `and may wait only for callbacks of that list, not for "${ref.id}"`,
          `a callback runs only when called — when "${outside.caller}" ${when} — and at most once ` +
            `per run; to run it after another callback, name both in ${outside.field} of ` +
            `"${outside.caller}"; or remove "${task.id}" from ${outside.field} to make it a normal task`,
        );
      }
    }

    // A task that waits for a callback might wait for something that never runs.
    for (const task of tasks) {
      if (task.id !== undefined && lists.has(task.id)) continue; // checked above
      for (const ref of idRefs(task, "depends_on")) {
        const called = lists.get(ref.id)?.[0];
        if (!called) continue;
        at(
          ref.path,
          `task "${task.id}" depends on "${ref.id}", which runs only as a callback (in ${called.field} of task "${called.caller}")`,
          `a callback may never run; depend on "${called.caller}" instead`,
        );
      }
    }
  }

  const positionOf = (id: string) => byId.get(id)?.path ?? [];
  for (const cycle of cycles(tasks, topIds, ["depends_on"])) {
    at(
      [...positionOf(cycle[0]), "id"],
      `dependency cycle: ${cycle.join(" → ")}`,
      "a task cannot wait for itself; remove one depends_on entry of this cycle",
    );
  }
  for (const cycle of cycles(tasks, topIds, CALLBACK_FIELDS)) {
    const message = cycle.length === 2
      ? `task "${cycle[0]}" names itself as its own callback`
      : `callback cycle: ${cycle.join(" → ")}`;
    at(
      [...positionOf(cycle[0]), "id"],
      message,
      "a callback may not call back the task that called it, directly or through others",
    );
  }
  return problems;
}

/** Every cycle over `fields` edges, one per broken edge, at most MAX_CYCLES. */
function cycles(tasks: RawTask[], ids: Set<string>, fields: readonly string[]): string[][] {
  const nodes: { id: string; deps: string[] }[] = [];
  const byId = new Map<string, { id: string; deps: string[] }>();
  let edges = 0;
  for (const task of tasks) {
    if (!task.id || byId.has(task.id)) continue;
    // Loops, not flatMap/filter per task: this runs for every task (issue 8 §5). An
    // edge named twice is kept: findCycle follows each edge once (graph/indexed.ts).
    const deps: string[] = [];
    for (const field of fields) {
      for (const { id } of idRefs(task, field)) {
        if (ids.has(id) && !(field === "depends_on" && id === task.id)) deps.push(id);
      }
    }
    const node = { id: task.id, deps };
    nodes.push(node);
    byId.set(task.id, node);
    edges += deps.length;
  }
  const found: string[][] = [];
  if (edges === 0) return found; // nothing to follow: most workflows have no callbacks
  while (found.length < MAX_CYCLES) {
    const cycle = findCycle(nodes);
    if (!cycle) break;
    found.push(cycle);
    // Break this cycle at its first edge and look for another.
    const from = byId.get(cycle[0])!;
    from.deps = from.deps.filter((id) => id !== cycle[1]);
  }
  return found;
}
