/**
 * The limit on leaf work running at once (`--max-parallel`). Work already under way
 * (retries, children of composite tasks) waits in FIFO order and is served before
 * the scheduler's ready queue, which is told through `onFree` when a slot opens.
 * A wait ends early when the waiter's cancellation scope stops (its composite's timeout,
 * the workflow timeout, Ctrl-C): the waiter leaves the queue, so no slot is ever handed
 * to a waiter that gave up (it would be held with nobody to give it back).
 * @module
 */
import type { AbortScope, StopReason } from "./abort.ts";

/** A counting semaphore with a FIFO of waiters. */
export class Slots {
  #inUse = 0;
  #waiters: (() => void)[] = [];
  #head = 0;

  /**
   * `limit`: the most slots held at once, except by {@link takeOver}. `chosen`: whether
   * someone chose it (`--max-parallel`, `max_parallel`), rather than the CPU count.
   */
  constructor(
    readonly limit: number,
    private readonly onFree: () => void = () => {},
    readonly chosen = true,
  ) {}

  /** Slots taken right now. */
  get inUse(): number {
    return this.#inUse;
  }

  /** Takes a slot if one is free and nobody is waiting. */
  tryAcquire(): boolean {
    if (this.#inUse >= this.limit || this.#head < this.#waiters.length) return false;
    this.#inUse++;
    return true;
  }

  /**
   * Takes a slot whatever the limit: for the children of a `parallel` task under a limit
   * nobody chose (README: "all started at once"; the seed's parallel test suites). Given
   * back with {@link release}, which hands no slot on while more are held than the limit.
   */
  takeOver(): void {
    this.#inUse++;
  }

  /**
   * Resolves to null once a slot is held, or to the stop reason (holding no slot) when
   * `scope` stops first; a scope already stopped with no slot free resolves at once.
   */
  acquire(scope: AbortScope): Promise<StopReason | null> {
    if (this.tryAcquire()) return Promise.resolve(null);
    if (scope.reason !== null) return Promise.resolve(scope.reason);
    return new Promise((resolve) => {
      let leave = () => {};
      const waiter = () => {
        leave();
        resolve(null);
      };
      this.#waiters.push(waiter);
      leave = scope.join({
        abort: (reason) => {
          this.#forget(waiter);
          resolve(reason);
        },
      });
    });
  }

  /** Takes a waiter that gave up out of the queue. */
  #forget(waiter: () => void): void {
    const at = this.#waiters.indexOf(waiter, this.#head);
    if (at === -1) return; // already served
    this.#waiters.splice(at, 1);
    if (this.#head === this.#waiters.length) {
      this.#waiters = [];
      this.#head = 0;
    }
  }

  /**
   * Gives a slot back: to the first waiter if any, else to the scheduler. With `later`,
   * in a later turn (setImmediate): a composite's child gives its slot back before the
   * composite, which may end with it, publishes its end (run.ts finishRecord), and no
   * other task's start may come before that end.
   */
  release(later = false): void {
    if (later) {
      setImmediate(() => this.release());
      return;
    }
    if (this.#inUse > this.limit) {
      this.#inUse--; // taken over the limit: nothing to hand on
      return;
    }
    if (this.#head < this.#waiters.length) {
      const next = this.#waiters[this.#head];
      this.#waiters[this.#head++] = noop;
      if (this.#head === this.#waiters.length) {
        this.#waiters = [];
        this.#head = 0;
      }
      next();
      return;
    }
    this.#inUse--;
    this.onFree();
  }
}

function noop(): void {}
