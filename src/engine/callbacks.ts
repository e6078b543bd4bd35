/**
 * on_success / on_failure callbacks: which to call when a task finishes, at most once
 * per run, each after its own `depends_on` have finished: other callbacks of the same
 * list (`on_failure: [rollback, notify]` with notify `depends_on: rollback`; the parser,
 * parse/graph_checks.ts, allows no other), so an order among them is written as among
 * main tasks.
 * @module
 */
import type { Node } from "./nodes.ts";

/** The callbacks of one run. `ready(callback)` is told when one may be queued. */
export class Callbacks {
  /** Called and not finished yet: they hold the run open. */
  pending = 0;
  #waiting = new Map<string, Node[]>();

  constructor(
    private readonly nodes: ReadonlyMap<string, Node>,
    private readonly ready: (callback: Node) => void,
  ) {}

  /** A task reached its final state: call what it names for that outcome. */
  fire(node: Node): void {
    const status = node.record.status;
    const calls = status === "success"
      ? node.onSuccess
      : status === "failed" || status === "timed_out"
      ? node.onFailure
      : [];
    for (const id of calls) this.#call(this.nodes.get(id)!);
  }

  /** A task (main or callback) settled: callbacks waiting only for it become ready. */
  settled(node: Node): void {
    if (node.callback) this.pending--;
    this.#release(node);
  }

  #release(node: Node): void {
    if (this.#waiting.size === 0) return;
    for (const waiter of this.#waiting.get(node.id) ?? []) {
      if (--waiter.waitingDeps === 0) this.ready(waiter);
    }
    this.#waiting.delete(node.id);
  }

  #call(callback: Node): void {
    if (callback.triggered) return; // at most once per run
    callback.triggered = true;
    this.pending++;
    for (const depId of callback.deps) {
      if (this.nodes.get(depId)!.finished) continue;
      callback.waitingDeps++;
      const list = this.#waiting.get(depId);
      if (list) list.push(callback);
      else this.#waiting.set(depId, [callback]);
    }
    if (callback.waitingDeps === 0) this.ready(callback);
  }
}
