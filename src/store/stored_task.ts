/**
 * How a task record is kept, and assembling a run's details from stored tasks. Shared
 * by the KV and memory stores.
 * @module
 */
import type { TaskRecord } from "../engine/events.ts";
import { ExitCode, WeftError } from "../model/errors.ts";
import type { RunDetails, RunRecord } from "./run_store.ts";

/** A task record with what the store adds to it. */
export interface StoredTask {
  /** Position in the engine's announcement (run_started); later tasks get larger numbers. */
  seq: number;
  /** Hash of the task's definition when the run started (resume safety), if known. */
  hash: string | null;
  /** Output keys whose values were cut to keep the record small. */
  truncated: string[];
  task: TaskRecord;
}

/** A run's details from its record and stored tasks (any order). */
export function orderTasks(run: RunRecord, stored: StoredTask[]): RunDetails {
  const sorted = [...stored].sort((a, b) => a.seq - b.seq || a.task.id.localeCompare(b.task.id));
  const taskHashes: Record<string, string> = {};
  const truncatedOutputs: Record<string, string[]> = {};
  for (const s of sorted) {
    if (s.hash) taskHashes[s.task.id] = s.hash;
    if (s.truncated.length) truncatedOutputs[s.task.id] = s.truncated;
  }
  return { run, tasks: sorted.map((s) => s.task), taskHashes, truncatedOutputs };
}

/** The user-facing error for an id (prefix) that matches no run, or several. */
export function lookupError(idOrPrefix: string, matches: RunRecord[]): WeftError {
  if (matches.length === 0) {
    return new WeftError(`no run with id ${JSON.stringify(idOrPrefix)}`, {
      hint: "list recent runs with `weft history`; check --home / WEFT_HOME",
      exitCode: ExitCode.Invalid,
    });
  }
  const shown = matches.slice(0, 10).map((r) => `${r.id} (${r.workflow}, ${r.status})`);
  const more = matches.length > 10 ? ", …" : "";
  return new WeftError(
    `run id prefix ${JSON.stringify(idOrPrefix)} is ambiguous: it matches ${
      shown.join(", ")
    }${more}`,
    { hint: "give more characters of the id", exitCode: ExitCode.Invalid },
  );
}
