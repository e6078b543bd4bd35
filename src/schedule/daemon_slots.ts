/**
 * Where a fire waits before its run starts: a limit of runs at once across every
 * workflow (`--max-runs`), and per target (a schedule, or a workflow's webhook or
 * file trigger) its overlap policy when a run of that target is still going:
 * - `skip`: the new fire starts nothing (the caller records it skipped);
 * - `queue`: it starts when the running one ends; at most one waits, a further fire is skipped;
 * - `cancel`: the running ones are cancelled, and the new one starts when they have ended;
 * - `allow`: it starts alongside.
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

/** Overlap policies (as in the schedule's `overlap`). */
export type Overlap = "skip" | "queue" | "cancel" | "allow";

/** What became of a fire offered to {@link RunSlots.offer}. */
export type Admission =
  | { kind: "skipped" }
  /**
   * Will start (after the overlap wait and a free slot): `started` resolves with the run,
   * or null when it could not start. `queued`: it waits for a run of its target (`queue`);
   * `waits`: it does not start at once (queued, a cancel to end, or no free slot).
   */
  | {
    kind: "admitted";
    queued: boolean;
    waits: boolean;
    started: Promise<StartedRun | null>;
  };

interface Target {
  /** Runs started or about to start. */
  active: number;
  runs: Set<StartedRun>;
  queued: boolean;
  /** Resolves when `active` falls to 0. */
  idle: Array<() => void>;
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

  /** From now on nothing starts: fires still waiting resolve their `started` with null. */
  close(): void {
    this.#closed = true;
  }

  /** Offers a fire of `key` under `policy`. */
  offer(key: string, policy: Overlap, start: () => Promise<StartedRun | null>): Admission {
    const target = this.#target(key);
    const busy = target.active > 0;
    if (busy && policy === "skip") return { kind: "skipped" };
    if (busy && policy === "queue" && target.queued) return { kind: "skipped" };
    const queued = busy && policy === "queue";
    if (busy && policy === "cancel") { for (const run of target.runs) run.cancel(); }
    const mustWait = busy && (policy === "queue" || policy === "cancel");
    if (queued) target.queued = true;
    const waits = mustWait || this.#running >= this.#limit;
    const started = (async () => {
      if (mustWait) await new Promise<void>((resolve) => target.idle.push(resolve));
      if (queued) target.queued = false;
      target.active++;
      await this.#acquire();
      let run: StartedRun | null = null;
      try {
        run = this.#closed ? null : await start();
      } catch {
        run = null;
      }
      if (!run) {
        this.#release();
        this.#ended(target);
        return null;
      }
      target.runs.add(run);
      this.#all.add(run);
      run.done.finally(() => {
        target.runs.delete(run!);
        this.#all.delete(run!);
        this.#release();
        this.#ended(target);
      });
      return run;
    })();
    return { kind: "admitted", queued, waits, started };
  }

  #target(key: string): Target {
    let target = this.#targets.get(key);
    if (!target) {
      target = { active: 0, runs: new Set(), queued: false, idle: [] };
      this.#targets.set(key, target);
    }
    return target;
  }

  #ended(target: Target): void {
    target.active--;
    if (target.active > 0) return;
    // One waiter goes on (the queued fire, or the one a cancel made room for).
    const next = target.idle.shift();
    next?.();
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
