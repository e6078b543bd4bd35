/**
 * `weft run --dry-run`: what would run, in which waves, and which callbacks and
 * conditions are involved — without running anything.
 * @module
 */
import { topologicalWaves } from "../graph/mod.ts";
import type { Workflow } from "../model/workflow.ts";

/** One task in a wave of the plan. */
export interface PlannedTask {
  id: string;
  name: string;
  type: string;
  /** Evaluated when the task becomes ready (for `conditional` tasks: picks the branch). */
  condition?: string;
  /** `parallel: false`: runs with nothing else. */
  alone: boolean;
}

/** The plan: waves of main tasks that can run together, and the callback tasks. */
export interface Plan {
  waves: PlannedTask[][];
  callbacks: PlannedCallback[];
}

/** A callback task of the plan: who calls it, and what it waits for once called. */
export interface PlannedCallback {
  id: string;
  calledBy: { task: string; on: "success" | "failure" }[];
  /** Callbacks of the same list it runs after (`depends_on`); absent when none. */
  after?: string[];
  condition?: string;
}

/** Works out the plan. Throws CycleError when the dependencies form a cycle. */
export function planRun(workflow: Workflow): Plan {
  const calledBy = new Map<string, { task: string; on: "success" | "failure" }[]>();
  const call = (id: string, task: string, on: "success" | "failure") => {
    const list = calledBy.get(id);
    if (list) list.push({ task, on });
    else calledBy.set(id, [{ task, on }]);
  };
  for (const task of workflow.tasks) {
    for (const id of task.on_success ?? []) call(id, task.id, "success");
    for (const id of task.on_failure ?? []) call(id, task.id, "failure");
  }
  const main = workflow.tasks.filter((t) => !calledBy.has(t.id));
  const byId = new Map(workflow.tasks.map((t) => [t.id, t]));
  const waves = topologicalWaves(main.map((t) => ({ id: t.id, deps: t.depends_on ?? [] })))
    .map((wave) =>
      wave.map((id) => {
        const task = byId.get(id)!;
        const planned: PlannedTask = {
          id,
          name: task.name ?? id,
          type: task.type,
          alone: task.parallel === false && task.type !== "loop",
        };
        if (task.condition !== undefined) planned.condition = task.condition;
        return planned;
      })
    );
  const callbacks = workflow.tasks
    .filter((t) => calledBy.has(t.id))
    .map((t) => {
      const callback: PlannedCallback = { id: t.id, calledBy: calledBy.get(t.id)! };
      if (t.depends_on?.length) callback.after = [...t.depends_on];
      if (t.condition !== undefined) callback.condition = t.condition;
      return callback;
    });
  return { waves, callbacks };
}
