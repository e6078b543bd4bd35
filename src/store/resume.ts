/**
 * `weft run FILE --resume RUN_ID` safety: a resumed run keeps the earlier run's
 * successes (with their outputs) and runs the rest. That is only sound when the kept
 * tasks are still the tasks the file describes, so each run records a hash of every
 * task's definition and resuming compares them.
 * @module
 */
// @noble/hashes, not sha256.ts (node:crypto): weft run hashes every task, and node:crypto
// would start Deno's Node compatibility layer (~10 ms) on every run (issue 8 §5).
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { ExitCode, type Problem, WeftError } from "../model/errors.ts";
import type { TaskRecord } from "../engine/events.ts";
import { isWrittenNumber } from "../model/json_number.ts";
import type { RunDetails } from "./run_store.ts";
import { ownerPlace } from "./run_owner.ts";

/** The part of a parsed workflow resume looks at (a `Workflow` fits). */
export interface HashableWorkflow {
  name: string;
  /** Top-level tasks; a `parallel` task's children are its `tasks`. */
  tasks: ReadonlyArray<{ id: string; tasks?: unknown }>;
  /** The workflow's `environment` and `defaults`: every task runs with them. */
  environment?: unknown;
  defaults?: unknown;
}

const utf8 = new TextEncoder();

/** JSON with object keys sorted at every level and undefined values left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object" || isWrittenNumber(value)) {
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => v === undefined ? "null" : canonicalJson(v)).join(",")}]`;
  }
  // Keys and one string, no array of pairs per object: this runs for every task of every
  // run. The default sort orders strings by UTF-16 code units, as `<` does.
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let json = "{";
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    if (json.length > 1) json += ",";
    json += JSON.stringify(key) + ":" + canonicalJson(v);
  }
  return json + "}";
}

/**
 * taskId → SHA-256 (hex) of each top-level task's canonical JSON, as parsed — with the
 * workflow's `environment` and `defaults` when it has them (`{task, with: {…}}`): a kept
 * task ran with them, so a task run again with others would see other values than the kept
 * ones saw (a kept `a` against prod, a re-run `b` against staging). A workflow with neither
 * hashes its tasks alone, as weft always did.
 * @example taskHashes({ name: "w", tasks: [{ id: "a", command: "true" }] }).a.length // 64
 */
export function taskHashes(workflow: HashableWorkflow): Record<string, string> {
  const hashes: Record<string, string> = {};
  const context = workflow.environment === undefined && workflow.defaults === undefined
    ? null
    : { environment: workflow.environment, defaults: workflow.defaults };
  for (const task of workflow.tasks) {
    const hashed = context === null ? task : { task, with: context };
    hashes[task.id] = bytesToHex(sha256(utf8.encode(canonicalJson(hashed))));
  }
  return hashes;
}

/**
 * The top-level task ids of `current` (taskHashes of the file about to be resumed) whose
 * definition differs from what run `previous` recorded, or that it did not record (none
 * when `fileHash`, the file's, is the one `previous` ran). A
 * resumed run keeps no child (loop iteration, parallel child) of such a task (engine
 * resume.ts ResumedChildren): what succeeded then ran another definition.
 */
export function changedTasks(
  previous: RunDetails,
  current: Record<string, string>,
  fileHash?: string,
): string[] {
  // The same file: nothing changed (a child run records no task hashes, only its file's).
  if (fileHash !== undefined && previous.run.fileHash === fileHash) return [];
  return Object.keys(current).filter((id) => previous.taskHashes[id] !== current[id]);
}

/** The workflow about to be run with `--resume`. */
export interface LoadedWorkflow {
  /** Path of the workflow file (for messages). */
  file: string;
  /** SHA-256 of the file's bytes. */
  hash: string;
  workflow: HashableWorkflow;
}

/**
 * Throws a WeftError (exit 2) when resuming `previous` with `loaded` is unsafe: the
 * run is still running or already succeeded, the workflow's name differs, or a task
 * that succeeded before no longer exists or changed its definition. Changes to tasks
 * that did not succeed are fine: they run again anyway.
 */
export function checkResumable(previous: RunDetails, loaded: LoadedWorkflow): void {
  const run = previous.run;
  const fail = (message: string, hint: string): never => {
    throw new WeftError([{ file: loaded.file, message, hint }], { exitCode: ExitCode.Invalid });
  };
  if (run.status === "running") {
    fail(
      `run ${run.id} is still running (pid ${run.pid} on ${run.host}); it cannot be resumed`,
      // A run of a weft this one cannot check (another host or PID namespace) may be
      // dead for good: the one way to settle it is named (cli/history_mark.ts).
      ownerPlace(run, Deno.hostname()) === "elsewhere"
        ? "wait for it to finish; if the weft that ran it is gone, settle it with " +
          `\`weft history mark-interrupted ${run.id}\` and resume then`
        : "wait for it to finish, or stop it first",
    );
  }
  if (run.status === "success") {
    fail(
      `run ${run.id} succeeded; there is nothing to resume`,
      "run the workflow again without --resume",
    );
  }
  if (run.workflow !== loaded.workflow.name) {
    fail(
      `run ${run.id} is of workflow ${JSON.stringify(run.workflow)}, but this file is ${
        JSON.stringify(loaded.workflow.name)
      }`,
      "resume a run of this workflow (see `weft history --workflow NAME`)",
    );
  }
  if (run.fileHash === loaded.hash) return;

  const current = taskHashes(loaded.workflow);
  const problems: Problem[] = [];
  const hint =
    "a resumed run keeps earlier successes, so they must be unchanged; run without --resume to start over";
  const wasOwn = topLevelIn(previous, loaded.workflow);
  for (const task of previous.tasks) {
    // A composite's child there (loop iteration `LOOP[key]`, parallel child) is checked as
    // its composite, whose hash covers it: kept with it when that succeeded (and is checked
    // here), else kept only when it did not change (engine/resume.ts ResumedChildren) —
    // unless it is a task of its own now, which keeps its success as a top-level task.
    if (task.status !== "success" || (!wasOwn(task.id) && !(task.id in current))) continue;
    const before = previous.taskHashes[task.id];
    if (!(task.id in current)) {
      problems.push({
        file: loaded.file,
        message: `task ${
          JSON.stringify(task.id)
        } succeeded in run ${run.id} but is no longer in the workflow${
          childIds(loaded.workflow).has(task.id)
            ? " as a task of its own (it is a parallel task's now)"
            : ""
        }`,
        hint,
      });
    } else if (!before) {
      problems.push({
        file: loaded.file,
        message: Object.keys(previous.taskHashes).length > 0
          // Hashes are recorded for every top-level task: this one was a parallel's child.
          ? `task ${
            JSON.stringify(task.id)
          } changed since run ${run.id}, where it succeeded as a parallel task's child`
          : `run ${run.id} did not record the definition of task ${
            JSON.stringify(task.id)
          }, so a change cannot be ruled out`,
        hint,
      });
    } else if (before !== current[task.id]) {
      problems.push({
        file: loaded.file,
        message: `task ${
          JSON.stringify(task.id)
        } changed since run ${run.id}, where it succeeded (its definition, or the workflow's environment or defaults it ran with)`,
        hint,
      });
    }
  }
  if (problems.length) throw new WeftError(problems, { exitCode: ExitCode.Invalid });
}

/**
 * Whether task record `id` of run `previous` was a top-level task there, not a composite's
 * child: not a loop iteration (`LOOP[key]`), and, as a parallel's children are recorded
 * under their own ids, one whose definition `previous` hashed (taskHashes: top-level tasks
 * only). A run that recorded no hashes (an earlier weft) is read with the parallel
 * children of `workflow`, the file about to be resumed.
 */
function topLevelIn(previous: RunDetails, workflow: HashableWorkflow): (id: string) => boolean {
  if (Object.keys(previous.taskHashes).length > 0) return (id) => id in previous.taskHashes;
  const children = childIds(workflow);
  return (id) => !id.includes("[") && !children.has(id);
}

/** The ids of `workflow`'s parallel children. */
function childIds(workflow: HashableWorkflow): Set<string> {
  const ids = new Set<string>();
  for (const task of workflow.tasks) {
    if (!Array.isArray(task.tasks)) continue;
    for (const child of task.tasks) {
      if (typeof child?.id === "string") ids.add(child.id);
    }
  }
  return ids;
}

/**
 * The earlier run's task records with the outputs `--resume` passes on. History keeps
 * outputs capped (records.ts capOutputs, for display); a record whose outputs were cut
 * gets its whole outputs from `whole` (RunStore.wholeOutputs: masked like every stored
 * output, so a secret stays `***`, as it always resumed). When a task that would be kept
 * (it succeeded, and so did its loop for an iteration `LOOP[key]`) has no whole outputs
 * (its run was recorded before they were kept), throws WeftError (exit 2) naming the task
 * and the cut outputs: passing the cut values would change them silently, and running
 * the task again would break the promise that a resumed run keeps its successes. Likewise
 * for a kept task whose record was never written (RunDetails.unrecordedTasks, e.g. a
 * success known only from the run's summary after a full disk): its outputs are unknown,
 * and passing none would change them silently.
 */
export function resumedTasks(
  previous: RunDetails,
  whole: Record<string, Record<string, string>>,
  file: string,
): TaskRecord[] {
  const succeeded = new Set(
    previous.tasks.filter((t) => t.status === "success").map((t) => t.id),
  );
  const problems: Problem[] = [];
  const kept = (id: string) => {
    const loop = id.includes("[") ? id.slice(0, id.indexOf("[")) : null;
    return succeeded.has(id) && (loop === null || succeeded.has(loop));
  };
  const tasks = previous.tasks.map((task) => {
    const unrecorded = previous.unrecordedTasks?.[task.id];
    if (unrecorded !== undefined && kept(task.id)) {
      problems.push({
        file,
        message: `task ${
          JSON.stringify(task.id)
        } succeeded in run ${previous.run.id}, but its record was not written: ${unrecorded}, so its outputs are unknown and resuming would pass them on empty`,
        hint: "run the workflow again without --resume",
      });
      return task;
    }
    const cut = previous.truncatedOutputs[task.id];
    if (!cut?.length) return task;
    if (whole[task.id]) return { ...task, outputs: whole[task.id] };
    if (kept(task.id)) {
      problems.push({
        file,
        message: `run ${previous.run.id} kept only the first part of output${
          cut.length > 1 ? "s" : ""
        } ${cut.map((k) => JSON.stringify(k)).join(", ")} of task ${
          JSON.stringify(task.id)
        } (its whole outputs were not recorded: an earlier weft), so resuming would pass ${
          cut.length > 1 ? "them" : "it"
        } on cut`,
        hint: "run the workflow again without --resume",
      });
    }
    return task;
  });
  if (problems.length) throw new WeftError(problems, { exitCode: ExitCode.Invalid });
  return tasks;
}
