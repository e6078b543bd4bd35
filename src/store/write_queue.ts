/**
 * The recorder's ordered write queue with group commit.
 * @module
 */
import type { TaskRecord } from "../engine/events.ts";
import type { AttemptRecord, ProcessRecord, RecordBatch, RunStore } from "./run_store.ts";

/** Collects task and attempt records for one atomic write; a later record of a key wins. */
export class BatchBuilder {
  readonly #tasks = new Map<string, { runId: string; task: TaskRecord }>();
  readonly #attempts = new Map<string, AttemptRecord>();
  readonly #processes = new Map<string, { process: ProcessRecord; running: boolean }>();

  task(runId: string, task: TaskRecord): void {
    this.#tasks.set(`${runId}\u0000${task.id}`, { runId, task });
  }

  attempt(attempt: AttemptRecord): void {
    this.#attempts.set(`${attempt.runId}\u0000${attempt.taskId}\u0000${attempt.attempt}`, attempt);
  }

  /** A process group started (`running`) or gone. */
  process(process: ProcessRecord, running: boolean): void {
    const key =
      `${process.runId}\u0000${process.taskId}\u0000${process.attempt}\u0000${process.pid}`;
    // Started and gone within one batch: it was never written, so nothing to write.
    if (!running && this.#processes.get(key)?.running) this.#processes.delete(key);
    else this.#processes.set(key, { process, running });
  }

  build(): RecordBatch {
    return {
      tasks: [...this.#tasks.values()],
      attempts: [...this.#attempts.values()],
      processes: [...this.#processes.values()],
    };
  }
}

type Op =
  | { kind: "barrier"; run: () => Promise<void>; done: () => void }
  | { kind: "records"; fill: (batch: BatchBuilder) => void | Promise<void>; done: () => void };

/**
 * The recorder's ordered write queue with group commit: operations run one after
 * another in arrival order; consecutive record updates that piled up while a write
 * was in flight go out as one atomic write. Run creation and completion are barriers.
 * A failed write is remembered (and passed to `onError` as it happens); later ones
 * still run.
 */
export class WriteQueue {
  readonly #ops: Op[] = [];
  #tail: Promise<void> = Promise.resolve();
  #draining = false;
  #firstError: unknown = null;
  #dropRecords = false;

  constructor(
    private readonly store: RunStore,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** Queues a write that runs alone. */
  barrier(run: () => Promise<void>): Promise<void> {
    return this.#push((done) => ({ kind: "barrier", run, done }));
  }

  /** Queues record updates that may share an atomic write with their neighbours. */
  records(fill: (batch: BatchBuilder) => void | Promise<void>): Promise<void> {
    return this.#push((done) => ({ kind: "records", fill, done }));
  }

  /**
   * From now on record updates are prepared (their fill functions run) but not
   * written; barriers still are. For a run stopped by a full disk: what room is left
   * goes to its final record, which holds every task's final state anyway.
   */
  dropRecords(): void {
    this.#dropRecords = true;
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

  #push(make: (done: () => void) => Op): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#ops.push(make(resolve));
    this.#tail = promise;
    if (!this.#draining) void this.#drain();
    return promise;
  }

  async #drain(): Promise<void> {
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
        const batch = new BatchBuilder();
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
    this.#firstError ??= error;
    try {
      this.onError(error);
    } catch {
      // the callback's own failure must not stop the queue
    }
  }
}
