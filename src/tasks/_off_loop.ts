/**
 * The fd reactor's bookkeeping of calls running off the event loop (such as a spawn
 * whose child the reactor then watches, see FdReactor.offLoop): how many are in flight,
 * and the reactor's wait for one of them to end, bounded in time. While such a call is
 * in flight the reactor does not wait in epoll_wait on the event loop's own thread,
 * where the call's result could not be taken in until that wait ended (_fd_reactor.ts).
 * @module
 */

/** The calls in flight off the event loop, and one wait at a time for one to end. */
export class OffLoopCalls {
  /** Calls in flight off the event loop whose results the loop must not wait past. */
  #count = 0;
  /** The loop waiting for one of those calls to end (see FdReactor's #loop), and until when (ms). */
  #wait: { resolve: (ended: boolean) => void; until: number } | null = null;
  /** One timer bounds those waits, re-armed only once it fires (not one timer per wait). */
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** How many calls of {@link track} are in flight. */
  get inFlight(): number {
    return this.#count;
  }

  /** `work`, counted while in flight; its end resolves the wait of {@link end} with true. */
  async track<T>(work: Promise<T>): Promise<T> {
    this.#count++;
    try {
      return await work;
    } finally {
      this.#count--;
      const wait = this.#wait;
      this.#wait = null;
      wait?.resolve(true);
    }
  }

  /**
   * Resolves true once a call of {@link track} ends, or false after about `ms` (a call
   * that takes that long, such as an exec stuck on a slow file system, must not hold back
   * the other children's events: the loop then waits on the pool thread).
   */
  end(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      this.#wait = { resolve, until: performance.now() + ms };
      this.#timer ??= setTimeout(this.#timeout, ms);
    });
  }

  /** Drops the timer of {@link end}: nothing is left to wait for, Deno may exit at once. */
  stopTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #timeout = (): void => {
    this.#timer = undefined;
    const wait = this.#wait;
    if (!wait) return;
    const left = wait.until - performance.now();
    if (left >= 1) {
      this.#timer = setTimeout(this.#timeout, Math.ceil(left)); // a later wait
      return;
    }
    this.#wait = null;
    wait.resolve(false);
  };
}
