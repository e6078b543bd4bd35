/**
 * The work of `weft schedule add|list|remove|pause|resume` (declared in schedule.ts).
 * Schedules live in the history store of WEFT_HOME (store/kv_schedules.ts), where
 * `weft daemon` reads them.
 * @module
 */
import { resolve } from "node:path";
import { formatDuration } from "../model/duration.ts";
import { ExitCode, WeftError } from "../model/errors.ts";
import type { Schedule } from "../model/schedule.ts";
import { nextFires } from "../schedule/cron.ts";
import { shownParams } from "../schedule/secret_params.ts";
import { formatZoned, zoneOf } from "../schedule/zone.ts";
import { duplicateName, type ScheduleStore } from "../store/schedule_store.ts";
import { UsageError } from "./argv.ts";
import { homeFor } from "./home.ts";
import { type CliIO, err, out, outJson } from "./io.ts";
import type { AddFlags } from "./schedule.ts";
import { endedRunOutcomes, leftOpen } from "./schedule_fire_runs.ts";
import { fixedRefusalCheck } from "./fixed_check.ts";
import { oneLine } from "../safe_text.ts";

/** Opens the schedule store of this invocation's home, runs `fn`, closes it. */
export async function withSchedules<T>(
  io: CliIO,
  homeOption: string | undefined,
  fn: (store: ScheduleStore) => Promise<T>,
  options: { readOnly?: boolean; spendReserve?: boolean } = {},
): Promise<T> {
  const { openScheduleStore } = await import("../store/kv_schedules.ts");
  const store = await openScheduleStore(homeFor(io, homeOption), options);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

const SUBCOMMANDS = ["add", "list", "remove", "pause", "resume", "backfill", "export"];

/**
 * `weft schedule [--cron EXPR] FILE`: the seed's form of `add`. Without a file, or with
 * a word that is no file and no --cron (`weft schedule lst`), a usage error.
 */
export async function bareSchedule(
  io: CliIO,
  file: string | undefined,
  flags: AddFlags,
): Promise<number> {
  if (file === undefined) {
    throw new UsageError(`missing command: ${SUBCOMMANDS.join(", ")}`, "weft schedule");
  }
  if (flags.cron === undefined && !/[./]/.test(file) && !(await exists(resolve(io.cwd, file)))) {
    const { suggest } = await import("../parse/suggest.ts");
    throw new UsageError(
      `unknown command '${file}' for 'weft schedule'`,
      "weft schedule",
      suggest(file, SUBCOMMANDS),
    );
  }
  return await addSchedule(io, file, flags);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** `weft schedule add FILE ...`: records the schedule(s) and prints their next fires. */
export async function addSchedule(io: CliIO, file: string, flags: AddFlags): Promise<number> {
  const now = new Date();
  const { schedulesFromFlags } = await import("./schedule_build.ts");
  const schedules = await schedulesFromFlags(io, file, flags, now);
  await withSchedules(io, flags.home, async (store) => {
    // All or none: a name already taken is refused before any of them is added.
    if (!flags.replace) {
      for (const s of schedules) {
        if (await store.get(s.name)) throw duplicateName(s.name);
      }
    }
    for (const s of schedules) await store.add(s, { replace: flags.replace });
  });
  for (const schedule of schedules) {
    const next = nextFires(schedule, now, 3).map((t) => formatZoned(t, zoneOf(schedule.tz)));
    await err(
      io,
      `added schedule ${oneLine(schedule.name)}: ${schedule.cron} (${zoneOf(schedule.tz)})\n` +
        `  next: ${next.join(", ") || "never"}\n`,
    );
  }
  await err(io, "  fires while `weft daemon` runs (or see weft schedule export)\n");
  return ExitCode.Ok;
}

/** One schedule as `list --json` prints it. */
export function scheduleEntry(s: Schedule, now: Date) {
  const zone = zoneOf(s.tz);
  return {
    name: s.name,
    file: s.file,
    cron: s.cron,
    tz: s.tz,
    zone,
    catchup_ms: s.catchupMs,
    overlap: s.overlap,
    // Secret params (by name or `secrets:`) read *** as in a run's record.
    params: shownParams(s),
    paused: s.paused,
    next: s.paused ? [] : nextFires(s, now, 3).map((t) => formatZoned(t, zone)),
    last_fire: s.lastFire
      ? {
        time: s.lastFire.time,
        outcome: s.lastFire.outcome,
        run_id: s.lastFire.runId,
        // A summary of many missed fires (see MissedSummary): how many, first and last.
        ...(s.lastFire.missed ? { missed: s.lastFire.missed } : {}),
        // Why a failed or skipped fire started no run.
        ...(s.lastFire.reason ? { reason: s.lastFire.reason } : {}),
      }
      : null,
    // Missed fires a stopped daemon has not recorded yet (the next start records them).
    pending_missed: s.pendingMissed ?? null,
    // Catch-up fires a daemon killed mid-chain left (the next start runs or records them):
    // after < t <= through of cron in tz, and `earlier` chains of a cron replaced since.
    pending_catch_up: s.pendingCatchUp ?? null,
    // Why its secret params' values cannot be read (its fires fail until given again).
    ...(s.secretsUnreadable !== undefined ? { secrets_unreadable: s.secretsUnreadable } : {}),
  };
}

/** `weft schedule list [--json]`. */
export async function listSchedules(
  io: CliIO,
  flags: { json?: boolean; home?: string },
): Promise<number> {
  const now = new Date();
  const listed = await withSchedules(io, flags.home, (s) => s.list(), { readOnly: true });
  // A last fire whose weft was killed reads as its run's end, as backfill settles it.
  const open = listed.filter((s) => leftOpen(s.lastFire));
  const ended = await endedRunOutcomes(io, flags.home, open.map((s) => s.lastFire!.runId!), false);
  const all = listed.map((s) => {
    const outcome = s.lastFire?.runId ? ended.get(s.lastFire.runId) : undefined;
    return outcome && leftOpen(s.lastFire) ? { ...s, lastFire: { ...s.lastFire!, outcome } } : s;
  });
  const entries = all.map((s) => scheduleEntry(s, now));
  if (flags.json) {
    await outJson(io, entries);
    return ExitCode.Ok;
  }
  if (entries.length === 0) {
    await err(io, `no schedules in ${homeFor(io, flags.home)} (add one: weft schedule add)\n`);
    return ExitCode.Ok;
  }
  const blocks = entries.map((e) => {
    const settings = [
      e.catchup_ms ? `catch-up ${formatDuration(e.catchup_ms)}` : "no catch-up",
      `overlap ${e.overlap}`,
    ];
    const last = e.last_fire
      ? `${e.last_fire.time} ${e.last_fire.outcome}` +
        (e.last_fire.run_id ? `  run ${e.last_fire.run_id}` : "") +
        (e.last_fire.missed
          ? `  (${e.last_fire.missed.count} more fires missed between ` +
            `${e.last_fire.missed.from} and ${e.last_fire.missed.to})`
          : "") +
        (e.last_fire.reason ? `  (${e.last_fire.reason})` : "")
      : "never fired";
    return `${oneLine(e.name)}${e.paused ? "  (paused)" : ""}\n` +
      `  file  ${oneLine(e.file)}\n` +
      `  cron  ${e.cron}  (${e.zone}; ${settings.join(", ")})\n` +
      `  next  ${e.paused ? "paused" : e.next.join("  ") || "never"}\n` +
      `  last  ${last}\n` +
      (e.secrets_unreadable !== undefined
        ? `  secret params unreadable: ${e.secrets_unreadable}; its fires fail until ` +
          "they are given again (weft schedule add --replace ... -p NAME=...)\n"
        : "");
  });
  await out(io, blocks.join("\n"));
  return ExitCode.Ok;
}

/** `weft schedule remove|pause|resume NAME`. */
export async function changeSchedule(
  io: CliIO,
  action: "remove" | "pause" | "resume",
  name: string,
  homeOption?: string,
): Promise<number> {
  // Looked up read-only first, so a name that is not there creates no store (a mistyped
  // --home or WEFT_HOME must not leave a new, empty home behind).
  const there = await withSchedules(io, homeOption, (s) => s.get(name), { readOnly: true });
  if (!there) throw await unknownSchedule(io, name, homeOption);
  if (action === "remove" && there.source === "file" && await stillDeclared(io, there)) {
    throw new WeftError(
      `schedule ${oneLine(name)} comes from the trigger of ${
        oneLine(there.file)
      }: removing it here would not ` +
        `last (weft daemon reads it from the file again)`,
      {
        hint: `remove the schedule trigger from the file (the daemon drops it when it loads ` +
          `the file), or stop it with: weft schedule pause ${oneLine(name)}`,
      },
    );
  }
  // On a full disk too: stopping what fills it must not need room (store/open.ts).
  const found = await withSchedules(io, homeOption, async (store) => {
    if (action === "remove") return await store.remove(name);
    return await store.setPaused(name, action === "pause");
  }, { spendReserve: true });
  if (!found) throw await unknownSchedule(io, name, homeOption);
  const done = { remove: "removed", pause: "paused", resume: "resumed" }[action];
  await err(io, `${done} schedule ${oneLine(name)}\n`);
  return ExitCode.Ok;
}

/** True when the file of a file schedule still loads and declares it (from_trigger.ts). */
async function stillDeclared(io: CliIO, s: Schedule): Promise<boolean> {
  const [{ loadWorkflow }, { schedulesFromWorkflow }] = await Promise.all([
    import("../parse/problems.ts"),
    import("../schedule/from_trigger.ts"),
  ]);
  try {
    const loaded = await loadWorkflow(s.file, {
      cwd: io.cwd,
      stdin: io.stdin,
      refusals: fixedRefusalCheck,
      regularOnly: true,
    });
    return schedulesFromWorkflow(s.file, loaded.workflow).some((f) => f.name === s.name);
  } catch {
    return false; // gone or broken: nothing brings it back
  }
}

/** The error for a schedule name that is not in the store, with a close match. */
export async function unknownSchedule(
  io: CliIO,
  name: string,
  homeOption?: string,
): Promise<WeftError> {
  const names = (await withSchedules(io, homeOption, (s) => s.list(), { readOnly: true }))
    .map((s) => s.name);
  const { didYouMean } = await import("../parse/suggest.ts");
  return new WeftError(`no schedule named ${JSON.stringify(name)}`, {
    hint: didYouMean(name, names) ??
      (names.length ? `the schedules are ${names.join(", ")}` : "weft schedule list shows them"),
  });
}
