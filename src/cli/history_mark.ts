/**
 * `weft history mark-interrupted RUN`: settles by hand a run recorded as running whose
 * weft cannot be checked from here — it ran on another host name, boot or PID namespace
 * (store/run_owner.ts) and died there, so no recovery on this side may judge it (its pid
 * means nothing here). The user, who knows that weft is gone, marks it `interrupted`
 * (as crash recovery would: duration unknown, unfinished tasks interrupted), so that it
 * can be resumed and pruned. A run this weft can check is refused: recovery already
 * settles it when its process is gone, and a live one is stopped with its own signals.
 * A run seen alive within HEARTBEAT_FRESH_MS (its heartbeat or latest record) is refused
 * too: its weft may well be running where this one cannot look, and marking it would let
 * `--resume` run its tasks a second time (verify N1).
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";
import { formatDuration } from "../model/duration.ts";
import { HEARTBEAT_FRESH_MS, seenRecently } from "../store/heartbeat.ts";
import { lastSignOfLife } from "../store/records.ts";
import { ownerName, ownerPlace } from "../store/run_owner.ts";
import { HOME_OPTION, typed, type VerbDef } from "./command.ts";
import { localTime, runById, withHistory } from "./history_shared.ts";
import { homeFor } from "./home.ts";
import { type CliIO, err } from "./io.ts";

/** `weft history mark-interrupted`. */
export const markInterruptedVerb: VerbDef = {
  name: "mark-interrupted",
  summary: "mark a run whose weft died on another host or pid namespace interrupted",
  arguments: [{ name: "run-id", required: true, description: "run id, or a unique prefix" }],
  options: [HOME_OPTION],
  examples: `
For a run still shown running whose weft ran elsewhere (another host name, a
container) and is gone; runs of this host are settled when their process dies.

Examples:
  weft history mark-interrupted 20261126T002650.123Z-3f9a1c0b7e`,
  run: (args, options, io) =>
    markInterrupted(io, typed<{ runId: string }>(args).runId, typed<{ home?: string }>(options)),
};

async function markInterrupted(
  io: CliIO,
  idOrPrefix: string,
  options: { home?: string },
): Promise<number> {
  const message = await withHistory(io, options.home, async (store) => {
    const { run, tasks } = await runById(store, idOrPrefix, homeFor(io, options.home));
    const refuse = (text: string, hint: string): never => {
      throw new WeftError(text, { hint, exitCode: ExitCode.Invalid });
    };
    if (run.status !== "running") {
      refuse(`run ${run.id} is ${run.status}, not running: nothing to mark`, "see `weft status`");
    }
    if (ownerPlace(run, Deno.hostname()) !== "elsewhere") {
      // Opening the history just checked it: its process is alive on this host.
      refuse(
        `run ${run.id} is running on this host (pid ${run.pid}): its process is alive`,
        `stop it with Ctrl-C or \`kill -TERM ${run.pid}\``,
      );
    }
    const seen = lastSignOfLife(run, tasks, [], await store.lastHeartbeat?.(run.id) ?? null);
    if (seenRecently(seen)) {
      const ago = Math.max(0, Date.now() - Date.parse(seen));
      refuse(
        `run ${run.id} (${ownerName(run)}, pid ${run.pid}) was seen alive ${
          formatDuration(ago)
        } ago (${localTime(seen)}): its weft may still be running there`,
        `stop it where it runs; if its weft is gone, it may be marked once no heartbeat came for ${
          formatDuration(HEARTBEAT_FRESH_MS)
        }: from ${localTime(new Date(Date.parse(seen) + HEARTBEAT_FRESH_MS).toISOString())} on`,
      );
    }
    if (!await store.markInterrupted(run.id)) return `run ${run.id} has ended meanwhile\n`;
    return `run ${run.id} (${ownerName(run)}, pid ${run.pid}) marked interrupted\n`;
  }, { write: true, spendReserve: true, existingOnly: true });
  await err(io, message);
  return ExitCode.Ok;
}
