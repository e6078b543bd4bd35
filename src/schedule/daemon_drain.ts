/**
 * The daemon's stop (SIGTERM): running runs get up to `--grace` to end, then are
 * cancelled (sooner on a second SIGTERM), and their ends are awaited so they are recorded.
 * @module
 */
import { formatDuration } from "../model/duration.ts";
import { clearLongTimeout, type LongTimeout, setLongTimeout } from "../timer.ts";
import type { RunSlots } from "./daemon_slots.ts";

/**
 * Waits up to `graceMs` for the runs of `slots`, or until the function given to
 * `setHurry` is called; then cancels those left and waits for their ends.
 */
export async function drainRuns(
  slots: RunSlots,
  graceMs: number,
  log: (line: string) => void,
  setHurry: (hurry: () => void) => void,
): Promise<void> {
  const running = slots.running;
  if (running.length === 0) return;
  log(`waiting up to ${formatDuration(graceMs)} for ${running.length} running run(s)`);
  const all = Promise.all(running.map((r) => r.done));
  let timer: LongTimeout | undefined;
  const late = await Promise.race([
    all.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setLongTimeout(() => resolve(true), graceMs);
      setHurry(() => resolve(true));
    }),
  ]);
  clearLongTimeout(timer);
  if (!late) return;
  for (const run of slots.running) {
    log(`cancelling run ${run.runId}`);
    run.cancel();
  }
  await Promise.all(slots.running.map((r) => r.done));
}
