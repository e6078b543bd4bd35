/**
 * Child runs (sub-workflows): the `workflow` task asks the engine, through
 * `TaskContext.runChild`, to run another workflow file. The child is a run of its own
 * (own id, own `run_started`/`run_finished`), linked to its parent by `parentRunId` and
 * `parentTaskId` on its run record, and published to the caller's `childListeners`
 * (the history recorder), never to the parent's terminal listeners. It shares the
 * parent's spawner, environment, registry and secrets. Aborting the task's signal
 * (the parent run's cancel) cancels the child run, and a timeout stops it with that
 * timeout's words (context.ts callerStopOf) as its own workflow timeout would, its
 * on_failure callbacks running in the grace window; the parent's hard
 * kill kills it. The promise resolves only after the child run has ended, so no child
 * process outlives the task.
 * @module
 */
import { nodePath } from "../path.ts";
import { formatProblem, WeftError } from "../model/errors.ts";
import { ownText, quoteData } from "../model/data_text.ts";
import type { ChildRunRequest, ChildRunResult } from "../tasks/types.ts";
import type { EventListener, RunReport } from "./events.ts";
import type { EngineOptions } from "./options.ts";
import type { Secrets } from "./secrets.ts";
import type { StopReason } from "./abort.ts";
import type { CallerStop } from "./context.ts";

/** What a child run takes from its parent run. */
export interface ChildParent {
  runId: string;
  /** The parent workflow's folder: `request.file` resolves against it. */
  dir: string;
  options: EngineOptions;
  secrets: Secrets;
  /** Aborted by the parent's `kill()`: the child is killed too. */
  hardKill: AbortSignal;
  /**
   * Aborted when Ctrl-C or a fault stops the parent's callbacks: the child is cancelled
   * too, even when its calling task's signal was spent on a timeout before (its
   * callbacks may be running in their window then).
   */
  userStop: AbortSignal;
}

/**
 * Runs `request.file` as a child run of `taskId` in `parent`. Rejects (the task fails,
 * with the reason in one line) when the file cannot be loaded, its params do not fit,
 * or it is already one of the calling workflows (a cycle `weft validate` did not see
 * because a file changed since).
 */
export async function runChildWorkflow(
  parent: ChildParent,
  taskId: string,
  request: ChildRunRequest,
  signal: AbortSignal,
  callerStop: (stop: StopReason) => CallerStop | null = () => null,
): Promise<ChildRunResult> {
  const { options } = parent;
  const file = nodePath().resolve(parent.dir, request.file);
  // A workflow file's path is weft's own where a load error quotes it (built_text.ts).
  parent.secrets.addBuilt(ownText(file));
  const chain = options.parent?.files ?? [options.file];
  if (chain.includes(file)) {
    // Paths of workflow files (`file:` holds no `${...}`): weft's own, never masked.
    throw new Error(ownText(`${[...chain, file].join(" -> ")}: a workflow must not call itself`));
  }
  const [{ loadWorkflow }, { startRun }] = await Promise.all([
    import("../parse/mod.ts"),
    import("./mod.ts"),
  ]);
  let handle;
  try {
    const loaded = await loadWorkflow(file, {
      cwd: parent.dir,
      regularOnly: true,
      refusals: async (workflow, path) =>
        (await import("./fixed_refusals.ts")).fixedRefusals(workflow, path),
    });
    if (signal.aborted) throw new Error(ownText("stopped before the child run started"));
    const forward: EventListener = (event) => {
      if (event.type === "output" && request.onOutput) {
        const { taskId, stream, line, continues, continuation, early, unended } = event;
        request.onOutput(
          taskId,
          stream,
          line,
          continues === true,
          continuation === true,
          early === true,
          unended === true,
        );
      }
    };
    // --resume: the child run this task started then goes on (options.ts EngineResume.child).
    const resume = await options.resume?.child?.(taskId, {
      workflow: loaded.workflow,
      file: loaded.file,
      fileHash: loaded.hash,
      params: request.params,
    }) ?? undefined;
    if (signal.aborted) throw new Error(ownText("stopped before the child run started"));
    handle = startRun({
      resume,
      workflow: loaded.workflow,
      file: loaded.file,
      dir: loaded.dir,
      fileHash: loaded.hash,
      params: request.params,
      baseEnv: options.baseEnv,
      extraEnv: options.extraEnv,
      maxParallel: options.maxParallel,
      spawner: options.spawner,
      runners: options.runners,
      listeners: [...(options.childListeners ?? []), forward],
      childListeners: options.childListeners,
      secrets: parent.secrets,
      killGraceMs: options.killGraceMs,
      beforeStart: options.beforeStart,
      callbackGraceMs: options.callbackGraceMs,
      host: options.host,
      pid: options.pid,
      now: options.now,
      parent: { runId: parent.runId, taskId, files: [...chain, file] },
      // The child stands for its caller's trigger (as a GitHub Actions reusable workflow
      // sees its caller's event): a backfilled night's child reads that night as
      // `${schedule.time}`. A resume's child is a fresh run, not a resumed one, that still
      // stands for the fire its caller resumed.
      ...(options.trigger
        ? {
          trigger: {
            ...options.trigger,
            ...(options.trigger.type === "resume" ? { type: "manual" } : {}),
          },
        }
        : {}),
    });
  } catch (error) {
    throw new Error(oneLine(error, request.file));
  }
  request.onStart?.(handle.id);
  // A timeout stops the child with its words (its tasks are timed_out, saying whose
  // timeout, and call their on_failure callbacks in the grace window, which this waits
  // for); other stops (Ctrl-C, a fault) cancel it, callbacks and all.
  const cancel = () => {
    const stop = callerStop(signal.reason as StopReason);
    if (stop) handle.stopByCaller(stop);
    else handle.cancel();
  };
  const kill = () => handle.kill();
  const userStop = () => handle.cancel();
  signal.addEventListener("abort", cancel, { once: true });
  parent.hardKill.addEventListener("abort", kill, { once: true });
  parent.userStop.addEventListener("abort", userStop, { once: true });
  if (signal.aborted) cancel();
  if (parent.userStop.aborted) userStop();
  if (parent.hardKill.aborted) kill();
  let report: RunReport;
  let outputs: Record<string, Record<string, string>>;
  try {
    [report, outputs] = await Promise.all([handle.done, handle.taskOutputs()]);
  } finally {
    signal.removeEventListener("abort", cancel);
    parent.hardKill.removeEventListener("abort", kill);
    parent.userStop.removeEventListener("abort", userStop);
  }
  return resultOf(report, outputs);
}

/**
 * The report as the runner sees it: tasks in finishing order, unfinished ones last, with
 * their outputs as made (`outputs`), not masked: the calling task passes them on as
 * values, and the run's secrets, shared with the child, mask them wherever the caller
 * prints or stores them. Errors come from the masked report, their marks resolved.
 */
function resultOf(
  report: RunReport,
  outputs: Record<string, Record<string, string>>,
): ChildRunResult {
  const finished = (t: { finishedAt: string | null }) =>
    t.finishedAt === null ? Infinity : Date.parse(t.finishedAt);
  // A stable sort: tasks finishing in one millisecond keep the engine's order.
  const tasks = [...report.tasks].sort((a, b) => finished(a) - finished(b)).map((t) => ({
    id: t.id,
    status: t.status,
    error: t.error,
    outputs: outputs[t.id] ?? t.outputs,
  }));
  return {
    runId: report.id,
    workflow: report.workflow,
    status: report.status,
    tasks,
    ...(report.error === undefined ? {} : { error: report.error }),
  };
}

/** A load or start error as one line: the first problem, and how many more there are. */
function oneLine(error: unknown, file: string): string {
  if (error instanceof WeftError && error.problems.length > 0) {
    const { hint, ...problem } = error.problems[0];
    const first = formatProblem({ ...problem, file: problem.file || file });
    const more = error.problems.length - 1;
    return quoteData(first + (hint ? ` (${hint.replace(/\s*\n\s*/g, " ")})` : "")) +
      (more > 0 ? ` (and ${more} more: run weft validate)` : "");
  }
  return error instanceof Error ? error.message : String(error);
}
