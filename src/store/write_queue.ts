/**
 * The recorder's ordered write queue with group commit.
 * @module
 */
import type { TaskRecord } from "../engine/events.ts";
import { type RecordsJournal, withoutOutputs } from "./records_journal.ts";
import type { AttemptRecord, ProcessRecord, RecordBatch, RunStore } from "./run_store.ts";

/**
 * The start time (clock ticks since boot) of a child process of ours, "gone" once it has
 * been reaped, or null when it cannot be known (no /proc). See recovery.ts.
 */
export type StartTicksReader = (pid: number) => number | null | "gone";

/**
 * A process group as the recorder reports it: `startTicks` undefined means "read it
 * when the batch is built". Most task processes end before their batch is written, and
 * a group that started and ended within one batch is never written, so its /proc read
 * is saved.
 */
export type PendingProcess = Omit<ProcessRecord, "startTicks"> & { startTicks?: number | null };

/**
 * Collects task and attempt records for one atomic write; a later record of a key wins,
 * so a task that starts and ends within one batch has only its final records written.
 */
export class BatchBuilder {
  // Maps nested by id, not keyed by joined strings: ids are the engine's own strings,
  // whose hashes are kept, where a joined key is a new string to build and hash per record.
  /** runId → taskId → record. */
  readonly #tasks = new Map<string, Map<string, { runId: string; task: TaskRecord }>>();
  /** runId → attempt number → taskId → record. */
  readonly #attempts = new Map<string, Map<number, Map<string, AttemptRecord>>>();
  readonly #processes = new Map<string, { process: PendingProcess; running: boolean }>();

  constructor(private readonly readTicks: StartTicksReader = () => null) {}

  task(runId: string, task: TaskRecord): void {
    let tasks = this.#tasks.get(runId);
    if (!tasks) this.#tasks.set(runId, tasks = new Map());
    tasks.set(task.id, { runId, task });
  }

  attempt(attempt: AttemptRecord): void {
    let runs = this.#attempts.get(attempt.runId);
    if (!runs) this.#attempts.set(attempt.runId, runs = new Map());
    let attempts = runs.get(attempt.attempt);
    if (!attempts) runs.set(attempt.attempt, attempts = new Map());
    attempts.set(attempt.taskId, attempt);
  }

  /** Puts in the task and attempt records of `batch` (not its process records). */
  add(batch: RecordBatch): void {
    for (const { runId, task } of batch.tasks) this.task(runId, task);
    for (const attempt of batch.attempts) this.attempt(attempt);
  }

  /** Nothing was put in (or all of it cancelled out). */
  get empty(): boolean {
    return this.#tasks.size === 0 && this.#attempts.size === 0 && this.#processes.size === 0;
  }

  /** A process group started (`running`) or gone. */
  process(process: PendingProcess, running: boolean): void {
    const key =
      `${process.runId}\u0000${process.taskId}\u0000${process.attempt}\u0000${process.pid}`;
    // Started and gone within one batch: it was never written, so nothing to write.
    if (!running && this.#processes.get(key)?.running) this.#processes.delete(key);
    else this.#processes.set(key, { process, running });
  }

  build(): RecordBatch {
    const processes: Array<{ process: ProcessRecord; running: boolean }> = [];
    for (const { process, running } of this.#processes.values()) {
      if (!running || process.startTicks !== undefined) {
        processes.push({
          process: { ...process, startTicks: process.startTicks ?? null },
          running,
        });
        continue;
      }
      // Read now: until weft reaps it, even an ended child (a zombie) holds its pid; "gone"
      // means it was reaped, and its exit is reported in the same turn: nothing to write.
      const ticks = this.readTicks(process.pid);
      if (ticks !== "gone") processes.push({ process: { ...process, startTicks: ticks }, running });
    }
    const tasks: Array<{ runId: string; task: TaskRecord }> = [];
    for (const byId of this.#tasks.values()) for (const task of byId.values()) tasks.push(task);
    const attempts: AttemptRecord[] = [];
    for (const byNumber of this.#attempts.values()) {
      for (const byId of byNumber.values()) {
        for (const attempt of byId.values()) attempts.push(attempt);
      }
    }
    return { tasks, attempts, processes };
  }
}

/** Puts record updates into a batch; may be async (the recorder waits for a log's size). */
type Fill = (batch: BatchBuilder) => void | Promise<void>;

type Op =
  | { kind: "barrier"; run: () => Promise<void>; done: () => void; urgent: true; at: number }
  | {
    kind: "records";
    /**
     * The record updates queued one after another while this op waits, in order: they
     * always go out in the same write (the drain takes every waiting records op next to
     * each other), so they share one op and one promise rather than each having its own.
     */
    fills: Fill[];
    done: () => void;
    promise: Promise<void>;
    urgent: boolean;
    /** When the first of `fills` arrived: the window is counted from it. */
    at: number;
  };

/**
 * How long record updates may wait for company before they are written, in ms. Each
 * atomic write costs ~0.2 ms of CPU and an fsync; a chain of short tasks (one ending as
 * the next starts) otherwise makes two writes per task. A crash loses at most the task
 * and attempt states of this window; never a process group's start (see `urgent`).
 */
export const RECORD_WINDOW_MS = 3;

/**
 * How long records appended to their runs' journals (records_journal.ts) may wait before
 * they go to the store, in ms: what another `weft` (status, the monitor) may lag behind
 * a run, and what a crash of the machine (not of weft) may lose.
 */
export const STORE_WINDOW_MS = 1000;

/** The records journal of a run, when it has one (see {@link WriteQueue}). */
export type JournalOf = (runId: string) => RecordsJournal | null | undefined;

/**
 * The recorder's ordered write queue with group commit: operations run one after
 * another in arrival order; consecutive record updates go out as one atomic write
 * once {@link RECORD_WINDOW_MS} has passed since the first of them arrived, or when
 * the write in flight ends if that is later. Those that arrive while a write is in
 * flight wait out their window too (rather than going the moment it ends): a task
 * that started meanwhile is more often ended by then, so its running state is not
 * written at all. Urgent records (a process group started: recovery must be able to
 * end it) and barriers (run creation and completion) start the write at once, taking
 * along what waits. A failed write is remembered (and passed to `onError` as it
 * happens); later ones still run.
 *
 * With `journalOf`, a batch whose runs all have a records journal (records_journal.ts)
 * is appended to those journals instead and held: held records go to the store at most
 * {@link STORE_WINDOW_MS} after the first of them, or before the next barrier or
 * urgent write, or with a batch a journal could not take, whichever comes first; then
 * the journals are emptied.
 */
export class WriteQueue {
  /** Waiting ops from `#head` on (taken by index: `shift()` copies a long array each time). */
  #ops: Op[] = [];
  #head = 0;
  /** How many waiting ops are urgent, so the drain need not look through all of them. */
  #urgentWaiting = 0;
  #tail: Promise<void> = Promise.resolve();
  #draining = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #firstError: unknown = null;
  #dropRecords = false;
  #recordsLost = false;
  /** Records appended to their journals, not yet in the store. */
  #held = new BatchBuilder();
  /** The journals holding {@link #held}: emptied once the store has it. */
  readonly #heldIn = new Set<RecordsJournal>();
  #storeTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the store timer fires (performance.now(), ms). */
  #storeAt = 0;
  /** Held records go to the store within the record window, not the store's (see soon()). */
  #soon = false;

  /**
   * `windowMs` is {@link RECORD_WINDOW_MS} but for tests, which use a longer one so
   * that what they assert does not depend on the machine's speed.
   */
  constructor(
    private readonly store: RunStore,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly readTicks: StartTicksReader = () => null,
    private readonly windowMs: number = RECORD_WINDOW_MS,
    private readonly journalOf?: JournalOf,
    private readonly storeWindowMs: number = STORE_WINDOW_MS,
  ) {}

  /** Queues a write that runs alone (after what is queued before it). */
  barrier(run: () => Promise<void>): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    return this.#push(
      { kind: "barrier", run, done: resolve, urgent: true, at: performance.now() },
      promise,
    );
  }

  /**
   * Queues record updates that may share an atomic write with their neighbours;
   * `urgent` ones are written without waiting for the window.
   */
  records(fill: Fill, urgent = false): Promise<void> {
    const last = this.#ops.length > this.#head ? this.#ops[this.#ops.length - 1] : undefined;
    if (last?.kind === "records") {
      // Joins the records op waiting last (three per task of a DAG otherwise: an op, a
      // promise and its settling per event).
      last.fills.push(fill);
      if (urgent && !last.urgent) {
        last.urgent = true;
        this.#urgentWaiting++;
        if (!this.#draining) void this.#drain();
      }
      return last.promise;
    }
    const { promise, resolve } = Promise.withResolvers<void>();
    return this.#push(
      { kind: "records", fills: [fill], done: resolve, promise, urgent, at: performance.now() },
      promise,
    );
  }

  /**
   * From now on record updates are prepared (their fill functions run) but not
   * written; barriers still are. For a run stopped by a full disk: what room is left
   * goes to its final record, which holds every task's final state anyway.
   */
  dropRecords(): void {
    this.#dropRecords = true;
    this.#recordsLost = true;
    this.#takeHeld();
  }

  /**
   * Whether every record update queued so far went to the store (once one did not, a
   * later full write must not rely on them: see recorder.ts, run_finished).
   */
  get recordsIntact(): boolean {
    return !this.#recordsLost;
  }

  /**
   * Another weft is about to look for what is queued or held (a task's first output is in
   * its log, and `weft logs` finds the log through the attempt's record): it goes to the
   * store within {@link RECORD_WINDOW_MS}, not {@link STORE_WINDOW_MS}.
   */
  soon(): void {
    if (!this.journalOf) return;
    this.#soon = true;
    if (!this.#held.empty) this.#storeIn(this.windowMs);
  }

  /** Resolves when everything queued so far is written (to the store). */
  idle(): Promise<void> {
    // A barrier: it writes what journals hold to the store first.
    return this.journalOf ? this.barrier(() => Promise.resolve()) : this.#tail;
  }

  /** Throws (once) the first write error since the last call. */
  throwFirstError(): void {
    if (this.#firstError === null) return;
    const e = this.#firstError;
    this.#firstError = null;
    throw e;
  }

  #push(op: Op, promise: Promise<void>): Promise<void> {
    this.#ops.push(op);
    if (op.urgent) this.#urgentWaiting++;
    this.#tail = promise;
    if (this.#draining) return promise; // taken along when the write in flight is done
    if (op.urgent || this.windowMs <= 0) void this.#drain();
    else this.#timer ??= setTimeout(() => void this.#drain(), this.windowMs);
    return promise;
  }

  async #drain(): Promise<void> {
    // Only when there is one: a process's first use of a timer function loads Deno's
    // timers (~3 ms), which the run record's write (a barrier) need not wait for.
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#draining) return;
    this.#draining = true;
    for (let first = true; this.#head < this.#ops.length; first = false) {
      // After a write, what piled up meanwhile waits out the rest of its window,
      // unless something urgent waits with it.
      const wait = first || this.#urgentWaiting > 0
        ? 0
        : this.#ops[this.#head].at + this.windowMs - performance.now();
      if (wait > 0) {
        this.#timer = setTimeout(() => void this.#drain(), wait);
        break;
      }
      const op = this.#take();
      if (op.kind === "barrier") {
        // What journals hold goes first: a barrier's write (a run's end, a heartbeat)
        // may rely on the records queued before it being in the store.
        await this.#write().catch((e) => this.#failed(e));
        try {
          await op.run();
        } catch (e) {
          this.#failed(e);
        }
        op.done();
        continue;
      }
      const group: Op[] = [op];
      while (this.#ops[this.#head]?.kind === "records") group.push(this.#take());
      try {
        const batch = new BatchBuilder(this.readTicks);
        for (const item of group) {
          if (item.kind !== "records") continue;
          for (const fill of item.fills) {
            // Most fills are synchronous: awaiting each would cost a microtask turn apiece.
            const filling = fill(batch);
            if (filling) await filling;
          }
        }
        if (!this.#dropRecords) {
          const built = batch.build();
          // The journals keep the outputs until the run's end: the store gets the rest.
          if (this.#journaled(built)) this.#hold(heldBack(built));
          else await this.#write(built);
        }
      } catch (e) {
        this.#failed(e);
      }
      for (const item of group) item.done();
    }
    this.#draining = false;
  }

  /**
   * Appends `batch` to the journals of its runs: true when every run has one and each
   * took its records. A batch of process records is never journaled (urgent: recovery
   * reads them from the store).
   */
  #journaled(batch: RecordBatch): boolean {
    if (!this.journalOf || batch.processes?.length) return false;
    const byRun = new Map<string, { tasks: TaskRecord[]; attempts: AttemptRecord[] }>();
    const of = (runId: string) => {
      let records = byRun.get(runId);
      if (!records) byRun.set(runId, records = { tasks: [], attempts: [] });
      return records;
    };
    for (const { runId, task } of batch.tasks) of(runId).tasks.push(task);
    for (const attempt of batch.attempts) of(attempt.runId).attempts.push(attempt);
    const journals: RecordsJournal[] = [];
    let all = true;
    for (const runId of byRun.keys()) {
      const journal = this.journalOf(runId);
      if (!journal?.on) {
        // Stopped: the outputs it kept for the run's end go to the store with this batch.
        if (journal) this.#rescue(journal, batch);
        all = false;
      } else journals.push(journal);
    }
    if (!all) return false;
    let i = 0;
    for (const { tasks, attempts } of byRun.values()) {
      const journal = journals[i++];
      // Held with the rest, so emptied once the store has them, whatever comes next.
      this.#heldIn.add(journal);
      if (!journal.append(tasks, attempts)) {
        for (const other of journals) if (!other.on) this.#rescue(other, batch);
        return false;
      }
    }
    return true;
  }

  /**
   * Puts the records with outputs a stopped journal kept (RecordsJournal.takeOutputs) into
   * `batch`, before its own (a later record of a key wins): the store gets them whole now,
   * since no journal keeps them for the run's end any more.
   */
  #rescue(journal: RecordsJournal, batch: RecordBatch): void {
    const kept = journal.takeOutputs();
    if (kept.tasks.length === 0 && kept.attempts.length === 0) return;
    const taskKeys = new Set(batch.tasks.map(({ runId, task }) => `${runId}\u0000${task.id}`));
    const attemptKeys = new Set(
      batch.attempts.map((a) => `${a.runId}\u0000${a.taskId}\u0000${a.attempt}`),
    );
    for (const task of kept.tasks) {
      const key = `${journal.runId}\u0000${task.id}`;
      if (!taskKeys.has(key)) batch.tasks.unshift({ runId: journal.runId, task });
    }
    for (const attempt of kept.attempts) {
      const key = `${attempt.runId}\u0000${attempt.taskId}\u0000${attempt.attempt}`;
      if (!attemptKeys.has(key)) batch.attempts.unshift(attempt);
    }
  }

  /** Keeps journaled records for the store's next write, which a timer brings. */
  #hold(batch: RecordBatch): void {
    this.#held.add(batch);
    if (!this.#held.empty) this.#storeIn(this.#soon ? this.windowMs : this.storeWindowMs);
  }

  /** The held records go to the store in `ms` at the latest (a barrier writes them). */
  #storeIn(ms: number): void {
    const at = performance.now() + ms;
    if (this.#storeTimer !== undefined && this.#storeAt <= at) return;
    clearTimeout(this.#storeTimer);
    this.#storeAt = at;
    this.#storeTimer = setTimeout(() => {
      this.#storeTimer = undefined;
      void this.barrier(() => Promise.resolve());
    }, ms);
  }

  /** The held records with `batch` after them (a later record of a key wins), held no more. */
  #takeHeld(batch?: RecordBatch): RecordBatch | null {
    clearTimeout(this.#storeTimer);
    this.#storeTimer = undefined;
    this.#soon = false;
    if (this.#held.empty) return batch ?? null;
    const held = this.#held;
    this.#held = new BatchBuilder();
    if (batch) held.add(batch);
    return { ...held.build(), processes: batch?.processes ?? [] };
  }

  /**
   * Writes what journals hold, then `batch`, to the store (nothing when both are empty);
   * then empties the journals. Rejects with the store's error.
   */
  async #write(batch?: RecordBatch): Promise<void> {
    const all = this.#takeHeld(batch);
    if (all === null) return;
    await this.store.writeRecords(all);
    this.#committed();
  }

  /** The store has every record the journals were given: they are emptied. */
  #committed(): void {
    for (const journal of this.#heldIn) journal.committed();
    this.#heldIn.clear();
  }

  /** The first waiting op, taken off the queue. */
  #take(): Op {
    const op = this.#ops[this.#head++];
    if (op.urgent) this.#urgentWaiting--;
    if (this.#head === this.#ops.length) {
      this.#ops = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#ops.length) {
      this.#ops = this.#ops.slice(this.#head);
      this.#head = 0;
    }
    return op;
  }

  #failed(error: unknown): void {
    this.#recordsLost = true;
    this.#firstError ??= error;
    try {
      this.onError(error);
    } catch {
      // the callback's own failure must not stop the queue
    }
  }
}

/**
 * `batch` as the store gets it while its runs' journals keep their outputs: its task and
 * attempt records without outputs (records_journal.ts RecordsJournal).
 */
function heldBack(batch: RecordBatch): RecordBatch {
  return {
    ...batch,
    tasks: batch.tasks.map(({ runId, task }) => ({ runId, task: withoutOutputs(task) })),
    attempts: batch.attempts.map(withoutOutputs),
  };
}
