/**
 * The guard of a running run's writes in the KV store (kv.ts): each write of a run's
 * task, attempt and process records and of its heartbeat checks, in the same atomic
 * operation, that the run record is still the one last read as running. Once another
 * weft has marked the run interrupted (settled.ts), the check fails, the record is read
 * again, and the write is refused with RunSettledError: nothing is written over it.
 * The run record's versionstamp is kept per run, so a write needs no read of its own.
 * @module
 */
import type { KvIO, Mutation } from "./kv_io.ts";
import { runKey } from "./kv_keys.ts";
import type { RunRecord } from "./run_store.ts";
import { refuseSettled } from "./settled.ts";

/** Runs whose records one write checks at most (KV: 100 checks an operation). */
const RUNS_PER_WRITE = 50;

/** Versionstamps of the run records a process writes for (null: no record yet). */
export class KvRunGuard {
  readonly #stamps = new Map<string, string | null>();

  constructor(private readonly io: KvIO) {}

  /** The run record of `runId` was just written as running, at `versionstamp`. */
  remember(runId: string, versionstamp: string | null): void {
    this.#stamps.set(runId, versionstamp);
  }

  /** The run ended: its stamp is no longer kept. */
  forget(runId: string): void {
    this.#stamps.delete(runId);
  }

  /**
   * Runs `commit` with a check of each run record of `runIds`, until it succeeds; a
   * failed check reads the records again. Throws RunSettledError once one is settled.
   */
  async write(
    runIds: Iterable<string>,
    commit: (checks: Deno.AtomicCheck[]) => Promise<boolean>,
  ): Promise<void> {
    const ids = [...runIds];
    for (;;) {
      const checks: Deno.AtomicCheck[] = [];
      for (const runId of ids) {
        let stamp = this.#stamps.get(runId);
        if (stamp === undefined) {
          const entry = await this.io.get<RunRecord>(runKey(runId));
          refuseSettled(runId, entry.value);
          stamp = entry.versionstamp;
          this.#stamps.set(runId, stamp);
        }
        checks.push({ key: runKey(runId), versionstamp: stamp });
      }
      if (await commit(checks)) return;
      // Changed underneath (settled, or a notification added): read again.
      for (const runId of ids) this.#stamps.delete(runId);
    }
  }

  /**
   * Commits the writes of each run (`byRun`: runId → its mutations), checking the
   * records of the runs written together, as {@link write} does.
   */
  async writeRuns(byRun: Map<string, Mutation[]>): Promise<void> {
    const runIds = [...byRun.keys()];
    for (let at = 0; at < runIds.length; at += RUNS_PER_WRITE) {
      const ids = runIds.slice(at, at + RUNS_PER_WRITE);
      const writes = ids.length === 1 ? byRun.get(ids[0])! : ids.flatMap((id) => byRun.get(id)!);
      await this.write(ids, (checks) => this.io.commitInBatches(writes, [], checks));
    }
  }
}
