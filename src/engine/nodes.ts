/**
 * The engine's view of a workflow: one node per task record (top-level tasks and the
 * children of `parallel` tasks; loop iterations are added at run time), with the
 * workflow `defaults` applied (leaf_spec.ts), callbacks told apart from the main DAG,
 * and everything the run would refuse found up front.
 * @module
 */
import type { Problem } from "../model/errors.ts";
import type { ParallelChild, Step, Task, TaskOf } from "../model/task.ts";
import type { Workflow } from "../model/workflow.ts";
import { pendingTaskRecord, type TaskRecord } from "./events.ts";
import { type LeafSpec, leafSpecOf } from "./leaf_spec.ts";
import type { CutStdout } from "./tail.ts";

export type { LeafSpec } from "./leaf_spec.ts";

/** How the engine runs a node. */
export type NodeKind = "leaf" | "conditional" | "parallel" | "loop";

/** What a composite node does. */
export type CompositeSpec =
  | { kind: "conditional"; condition: string; then: LeafSpec; else: LeafSpec | null }
  | { kind: "parallel"; waitFor: "all" | "any" | "first" }
  | {
    kind: "loop";
    /** A list as written (scalars or objects), or text resolved at run time. */
    items: unknown[] | string;
    step: LeafSpec;
    parallel: boolean;
    maxParallel: number | null;
    stopOnFailure: boolean;
  };

/** One task record and how to run it. */
export interface Node {
  readonly id: string;
  readonly kind: NodeKind;
  readonly record: TaskRecord;
  readonly callback: boolean;
  /** `depends_on` (empty for parallel children). */
  readonly deps: readonly string[];
  readonly onSuccess: readonly string[];
  readonly onFailure: readonly string[];
  /** `parallel: false`: nothing else runs while it does (not for loops, where it means sequential). */
  readonly alone: boolean;
  /** The gate condition (not the `conditional` type's own, which picks a branch). */
  readonly condition: string | null;
  /** Leaf tasks and parallel children. */
  readonly leaf: LeafSpec | null;
  readonly composite: CompositeSpec | null;
  /** Whole-task timeout of a composite. */
  readonly compositeTimeout: number | null;
  readonly children: Node[];
  readonly parent: Node | null;
  /** A failure does not fail the run, and dependents run. */
  continueOnError: boolean;
  /** Stdout of the last attempt, for `${tasks.ID.stdout}` (tail.ts CutStdout: not whole). */
  stdout: string | CutStdout;
  finished: boolean;
  /** Callbacks: already called once in this run. */
  triggered: boolean;
  /** Callbacks: main-task dependencies not yet finished. */
  waitingDeps: number;
  /**
   * Its last attempt still holds a concurrency slot, given back once its `task_finished`
   * is published (RunContext.finishRecord; see leaf.ts).
   */
  holdsSlot: boolean;
}

/** The nodes of a workflow in report order (each parallel's children right after it). */
export interface NodeSet {
  byId: Map<string, Node>;
  order: Node[];
  main: Node[];
  problems: Problem[];
}

/** Builds the nodes; `canRun(type)` tells whether a runner is registered for a leaf type. */
export function buildNodes(
  workflow: Workflow,
  file: string,
  canRun: (type: string) => boolean,
): NodeSet {
  const problems: Problem[] = [];
  const problem = (message: string, hint?: string) => problems.push({ file, message, hint });
  const defaults = workflow.defaults ?? {};
  const callbackIds = new Set<string>();
  for (const task of workflow.tasks) {
    for (const id of task.on_success ?? []) callbackIds.add(id);
    for (const id of task.on_failure ?? []) callbackIds.add(id);
  }

  /** `id` and `part` name the task in messages: `task "id"` + part. */
  const leafSpec = (id: string, part: string, step: Step | ParallelChild | Task): LeafSpec => {
    if (!canRun(step.type)) {
      problem(
        `task "${id}"${part} has type "${step.type}", which this version of weft cannot run yet`,
        "use a shell task for now",
      );
    }
    return leafSpecOf(step, defaults);
  };

  const byId = new Map<string, Node>();
  const order: Node[] = [];
  const main: Node[] = [];
  const add = (node: Node) => {
    const before = byId.size;
    byId.set(node.id, node);
    if (byId.size === before) {
      problem(`two tasks have the id "${node.id}"`, "task ids must be unique");
    }
    order.push(node);
  };

  for (const task of workflow.tasks) {
    const callback = callbackIds.has(task.id);
    let leaf: LeafSpec | null = null;
    let composite: CompositeSpec | null = null;
    let kind: NodeKind = "leaf";
    let compositeTimeout: number | null = null;
    if (task.type === "conditional") {
      kind = "conditional";
      composite = {
        kind,
        condition: task.condition,
        then: leafSpec(task.id, " (its `then` step)", task.then),
        else: task.else ? leafSpec(task.id, " (its `else` step)", task.else) : null,
      };
      compositeTimeout = task.timeout ?? null;
    } else if (task.type === "parallel") {
      kind = "parallel";
      composite = { kind, waitFor: task.wait_for ?? "all" };
      compositeTimeout = task.timeout ?? null;
    } else if (task.type === "loop") {
      kind = "loop";
      const loop = task as TaskOf<"loop">;
      composite = {
        kind,
        items: loop.items,
        step: leafSpec(task.id, " (its loop `task`)", loop.task),
        parallel: loop.parallel === true,
        maxParallel: loop.max_parallel ?? null,
        stopOnFailure: loop.stop_on_failure ?? true,
      };
      compositeTimeout = loop.timeout ?? null;
    } else {
      leaf = leafSpec(task.id, "", task);
    }
    const node = makeNode({
      id: task.id,
      name: task.name ?? task.id,
      type: task.type,
      kind,
      callback,
      deps: task.depends_on ?? [],
      onSuccess: task.on_success ?? [],
      onFailure: task.on_failure ?? [],
      alone: task.parallel === false && task.type !== "loop",
      condition: task.type === "conditional" ? null : task.condition ?? null,
      leaf,
      composite,
      compositeTimeout,
      parent: null,
      continueOnError: leaf?.continueOnError ??
        (composite?.kind === "conditional" ? composite.then.continueOnError : false),
    });
    add(node);
    if (!callback) main.push(node);
    if (task.type === "parallel") {
      for (const child of task.tasks) {
        const spec = leafSpec(child.id, ` (inside "${task.id}")`, child);
        const childNode = childLeafNode(node, child.id, child.name ?? child.id, spec);
        node.children.push(childNode);
        add(childNode);
      }
    }
  }

  checkReferences(workflow, byId, callbackIds, problem);
  return { byId, order, main, problems };
}

function checkReferences(
  workflow: Workflow,
  byId: Map<string, Node>,
  callbackIds: Set<string>,
  problem: (message: string, hint?: string) => void,
): void {
  const check = (task: Task, field: string, ids: string[] | undefined) => {
    for (const id of ids ?? []) {
      const node = byId.get(id);
      if (node && node.parent === null) continue;
      problem(
        `task "${task.id}" names "${id}" in ${field}, but there is no top-level task "${id}"`,
        node ? "tasks inside a parallel task cannot be named there" : undefined,
      );
    }
  };
  for (const task of workflow.tasks) {
    check(task, "depends_on", task.depends_on);
    check(task, "on_success", task.on_success);
    check(task, "on_failure", task.on_failure);
    // A callback may wait for another callback (of its list: parse/graph_checks.ts).
    if (callbackIds.size === 0 || callbackIds.has(task.id)) continue;
    for (const dep of task.depends_on ?? []) {
      if (callbackIds.has(dep)) {
        problem(
          `task "${task.id}" depends on "${dep}", which runs only as an on_success/on_failure callback`,
          "a callback may never run; depend on the task that calls it instead",
        );
      }
    }
  }
}

interface NodeInit {
  id: string;
  name: string;
  type: string;
  kind: NodeKind;
  callback: boolean;
  deps: string[];
  onSuccess: string[];
  onFailure: string[];
  alone: boolean;
  condition: string | null;
  leaf: LeafSpec | null;
  composite: CompositeSpec | null;
  compositeTimeout: number | null;
  parent: Node | null;
  continueOnError: boolean;
}

// Shared by every node that has none (frozen: nothing may add to them).
const NO_CHILDREN: Node[] = Object.freeze([]) as unknown as Node[];
const NO_OUTPUTS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * The node of one loop iteration: a leaf whose parent is the loop, with its own record
 * (`id` is `LOOP[key]`, see loop.ts iterationKeys; `[` is never in a task id, so it
 * cannot clash with one). It belongs to the loop like a parallel child to its parallel.
 */
export function iterationNode(loop: Node, id: string, spec: LeafSpec): Node {
  return childLeafNode(loop, id, `${loop.record.name}${id.slice(loop.id.length)}`, spec);
}

/**
 * A leaf inside `parent` (a parallel child or a loop iteration): no dependencies or
 * callbacks of its own; it is a callback when its parent is.
 */
function childLeafNode(parent: Node, id: string, name: string, spec: LeafSpec): Node {
  return makeNode({
    id,
    name,
    type: spec.type,
    kind: "leaf",
    callback: parent.callback,
    deps: [],
    onSuccess: [],
    onFailure: [],
    alone: false,
    condition: null,
    leaf: spec,
    composite: null,
    compositeTimeout: null,
    parent,
    continueOnError: spec.continueOnError,
  });
}

function makeNode(init: NodeInit): Node {
  // Spelled out field by field (no spreads): 100,000 nodes are built per large run.
  return {
    id: init.id,
    kind: init.kind,
    record: pendingTaskRecord(init.id, init.name, init.type, init.callback, NO_OUTPUTS),
    callback: init.callback,
    deps: init.deps,
    onSuccess: init.onSuccess,
    onFailure: init.onFailure,
    alone: init.alone,
    condition: init.condition,
    leaf: init.leaf,
    composite: init.composite,
    compositeTimeout: init.compositeTimeout,
    // A loop's children are its iterations, added once its items are known (loop.ts).
    children: init.kind === "parallel" || init.kind === "loop" ? [] : NO_CHILDREN,
    parent: init.parent,
    continueOnError: init.continueOnError,
    stdout: "",
    finished: false,
    triggered: false,
    waitingDeps: 0,
    holdsSlot: false,
  };
}
