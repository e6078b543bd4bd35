/**
 * How the daemon sees `weft schedule add`/`pause`/`resume`/`remove` made by another
 * process without a SIGHUP: the store's schedules are looked at every
 * {@link STORE_CHECK_MS}, and when what the daemon acts on changed (scheduleFingerprint)
 * the daemon reads them again. Deno KV's `watch` sees only its own process's writes, so
 * this reads. A fire also checks its schedule at its time (daemon_fire.ts), so a pause
 * or remove is exact even between two looks.
 * @module
 */
import type { ScheduleStore } from "../store/schedule_store.ts";
import type { Schedule } from "./types.ts";
import { scheduleFingerprint } from "./daemon_schedules.ts";

/** How often the store's schedules are looked at (ms). */
export const STORE_CHECK_MS = 1000;

/** Looks at the store's schedules until `close()`. */
export class StoreWatch {
  #store: ScheduleStore;
  #seen = "";
  #timer: ReturnType<typeof setInterval> | undefined;
  #looking = false;

  constructor(store: ScheduleStore) {
    this.#store = store;
  }

  /**
   * Notes `stored`, the store's schedules as the sync that just ran read them, as what the
   * daemon acts on. Not a second read: a change another process committed between the
   * sync's read and this one (`weft schedule resume` right after a pause) would be taken
   * as applied, and the daemon would go on with the schedule paused.
   */
  seen(stored: Schedule[]): void {
    this.#seen = scheduleFingerprint(stored);
  }

  /**
   * Starts looking; `changed` is called (and awaited: no second look meanwhile) when the
   * schedules differ from the last {@link seen}; it should sync and call `seen()`.
   * `failed` gets a store that cannot be read.
   */
  start(changed: () => Promise<void>, failed: (e: unknown) => void): void {
    this.#timer = setInterval(async () => {
      if (this.#looking) return;
      this.#looking = true;
      try {
        const now = scheduleFingerprint(await this.#store.list());
        if (now !== this.#seen) await changed();
      } catch (e) {
        failed(e);
      } finally {
        this.#looking = false;
      }
    }, STORE_CHECK_MS);
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
