/**
 * The daemon's schedules: those added with `weft schedule add`, plus each loaded
 * workflow file's own schedule triggers, which are written to the schedule store too,
 * so their last fires (and so catch-up after a restart) are kept like any other's.
 * @module
 */
import type { ScheduleStore } from "../store/schedule_store.ts";
import type { LoadedFile } from "./daemon_workflows.ts";
import { schedulesFromWorkflow } from "./from_trigger.ts";
import {
  type FireOutcome,
  type FireRecord,
  type MissedSummary,
  newFire,
  type Schedule,
} from "./types.ts";
import type { Clock } from "./clock.ts";
import type { LeftFire, MissedSpan } from "./daemon_fires.ts";
import { nextFires, previousFire } from "./cron.ts";
import { countFires, iterateFires } from "./cron_spans.ts";
import { formatZoned, zoneOf } from "./zone.ts";
import { unreadableSecretsLine } from "./secret_params.ts";

/**
 * The start-of-run secrets (a run's, as engine/start_secrets.ts collects them at the
 * start: the workflow's and its tasks' environments, `secrets:` variables of the
 * environment, notification credentials) found inside `params`, a file schedule's
 * trigger params: cli/schedule_known_secrets.ts, as for `weft schedule add`. May throw
 * (a malformed notification config): the schedule is then kept with none, and said so.
 */
export type ScheduleSecretsFinder = (
  loaded: LoadedFile,
  params: Record<string, string>,
) => Promise<string[]>;

/**
 * Writes the files' schedules to the store (keeping a kept one's creation time, pause and
 * last fire) and returns every schedule that fires: the store's own, and the files'
 * whose file is still loaded and still declares them. A file schedule whose name is
 * taken by one added with `weft schedule add` is reported and left out. A param holding
 * a start-of-run secret (`secretsIn`) is kept aside and shown masked, as for a schedule
 * added with `weft schedule add` (store/schedule_secrets.ts). `stored`: the store's
 * schedules as this sync read them, after its own writes — what StoreWatch.seen takes as
 * acted on, so that a change another process commits after that read is still seen.
 */
export async function syncSchedules(
  store: ScheduleStore,
  loaded: LoadedFile[],
  log: (line: string) => void,
  secretsIn?: ScheduleSecretsFinder,
): Promise<{ firing: Schedule[]; stored: Schedule[] }> {
  const live = new Set<string>();
  for (const l of loaded) {
    for (const found of schedulesFromWorkflow(l.file, l.workflow)) {
      const s = await withStartSecrets(found, l, secretsIn, log);
      const existing = await store.get(s.name);
      if (existing && existing.source !== "file") {
        // `weft schedule add` of this very file stored a copy of its trigger: no clash while
        // the two agree; once the file is edited, say what the stored copy hides.
        const differs = existing.file === s.file ? scheduleDifference(existing, s) : null;
        if (differs === "") continue;
        log(
          differs === null
            ? `schedule ${s.name} of ${l.file} clashes with a schedule added by ` +
              `\`weft schedule add\`; using the added one`
            : `schedule ${s.name}: ${l.file} now says ${differs}; the copy \`weft schedule ` +
              `add\` stored is the one used (\`weft schedule add ${l.file} --name ${s.name} ` +
              `--replace\` takes the file's)`,
        );
        continue;
      }
      if (live.has(s.name)) {
        log(
          `schedule ${s.name} of ${l.file} has the name of another file's schedule; ` +
            `set trigger.config.name to tell them apart`,
        );
        continue;
      }
      live.add(s.name);
      if (existing && sameSchedule(existing, s)) continue;
      // Replacing keeps its pause and last fire (ScheduleStore.add); its creation time is kept here.
      await store.add({ ...s, createdAt: existing?.createdAt ?? s.createdAt }, { replace: true });
    }
  }
  const all = await dropDeclaredNoMore(store, await store.list(), loaded, live, log);
  // A file schedule whose file left the folders (or lost its trigger) no longer fires.
  const firing = all.filter((s) => s.source !== "file" || live.has(s.name));
  // Said now, not only at its next fire (which is recorded failed, see Daemon).
  for (const s of firing) {
    const unreadable = s.paused ? null : unreadableSecretsLine(s);
    if (unreadable) log(`${unreadable}; its fires fail until then`);
  }
  return { firing, stored: all };
}

/**
 * Removes from the store the file schedules their file no longer declares: the file is
 * loaded and has no such trigger now, or the file is gone. One whose file is only out of
 * this daemon's folders (or does not validate) is kept, not firing. Returns the others.
 */
async function dropDeclaredNoMore(
  store: ScheduleStore,
  all: Schedule[],
  loaded: LoadedFile[],
  live: ReadonlySet<string>,
  log: (line: string) => void,
): Promise<Schedule[]> {
  const files = new Set(loaded.map((l) => l.file));
  const kept: Schedule[] = [];
  for (const s of all) {
    if (s.source !== "file" || live.has(s.name)) {
      kept.push(s);
      continue;
    }
    const why = files.has(s.file)
      ? "its file no longer declares it"
      : await Deno.lstat(s.file).then(() => null, (e) =>
        e instanceof Deno.errors.NotFound ? "its file is gone" : null);
    if (why === null) {
      kept.push(s);
      continue;
    }
    await store.remove(s.name);
    log(`schedule ${s.name} of ${s.file} removed: ${why}`);
  }
  return kept;
}

/** `s` with the start-of-run secrets its params hold (Schedule.secretValues), if any. */
async function withStartSecrets(
  s: Schedule,
  l: LoadedFile,
  secretsIn: ScheduleSecretsFinder | undefined,
  log: (line: string) => void,
): Promise<Schedule> {
  if (!secretsIn) return s;
  try {
    const secretValues = await secretsIn(l, s.params);
    return secretValues.length ? { ...s, secretValues } : s;
  } catch (e) {
    log(
      `schedule ${s.name} of ${l.file}: cannot tell which of its params hold secrets ` +
        `(${(e as Error).message}); only its secret params are kept aside`,
    );
    return s;
  }
}

/**
 * What of the store's schedules the daemon acts on — names, settings, pause — as one
 * string, without what firing changes (last fire, pending missed, fires waiting), so the
 * daemon's own records do not count as a change.
 */
export function scheduleFingerprint(schedules: Schedule[]): string {
  return JSON.stringify(
    schedules.map((
      { lastFire: _l, pendingMissed: _p, pendingCatchUp: _c, unstartedFires: _u, ...rest },
    ) => rest),
  );
}

/**
 * What file schedule `file` says that stored schedule `stored` does not, in words
 * (`cron "0 3 * * *" (stored: "0 2 * * *")`), or "" when they agree (sameSchedule).
 */
export function scheduleDifference(stored: Schedule, file: Schedule): string {
  if (sameSchedule(stored, file)) return "";
  const words: string[] = [];
  // An unset field in the user's words, not the stored form's `null`: a schedule without
  // a time zone runs in the host's; without catch-up, none.
  const shown = (name: string, value: unknown) =>
    value != null ? JSON.stringify(value) : name === "timezone" ? "the host's" : "none";
  const field = (name: string, there: unknown, here: unknown) => {
    if (JSON.stringify(there ?? null) !== JSON.stringify(here ?? null)) {
      words.push(`${name} ${shown(name, here)} (stored: ${shown(name, there)})`);
    }
  };
  field("cron", stored.cron, file.cron);
  field("timezone", stored.tz, file.tz);
  field("catchup (ms)", stored.catchupMs, file.catchupMs);
  field("overlap", stored.overlap, file.overlap);
  // Param values may be secrets (kept aside, store/schedule_secrets.ts): names only.
  const names = new Set([...Object.keys(stored.params), ...Object.keys(file.params)]);
  const changed = [...names].filter((n) => stored.params[n] !== file.params[n]);
  if (changed.length) words.push(`other values for params ${changed.join(", ")}`);
  return words.length ? words.join(", ") : "other secret params";
}

function sameSchedule(a: Schedule, b: Schedule): boolean {
  return a.file === b.file && a.cron === b.cron && a.tz === b.tz &&
    a.catchupMs === b.catchupMs && a.overlap === b.overlap &&
    JSON.stringify(a.params) === JSON.stringify(b.params) &&
    JSON.stringify(a.secretParams ?? []) === JSON.stringify(b.secretParams ?? []) &&
    JSON.stringify(a.secretValues ?? []) === JSON.stringify(b.secretValues ?? []);
}

/** A fire's final outcome from its run's status. */
export function outcomeOf(status: string): FireOutcome {
  switch (status) {
    case "success":
    case "failed":
    case "cancelled":
    case "interrupted":
      return status;
    default:
      return "failed";
  }
}

/** What {@link recordMissed} needs of the daemon. */
export interface MissedFireDeps {
  store: ScheduleStore;
  clock: Clock;
  log(line: string): void;
  /** True once the daemon stops. */
  stopping(): boolean;
}

/**
 * Missed fires of one outage recorded one by one; the rest become one summary record
 * (FireRecord.missed), so a year's outage of a seconds-field schedule writes 1,001
 * records, not 31.5M.
 */
export const MISSED_ONE_BY_ONE = 1000;

/** Spans by schedule name, in order (a schedule has at most two: pending, then new). */
function bySchedule(spans: MissedSpan[]): Map<string, MissedSpan[]> {
  const groups = new Map<string, MissedSpan[]>();
  for (const span of spans) {
    const group = groups.get(span.schedule.name);
    if (group) group.push(span);
    else groups.set(span.schedule.name, [span]);
  }
  return groups;
}

/** Whether `span` holds a fire of its schedule (one at least). */
export function holdsFires(span: MissedSpan): boolean {
  return !iterateFires(span.schedule, span.after, span.through).next().done;
}

/**
 * Marks each schedule's spans as pending on it (`pendingMissed`, from the first span's
 * start to the last's end) before anything newer is recorded, so that a daemon stopped
 * while recording them leaves the rest to the next start (its last fire has moved past
 * them by then). Returns the spans that hold fires.
 */
export async function markMissed(
  spans: MissedSpan[],
  daemon: MissedFireDeps,
): Promise<MissedSpan[]> {
  const owed = spans.filter(holdsFires);
  for (const [name, group] of bySchedule(owed)) {
    const after = group[0].after.toISOString();
    const through = group[group.length - 1].through.toISOString();
    const old = group[0].schedule.pendingMissed;
    if (old?.after === after && old.through === through) continue;
    try {
      await daemon.store.setPendingMissed(name, { after, through });
    } catch (e) {
      daemon.log(`schedule ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return owed;
}

/**
 * Records the missed fires of `spans` (oldest first, one write after another, in the
 * background: started all at once, their writes held the on-time fires up) and logs one
 * line per span. Per span, the first {@link MISSED_ONE_BY_ONE} are recorded one by one
 * and the rest as one summary record at the last of them; fires are listed lazily, so
 * memory stays bounded. Then the schedule's `pendingMissed` is cleared. Once `stopping()`
 * is true the rest stay pending, for the next start, and the log says so.
 */
export async function recordMissed(spans: MissedSpan[], daemon: MissedFireDeps): Promise<void> {
  let left = false;
  for (const [name, group] of bySchedule(spans)) {
    let finished = !daemon.stopping();
    try {
      for (const span of group) if (finished) finished = await recordSpan(span, daemon);
      if (finished) await daemon.store.setPendingMissed(name, null);
    } catch (e) {
      daemon.log(`schedule ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!finished) {
      left = true;
      break;
    }
  }
  if (left) {
    daemon.log("stopping: missed fires not recorded yet are recorded on the next start");
  }
}

/** Records one span; false when stopped before its end. Throws when the store cannot. */
export async function recordSpan(span: MissedSpan, daemon: MissedFireDeps): Promise<boolean> {
  const s = span.schedule;
  const zone = zoneOf(s.tz);
  const record = (time: Date, missed?: MissedSummary): FireRecord =>
    newFire(s, {
      time: formatZoned(time, zone),
      trigger: "schedule",
      outcome: "missed",
      firedAt: daemon.clock.now(),
      missed,
    });
  let count = 0;
  let last: Date | null = null;
  // The ones recorded now, for the log: a span may hold fires recorded before (a chain a
  // killed daemon left, daemon_catchup.ts, holds those it ran).
  let claimed = 0;
  let first: Date | null = null;
  let lastClaimed: Date | null = null;
  for (const time of iterateFires(s, span.after, span.through)) {
    if (daemon.stopping()) return false;
    last = time;
    if (await daemon.store.claimFire(record(time))) { // false: recorded before
      claimed++;
      first ??= time;
      lastClaimed = time;
    }
    if (++count === MISSED_ONE_BY_ONE) break;
  }
  if (!last) return true;
  let summary = "";
  const rest = count === MISSED_ONE_BY_ONE ? countFires(s, last, span.through) : 0;
  if (rest > 0) {
    const [from] = nextFires(s, last, 1);
    const to = previousFire(s, span.through, span.through.getTime() - last.getTime())!;
    const missed = { count: rest, from: formatZoned(from, zone), to: formatZoned(to, zone) };
    await daemon.store.claimFire(record(to, missed));
    summary = `; the first ${claimed} recorded one by one, the ${rest} after them as one record`;
    first ??= from;
    lastClaimed = to;
  }
  if (!first || !lastClaimed) return true;
  const total = claimed + rest;
  const at = (d: Date) => formatZoned(d, zone);
  const when = total === 1
    ? `fire of ${at(first)}`
    : `${total} fires from ${at(first)} to ${at(lastClaimed)}`;
  daemon.log(`schedule ${s.name}: ${when} missed (older than its catch-up window)${summary}`);
  return true;
}

/**
 * Records missed the fires a killed daemon left waiting (Schedule.unstartedFires) that are
 * now older than their schedule's catch-up window, one line each saying why. A fire
 * recorded since by anyone else (its record no longer says it never started) is left as
 * it is.
 */
export async function recordLeftMissed(left: LeftFire[], daemon: MissedFireDeps): Promise<void> {
  for (const { schedule: s, time } of left) {
    if (daemon.stopping()) return; // still listed: the next start records it
    const at = formatZoned(time, zoneOf(s.tz));
    try {
      const claimed = await daemon.store.claimFire(
        newFire(s, {
          time: at,
          trigger: "schedule",
          outcome: "missed",
          firedAt: daemon.clock.now(),
        }),
        { unstarted: true },
      );
      if (!claimed) continue;
      daemon.log(
        `schedule ${s.name}: fire of ${at} missed (it was waiting to start when the daemon ` +
          `stopped, and is older than its catch-up window)`,
      );
    } catch (e) {
      daemon.log(`schedule ${s.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
