/**
 * Starting one run for the daemon (daemon.ts) through its injected {@link Launcher}: the
 * log lines of its start and its end (daemon_ends.ts), and a failure to start said once,
 * on one line.
 * @module
 */
import type { StartedRun } from "./daemon_slots.ts";
import { endedLine } from "./daemon_ends.ts";
import type { Launcher, LaunchRequest } from "./daemon_types.ts";

/**
 * Starts the run `request` asks for. A failure to start is logged, told to `refused`
 * (its message on one line) and gives null; never rejects. The run's `done` resolves
 * with its end (`{ status: "failed" }` when the launcher's promise rejected) after its
 * line is logged.
 */
export async function startRun(
  launch: Launcher,
  request: LaunchRequest,
  log: (line: string) => void,
  refused: (reason: string) => void,
): Promise<StartedRun | null> {
  try {
    const run = await launch(request);
    const what = request.trigger.schedule
      ? `${request.trigger.type} ${request.trigger.schedule} ${request.trigger.scheduledFor}`
      : request.trigger.type;
    log(`run ${run.runId} started (${what}) ${request.file}`);
    const done = run.done.then((report) => {
      log(endedLine(run.runId, report));
      return report;
    }, (e) => {
      log(`run ${run.runId} ended with an error: ${(e as Error).message}`);
      return { status: "failed" };
    });
    return { runId: run.runId, done, cancel: () => run.cancel() };
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, "; ");
    log(`run of ${request.file} (${request.trigger.type}) could not start: ${reason}`);
    refused(reason);
    return null;
  }
}
