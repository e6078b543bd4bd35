/**
 * Where a fire waits before its run starts: a limit of runs at once across every
 * workflow (`--max-runs`), and per target (a schedule, or a workflow's webhook or
 * file trigger) its overlap policy when a run of that target is still going:
 * - `skip`: the new fire starts nothing (the caller records it skipped);
 * - `queue`: it starts when the running one ends; at most one waits, a further fire is skipped;
 * - `cancel`: the running ones are cancelled, and the new one starts when they have ended; a
 *   newer fire replaces one still waiting for that (it is dropped: the newest wins, as GitHub
 *   Actions' `cancel-in-progress` also cancels a pending run);
 * - `allow`: it starts alongside;
 * - `after` (no user's policy: a schedule's catch-up fire, daemon_fire.ts): it starts when the
 *   runs going have ended, however many fires wait, and cancels none; never skipped for them
 *   (README: catch-up fires run one after another whatever the overlap; one that found a
 *   run of the on-time loop going was otherwise skipped and never ran).
 * A schedule's catch-up chain holds its target from its first fire to its last
 * ({@link RunSlots.hold}): to the user's policies the target is busy for the whole chain,
 * the moments between two of its runs included, so an on-time fire is skipped (`skip`)
 * or waits for the chain's end (`queue`, `cancel`: which cancels none of the chain's runs,
 * as catch-ups run one after another whatever the overlap) the same way each time. Without
 * it, an on-time fire slipped in whenever it came due between one catch-up run's end and
 * the next one's start, and ran before the older fires the chain still owed.
 * Nothing waits without a bound: besides the above, at most {@link MAX_WAITING_PER_TARGET}
 * fires of one target wait for a free slot; a further one is skipped as `full`. Each waiting
 * fire holds its params (a webhook's whole body, up to 1 MiB), so a flood of requests or a
 * long catch-up must not queue without end.
 * No timers and no clock: only the order of events, so it is tested without waiting.
 * @module
 */

/** A run as the daemon sees it once started. */
export interface StartedRun {
  runId: string;
  /** Resolves when the run has ended and is recorded; never rejects. */
  done: Promise<unknown>;
  cancel(): void;
}

/**
 * Most fires of one target that wait at once for a free run slot (`--max-runs`), besides
 * those the overlap policy holds (one under `queue`/`cancel`). A burst — a push of a few
 * commits, a short outage's catch-up — fits; a flood is refused instead of growing memory.
 */
export const MAX_WAITING_PER_TARGET = 16;

/** Overlap policies (as in the schedule's `overlap`). */
export type Overlap = "skip" | "queue" | "cancel" | "allow";

/** What {@link RunSlots.offer} takes: a user's overlap policy, or `after` (see the module). */
export type SlotPolicy = Overlap | "after";

/** What became of a fire offered to {@link RunSlots.offer}. */
export type Admission =
  /**
   * Nothing starts. `full`: the wait is full (a `queue` fire already waits, or
   * {@link MAX_WAITING_PER_TARGET} wait for a slot) — try later; `overlap`: the policy is
   * `skip`. `reason`: why, for the log and the webhook's answer.
   */
  | { kind: "skipped"; full: boolean; reason: string }
  /**
   * Will start (after the overlap wait and a free slot): `started` resolves with the run,
   * or null when it could not start. `queued`: it waits for a run of its target (`queue`,
   * `after`);
   * `waits`: it does not start at once (queued, a cancel to end, or no free slot).
   * `withdraw(why)`: ends it unstarted while it still waits for the runs of its target to
   * end (its `started` resolves null, `dropped` is told `why`), giving back at once the
   * place it held (the one `queue` place): false when it no longer waits for them.
   */
  | {
    kind: "admitted";
    queued: boolean;
    waits: boolean;
    started: Promise<StartedRun | null>;
    withdraw(why: string): boolean;
  };

/**
 * A fire waiting for the runs of its target to end: `go` lets it on, `drop` ends it
 * unstarted (false when it was already let on).
 */
interface Waiter {
  /** An `after` fire: let on while a catch-up chain holds the target. */
  after: boolean;
  go(): void;
  drop(why: string): boolean;
}

interface Target {
  /** Runs started or about to start. */
  active: number;
  runs: Set<StartedRun>;
  queued: boolean;
  /** Fires offered that wait (for the overlap policy or a slot) and have not started yet. */
  waiting: number;
  /** Let on one by one when `active` falls to 0 (counted active as they are let on). */
  idle: Waiter[];
  /** The `cancel` fire waiting for the cancelled runs to end (a newer one replaces it). */
  cancelWaiter?: Waiter;
  /** Catch-up chains holding the target ({@link RunSlots.hold}). */
  held: number;
}

/**
 * The global limit and per-target overlap. `start` is called when the fire may start
 * and must start the run (reject or resolve null when it cannot).
 */
export class RunSlots {
  #limit: number;
  #running = 0;
  #waiting: Array<() => void> = [];
  #targets = new Map<string, Target>();
  #all = new Set<StartedRun>();
  #closed = false;
  /** Starts called and not resolved yet. */
  #starting = 0;
  /** Set by cancelAll(): told of each run cancelled, and of those that start later. */
  #cancelling?: (run: StartedRun) => void;
  #drained?: PromiseWithResolvers<void>;

  /** `limit`: most runs at once across all targets (≥ 1). */
  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** Runs started and not ended. */
  get running(): StartedRun[] {
    return [...this.#all];
  }

  /** Fires waiting for the overlap policy or for a free slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Holds `key`'s target for a catch-up chain until the returned release is called (once
   * its last fire has its outcome; calling it again does nothing): meanwhile fires under
   * the user's policies find the target busy though no run of it goes, and only `after`
   * fires (the chain's own) are let on as its runs end. See the module.
   */
  hold(key: string): () => void {
    const target = this.#target(key);
    target.held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      target.held--;
      this.#wake(key, target);
    };
  }

  /** From now on nothing starts: fires still waiting resolve their `started` with null. */
  close(): void {
    this.#closed = true;
  }

  /**
   * Runs whose start was called and has not resolved yet: once they resolve they are
   * running runs like the others (close() stops no start already called).
   */
  get starting(): number {
    return this.#starting;
  }

  /**
   * Resolves once no run is going and none is starting. After close() nothing new starts,
   * so then it means every run has ended; before, it may resolve while fires still wait.
   */
  drained(): Promise<void> {
    if (this.#all.size === 0 && this.#starting === 0) return Promise.resolve();
    this.#drained ??= Promise.withResolvers();
    return this.#drained.promise;
  }

  /**
   * Cancels every run going, and from now on each run as it starts (one whose start was
   * called before close() and resolved after: a stop's cancel must reach it too, or the
   * stop waits for its end, however long). `cancelled` is told of each.
   */
  cancelAll(cancelled: (run: StartedRun) => void): void {
    this.#cancelling = (run) => {
      cancelled(run);
      run.cancel();
    };
    for (const run of this.#all) this.#cancelling(run);
  }

  #checkDrained(): void {
    if (this.#drained && this.#all.size === 0 && this.#starting === 0) {
      this.#drained.resolve();
      this.#drained = undefined;
    }
  }

  /**
   * Offers a fire of `key` under `policy`. `dropped` is told why when the fire, admitted
   * to wait, is dropped unstarted: a newer `cancel` fire replaced it, or it was withdrawn
   * (its `started` then resolves null).
   */
  offer(
    key: string,
    policy: SlotPolicy,
    start: () => Promise<StartedRun | null>,
    dropped?: (reason: string) => void,
  ): Admission {
    const target = this.#target(key);
    // A chain's hold is no run going for its own (`after`) fires.
    const busy = target.active > 0 || (policy !== "after" && target.held > 0);
    if (busy && policy === "skip") {
      // Between two catch-up runs no run goes: the log says what the fire met.
      const reason = target.held > 0
        ? "its catch-up fires are still running (overlap: skip)"
        : "a run is still going (overlap: skip)";
      return { kind: "skipped", full: false, reason };
    }
    if (busy && policy === "queue" && target.queued) {
      return {
        kind: "skipped",
        full: true,
        reason: "a run is still going and another fire already waits for it (overlap: queue)",
      };
    }
    // Only `queue` keeps the one place of its target: an `after` fire waits however many do.
    const holdsQueue = busy && policy === "queue";
    // A `cancel` fire waits for a chain's end as long as a `queue` one does: said so too.
    const queued = busy &&
      (policy === "queue" || policy === "after" || (policy === "cancel" && target.held > 0));
    const mustWait = busy && policy !== "allow";
    const waits = mustWait || this.#running >= this.#limit;
    const replaces = mustWait && policy === "cancel" ? target.cancelWaiter : undefined;
    if (waits && !replaces && target.waiting >= MAX_WAITING_PER_TARGET) {
      return {
        kind: "skipped",
        full: true,
        reason: `${MAX_WAITING_PER_TARGET} fires already wait for a free run slot ` +
          `(--max-runs ${this.#limit})`,
      };
    }
    // While a chain holds the target its runs are catch-ups, which no fire cancels.
    if (busy && policy === "cancel" && target.held === 0) {
      for (const run of target.runs) run.cancel();
    }
    replaces?.drop("a newer fire replaced it (overlap: cancel)");
    if (holdsQueue) target.queued = true;
    if (waits) target.waiting++;
    let waiter: Waiter | undefined;
    let droppedWhy = "";
    const turn = mustWait
      ? new Promise<boolean>((resolve) => {
        waiter = {
          after: policy === "after",
          go: () => {
            if (target.cancelWaiter === waiter) target.cancelWaiter = undefined;
            // Active from now: a fire offered before this one's turn resumes finds it going.
            target.active++;
            resolve(true);
          },
          drop: (why) => {
            const at = target.idle.indexOf(waiter!);
            if (at < 0) return false; // already let on
            target.idle.splice(at, 1);
            if (target.cancelWaiter === waiter) target.cancelWaiter = undefined;
            // Its `queue` place is free from now: the next fire of the target may wait
            // there (tester v23b F2: a withdrawn fire kept it, and the next was skipped).
            if (holdsQueue) target.queued = false;
            target.waiting--;
            droppedWhy = why;
            resolve(false);
            return true;
          },
        };
        target.idle.push(waiter);
        if (policy === "cancel") target.cancelWaiter = waiter;
      })
      : undefined;
    const started = (async () => {
      if (turn && !(await turn)) {
        dropped?.(droppedWhy);
        this.#forget(key, target);
        return null;
      }
      if (holdsQueue) target.queued = false;
      if (!turn) target.active++;
      await this.#acquire();
      if (waits) target.waiting--;
      let run: StartedRun | null = null;
      if (!this.#closed) {
        this.#starting++;
        try {
          run = await start();
        } catch {
          run = null;
        } finally {
          this.#starting--;
        }
      }
      if (!run) {
        this.#release();
        this.#ended(key, target);
        this.#checkDrained();
        return null;
      }
      target.runs.add(run);
      this.#all.add(run);
      this.#cancelling?.(run);
      run.done.finally(() => {
        target.runs.delete(run!);
        this.#all.delete(run!);
        this.#release();
        this.#ended(key, target);
        this.#checkDrained();
      });
      return run;
    })();
    const withdraw = (why: string) => waiter?.drop(why) ?? false;
    return { kind: "admitted", queued, waits, started, withdraw };
  }

  #target(key: string): Target {
    let target = this.#targets.get(key);
    if (!target) {
      target = { active: 0, runs: new Set(), queued: false, waiting: 0, idle: [], held: 0 };
      this.#targets.set(key, target);
    }
    return target;
  }

  #ended(key: string, target: Target): void {
    target.active--;
    this.#wake(key, target);
  }

  /**
   * With no run of the target going, one waiter goes on (the queued fire, or the one a
   * cancel made room for); while a chain holds the target, only an `after` fire may.
   */
  #wake(key: string, target: Target): void {
    if (target.active > 0) return;
    const at = target.held > 0 ? target.idle.findIndex((w) => w.after) : 0;
    const [next] = at < 0 ? [] : target.idle.splice(at, 1);
    if (next) next.go();
    else this.#forget(key, target);
  }

  /** Drops the entry of a target with nothing going or waiting (keys come and go with reloads). */
  #forget(key: string, target: Target): void {
    if (
      target.active === 0 && target.idle.length === 0 && target.waiting === 0 &&
      target.held === 0
    ) {
      if (this.#targets.get(key) === target) this.#targets.delete(key);
    }
  }

  async #acquire(): Promise<void> {
    if (this.#running < this.#limit) {
      this.#running++;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    // The slot passes straight to the next waiter, so `#running` stays the same.
    if (next) next();
    else this.#running--;
  }
}
