/**
 * Ctrl-C and SIGTERM while `weft logs --follow` waits for output: not an end in the
 * middle of a pass, losing a line held back (log_hold.ts), but one last pass that prints
 * what is held as `weft logs` would print it then, and an exit with 128 + the signal's
 * number, as a shell reports it (vsched F3). A second signal ends weft at once.
 * @module
 */
import { STOP_SIGNALS } from "./signals.ts";

/** Exit codes of a follow stopped by a signal. */
const EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/** The stop signals of one `--follow`, listened for from {@link listen} until its remover. */
export class FollowStop {
  /** The signal that came (SIGINT or SIGTERM), if any. */
  signal: Deno.Signal | undefined;
  #wake: (() => void) | undefined;

  /** The exit code for the signal that came (130, 143); undefined when none came. */
  get exitCode(): number | undefined {
    return this.signal === undefined ? undefined : EXIT[this.signal];
  }

  /**
   * Listens for SIGINT and SIGTERM; returns the remover. The listeners go at the first
   * signal: Deno's default handling of a second one ends weft at once.
   */
  listen(): () => void {
    let removed = false;
    const remove = () => {
      if (removed) return;
      removed = true;
      for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
    };
    const listeners = STOP_SIGNALS.map((signal) =>
      [signal, () => {
        this.signal = signal;
        remove();
        this.#wake?.();
      }] as const
    );
    for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener);
    return remove;
  }

  /** Waits `ms` milliseconds, less when a signal comes (none at all after one came). */
  async pause(ms: number): Promise<void> {
    if (this.signal) return;
    const { promise, resolve } = Promise.withResolvers<void>();
    const timer = setTimeout(resolve, ms);
    this.#wake = resolve;
    await promise;
    clearTimeout(timer);
    this.#wake = undefined;
  }
}
