/**
 * The limit on leaf work running at once (`--max-parallel`). Work already under way
 * (retries, children of composite tasks) waits in FIFO order and is served before
 * the scheduler's ready queue, which is told through `onFree` when a slot opens.
 * @module
 */

/** A counting semaphore with a FIFO of waiters. */
export class Slots {
  #inUse = 0;
  #waiters: (() => void)[] = [];
  #head = 0;

  constructor(readonly limit: number, private readonly onFree: () => void = () => {}) {}

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

  /** Resolves once a slot is held. */
  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Gives a slot back: to the first waiter if any, else to the scheduler. */
  release(): void {
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
