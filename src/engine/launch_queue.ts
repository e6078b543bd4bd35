/**
 * A run's tasks ready to start, in the order they became ready (main tasks and
 * callbacks alike), and what runs now: a task with `parallel: false` starts only once
 * nothing else runs, and nothing starts while it runs. Its wait for a retry is not
 * running: other tasks start meanwhile (rest), and its next attempt waits, as it did
 * for its first, until they have ended, nothing new starting (regain). The concurrency limit (slots.ts)
 * and the starting itself are the scheduler's (scheduler.ts). O(1) per task: the queue is a
 * head index into an array, cut down once most of it has been taken.
 * @module
 */
import type { AbortScope, StopReason } from "./abort.ts";
import type { Node } from "./nodes.ts";

/** A `parallel: false` task whose back-off is over, waiting to run alone again. */
interface Regainer {
  node: Node;
  grant(): void;
}

/** The ready queue of one run and its count of tasks running. */
export class LaunchQueue {
  #nodes: Node[] = [];
  #head = 0;
  #inFlight = 0;
  #aloneRunning = false;
  /** `parallel: false` tasks taken, now waiting for a retry: not running. */
  #resting = new Set<Node>();
  #regaining: Regainer[] = [];

  /** Tasks taken and not ended yet. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Some task waits in the queue (whether it may start now or not). */
  get waiting(): boolean {
    return this.#head < this.#nodes.length;
  }

  push(node: Node): void {
    this.#nodes.push(node);
  }

  /**
   * The first task waiting, when the `parallel: false` rule lets it start now; it stays
   * queued until {@link take}. Undefined when none waits or it must wait.
   */
  next(): Node | undefined {
    if (this.#head >= this.#nodes.length || this.#aloneRunning) return undefined;
    if (this.#regaining.length > 0) return undefined; // its turn came before theirs
    const node = this.#nodes[this.#head];
    return node.alone && this.#running > 0 ? undefined : node;
  }

  /** Takes the task {@link next} gave: it counts as running until {@link ended}. */
  take(node: Node): void {
    this.#head++;
    this.#inFlight++;
    if (node.alone) this.#aloneRunning = true;
  }

  /** A task taken has ended. */
  ended(node: Node): void {
    this.#inFlight--;
    // One resting (stopped during its back-off) did not hold the run alone.
    if (!this.#resting.delete(node) && node.alone) this.#aloneRunning = false;
    this.#grant();
  }

  /** A `parallel: false` task taken waits for a retry: others may start meanwhile. */
  rest(node: Node): void {
    if (!node.alone || this.#resting.has(node)) return;
    this.#resting.add(node);
    this.#aloneRunning = false;
  }

  /**
   * Resolves to null once the resting `node` runs alone again (the tasks started
   * meanwhile have ended; none starts while it waits), or to the stop reason when
   * `scope` stops first (it stays resting until {@link ended}). `waiting` is called when it
   * cannot run alone at once.
   */
  regain(node: Node, scope: AbortScope, waiting?: () => void): Promise<StopReason | null> {
    if (!this.#resting.has(node)) return Promise.resolve(null);
    if (scope.reason !== null) return Promise.resolve(scope.reason);
    return new Promise((resolve) => {
      let leave = () => {};
      const waiter: Regainer = {
        node,
        grant: () => {
          leave();
          resolve(null);
        },
      };
      this.#regaining.push(waiter);
      leave = scope.join({
        abort: (reason) => {
          const at = this.#regaining.indexOf(waiter);
          if (at !== -1) this.#regaining.splice(at, 1);
          resolve(reason);
        },
      });
      this.#grant();
      if (this.#regaining.includes(waiter)) waiting?.(); // not granted: others still run
    });
  }

  /** Tasks taken that run now (not resting). */
  get #running(): number {
    return this.#inFlight - this.#resting.size;
  }

  /** Lets the first task regaining run alone, once nothing else runs. */
  #grant(): void {
    if (this.#regaining.length === 0 || this.#aloneRunning || this.#running > 0) return;
    const waiter = this.#regaining.shift()!;
    this.#resting.delete(waiter.node);
    this.#aloneRunning = true;
    waiter.grant();
  }

  /** Frees the part already taken once it is most of the array (amortised O(1)). */
  compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#nodes.length) {
      this.#nodes = this.#nodes.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Drops the waiting tasks `keep` says no to. */
  keepOnly(keep: (node: Node) => boolean): void {
    const rest = this.#nodes.slice(this.#head).filter(keep);
    this.#nodes = rest;
    this.#head = 0;
  }

  /** Drops every waiting task (not those regaining: their scope stops them). */
  clear(): void {
    this.#nodes = [];
    this.#head = 0;
  }
}
