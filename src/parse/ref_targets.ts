/**
 * Which tasks an entry of `depends_on`, `on_success` or `on_failure` may name: the
 * targets graph_checks.ts accepts there. A hint for an unknown or invalid reference ("did
 * you mean", "name one of") proposes only these (issue 8 §4), so following it never
 * trades one refusal for another. The rules, as graph_checks.ts refuses their breach:
 * - a top-level task (a parallel's child is named through its parent);
 * - not the task itself ("depends on itself", "names itself as its own callback");
 * - no cycle: `depends_on` names no task that waits for this one, a callback list no task
 *   that calls this one, directly or through others;
 * - a main task depends on no callback, and a callback waits only for callbacks named in
 *   every list that names it;
 * - a task joining a callback list waits only for callbacks of that list, and no task
 *   waits for it except callbacks whose every list names it too.
 * @module
 */
import { idRefs, type RawTask } from "./raw.ts";
import { isTaskId } from "../model/task_id.ts";

/** The fields that name callbacks. */
export const CALLBACK_FIELDS = ["on_success", "on_failure"] as const;

/** One callback list: the task that calls, the field, and the ids it names. */
export interface CallbackList {
  caller: string;
  field: string;
  ids: string[];
}

/** For each callback (a top-level task named in a callback list), every list naming it. */
export function callbackLists(
  tasks: readonly RawTask[],
  topIds: ReadonlySet<string>,
): Map<string, CallbackList[]> {
  const lists = new Map<string, CallbackList[]>();
  for (const task of tasks) {
    if (!task.id) continue;
    for (const field of CALLBACK_FIELDS) {
      const ids = idRefs(task, field).map((ref) => ref.id);
      const list = { caller: task.id, field, ids };
      for (const id of new Set(ids)) {
        if (!topIds.has(id)) continue;
        const named = lists.get(id);
        if (named) named.push(list);
        else lists.set(id, [list]);
      }
    }
  }
  return lists;
}

/**
 * The tasks one reference's place accepts (a task's `depends_on`, the reader of a
 * `${tasks...}`): a near id is proposed only when {@link accepts} takes it, and a list
 * names only {@link list}'s.
 */
export interface Place {
  accepts(id: string): boolean;
  /** The valid ids (model/task_id.ts) it accepts, in document order. */
  list(): readonly string[];
}

/** The reference targets of one workflow's top-level tasks (see the module's rules). */
export class RefTargets {
  /** The top-level ids, in document order, each once. */
  readonly ids: readonly string[];
  readonly #top: ReadonlySet<string>;
  /** Each task's `depends_on` that names top-level tasks (first definition of an id). */
  readonly #deps = new Map<string, string[]>();
  /** The tasks naming each task in `depends_on`. */
  readonly #waiters = new Map<string, string[]>();
  /** The tasks each task names in its callback lists, and the tasks naming it in theirs. */
  readonly #callees = new Map<string, string[]>();
  readonly #callers = new Map<string, string[]>();
  readonly #lists: Map<string, CallbackList[]>;
  /** Each task's place in an order where every task comes after those it waits for. */
  #rank: Map<string, number> | undefined;

  /** `tasks`: the top-level tasks as written (raw.ts); malformed parts are ignored. */
  constructor(tasks: readonly RawTask[]) {
    const top = new Set<string>();
    for (const task of tasks) if (task.id !== undefined) top.add(task.id);
    this.#top = top;
    this.ids = [...top];
    const add = (map: Map<string, string[]>, key: string, value: string) => {
      const list = map.get(key);
      if (list === undefined) map.set(key, [value]);
      else list.push(value);
    };
    for (const task of tasks) {
      if (task.id === undefined || this.#deps.has(task.id)) continue;
      const deps: string[] = [];
      for (const { id } of idRefs(task, "depends_on")) {
        if (!top.has(id)) continue;
        deps.push(id);
        add(this.#waiters, id, task.id);
      }
      this.#deps.set(task.id, deps);
      for (const field of CALLBACK_FIELDS) {
        for (const { id } of idRefs(task, field)) {
          if (!top.has(id)) continue;
          add(this.#callees, task.id, id);
          add(this.#callers, id, task.id);
        }
      }
    }
    this.#lists = callbackLists(tasks, top);
  }

  /** The targets `owner`'s `field` (depends_on, on_success or on_failure) may name. */
  at(owner: RawTask, field: string): Place {
    return { accepts: (id) => this.accepts(owner, field, id), list: () => this.list(owner, field) };
  }

  /** The valid ids (model/task_id.ts) that `owner`'s `field` may name, in document order. */
  list(owner: RawTask, field: string): string[] {
    // Every task that would close a cycle, found once for the whole list.
    const closing = owner.id === undefined
      ? new Set<string>()
      : reach(field === "depends_on" ? this.#waiters : this.#callers, owner.id);
    return this.ids.filter((id) =>
      isTaskId(id) && this.#accepts(owner, field, id, (target) => closing.has(target))
    );
  }

  /** Whether `owner`'s `field` (depends_on, on_success or on_failure) may name `target`. */
  accepts(owner: RawTask, field: string, target: string): boolean {
    const id = owner.id;
    return this.#accepts(owner, field, target, (t) =>
      id !== undefined &&
      (field === "depends_on" ? this.#waitsFor(t, id) : leadsTo(this.#callees, t, id)));
  }

  /** `closes(target)`: whether naming `target` would close a cycle through `owner`. */
  #accepts(
    owner: RawTask,
    field: string,
    target: string,
    closes: (target: string) => boolean,
  ): boolean {
    if (!this.#top.has(target) || target === owner.id || closes(target)) return false;
    return field === "depends_on"
      ? this.#mayDependOn(owner.id, target)
      : this.#mayCall(owner, field, target);
  }

  #mayDependOn(id: string | undefined, target: string): boolean {
    const lists = id === undefined ? undefined : this.#lists.get(id);
    // A callback may wait only for callbacks of each list naming it; a main task for none.
    return lists ? lists.every((l) => l.ids.includes(target)) : !this.#lists.has(target);
  }

  #mayCall(owner: RawTask, field: string, target: string): boolean {
    // The list `target` joins: it names the rest of `owner`'s list with it.
    const list = idRefs(owner, field).map((ref) => ref.id);
    for (const dep of this.#deps.get(target) ?? []) {
      if (dep !== target && !list.includes(dep)) return false;
    }
    for (const waiter of this.#waiters.get(target) ?? []) {
      if (waiter === target) continue;
      const lists = this.#lists.get(waiter);
      // A main task would wait for a callback; a callback of other lists, for a stranger.
      const joins = (l: CallbackList) => l.caller === owner.id && l.field === field;
      if (!lists || !lists.every((l) => joins(l) || l.ids.includes(target))) return false;
    }
    return true;
  }

  /**
   * Whether task `from` waits for task `to`, directly or through others. A task placed
   * before `to` in {@link #ranks} cannot: most misspelt ids name an earlier task, which
   * answers at once rather than walking a chain as long as the file.
   */
  #waitsFor(from: string, to: string): boolean {
    const rank = this.#ranks();
    const floor = rank.get(to);
    if (floor === undefined) return leadsTo(this.#deps, from, to);
    return leadsTo(this.#deps, from, to, (id) => (rank.get(id) ?? Infinity) > floor);
  }

  /** Ranks of the tasks in no cycle and after none (Kahn's order over depends_on). */
  #ranks(): Map<string, number> {
    if (this.#rank) return this.#rank;
    const rank = new Map<string, number>();
    const waiting = new Map<string, number>();
    const ready: string[] = [];
    for (const [id, deps] of this.#deps) {
      waiting.set(id, deps.length);
      if (deps.length === 0) ready.push(id);
    }
    while (ready.length > 0) {
      const id = ready.pop()!;
      rank.set(id, rank.size);
      for (const waiter of this.#waiters.get(id) ?? []) {
        const left = waiting.get(waiter)! - 1;
        waiting.set(waiter, left);
        if (left === 0) ready.push(waiter);
      }
    }
    return this.#rank = rank;
  }
}

/** Every task reaching `id` through `edges` (each task's list, by the task it starts at). */
function reach(edges: ReadonlyMap<string, readonly string[]>, id: string): Set<string> {
  const found = new Set<string>();
  // A stack of its own: a chain is as long as the file makes it, deeper than recursion.
  const stack = [id];
  while (stack.length > 0) {
    for (const next of edges.get(stack.pop()!) ?? []) {
      if (!found.has(next)) {
        found.add(next);
        stack.push(next);
      }
    }
  }
  return found;
}

/** Whether `edges` lead from `from` to `to`, through tasks `may` lets pass (all when absent). */
function leadsTo(
  edges: ReadonlyMap<string, readonly string[]>,
  from: string,
  to: string,
  may?: (id: string) => boolean,
): boolean {
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length > 0) {
    for (const next of edges.get(stack.pop()!) ?? []) {
      if (next === to) return true;
      if (seen.has(next) || (may !== undefined && !may(next))) continue;
      seen.add(next);
      stack.push(next);
    }
  }
  return false;
}

/** {@link RefTargets} per workflow data: worked out once for all its references. */
const targetsOf = new WeakMap<object, RefTargets>();

/** The {@link RefTargets} of `data` (`tasks`: its top-level tasks), kept while `data` lives. */
export function refTargets(data: unknown, tasks: () => readonly RawTask[]): RefTargets {
  const known = typeof data === "object" && data !== null ? targetsOf.get(data) : undefined;
  if (known) return known;
  const made = new RefTargets(tasks());
  if (typeof data === "object" && data !== null) targetsOf.set(data, made);
  return made;
}
