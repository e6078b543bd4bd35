/**
 * Heartbeats of the runs a process is recording: one small KV write per run every
 * {@link HEARTBEAT_INTERVAL_MS}, so that when weft dies (kill -9, power loss) the
 * run's last sign of life is known to within that interval (see records.ts
 * `lastSignOfLife`). Cheap by design: a timer per run, never a write per event.
 * @module
 */

/** Time between two heartbeats of a running run. */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/** One timer per running run; timers never keep the process alive. */
export class Heartbeats {
  readonly #timers = new Map<string, ReturnType<typeof setInterval>>();

  /** `beat(runId)` is called every `intervalMs` from {@link start} until {@link stop}. */
  constructor(
    private readonly beat: (runId: string) => void,
    private readonly intervalMs: number = HEARTBEAT_INTERVAL_MS,
  ) {}

  /** Starts beating for a run (again: no-op). */
  start(runId: string): void {
    if (this.#timers.has(runId)) return;
    const timer = setInterval(() => this.beat(runId), this.intervalMs);
    Deno.unrefTimer(timer);
    this.#timers.set(runId, timer);
  }

  /** Stops beating for a run. */
  stop(runId: string): void {
    clearInterval(this.#timers.get(runId));
    this.#timers.delete(runId);
  }
}
