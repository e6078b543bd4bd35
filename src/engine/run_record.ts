/**
 * What a run says about itself as a whole: the facts `run_started` carries (RunInfo) and
 * the report `run_finished` carries and the run resolves with (RunReport), built from the
 * engine's options and the tasks' records. When to publish them is the scheduler's job
 * (run.ts).
 * @module
 */
import type { RunInfo, RunReport } from "./events.ts";
import type { Node } from "./nodes.ts";
import type { EngineOptions } from "./options.ts";
import { runStatus, snapshot } from "./outcomes.ts";
import { elapsedMs } from "../elapsed.ts";

/**
 * The facts of `run_started`. `workDir`: the run's folder of `$WEFT_OUTPUT` files when
 * the run removes it at its end (recorded for crash recovery), undefined when it is kept.
 */
export function runInfo(
  options: EngineOptions,
  run: { id: string; params: Record<string, string>; startedAt: string },
  workDir: string | undefined,
): RunInfo {
  return {
    id: run.id,
    workflow: options.workflow.name,
    file: options.file,
    fileHash: options.fileHash,
    params: run.params,
    startedAt: run.startedAt,
    host: options.host ?? Deno.hostname(),
    pid: options.pid ?? Deno.pid,
    resumedFrom: options.resume?.fromRunId ?? null,
    ...(options.trigger ? { trigger: options.trigger } : {}),
    ...(workDir === undefined ? {} : { workDir }),
    ...(options.parent
      ? { parentRunId: options.parent.runId, parentTaskId: options.parent.taskId }
      : {}),
  };
}

/** How a run ended: Ctrl-C (`cancelled`), stopped early (`halted`), weft's own `error`. */
export interface RunEnding {
  cancelled: boolean;
  halted: boolean;
  error: string | null;
  finishedAt: Date;
}

/** The report of a finished run whose tasks, in file order, are `order`. */
export function runReport(
  run: { id: string; workflow: string; startedAt: string; file?: string },
  order: readonly Node[],
  ending: RunEnding,
): RunReport {
  return {
    id: run.id,
    workflow: run.workflow,
    status: runStatus(order, ending.cancelled, ending.halted),
    startedAt: run.startedAt,
    finishedAt: ending.finishedAt.toISOString(),
    durationMs: elapsedMs(run.startedAt, ending.finishedAt),
    // A loop's iterations (known only once it ran) follow it.
    tasks: order.flatMap((n) => n.kind === "loop" ? [n, ...n.children] : [n])
      .map((n) => snapshot(n.record)),
    ...(run.file === undefined ? {} : { file: run.file }),
    ...(ending.error === null ? {} : { error: ending.error }),
  };
}
