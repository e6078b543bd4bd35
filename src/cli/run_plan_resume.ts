/**
 * `weft run --dry-run --resume RUN_ID`: what the resume would run again. The run is
 * checked as a real `--resume` checks it (run_history.ts loadResume: an unknown id, a run
 * that succeeded, is running, was resumed already, or whose kept tasks changed is refused,
 * exit 2) but not claimed, and the plan is made with the params the resume would take
 * (engine/resume_params.ts), the tasks it keeps marked kept and their recorded outputs
 * filled in where the tasks run again read them.
 * @module
 */
import type { TaskRecord } from "../engine/events.ts";
import type { LoadedWorkflow } from "../parse/mod.ts";
import type { CliIO } from "./io.ts";
import { openHistory } from "./history_shared.ts";
import { homeFor } from "./home.ts";
import { loadResume } from "./run_history.ts";

/**
 * What a dry run of `--resume` shows: the run resumed, the top-level tasks kept, the params,
 * and the run's task records (`previous`: the kept ones' outputs fill the plan's lines,
 * engine/preview.ts PreviewInput.kept).
 */
export interface PlannedResume {
  from: string;
  kept: string[];
  params: Record<string, string>;
  previous: TaskRecord[];
}

/** Checks `--resume flags.resume` for `loaded` without claiming it; throws WeftError (exit 2). */
export async function planResume(
  io: CliIO,
  loaded: LoadedWorkflow,
  flags: { resume?: string; home?: string },
  given: Record<string, string>,
): Promise<PlannedResume> {
  const store = await openHistory(io, flags.home);
  try {
    const resume = await loadResume(store, {
      workflow: loaded.workflow,
      file: loaded.file,
      fileHash: loaded.hash,
      resumeId: flags.resume!,
      home: homeFor(io, flags.home),
    }, false);
    const { resumedParams } = await import("../engine/resume_params.ts");
    let params: Record<string, string>;
    try {
      params = resumedParams(
        loaded.workflow,
        { id: resume.fromRunId, params: resume.params },
        given,
      );
    } catch (e) {
      const problems = (e as { problems?: { file: string }[] }).problems;
      if (Array.isArray(problems)) { for (const p of problems) p.file ||= loaded.file; }
      throw e;
    }
    const top = new Set(loaded.workflow.tasks.map((task) => task.id));
    const kept = resume.previous
      .filter((task) => task.status === "success" && top.has(task.id))
      .map((task) => task.id);
    return { from: resume.fromRunId, kept, params, previous: resume.previous };
  } finally {
    store.close();
  }
}
