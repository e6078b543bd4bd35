/**
 * `weft schedule backfill NAME --from T --to T`: runs each fire of a past window once,
 * as Airflow's and Kestra's backfills do. Each run is recorded with trigger `backfill`
 * and its logical time (`${schedule.time}`); a fire already run (by the daemon, a
 * catch-up or an earlier backfill) is not run again; one recorded missed or skipped is.
 * Fires are claimed in the store before they run, so two backfills never run one twice.
 * Ctrl-C or SIGTERM stops it as it stops `weft run` (see {@link backfill}).
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";
import { type FireRecord, newFire, outcomeOfRun, type Schedule } from "../model/schedule.ts";
import { firesBetweenAtMost } from "../schedule/cron.ts";
import { unreadableSecrets } from "../schedule/secret_params.ts";
import { formatZoned, parseZonedTime, zoneOf } from "../schedule/zone.ts";
import type { ScheduleStore } from "../store/schedule_store.ts";
import type { LaunchedRun } from "./launch.ts";
import { parsePositiveInt } from "./args.ts";
import { type CliIO, err, out } from "./io.ts";
import type { BackfillFlags } from "./schedule.ts";
import { endedRunOutcomes, leftOpen } from "./schedule_fire_runs.ts";
import { unknownSchedule, withSchedules } from "./schedule_manage.ts";
import { fixedRefusalCheck } from "./fixed_check.ts";
import { oneLine } from "../safe_text.ts";

/** Most fires one backfill runs: a bigger window is most likely a typo. */
export const MAX_BACKFILL_FIRES = 10_000;

/**
 * Outcomes that did not run the workflow to its end: a backfill runs those fires. An
 * interrupted run (its process died: a killed backfill or daemon) is one of them, and
 * so is a cancelled one (a backfill or daemon stopped by Ctrl-C or SIGTERM).
 */
const NOT_RUN = ["missed", "skipped", "cancelled", "interrupted"] as const;

/** The fires of `schedule` in [from, to] and whether each already ran. */
export async function planBackfill(
  store: ScheduleStore,
  schedule: Schedule,
  from: Date,
  to: Date,
): Promise<Array<{ time: Date; done: FireRecord | null }>> {
  // Bounded while counting: a window of years of a seconds-field schedule must be
  // refused at once, not listed first.
  const fires = firesBetweenAtMost(
    schedule,
    new Date(from.getTime() - 1),
    to,
    MAX_BACKFILL_FIRES,
  );
  if (fires === null) {
    throw new WeftError(
      `the window holds more than ${MAX_BACKFILL_FIRES} fires of ${
        oneLine(schedule.name)
      }, the most ` +
        "one backfill runs",
      { hint: "narrow --from/--to and backfill in parts" },
    );
  }
  const recorded = new Map<number, FireRecord>();
  const range = { from, to: new Date(to.getTime() + 1) };
  for (const f of await store.listFires(schedule.name, range)) recorded.set(Date.parse(f.time), f);
  return fires.map((time) => {
    const rec = recorded.get(time.getTime()) ?? null;
    const done = rec && !(NOT_RUN as readonly string[]).includes(rec.outcome) ? rec : null;
    return { time, done };
  });
}

function parseBound(text: string | undefined, flag: string, zone: string): Date {
  if (text === undefined) {
    throw new WeftError(`${flag} is required`, { hint: "e.g. --from 2026-11-01 --to 2026-11-07" });
  }
  const ms = parseZonedTime(text, zone);
  if (ms === undefined) {
    throw new WeftError(`${flag} ${JSON.stringify(text)}: not an ISO 8601 date or time`, {
      hint: "e.g. 2026-11-01, 2026-11-01T02:00 (in the schedule's zone) or 2026-11-01T01:00Z",
    });
  }
  return new Date(ms);
}

/** For a date alone (YYYY-MM-DD): the last ms of that day in `zone`; else undefined. */
function endOfDay(text: string, zone: string): number | undefined {
  const m = text.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (!m) return undefined;
  const next = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1));
  const start = parseZonedTime(next.toISOString().slice(0, 10), zone);
  return start === undefined ? undefined : start - 1;
}

/** Runs (or with --dry-run lists) the window's fires; exit 0 when every run succeeded. */
export async function backfill(io: CliIO, name: string, flags: BackfillFlags): Promise<number> {
  const maxParallel = parsePositiveInt(flags.maxParallel, "--max-parallel");
  // Read-only first: an unknown name creates no store (as `schedule remove`).
  const there = await withSchedules(io, flags.home, (s) => s.get(name), { readOnly: true });
  if (!there) throw await unknownSchedule(io, name, flags.home);
  return await withSchedules(io, flags.home, async (store) => {
    const schedule = await store.get(name);
    if (!schedule) throw await unknownSchedule(io, name, flags.home);
    const zone = zoneOf(schedule.tz);
    const from = parseBound(flags.from, "--from", zone);
    const now = new Date();
    // A date alone in --to is the whole of that day (`--to 2026-11-07` runs the 7th's
    // fires, as Airflow's `-e` does), up to now when that day is today.
    let to = parseBound(flags.to, "--to", zone);
    const dayEnd = endOfDay(flags.to!, zone);
    if (dayEnd !== undefined && to <= now) to = new Date(Math.min(dayEnd, now.getTime()));
    if (to < from) throw new WeftError("--to is before --from", { hint: "swap them" });
    if (to > now) {
      throw new WeftError(`--to ${flags.to} is in the future`, {
        hint: "a backfill runs past fires; future ones are the daemon's",
      });
    }
    const plan = await settleLeftStarted(
      io,
      store,
      await planBackfill(store, schedule, from, to),
      { write: !flags.dryRun, home: flags.home },
    );
    const label = (t: Date) => formatZoned(t, zone);
    // Its secret params read back as ***: no fire runs (nor is claimed) with them.
    const unreadable = unreadableSecrets(schedule);
    if (flags.dryRun) {
      if (unreadable) await err(io, `warning: ${unreadable.message}\n`);
      const lines = plan.map((p) =>
        p.done
          ? `${label(p.time)}  already ran (${p.done.outcome}${
            p.done.runId ? `, run ${p.done.runId}` : ""
          })\n`
          : `${label(p.time)}  would run\n`
      );
      await out(io, lines.join(""));
      const todo = plan.filter((p) => !p.done).length;
      await err(io, `${todo} of ${plan.length} fires of ${oneLine(name)} would run\n`);
      return ExitCode.Ok;
    }
    // Fail before claiming anything when the file no longer loads or a param is missing.
    if (unreadable) throw unreadable;
    const { loadWorkflow } = await import("../parse/problems.ts");
    const loaded = await loadWorkflow(schedule.file, {
      cwd: io.cwd,
      stdin: io.stdin,
      refusals: fixedRefusalCheck,
      regularOnly: true,
    });
    const { resolveParams } = await import("../engine/params.ts");
    resolveParams(loaded.workflow, schedule.params);

    const todo = plan.filter((p) => !p.done).map((p) => p.time);
    let failed = 0;
    let ran = 0;
    // Claimed by another process (a daemon catching up, another backfill) after the plan.
    let taken = 0;
    const queue = [...todo];
    const runs = new RunningFires();
    // Ctrl-C, SIGTERM or SIGHUP stop the backfill as they stop `weft run` (signals.ts):
    // no more fires start, the running ones are cancelled (their tasks' process groups
    // get SIGTERM, a second signal kills them) and recorded `cancelled`; fires not
    // started stay unrecorded, for a later backfill to run.
    const { stopOnSignals } = await import("./signals.ts");
    const removeSignals = stopOnSignals(runs, (message) => void err(io, `${message}\n`));
    try {
      const worker = async () => {
        while (!runs.stopped && queue.length > 0) {
          const t = queue.shift()!;
          const outcome = await runFire(io, store, schedule, t, flags.home, runs);
          if (outcome === null) {
            taken++;
            await err(io, await takenLine(store, schedule, t));
            continue;
          }
          ran++;
          if (outcome !== "success") failed++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(maxParallel, todo.length) }, worker));
    } finally {
      removeSignals();
    }
    // Every fire of the window counted once: run here, already run, run by another
    // process meanwhile, or not started (stopped).
    const meanwhile = taken ? `, ${taken} run by another process meanwhile` : "";
    const left = runs.stopped && queue.length > 0 ? `, ${queue.length} not started` : "";
    await err(
      io,
      `backfill ${oneLine(name)}: ${ran} run${ran === 1 ? "" : "s"} (${failed} not successful), ` +
        `${plan.length - todo.length} already ran${meanwhile}${left}` +
        `${runs.stopped ? "; stopped" : ""}\n`,
    );
    if (runs.stopped) return ExitCode.Interrupted;
    return failed ? ExitCode.Failed : ExitCode.Ok;
  });
}

/**
 * The backfill's runs going on, stopped together by a signal (signals.ts Stoppable): a
 * run started after the stop (its launch was under way) is cancelled as it starts.
 */
class RunningFires {
  stopped = false;
  #killed = false;
  readonly #runs = new Set<LaunchedRun>();

  cancel(): void {
    this.stopped = true;
    for (const run of this.#runs) run.cancel();
  }

  kill(): void {
    this.stopped = this.#killed = true;
    for (const run of this.#runs) run.kill();
  }

  /** Adds `run` for as long as it goes on (stopped at once when the backfill is). */
  add(run: LaunchedRun): void {
    this.#runs.add(run);
    run.done.then(() => this.#runs.delete(run));
    if (this.#killed) run.kill();
    else if (this.stopped) run.cancel();
  }
}

type Plan = Awaited<ReturnType<typeof planBackfill>>;

/**
 * The fires of `plan` recorded `started` or `queued` whose run has ended meanwhile
 * unrecorded — its process was killed, so history marks it interrupted (store/recovery.ts)
 * — get their run's end (recorded, unless `write` is false); an interrupted one is run
 * again, as a missed one is. A run still going is left as it is.
 */
async function settleLeftStarted(
  io: CliIO,
  store: ScheduleStore,
  plan: Plan,
  options: { write: boolean; home?: string },
): Promise<Plan> {
  const open = plan.filter((p) => leftOpen(p.done));
  const ended = await endedRunOutcomes(
    io,
    options.home,
    open.map((p) => p.done!.runId!),
    options.write,
  );
  for (const p of open) {
    const outcome = ended.get(p.done!.runId!);
    if (outcome === undefined) continue;
    const settled = { ...p.done!, outcome };
    if (options.write) await store.recordFire(settled);
    p.done = (NOT_RUN as readonly string[]).includes(settled.outcome) ? null : settled;
  }
  return plan;
}

/**
 * The line for the fire at `t` that another process (a daemon catching up, another
 * backfill) claimed after the plan was made: what its record says, if it can be read.
 */
async function takenLine(store: ScheduleStore, schedule: Schedule, t: Date): Promise<string> {
  const range = { from: t, to: new Date(t.getTime() + 1) };
  const [record] = await store.listFires(schedule.name, range).catch(() => []);
  const what = record
    ? ` (${record.trigger}, ${record.outcome}${record.runId ? `, run ${record.runId}` : ""})`
    : "";
  return `${formatZoned(t, zoneOf(schedule.tz))}  run by another process meanwhile${what}; ` +
    "not run again\n";
}

/** Claims and runs one fire; null when another process claimed it first. */
async function runFire(
  io: CliIO,
  store: ScheduleStore,
  schedule: Schedule,
  t: Date,
  homeOption: string | undefined,
  runs: RunningFires,
): Promise<string | null> {
  const time = formatZoned(t, zoneOf(schedule.tz));
  const fire = newFire(schedule, {
    time,
    trigger: "backfill",
    outcome: "started",
    firedAt: new Date(),
  });
  if (!(await store.claimFire(fire, { over: NOT_RUN }))) return null;
  const { launchRun } = await import("./launch.ts");
  try {
    const run = await launchRun(io, {
      file: schedule.file,
      params: schedule.params,
      trigger: { type: "backfill", scheduledFor: time, schedule: schedule.name },
      homeOption,
    });
    runs.add(run);
    await store.recordFire({ ...fire, runId: run.runId });
    await err(io, `${time}  run ${run.runId} started\n`);
    const report = await run.done;
    await store.recordFire({ ...fire, runId: run.runId, outcome: outcomeOfRun(report.status) });
    await err(io, `${time}  run ${run.runId} ${report.status}\n`);
    return report.status;
  } catch (e) {
    await store.recordFire({ ...fire, outcome: "failed" });
    throw e;
  }
}
