/**
 * The notifications of the daemon's ended runs while they are sent. A run ends for the
 * daemon once its end is recorded (launch.ts `recorded`); its notifications (up to 3
 * tries of 10 s each, src/notify/retry.ts) go on after that, beside the next fires. On
 * SIGTERM they get what is left of `--grace`, then are stopped (recorded on their run
 * as not sent, `interrupted`, as `weft run` does on Ctrl-C), so the daemon never waits
 * for a notification server past its grace period.
 * @module
 */
import { formatDuration } from "../model/duration.ts";
import { clearLongTimeout, type LongTimeout, setLongTimeout } from "../timer.ts";

/** The notifications being sent, and the signal that stops them. */
export class Notifying {
  readonly #stop = new AbortController();
  readonly #sending = new Set<Promise<unknown>>();
  #hurry: (() => void) | null = null;
  #hurried = false;

  /** Aborted to stop sending (launch.ts `notifySignal`). */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  /** Tracks `sent` (a run's `done`: its notifications sent and its history closed). */
  add(sent: Promise<unknown>): void {
    const tracked = sent.then(() => {}, () => {});
    this.#sending.add(tracked);
    tracked.then(() => this.#sending.delete(tracked));
  }

  /** A second SIGTERM: stop sending now. */
  hurry(): void {
    this.#hurried = true;
    this.#hurry?.();
  }

  /**
   * Waits up to `graceMs` (ms) for the notifications being sent, then stops those left
   * and waits until each is recorded as not sent. Logs what it waits for.
   */
  async drain(graceMs: number, log: (line: string) => void): Promise<void> {
    if (this.#sending.size === 0) return;
    const all = Promise.all(this.#sending);
    if (!this.#hurried && graceMs > 0) {
      log(
        `waiting up to ${
          formatDuration(graceMs)
        } for the notifications of ${this.#sending.size} ended run(s)`,
      );
      let timer: LongTimeout | undefined;
      await Promise.race([
        all,
        new Promise<void>((resolve) => {
          timer = setLongTimeout(resolve, graceMs);
          this.#hurry = resolve;
        }),
      ]);
      clearLongTimeout(timer);
    }
    if (this.#sending.size === 0) return;
    log(`stopping the notifications of ${this.#sending.size} ended run(s): recorded as not sent`);
    this.#stop.abort();
    await Promise.all(this.#sending);
  }
}
