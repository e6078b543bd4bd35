/**
 * The recorder's ordered write queue with group commit.
 * @module
 */
import type { TaskRecord } from "../engine/events.ts";
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

/** Collects task and attempt records for one atomic write; a later record of a key wins. */
export class BatchBuilder {
  readonly #tasks = new Map<string, { runId: string; task: TaskRecord }>();
  readonly #attempts = new Map<string, AttemptRecord>();
  readonly #processes = new Map<string, { process: PendingProcess; running: boolean }>();

  constructor(private readonly readTicks: StartTicksReader = () => null) {}

  task(runId: string, task: TaskRecord): void {
    this.#tasks.set(`${runId}\u0000${task.id}`, { runId, task });
  }

  attempt(attempt: AttemptRecord): void {
    this.#attempts.set(`${attempt.runId}\u0000${attempt.taskId}\u0000${attempt.attempt}`, attempt);
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
    return {
      tasks: [...this.#tasks.values()],
      attempts: [...this.#attempts.values()],
      processes,
    };
  }
}

type Op =
  | { kind: "barrier"; run: () => Promise<void>; done: () => void }
  | { kind: "records"; fill: (batch: BatchBuilder) => void | Promise<void>; done: () => void };

/**
 * How long record updates may wait for company before they are written, in ms. Each
 * atomic write costs ~0.2 ms of CPU and an fsync; a chain of short tasks (one ending as
 * the next starts) otherwise makes two writes per task. A crash loses at most the task
 * and attempt states of this window; never a process group's start (see `urgent`).
 */
export const RECORD_WINDOW_MS = 3;

/**
 * The recorder's ordered write queue with group commit: operations run one after
 * another in arrival order; consecutive record updates that piled up while a write
 * was in flight, or within {@link RECORD_WINDOW_MS} of the first, go out as one atomic
 * write. Urgent records (a process group started: recovery must be able to end it)
 * and barriers (run creation and completion) start the write at once, taking along
 * what waits. A failed write is remembered (and passed to `onError` as it happens);
 * later ones still run.
 */
export class WriteQueue {
  readonly #ops: Op[] = [];
  #tail: Promise<void> = Promise.resolve();
  #draining = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #firstError: unknown = null;
  #dropRecords = false;
  #recordsLost = false;

  constructor(
    private readonly store: RunStore,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly readTicks: StartTicksReader = () => null,
  ) {}

  /** Queues a write that runs alone (after what is queued before it). */
  barrier(run: () => Promise<void>): Promise<void> {
    return this.#push((done) => ({ kind: "barrier", run, done }), true);
  }

  /**
   * Queues record updates that may share an atomic write with their neighbours;
   * `urgent` ones are written without waiting for the window.
   */
  records(fill: (batch: BatchBuilder) => void | Promise<void>, urgent = false): Promise<void> {
    return this.#push((done) => ({ kind: "records", fill, done }), urgent);
  }

  /**
   * From now on record updates are prepared (their fill functions run) but not
   * written; barriers still are. For a run stopped by a full disk: what room is left
   * goes to its final record, which holds every task's final state anyway.
   */
  dropRecords(): void {
    this.#dropRecords = true;
    this.#recordsLost = true;
  }

  /**
   * Whether every record update queued so far went to the store (once one did not, a
   * later full write must not rely on them: see recorder.ts, run_finished).
   */
  get recordsIntact(): boolean {
    return !this.#recordsLost;
  }

  /** Resolves when everything queued so far is written. */
  idle(): Promise<void> {
    return this.#tail;
  }

  /** Throws (once) the first write error since the last call. */
  throwFirstError(): void {
    if (this.#firstError === null) return;
    const e = this.#firstError;
    this.#firstError = null;
    throw e;
  }

  #push(make: (done: () => void) => Op, urgent: boolean): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#ops.push(make(resolve));
    this.#tail = promise;
    if (this.#draining) return promise; // taken along when the write in flight is done
    if (urgent || RECORD_WINDOW_MS <= 0) void this.#drain();
    else this.#timer ??= setTimeout(() => void this.#drain(), RECORD_WINDOW_MS);
    return promise;
  }

  async #drain(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#draining) return;
    this.#draining = true;
    while (this.#ops.length) {
      const op = this.#ops.shift()!;
      if (op.kind === "barrier") {
        try {
          await op.run();
        } catch (e) {
          this.#failed(e);
        }
        op.done();
        continue;
      }
      const group: Op[] = [op];
      while (this.#ops[0]?.kind === "records") group.push(this.#ops.shift()!);
      try {
        const batch = new BatchBuilder(this.readTicks);
        for (const item of group) if (item.kind === "records") await item.fill(batch);
        if (!this.#dropRecords) await this.store.writeRecords(batch.build());
      } catch (e) {
        this.#failed(e);
      }
      for (const item of group) item.done();
    }
    this.#draining = false;
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
