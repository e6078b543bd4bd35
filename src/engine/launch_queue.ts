/**
 * A run's tasks ready to start, in the order they became ready (main tasks and
 * callbacks alike), and what runs now: a task with `parallel: false` starts only once
 * nothing else runs, and nothing starts while it runs. The concurrency limit (slots.ts)
 * and the starting itself are the scheduler's (run.ts). O(1) per task: the queue is a
 * head index into an array, cut down once most of it has been taken.
 * @module
 */
import type { Node } from "./nodes.ts";

/** The ready queue of one run and its count of tasks running. */
export class LaunchQueue {
  #nodes: Node[] = [];
  #head = 0;
  #inFlight = 0;
  #aloneRunning = false;

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
    const node = this.#nodes[this.#head];
    return node.alone && this.#inFlight > 0 ? undefined : node;
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
    if (node.alone) this.#aloneRunning = false;
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

  /** Drops every waiting task. */
  clear(): void {
    this.#nodes = [];
    this.#head = 0;
  }
}
