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

/**
 * How long without a heartbeat the store took before a task may start only once another
 * has been taken (Heartbeats.confirm), in ms: two intervals, well under
 * {@link HEARTBEAT_FRESH_MS}, so that a clock between hosts that differs by a few seconds
 * still cannot make this process look dead to another weft before it checks.
 */
export const PAUSE_CHECK_MS = 2 * HEARTBEAT_INTERVAL_MS;

/**
 * One timer per running run; timers never keep the process alive. Also tells when this
 * process may have been paused (SIGSTOP, a frozen VM) past its beats: see {@link confirm}.
 */
export class Heartbeats {
  readonly #timers = new Map<string, ReturnType<typeof setInterval>>();
  /** runId → when (ms since the epoch) the last beat the store took was made. */
  readonly #taken = new Map<string, number>();

  /**
   * `beat(runId, at)` is called every `intervalMs` from {@link start} until {@link stop};
   * it resolves true once the store took the beat, false when it did not (its failure is
   * the beat's own to report).
   */
  constructor(
    private readonly beat: (runId: string, at: Date) => Promise<boolean>,
    private readonly intervalMs: number = HEARTBEAT_INTERVAL_MS,
    /** The wall clock, ms since the epoch (another weft judges by its own). */
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts beating for a run (again: no-op); its record is written as running now. */
  start(runId: string): void {
    if (this.#timers.has(runId)) return;
    this.#taken.set(runId, this.now());
    const timer = setInterval(() => void this.#beat(runId), this.intervalMs);
    Deno.unrefTimer(timer);
    this.#timers.set(runId, timer);
  }

  /** Stops beating for a run. */
  stop(runId: string): void {
    clearInterval(this.#timers.get(runId));
    this.#timers.delete(runId);
    this.#taken.delete(runId);
  }

  /**
   * Undefined while the store took a beat of `runId` within {@link PAUSE_CHECK_MS} (or
   * the run is not beating); else a beat now, resolved once written or refused. Another
   * weft marks a run interrupted only after no sign of life for {@link HEARTBEAT_FRESH_MS}
   * (store/recovery.ts), and the store refuses a beat of a run so marked (settled.ts), so
   * a task started after this resolves cannot run for a run already given up, even when
   * this process was stopped for minutes and resumes mid-run (the beat's own timer may
   * fire only after the events that start the next task).
   */
  confirm(runId: string): Promise<void> | undefined {
    const taken = this.#taken.get(runId);
    if (taken === undefined || this.now() - taken < PAUSE_CHECK_MS) return undefined;
    return this.#beat(runId).then(() => {});
  }

  async #beat(runId: string): Promise<boolean> {
    const at = this.now();
    const taken = await this.beat(runId, new Date(at));
    // A later beat may have been taken first (confirm and the timer overlap).
    if (taken && this.#timers.has(runId)) {
      this.#taken.set(runId, Math.max(at, this.#taken.get(runId) ?? 0));
    }
    return taken;
  }
}
