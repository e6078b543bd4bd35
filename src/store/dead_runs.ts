/**
 * A reading view of the history in which runs whose process is gone read as
 * `interrupted`, for when crash recovery (recovery.ts) cannot write that down, e.g.
 * while the disk stays full. Without it `weft history` would show such a run
 * `running` for as long as the disk is full. Nothing is written: the next command that
 * can write marks the runs for real.
 * @module
 */
import type { StorageError } from "./faults.ts";
import { isProcessAlive } from "./recovery.ts";
import { ownerPlace } from "./run_owner.ts";
import type { RunDetails, RunFilter, RunRecord, RunStore } from "./run_store.ts";
import { newestFinished } from "./finished_runs.ts";
import { settleTasks } from "./stored_task.ts";
import { lastSignOfLife } from "./records.ts";

/**
 * The runs of `host` recorded as running whose process is gone, as they read until
 * recovery can mark them: `interrupted`, duration unknown, and with `error` saying why
 * their end is not recorded when `cause` (the recovery's own failure) says it.
 */
export async function deadRuns(
  store: RunStore,
  host: string,
  cause: StorageError,
  isAlive: (pid: number, startTicks: number | null) => Promise<boolean> = isProcessAlive,
): Promise<Map<string, RunRecord>> {
  const dead = new Map<string, RunRecord>();
  for (const run of await store.findRunning()) {
    const place = ownerPlace(run, host);
    if (place === "elsewhere") continue;
    if (place === "here" && await isAlive(run.pid, run.pidStartTicks)) continue;
    // Its last sign of life, as recovery would record it (records.ts): what is known.
    const [{ tasks }, attempts, beat] = await Promise.all([
      store.getRun(run.id),
      store.listAttempts(run.id),
      store.lastHeartbeat?.(run.id) ?? null,
    ]);
    dead.set(run.id, {
      ...run,
      status: "interrupted",
      finishedAt: lastSignOfLife(run, tasks, attempts, beat),
      durationMs: null,
      error: run.error ?? `its end could not be recorded: ${cause.reason}`,
    });
  }
  return dead;
}

/**
 * `store` with the runs of `dead` (see {@link deadRuns}) read as given there, and
 * their unfinished tasks as `settleTasks` shows those of a finished run (and named in
 * `unrecordedTasks`). Writes go to
 * `store` unchanged.
 */
export function withDeadRuns(store: RunStore, dead: Map<string, RunRecord>): RunStore {
  if (dead.size === 0) return store;
  const view = (run: RunRecord): RunRecord => dead.get(run.id) ?? run;
  const details = (d: RunDetails): RunDetails => {
    const run = view(d.run);
    if (run === d.run) return d;
    const settled = settleTasks(run, d.tasks, "crash");
    const unrecordedTasks = { ...d.unrecordedTasks, ...settled.unrecorded };
    return { ...d, run, tasks: settled.tasks, unrecordedTasks };
  };
  const wanted = (filter: RunFilter) => (run: RunRecord) =>
    filter.status === undefined || run.status === filter.status;
  return {
    logsDir: store.logsDir,
    createRun: (...a) => store.createRun(...a),
    writeRecords: (...a) => store.writeRecords(...a),
    updateTask: (...a) => store.updateTask(...a),
    recordAttempt: (...a) => store.recordAttempt(...a),
    finishRun: (...a) => store.finishRun(...a),
    heartbeat: (...a) => store.heartbeat(...a),
    lastHeartbeat: (id) => store.lastHeartbeat?.(id) ?? Promise.resolve(null),
    listProcesses: (...a) => store.listProcesses(...a),
    findRun: async (id) => {
      const run = await store.findRun(id);
      return run && view(run);
    },
    getRun: async (id) => details(await store.getRun(id)),
    listAttempts: (...a) => store.listAttempts(...a),
    wholeOutputs: (...a) => store.wholeOutputs(...a),
    listRuns: async (filter = {}) => {
      const runs = (await store.listRuns(filter)).map(view).filter(wanted(filter));
      if (filter.status !== "interrupted") return runs;
      // The dead runs are still stored as running: found under that state, they join
      // the interrupted ones in the store's order (run ids sort by start), up to the limit.
      const stored = await store.listRuns({ ...filter, status: "running", limit: undefined });
      const added = stored.filter((run) => dead.has(run.id)).map(view);
      if (added.length === 0) return runs;
      const order = filter.oldestFirst ? 1 : -1;
      const merged = [...runs, ...added].sort((a, b) => (a.id < b.id ? -order : order));
      return merged.slice(0, filter.limit ?? merged.length);
    },
    listFinished: async (filter) => {
      // The dead runs are still stored as running: seen as interrupted, they join by
      // their last sign of life (their finish time in the view).
      const stored = await store.listFinished(filter);
      const added = (await store.findRunning()).filter((run) => dead.has(run.id)).map(view);
      return added.length === 0 ? stored : newestFinished([...stored, ...added], filter);
    },
    runsForMetrics: async (options) =>
      (await store.runsForMetrics(options)).map((m) => ({ ...m, run: view(m.run) })),
    findRunning: async () => (await store.findRunning()).filter((run) => !dead.has(run.id)),
    markInterrupted: (...a) => store.markInterrupted(...a),
    deleteRun: (...a) => store.deleteRun(...a),
    finishDeletes: () => store.finishDeletes(),
    addNotifications: (...a) => store.addNotifications(...a),
    getState: (key) => store.getState(key),
    setState: (...a) => store.setState(...a),
    listState: (prefix) => store.listState(prefix),
    close: () => store.close(),
  };
}
