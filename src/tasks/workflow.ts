/**
 * The `workflow` task type (sub-workflows): runs another workflow file as a child run
 * of its own, recorded in history with a link to this run and task. The child's task
 * outputs become this task's outputs by key; when two child tasks set one key, the
 * task that finished last wins. The child's output lines are this task's output,
 * prefixed with the child task's id.
 *
 * Starting a run is the engine's job and tasks must not import the engine (DESIGN.md
 * §3), so the engine injects the capability as `ctx.runChild`, as it injects the
 * spawner. Cancel and timeout reach the child through `ctx.signal`.
 * @module
 */
import { ownText, quoteData } from "../model/data_text.ts";
import { emitMarked } from "./emit_marked.ts";
import { workflowCallSecrets } from "./env_secrets.ts";
import type { ChildRunResult, TaskResult, TaskRunner } from "./types.ts";

/** The fields of a `workflow` task the runner reads. */
export interface WorkflowCallConfig {
  /** Relative to the calling workflow file's folder (not the task's `cwd`). */
  file: string;
  params?: Record<string, string | number | boolean>;
}

/** The `workflow` task runner. */
export const workflowRunner: TaskRunner<WorkflowCallConfig> = {
  type: "workflow",
  usesOutputFile: false,
  secretsIn: workflowCallSecrets,
  async run(task, ctx): Promise<TaskResult> {
    if (!ctx.runChild) {
      return {
        ok: false,
        exitCode: null,
        outputs: {},
        error: ownText(
          "sub-workflows cannot run here: the engine gave no way to start a child run",
        ),
      };
    }
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(task.params ?? {})) {
      params[name] = typeof value === "string" ? ctx.interpolate(value) : String(value);
    }
    // The run id, file and task ids are weft's own (never masked); the child's lines are
    // data (masked already by the child run, which shares this run's secrets).
    const result = await ctx.runChild({
      file: task.file,
      params,
      onStart: (runId) => emitMarked(ctx, "stdout", ownText(`child run ${runId}: ${task.file}`)),
      // A child's last line without a newline (`printf abc`) stays one here: `weft logs`
      // gives this task's output back as the child printed it, as for a task of its own.
      onOutput: (taskId, stream, line, continues, continuation, early, unended) =>
        emitMarked(
          ctx,
          stream,
          continuation ? quoteData(line) : `${ownText(`[${taskId}] `)}${quoteData(line)}`,
          continues,
          continuation,
          early,
          unended,
        ),
    });
    const outputs = mergedOutputs(result);
    const ok = result.status === "success";
    return { ok, exitCode: ok ? 0 : 1, outputs, error: ok ? undefined : failureText(result) };
  },
};

/** The child's outputs by key; tasks come in finishing order, so the last one wins. */
export function mergedOutputs(result: ChildRunResult): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const task of result.tasks) Object.assign(outputs, task.outputs);
  return outputs;
}

/**
 * One line: which child run failed and the first of its tasks that did. All of it is
 * weft's own text (ownText): names and ids are never masked (engine/mask_events.ts),
 * and the child's errors come from its report, masked already with the secrets the
 * child shares with this run and with their quoted-data marks resolved; quoting them
 * again would mask them whole (`exited with *** 3` for the secret `code`).
 */
function failureText(result: ChildRunResult): string {
  const head = `child workflow "${result.workflow}" (run ${result.runId}) ${result.status}`;
  if (result.error) return ownText(`${head}: ${result.error}`);
  const failed = result.tasks.find((t) => t.status === "failed" || t.status === "timed_out");
  if (!failed) return ownText(head);
  const error = failed.error ? `: ${failed.error}` : "";
  // `timed out: its own timeout of 1s`, as the recap words it: the reason says whose.
  const state = failed.status === "timed_out" ? "timed out" : failed.status;
  return ownText(`${head}: task "${failed.id}" ${state}${error}`);
}
