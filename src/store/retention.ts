/**
 * Retention: how much history is kept. A policy keeps runs younger than `keep_days`
 * and/or the newest `keep_runs`; a run is deleted (with its log files) when any policy
 * that applies to it says so, and its child runs (sub-workflows) with it; a child run
 * whose caller stays is kept (it goes with its caller). Runs still
 * running are never deleted, nor a run that a kept run's tasks were kept from
 * (`--resume`: `weft logs` follows a kept task there, see cli/logs_printer.ts).
 *
 * Policies: `weft history prune` flags; a workflow's `retention:` (its own runs); the
 * global `WEFT_HOME/config.json` `retention` (all runs together, a ceiling no workflow
 * setting can raise).
 * @module
 */
import type { RunRecord, RunStore } from "./run_store.ts";
import { isKeptTask } from "./records.ts";
import { isDiskFull } from "./faults.ts";

const DAY_MS = 86_400_000;

/** A retention setting, as written in a workflow or config.json. */
export interface RetentionPolicy {
  keep_days?: number;
  keep_runs?: number;
}

/** What to prune. */
export interface PruneOptions {
  /** Delete runs that started more than this many days ago. */
  keepDays?: number;
  /** Keep only this many newest runs. */
  keepRuns?: number;
  /** Only this workflow's runs (and count keep-runs among them). */
  workflow?: string;
  /** List what would be deleted, delete nothing. */
  dryRun?: boolean;
  /** "Now", for keep-days (tests pass their own). */
  now?: Date;
  /**
   * Runs never deleted, and counted first among the newest by keep-runs: the runs just
   * made. Run ids sort by wall-clock start, so after the clock is stepped back the run
   * just made sorts as the oldest (tester15 F6).
   */
  keep?: readonly string[];
  /**
   * Asked for room when deleting `run` met a full disk (a delete writes to the
   * database's log first); `tried`: how often for this run before (0, 1, ...); `ahead`:
   * the runs still to delete, `run` first, oldest first (all certain to be deleted, so
   * their logs may give the room). Resolves to whether it did something worth another
   * try (see cli/prune_room.ts).
   */
  freeSpace?: (run: RunRecord, tried: number, ahead: readonly RunRecord[]) => Promise<boolean>;
}

/**
 * Deletes the runs (and their logs) that the options do not keep; returns them, oldest
 * first. Reads only the runs it deletes plus, for keep-runs, the ones it keeps.
 */
export async function pruneRuns(store: RunStore, options: PruneOptions): Promise<RunRecord[]> {
  const doomed = new Map<string, RunRecord>();
  const keep = new Set(options.keep ?? []);
  if (options.keepDays !== undefined) {
    const cutoff = new Date((options.now ?? new Date()).getTime() - options.keepDays * DAY_MS);
    const old = await store.listRuns({
      workflow: options.workflow,
      before: cutoff,
      oldestFirst: true,
    });
    for (const run of old) doomed.set(run.id, run);
  }
  if (options.keepRuns !== undefined) {
    const all = await store.listRuns({ workflow: options.workflow });
    const kept = all.filter((run) => keep.has(run.id));
    const newest = [...kept, ...all.filter((run) => !keep.has(run.id))];
    for (const run of newest.slice(options.keepRuns)) doomed.set(run.id, run);
  }
  // A child run (a `workflow` task's) goes with its caller: kept, it would name a run
  // that no longer exists (`called by …`). Its own children too, however deep.
  // Never a running run, nor one just made (PruneOptions.keep).
  for (const [id, run] of doomed) if (run.status === "running" || keep.has(id)) doomed.delete(id);
  if (doomed.size > 0) await spareResumeOrigins(store, doomed);
  if (doomed.size > 0) {
    // One listing, not one per doomed run: pruning walks thousands of runs at a time.
    const all = await store.listRuns();
    spareKeptCallers(all, doomed);
    const children = all.filter((run) => run.parentRunId !== undefined && run.status !== "running");
    for (let grew = true; grew;) {
      grew = false;
      for (const child of children) {
        if (doomed.has(child.id) || !doomed.has(child.parentRunId!)) continue;
        doomed.set(child.id, child);
        grew = true;
      }
    }
  }
  const runs = [...doomed.values()]
    .sort((a, b) => a.id < b.id ? -1 : 1);
  if (!options.dryRun) {
    // First what a prune stopped part way left of the runs it deleted (verifier V2 F4);
    // on a full disk that waits, as it needs room to write too: the deletes make it.
    await store.finishDeletes().catch((e) => {
      if (!isDiskFull(e)) throw e;
    });
    await deleteEach(store, runs, options.freeSpace);
  }
  return runs;
}

/**
 * A prune stopped by a fault part way: `deleted` are the runs it deleted (each one
 * wholly: RunStore.deleteRun), `cause` the fault; the other runs are untouched.
 */
export class PruneStopped extends Error {
  constructor(readonly deleted: RunRecord[], override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "PruneStopped";
  }
}

/**
 * Deletes `runs` one by one, oldest first. When one fails on a full disk, `freeSpace`
 * (PruneOptions) is asked for room and, when it made some, the run is deleted again
 * (deleteRun goes on where it stopped). Throws {@link PruneStopped} otherwise.
 */
async function deleteEach(
  store: RunStore,
  runs: readonly RunRecord[],
  freeSpace: PruneOptions["freeSpace"],
): Promise<void> {
  const deleted: RunRecord[] = [];
  for (const [at, run] of runs.entries()) {
    for (let tried = 0;; tried++) {
      try {
        await store.deleteRun(run.id);
        deleted.push(run);
        break;
      } catch (e) {
        if (!isDiskFull(e) || !freeSpace || !await freeSpace(run, tried, runs.slice(at))) {
          throw new PruneStopped(deleted, e);
        }
      }
    }
  }
}

/**
 * Takes out of `doomed` every child run whose caller stays (a child workflow's own
 * retention, or keep-runs counting child runs among all): a child run goes only with its
 * caller, or once its caller is gone. `all`: every run in the store.
 */
function spareKeptCallers(all: RunRecord[], doomed: Map<string, RunRecord>): void {
  const present = new Set(all.map((run) => run.id));
  for (let shrank = true; shrank;) {
    shrank = false;
    for (const [id, run] of doomed) {
      const parent = run.parentRunId;
      if (parent === undefined || doomed.has(parent) || !present.has(parent)) continue;
      doomed.delete(id); // its own children, if doomed, are spared in turn
      shrank = true;
    }
  }
}

/**
 * Takes out of `doomed` every run that a run left standing resumed from while keeping
 * some of its tasks (their record says `resumed`, with no attempt of their own): their
 * output is in that earlier run's logs (verify N5). Spared runs are standing in turn,
 * so a chain of resumes keeps what its last run still shows.
 */
async function spareResumeOrigins(store: RunStore, doomed: Map<string, RunRecord>) {
  const resumed = (await store.listRuns()).filter((run) => run.resumedFrom);
  const keepsTasks = new Map<string, boolean>();
  for (let grew = true; grew;) {
    grew = false;
    for (const run of resumed) {
      if (doomed.has(run.id) || !doomed.has(run.resumedFrom!)) continue;
      if (!keepsTasks.has(run.id)) {
        const { tasks } = await store.getRun(run.id);
        keepsTasks.set(run.id, tasks.some(isKeptTask));
      }
      if (!keepsTasks.get(run.id)) continue;
      doomed.delete(run.resumedFrom!);
      grew = true;
    }
  }
}

export { isKeptTask };

/** What {@link applyRetention} needs to know after a run. */
export interface RetentionContext {
  /** The workflow that just ran. */
  workflow: string;
  /** Its `retention:` setting, if any. */
  workflowRetention?: RetentionPolicy;
  /** `retention` from WEFT_HOME/config.json, if any. */
  globalRetention?: RetentionPolicy;
  /** The runs just made (PruneOptions.keep): never deleted by their own retention. */
  keep?: readonly string[];
}

/**
 * Applies the workflow's and the global retention after a run; returns what it deleted.
 * Cheap when nothing is due: keep-days walks from the oldest run and stops at the
 * first young one.
 */
export async function applyRetention(
  store: RunStore,
  context: RetentionContext,
  now: Date = new Date(),
): Promise<RunRecord[]> {
  const deleted: RunRecord[] = [];
  const policies: Array<[RetentionPolicy | undefined, string | undefined]> = [
    [context.workflowRetention, context.workflow],
    [context.globalRetention, undefined],
  ];
  for (const [policy, workflow] of policies) {
    if (!policy || (policy.keep_days === undefined && policy.keep_runs === undefined)) continue;
    deleted.push(
      ...await pruneRuns(store, {
        keepDays: policy.keep_days,
        keepRuns: policy.keep_runs,
        workflow,
        now,
        keep: context.keep,
      }),
    );
  }
  return deleted;
}
