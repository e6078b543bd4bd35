/**
 * Heartbeats of the runs a process is recording: one small KV write per run every
 * {@link HEARTBEAT_INTERVAL_MS}, so that when weft dies (kill -9, power loss) the
 * run's last sign of life is known to within that interval (see records.ts
 * `lastSignOfLife`). Cheap by design: a timer per run, never a write per event.
 * @module
 */

/** Time between two heartbeats of a running run. */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/**
 * How long after its last sign of life a run still counts as alive for a weft that
 * cannot check its process (another host or PID namespace, store/run_owner.ts): six
 * heartbeat intervals, so a busy machine that delays a beat or two, or a small clock
 * difference between hosts, never makes a live run look dead.
 */
export const HEARTBEAT_FRESH_MS = 6 * HEARTBEAT_INTERVAL_MS;

/**
 * Whether a run last seen alive at `lastSeen` (UTC ISO time: its last heartbeat or
 * latest record, records.ts `lastSignOfLife`) may still be alive at `now` (ms since
 * the epoch): seen within {@link HEARTBEAT_FRESH_MS}, or at a time ahead of this
 * clock (another host's clock runs ahead: nothing says it stopped).
 */
export function seenRecently(lastSeen: string, now: number = Date.now()): boolean {
  return now - Date.parse(lastSeen) < HEARTBEAT_FRESH_MS;
}

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
