/**
 * A file_change trigger does not fire for changes made while a run of its own workflow
 * went on: those are (or may be) the run's own writes — a build writing into `src/`, a
 * task appending to the file it watches — and firing for them starts the workflow again
 * and again, for good. As watchexec does by default (`--on-busy-update do-nothing`) and
 * as GitHub Actions starts no workflow for events its own runs make. A change counts as
 * made during a run when its event arrived between the run's start and its end (recorded
 * after the run's record, so its tasks' last writes are seen before). Not by the file's
 * modification time: the kernel stamps it from a coarse clock, up to a few ms behind, so
 * a change made just after a run would read as made during it.
 * @module
 */
import { preciseNow } from "./daemon_watch.ts";

/** Run windows kept per workflow file: enough for the events still on their way. */
const KEPT_WINDOWS = 32;

interface Window {
  start: number;
  /** null while the run goes on. */
  end: number | null;
}

/** The runs of each workflow file, as time windows. */
export class OwnWrites {
  #windows = new Map<string, Window[]>();
  #now: () => number;

  constructor(now: () => number = preciseNow) {
    this.#now = now;
  }

  /**
   * Opens a window for a run of `file` about to start (before its tasks can write);
   * returns what ends it: called with true when the run has ended, false when it never
   * started (the window is dropped).
   */
  begin(file: string): (ran: boolean) => void {
    const window: Window = { start: this.#now(), end: null };
    const list = this.#windows.get(file) ?? [];
    list.push(window);
    if (list.length > KEPT_WINDOWS) {
      const oldestEnded = list.findIndex((w) => w.end !== null);
      if (oldestEnded >= 0) list.splice(oldestEnded, 1);
    }
    this.#windows.set(file, list);
    return (ran) => {
      if (ran) window.end = this.#now();
      else if (list.includes(window)) list.splice(list.indexOf(window), 1);
    };
  }

  /** True when `at` (ms) falls inside a run of `file` (an ongoing one included). */
  during(file: string, at: number): boolean {
    return (this.#windows.get(file) ?? []).some((w) =>
      at >= w.start && (w.end === null || at < w.end)
    );
  }

  /** The paths of a burst whose last event (`seenAt`, ms) arrived outside the runs of `file`. */
  keep(file: string, paths: string[], seenAt: ReadonlyMap<string, number>): string[] {
    return paths.filter((path) => !this.during(file, seenAt.get(path) ?? this.#now()));
  }
}
