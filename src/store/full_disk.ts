/**
 * Finishing a run's record on a full disk (kv.ts `finishRun`). A run's final write is
 * normally its task records first, the run record last; but a run of a few hundred
 * tasks whose intermediate records were dropped (recorder.ts) rewrites every task, which
 * may need more room than the reserve (reserve.ts) gives back, and the run would then
 * stay `running` for the mere bulk of its tasks. Here the run record, small, goes first,
 * and the task records follow in small batches as long as there is room. And when even
 * that does not fit, the room the space reserve (reserve.ts) gives back is used for it
 * ({@link finishWithRoom}), whenever in the run the disk filled.
 * @module
 */
import type { RunReport, TaskRecord } from "../engine/events.ts";
import { isDiskFull, StorageError } from "./faults.ts";
import type { Mutation } from "./kv_io.ts";
import type { AttemptRecord, RunStore } from "./run_store.ts";
import { RunSettledError } from "./settled.ts";

/**
 * Task records per best-effort commit after the run record: small, so that what room is
 * left is filled (a commit is all or nothing), not so small that each costs an fsync per task.
 */
export const FULL_DISK_BATCH = 16;

/**
 * Writes the run's final record through `finish` — with the tasks' summary (their final
 * states, which the task records may now lack), or, when even that does not fit, without
 * it — then `writes` in batches of {@link FULL_DISK_BATCH} through `commit`, stopping at
 * the first that does not fit. Throws when the run record itself cannot be written.
 */
export async function finishOnFullDisk(
  finish: (withSummary: boolean) => Promise<void>,
  commit: (batch: Mutation[]) => Promise<unknown>,
  writes: Mutation[],
): Promise<void> {
  try {
    await finish(true);
  } catch (e) {
    if (!isDiskFull(e)) throw e;
    await finish(false);
  }
  for (let at = 0; at < writes.length; at += FULL_DISK_BATCH) {
    try {
      await commit(writes.slice(at, at + FULL_DISK_BATCH));
    } catch (e) {
      if (isDiskFull(e)) return; // the run is recorded; the rest did not fit
      throw e;
    }
  }
}

/**
 * The report of a run that could not be wholly recorded (a record or log line of it was
 * lost to a fault of the machine, `summary` saying which and why): `failed`, with that
 * reason as its `error` unless it has one already — never `success` (README, exit codes:
 * a fault of the machine is exit 1). Returns `report` itself when nothing changes.
 */
export function unrecordedReport(report: RunReport, summary: string): RunReport {
  if (report.status !== "success" && report.error !== undefined) return report;
  return {
    ...report,
    status: report.status === "success" ? "failed" : report.status,
    error: report.error ?? summary,
  };
}

/**
 * The report of a run whose recording met `fault`, as history holds it: `interrupted`
 * when another weft had marked the run so (settled.ts: nothing more of it was written),
 * else {@link unrecordedReport}'s. Returns `report` itself when nothing changes.
 */
export function faultedReport(report: RunReport, fault: StorageError): RunReport {
  if (!(fault.cause instanceof RunSettledError)) return unrecordedReport(report, fault.summary);
  return { ...report, status: "interrupted", error: report.error ?? fault.summary };
}

/**
 * `store.finishRun(report, tasks)`; when that meets a full disk, `freeSpace` (releasing
 * the space reserve) and, if it freed room, the final write once more with every task
 * record. A run whose end is not written stays `running`, and once its process is gone
 * crash recovery marks it `interrupted` — though it ended, maybe successfully. When the
 * record still does not fit whole, the run record (which a full disk's write puts first,
 * full_disk.ts `finishOnFullDisk`) is written again through `unrecorded` (e.g.
 * {@link unrecordedReport}): a run some of whose records were lost must not read as a
 * success. `attempts` go with each try (RunStore.finishRun). Throws what the last write
 * of the whole record threw.
 */
export async function finishWithRoom(
  store: Pick<RunStore, "finishRun">,
  report: RunReport,
  tasks: TaskRecord[] | undefined,
  freeSpace: (() => Promise<boolean>) | undefined,
  unrecorded: (report: RunReport, error: unknown) => RunReport = (r) => r,
  attempts: AttemptRecord[] = [],
): Promise<void> {
  let error: unknown;
  try {
    return await store.finishRun(report, tasks, attempts);
  } catch (e) {
    if (!isDiskFull(e)) throw e;
    error = e;
  }
  if (freeSpace && (await freeSpace())) {
    try {
      return await store.finishRun(report, undefined, attempts);
    } catch (e) {
      if (!isDiskFull(e)) throw e;
      error = e;
    }
  }
  const marked = unrecorded(report, error);
  if (marked !== report) {
    // The run record alone (the task records did not all fit): the tasks' final states
    // are in its summary. Its own failure changes nothing of what is thrown below.
    await store.finishRun(marked, [], attempts).catch(() => {});
  }
  throw error;
}

/**
 * Writes one of the records made after a run's end (the outcome of its notifications,
 * an alert rule's state) through `write`: like the run's own last record
 * ({@link finishWithRoom}), on a full disk it spends the space reserve (`freeSpace`,
 * reserve.ts) and writes once more. Throws a StorageError saying `what` could not be
 * recorded, at `home` (the WEFT_HOME folder), why and what to do, when it still fails.
 */
export async function writeAfterRun<T>(
  what: string,
  home: string,
  write: () => Promise<T>,
  freeSpace: () => Promise<boolean>,
): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (!isDiskFull(e) || !await freeSpace()) throw new StorageError(what, home, causeOf(e));
  }
  try {
    return await write();
  } catch (e) {
    throw new StorageError(what, home, causeOf(e));
  }
}

/** The fault itself: a StorageError's cause (its own words are replaced by `what`). */
function causeOf(error: unknown): unknown {
  return error instanceof StorageError ? error.cause : error;
}
