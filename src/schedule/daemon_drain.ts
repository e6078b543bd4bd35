/**
 * The daemon's stop (SIGTERM): running runs get up to `--grace` to end, then are
 * cancelled (sooner on a second SIGTERM), and their ends are awaited so they are recorded.
 * @module
 */
import { formatDuration } from "../model/duration.ts";
import { clearLongTimeout, type LongTimeout, setLongTimeout } from "../timer.ts";
import type { RunSlots } from "./daemon_slots.ts";

/**
 * Waits up to `graceMs` for the runs of `slots` (closed: nothing new starts) — those
 * whose start was called before the stop and has not resolved yet included — or until
 * `hurried` settles (a second SIGTERM, before or during the wait); then cancels those
 * left, and any of them that starts afterwards as it starts, and waits for their ends
 * (for one still starting, {@link HURRIED_HANDLING_MS} at most).
 */
export async function drainRuns(
  slots: RunSlots,
  graceMs: number,
  log: (line: string) => void,
  hurried: Promise<void>,
): Promise<void> {
  const count = slots.running.length + slots.starting;
  if (count === 0) return;
  log(`waiting up to ${formatDuration(graceMs)} for ${count} running run(s)`);
  // A promise, not a callback set here: a second SIGTERM that came before the drain
  // began (while the fire loop ended) still hurries it.
  if (await settledWithin(slots.drained(), graceMs, hurried)) return;
  slots.cancelAll((run) => log(`cancelling run ${run.runId}`));
  await Promise.all(slots.running.map((r) => r.done));
  // A start stuck for good (a file read that never returns) must not keep the daemon
  // from ending: one still starting gets HURRIED_HANDLING_MS more (cancelled as it starts).
  if (slots.starting > 0) await settledWithin(slots.drained(), HURRIED_HANDLING_MS);
}

/**
 * Whether `work` settles within `ms` (and before `cut`, when given); the timer is
 * cleared either way.
 */
async function settledWithin(
  work: Promise<unknown>,
  ms: number,
  cut?: Promise<unknown>,
): Promise<boolean> {
  let timer: LongTimeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setLongTimeout(() => resolve(false), ms);
    cut?.then(() => resolve(false));
  });
  try {
    return await Promise.race([work.then(() => true, () => true), late]);
  } finally {
    clearLongTimeout(timer);
  }
}

/** After a second SIGTERM, how long fire handling still gets to record what ended: 1 s. */
export const HURRIED_HANDLING_MS = 1000;

/**
 * Waits for the fires and triggers still being handled (`handling`: each removes itself
 * when done) until `untilMs` (epoch ms: the end of the grace; at least
 * {@link HURRIED_HANDLING_MS} from now, for the records of runs that just ended), or
 * {@link HURRIED_HANDLING_MS} after `hurried` settles; then logs those left and returns.
 * A handling stuck for good (a read that never returns) must not keep the daemon from
 * ending: under systemd its stop would always end in SIGKILL.
 */
export async function settleHandling(
  handling: ReadonlySet<Promise<unknown>>,
  untilMs: number,
  hurried: Promise<void>,
  log: (line: string) => void,
): Promise<void> {
  if (handling.size === 0) return;
  let timer: LongTimeout | undefined;
  let over = false;
  const settled = await Promise.race([
    Promise.all(handling).then(() => true, () => true),
    new Promise<boolean>((resolve) => {
      timer = setLongTimeout(
        () => resolve(false),
        Math.max(untilMs - Date.now(), HURRIED_HANDLING_MS),
      );
      hurried.then(() => {
        if (over) return;
        clearLongTimeout(timer);
        timer = setLongTimeout(() => resolve(false), HURRIED_HANDLING_MS);
      });
    }),
  ]);
  over = true;
  clearLongTimeout(timer);
  if (settled || handling.size === 0) return;
  log(
    `${handling.size} fire(s) still being handled at the end of the grace (stuck: a file ` +
      "read that never returns?), not waited for: their outcome may be left unrecorded",
  );
}
