/**
 * The scheduler's clock, injected so that scheduling is tested without waiting:
 * {@link systemClock} in production, {@link ManualClock} in tests.
 * @module
 */

import { clearLongTimeout, setLongTimeout } from "../timer.ts";

/** Time as the scheduler sees it. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms` of this clock's time, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock (Date.now, setLongTimeout: a next fire may be months away). */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setLongTimeout(done, Math.max(0, ms));
      signal?.addEventListener("abort", done, { once: true });
      function done() {
        clearLongTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
    }),
};

/**
 * A clock that moves only when told: `advance` or `set` wake every sleeper whose time
 * has come, in wake-up order, letting each run before the next wakes.
 */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: Array<{ at: number; wake: () => void }> = [];

  constructor(start: Date) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = { at: this.#now + Math.max(0, ms), wake: resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener("abort", () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        resolve();
      }, { once: true });
    });
  }

  /** Moves time forward by `ms`, waking sleepers on the way. */
  advance(ms: number): Promise<void> {
    return this.set(new Date(this.#now + ms));
  }

  /** Moves time to `t` (never backwards), waking sleepers due by then in order. */
  async set(t: Date): Promise<void> {
    const target = Math.max(t.getTime(), this.#now);
    for (;;) {
      const due = this.#sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#sleepers = this.#sleepers.filter((s) => s !== due);
      this.#now = Math.max(this.#now, due.at);
      due.wake();
      // Let the woken code run (and perhaps sleep again) before time moves on.
      for (let i = 0; i < 10; i++) await Promise.resolve();
      await new Promise((r) => setTimeout(r, 0));
    }
    this.#now = target;
  }

  /** How many sleepers wait (tests use it to know the scheduler is idle). */
  get sleepers(): number {
    return this.#sleepers.length;
  }
}
