/**
 * Order rules for what an expression reads: `${tasks.X...}` only from a task that runs
 * after X, and `${env.NAME}` inside an `environment` block only from names set earlier
 * in that block. Both are what the engine guarantees at run time, so anything else is a
 * race (the first) or a silent empty value (the second), and validation refuses it.
 * @module
 */
import type { ImpliedEquality } from "../expr/mod.ts";
import { STATUS_SYNONYMS } from "../model/status_words.ts";
import type { Problem } from "../model/errors.ts";
import { valueLabel } from "./describe.ts";
import { type EnvRead, envReads } from "./env_layers.ts";
import { isObject, parallelChildren, type RawTask } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";

const CALLBACK_FIELDS = ["on_success", "on_failure"] as const;

/** Whose expression is being checked: the scope its `${tasks...}` references run in. */
export type Reader =
  /** A task's own fields, or a step of it (`id` of a parallel child for its fields). */
  | { kind: "task"; id: string }
  /**
   * `defaults.environment` / `defaults.cwd`: applied to every task that runs a step;
   * `readers`, when given, are the only ones it applies to (`defaults.cwd`: the tasks
   * with a step that does not set its own `cwd`).
   */
  | { kind: "defaults"; readers?: ReadonlySet<string> }
  /** The workflow's `environment`: resolved once, before any task starts. */
  | { kind: "workflow" }
  /** Nothing to check (a task without a usable id, which is reported elsewhere). */
  | { kind: "none" };

/** A problem with one reference: the message part and what to do. */
export interface OrderTrouble {
  message: string;
  hint: string;
}

/**
 * Which tasks have certainly finished when another starts, as the engine orders them
 * (engine/scheduler.ts, callbacks.ts, composite.ts):
 * - a main task starts after each `depends_on` task has finished, and so after
 *   everything that task waited for (transitively);
 * - a `parallel` task finishes only after all its children have (they are awaited
 *   together), so finishing a parallel task finishes its children too;
 * - a child of a `parallel` task starts when its parent starts: it has the parent's
 *   guarantees, and none about its siblings;
 * - a callback starts after the task that called it finished. A callback named by
 *   several tasks runs once, after whichever finished first, so it is only guaranteed
 *   what every caller guarantees (the intersection). Callbacks of callbacks chain.
 */
export class RunOrder {
  readonly #deps = new Map<string, string[]>();
  readonly #children = new Map<string, string[]>();
  readonly #parent = new Map<string, string>();
  readonly #callers = new Map<string, string[]>();
  /** Answers of {@link finishedBefore}: target → task → whether target finished before it. */
  readonly #finished = new Map<string, Map<string, boolean>>();
  /** Children of a parallel with `wait_for: any` or `first` → that parallel's id and wait_for. */
  readonly #racing = new Map<string, { parent: string; waitFor: string }>();

  /** `tasks`: the top-level tasks as written (see raw.ts); malformed parts are ignored. */
  constructor(tasks: readonly RawTask[]) {
    // Loops rather than flatMap/filter: this runs for every task (issue 8 §5).
    const top = new Set<string>();
    for (const task of tasks) if (task.id !== undefined) top.add(task.id);
    const ids = (value: unknown): string[] => {
      const found: string[] = [];
      if (typeof value === "string") {
        if (top.has(value)) found.push(value);
      } else if (Array.isArray(value)) {
        for (const v of value) if (typeof v === "string" && top.has(v)) found.push(v);
      }
      return found;
    };
    for (const task of tasks) {
      if (!task.id || this.#deps.has(task.id)) continue;
      this.#deps.set(task.id, ids(task.data.depends_on));
      const steps = parallelChildren(task);
      if (steps.length > 0) {
        const children: string[] = [];
        for (const child of steps) {
          if (child.id === undefined) continue;
          children.push(child.id);
          this.#parent.set(child.id, task.id);
          const waitFor = task.data.wait_for;
          if (waitFor === "any" || waitFor === "first") {
            this.#racing.set(child.id, { parent: task.id, waitFor });
          }
        }
        this.#children.set(task.id, children);
      }
      for (const field of CALLBACK_FIELDS) {
        if (task.data[field] === undefined) continue;
        for (const callee of ids(task.data[field])) {
          const callers = this.#callers.get(callee) ?? [];
          if (!callers.includes(task.id)) callers.push(task.id);
          this.#callers.set(callee, callers);
        }
      }
    }
  }

  /** The tasks that run their steps (leaves, conditional, loop; parallel children). */
  stepRunners(): string[] {
    return [...this.#deps.keys()].flatMap((id) => {
      const children = this.#children.get(id) ?? [];
      return children.length > 0 ? children : [id];
    });
  }

  /**
   * Whether task `target` has certainly finished whenever task `id` starts: `target` is
   * one of the tasks `id` depends on (transitively), or a child of one, or it is so for
   * every task that calls callback `id`. Walked with a stack of its own, not recursion:
   * a chain of depends_on or callbacks is as long as the file makes it (50,000 tasks
   * validate), deeper than the JavaScript stack. Answers are kept per target, not as a
   * set of all earlier tasks per task (a chain of n tasks would hold n²/2 entries). A
   * cycle (reported by the graph checks) guarantees nothing.
   */
  finishedBefore(id: string, target: string): boolean {
    let known = this.#finished.get(target);
    if (!known) this.#finished.set(target, known = new Map());
    const start = this.#parent.get(id) ?? id;
    const direct = (task: string) =>
      task === target || (this.#children.get(task)?.includes(target) ?? false);
    const holds = (task: string) => direct(task) || known.get(task) === true;
    /** Tasks whose answer waits on those pushed above them, until they are answered. */
    const open = new Set<string>();
    const stack = [start];
    while (stack.length > 0) {
      const task = stack[stack.length - 1];
      if (known.has(task)) {
        stack.pop();
        continue;
      }
      const deps = this.#deps.get(task) ?? [];
      const callers = this.#callers.get(task) ?? [];
      if (!open.has(task)) {
        if (deps.some(direct)) {
          known.set(task, true);
          stack.pop();
          continue;
        }
        open.add(task);
        // An open task met again is on the way to here: a cycle, left unanswered (false).
        for (const next of [...deps, ...callers]) {
          if (!direct(next) && !known.has(next) && !open.has(next)) stack.push(next);
        }
        continue;
      }
      known.set(task, deps.some(holds) || (callers.length > 0 && callers.every(holds)));
      open.delete(task);
      stack.pop();
    }
    return known.get(start) === true;
  }

  /**
   * Of `ids`, those `reader` may read (no {@link trouble}), in order: for listing them in
   * a hint. A task reader's are found in one walk ({@link #finishedSet}), where asking
   * {@link finishedBefore} of each would walk its ancestors once per task.
   */
  readableBy(reader: Reader, ids: Iterable<string>): string[] {
    const found = reader.kind === "task" ? this.#finishedSet(reader.id) : undefined;
    const readable: string[] = [];
    for (const id of ids) {
      if (found ? found.has(id) : this.trouble(reader, id) === undefined) readable.push(id);
    }
    return readable;
  }

  /**
   * Every task {@link finishedBefore} holds for when task `id` starts. Without callbacks
   * among what it waits for, that is what its `depends_on` reach and their children; a
   * callback there is guaranteed only what all its callers are, which finishedBefore
   * answers for the tasks left.
   */
  #finishedSet(id: string): Set<string> {
    const start = this.#parent.get(id) ?? id;
    const found = new Set<string>();
    const seen = new Set([start]);
    const stack = [start];
    let callback = false;
    while (stack.length > 0) {
      const task = stack.pop()!;
      callback ||= this.#callers.has(task);
      for (const dep of this.#deps.get(task) ?? []) {
        found.add(dep);
        for (const child of this.#children.get(dep) ?? []) found.add(child);
        if (!seen.has(dep)) {
          seen.add(dep);
          stack.push(dep);
        }
      }
    }
    if (callback) {
      for (const task of this.#deps.keys()) {
        for (const one of [task, ...this.#children.get(task) ?? []]) {
          if (!found.has(one) && this.finishedBefore(id, one)) found.add(one);
        }
      }
    }
    return found;
  }

  /** Why `reader` may not read task `target` yet; undefined when it may. */
  trouble(reader: Reader, target: string): OrderTrouble | undefined {
    switch (reader.kind) {
      case "none":
        return undefined;
      case "workflow":
        return {
          message: `the workflow's environment is set before task "${target}" (or any task) runs`,
          hint: `move this variable into the \`environment\` of a task that depends on "${target}"`,
        };
      case "defaults": {
        const early = this.stepRunners().find((id) =>
          (reader.readers?.has(id) ?? true) && !this.finishedBefore(id, target)
        );
        if (early === undefined) return undefined;
        return {
          message: early === target
            ? `defaults apply to every task, "${target}" included`
            : `defaults apply to every task, and "${early}" may run before "${target}" finishes`,
          hint: reader.readers
            ? `give "${early}" a \`cwd\` of its own, or move this into the \`cwd\` of the ` +
              `tasks that depend on "${target}"`
            : `move this into the \`environment\` (or \`cwd\`) of the tasks that depend on "${target}"`,
        };
      }
      case "task":
        return this.finishedBefore(reader.id, target)
          ? undefined
          : this.#taskTrouble(reader.id, target);
    }
  }

  /**
   * Why reading `field` (`outputs`, `stdout`, `exit_code`) of `target` is no use: a child
   * of a parallel with `wait_for: any` or `first` that does not decide is cancelled when
   * another does (engine/composite.ts runParallel), its outputs and stdout then empty. Its
   * `status` (`cancelled`) and the parallel's `winner` say which; `guarded` are the
   * children a conditional's condition proves won for the branch being read
   * ({@link guardedBy}), which may read them.
   */
  raceTrouble(
    target: string,
    field: string | undefined,
    guarded: ReadonlySet<string>,
  ): OrderTrouble | undefined {
    const race = this.#racing.get(target);
    if (!race || guarded.has(target)) return undefined;
    if (field !== "outputs" && field !== "stdout" && field !== "exit_code") return undefined;
    const { parent, waitFor } = race;
    return {
      message: `task "${target}" may be cancelled, its outputs and stdout empty (another child ` +
        `of parallel task "${parent}", wait_for: ${waitFor}, may decide first)`,
      hint: `read \${tasks.${parent}.outputs.winner} (the child that decided), and "${target}"'s ` +
        `results in the branch of a conditional task that runs only when it won: \`then\` of ` +
        `\${tasks.${parent}.outputs.winner} == '${target}' or \${tasks.${target}.status} == 'success' ` +
        `(\`else\` of != '${target}'); or use wait_for: all to wait for every child`,
    };
  }

  /**
   * The children of racing parallels (see {@link raceTrouble}) that certainly decided or
   * succeeded whenever a condition has the outcome whose `facts` are given
   * (expr/implied.ts): `${tasks.PAR.outputs.winner} == 'X'` proves X won, and
   * `${tasks.X.status} == 'success'` (or the seed's `'completed'`) that X succeeded. So
   * `winner == 'b'` guards b in `then` only, `winner != 'a'` guards a in `else` only; a
   * comparison that proves no such thing (`winner == ''`, `status == 'cancelled'`)
   * guards nothing.
   */
  guardedBy(facts: ReadonlyArray<ImpliedEquality>): Set<string> {
    const guarded = new Set<string>();
    for (const { ref, literal } of facts) {
      if (ref.root !== "tasks") continue;
      const [id, field, key, ...rest] = ref.path;
      if (rest.length > 0) continue;
      if (field === "status" && key === undefined && this.#racing.has(id)) {
        if ((STATUS_SYNONYMS[literal] ?? literal) === "success") guarded.add(id);
      } else if (field === "outputs" && key === "winner") {
        if (this.#racing.get(literal)?.parent === id) guarded.add(literal);
      }
    }
    return guarded;
  }

  #taskTrouble(id: string, target: string): OrderTrouble {
    const message = `task "${target}" may not have finished when "${id}" runs`;
    const parent = this.#parent.get(id);
    const owner = parent ?? id;
    if (target === id || target === parent) {
      return {
        message: `task "${id}" cannot read ${
          target === id ? "its own" : "its parent's"
        } result while it runs`,
        hint:
          `read it in a task that depends on "${owner}", or in an on_success/on_failure callback of it`,
      };
    }
    if (parent !== undefined && this.#parent.get(target) === parent) {
      return {
        message,
        hint:
          `the children of parallel task "${parent}" run at the same time; make "${target}" a task of its own and add it to depends_on of "${parent}"`,
      };
    }
    const callers = this.#callers.get(target);
    if (callers) {
      return {
        message,
        hint:
          `"${target}" is a callback and may never run; read it from a task in its own on_success/on_failure`,
      };
    }
    const targetTop = this.#parent.get(target) ?? target;
    if (this.#callers.has(owner)) {
      return {
        message,
        hint: `"${owner}" is a callback: it runs after the task that calls it (${
          this.#callers.get(owner)!.join(", ")
        }) and what that task depends on; name "${owner}" in on_success/on_failure of "${targetTop}" or of a task after it`,
      };
    }
    return { message, hint: `add "${targetTop}" to depends_on of "${owner}"` };
  }
}

/**
 * Each `${env.NAME}` in an `environment` block (at `path`) must read a name set above it
 * in the block, or one of a layer below. The engine resolves a block in order
 * (engine/expressions.ts renderEnv), so a value sees the names above it; a name that
 * reads itself sees the layer below (`PATH: ${env.PATH}:/opt`); a name set further
 * down would be read before it is set, so that, and any cycle, is refused here.
 */
export function envOrderProblems(
  block: unknown,
  path: PathSegment[],
  map: SourceMap,
  data: unknown,
): Omit<Problem, "file">[] {
  if (!isObject(block)) return [];
  const names = Object.keys(block);
  const refs = new Map<string, EnvRead[]>();
  for (const [name, value] of Object.entries(block)) refs.set(name, envReads(value));
  const problems: Omit<Problem, "file">[] = [];
  for (const [name, list] of refs) {
    for (const ref of list) {
      if (names.indexOf(ref.name) <= names.indexOf(name)) continue;
      const mutual = refs.get(ref.name)?.some((r) => r.name === name) ?? false;
      problems.push({
        ...map.inString([...path, name], ref.offset),
        message: `${valueLabel(data, [...path, name])}: ${
          mutual
            ? `${name} and ${ref.name} refer to each other`
            : `${ref.name} is set further down this block, after ${name}`
        } in ${ref.text}`,
        hint: mutual
          ? "values are set in order, each from those above it; define one without the other"
          : `values are set in order, each from those above it; move ${ref.name} above ${name}`,
      });
    }
  }
  return problems;
}
