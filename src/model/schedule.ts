/**
 * The records of schedules and their fires, shared by `weft schedule`, the daemon and
 * the schedule store (store/schedule_store.ts). Plain JSON-able objects; here in model/
 * because both store/ and schedule/ use them.
 * @module
 */

/** What a fire does while the schedule's previous run still runs (see the README). */
export const OVERLAP_POLICIES = ["skip", "queue", "cancel", "allow"] as const;
/** One of {@link OVERLAP_POLICIES}. */
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** How a fire started a run: on time, late within the catch-up window, or by a backfill. */
export type FireTrigger = "schedule" | "catch-up" | "backfill";

/**
 * What became of a fire: `started` while its run runs, then the run's status
 * (`success`, `failed`, `cancelled`, `interrupted`); `skipped` (overlap
 * `skip` and a run was going), `queued` (overlap `queue`, waiting), `missed` (older than
 * the catch-up window when weft came back: no run).
 */
export type FireOutcome =
  | "started"
  | "success"
  | "failed"
  | "cancelled"
  | "interrupted"
  | "skipped"
  | "queued"
  | "missed";

/** The latest fire of a schedule, as `schedule list` shows it. */
export interface LastFire {
  /** Logical fire time, ISO 8601 with the offset of the schedule's zone. */
  time: string;
  outcome: FireOutcome;
  runId: string | null;
  /** Set when this fire is a summary of missed fires (see {@link MissedSummary}). */
  missed?: MissedSummary;
  /** Why a `failed` or `skipped` fire started no run (see {@link FireRecord.reason}). */
  reason?: string;
}

/**
 * A record standing for many missed fires: after the first MISSED_ONE_BY_ONE (1,000)
 * missed fires of one outage, which are recorded one by one, the rest are recorded as one
 * fire at the last of them, carrying how many they were and their first and last time
 * (ISO 8601 with the zone's offset), so a long outage of a frequent schedule does not
 * flood the store (src/schedule/daemon_schedules.ts).
 */
export interface MissedSummary {
  count: number;
  from: string;
  to: string;
}

/** A schedule: a workflow file fired by a cron expression in a time zone. */
export interface Schedule {
  /** Unique key (default: the workflow's name). */
  name: string;
  /** Absolute path of the workflow file. */
  file: string;
  /** As given: 5 or 6 fields, or an @nickname (see cron.ts). */
  cron: string;
  /** IANA zone, or null for the host's zone at the time fires are computed. */
  tz: string | null;
  /** How late a missed fire may still run on start (ms); 0: never, it is recorded missed. */
  catchupMs: number;
  overlap: OverlapPolicy;
  /** Params given to each run (`-p k=v`). */
  params: Record<string, string>;
  /**
   * Names of the params whose values are secret (named like a secret, or listed under
   * the workflow's `secrets:`): their values are not kept in weft.kv but in a private
   * file (store/schedule_secrets.ts), and are shown as `***`.
   */
  secretParams?: string[];
  /**
   * Names of all the params whose values are kept in that private file: the secret params
   * and any other param whose value holds a secret value (stored masked). A fire needs
   * each of them back from the file (store/schedule_secrets.ts withScheduleSecrets).
   * Absent in records written before it existed, and when nothing is kept aside.
   */
  keptParams?: string[];
  /**
   * Secret values a run of the workflow knows at its start (its and weft's environment,
   * `secrets:`, task environments: engine/start_secrets.ts) found inside the params: set
   * by `weft schedule add`, so that a param holding one is kept aside and shown masked as
   * a run records it. Never stored in weft.kv: kept in the private file with the values
   * of the params kept aside, and put back by the read (store/schedule_secrets.ts).
   */
  secretValues?: string[];
  /**
   * Set by the store when it read the schedule but not its secret params' values (their
   * file is missing or damaged): why, in a few words naming the file. Such a schedule
   * still lists and exports (its values are `***` anyway) but never fires with `***`
   * for a value (schedule/secret_params.ts unreadableSecrets). Never stored.
   */
  secretsUnreadable?: string;
  paused: boolean;
  /**
   * When it was last resumed (UTC ISO), set by `weft schedule resume`: fires up to then
   * fell inside a pause (or before it), so they are neither run nor caught up. Absent when
   * never resumed.
   */
  resumedAt?: string;
  /**
   * This schedule's own identity, set by the store when the schedule is added (a random
   * UUID) and kept by a replace (`--replace`, a file schedule re-read): the fires of a
   * schedule removed and then added again under its name are not the new one's
   * (FireRecord.scheduleId, {@link scheduleInstance}). Absent in records written before
   * it existed.
   */
  id?: string;
  /** Added by `weft schedule add`, or read from a workflow file's schedule trigger. */
  source: "cli" | "file";
  /** UTC ISO. */
  createdAt: string;
  lastFire: LastFire | null;
  /**
   * Missed fires the daemon set out to record and may not have finished (it was stopped):
   * those t with after < t <= through (UTC ISO). Written before any newer fire is, cleared
   * once all are recorded, so the next start records the rest.
   */
  pendingMissed?: { after: string; through: string } | null;
  /**
   * The catch-up fires a daemon's start set out to run one after another: those t with
   * after < t <= through (UTC ISO; through is the start). Written before the first runs
   * and before any newer fire is recorded, cleared once each is handled, so a daemon
   * killed mid-chain leaves the next start every fire of it that has no record yet —
   * where the live loop's newer fires would otherwise have moved lastFire past them.
   * `cron` and `tz` are those that owed the fires (absent in records written before they
   * were kept: the schedule's own); `earlier` holds the chains of a cron since replaced
   * (`weft schedule add --replace` between a kill and the next start) that are not handled
   * yet, each worked out with its own cron (schedule/daemon_catchup.ts).
   */
  pendingCatchUp?: PendingCatchUp | null;
  /**
   * Fires recorded whose run has not started yet (see {@link isUnstarted}): their logical
   * times as in FireRecord.time, oldest first. Written with the fire records themselves,
   * so a daemon killed while they wait leaves them here; the next start runs each one
   * still within `catchupMs` (as a catch-up) and records the others missed. Absent when
   * none waits.
   */
  unstartedFires?: string[];
}

/** One span of catch-up fires: those t with after < t <= through (UTC ISO) of `cron` in `tz`. */
export interface CatchUpSegment {
  after: string;
  through: string;
  /** The cron that owed them (absent: the schedule's own, in records written before). */
  cron?: string;
  tz?: string | null;
}

/** A schedule's catch-up chain on record (Schedule.pendingCatchUp). */
export interface PendingCatchUp extends CatchUpSegment {
  /** Chains of a cron replaced since, oldest first, still owed. */
  earlier?: CatchUpSegment[];
}

/** One fire of one schedule, keyed by schedule name and logical time: each fire once. */
export interface FireRecord {
  schedule: string;
  /** Logical fire time, ISO 8601 with the offset of the schedule's zone. */
  time: string;
  trigger: FireTrigger;
  outcome: FireOutcome;
  runId: string | null;
  /** When weft acted on the fire (UTC ISO). */
  firedAt: string;
  /**
   * The schedule instance the fire is of ({@link scheduleInstance}): the store writes the
   * fire only while that instance is the schedule of its name, so a run of a removed
   * schedule never records into a new one of the same name. Absent: not checked (records
   * written before it existed).
   */
  scheduleId?: string;
  /** Set on the summary record of many missed fires (see {@link MissedSummary}). */
  missed?: MissedSummary;
  /**
   * Why the fire started no run, in one line, when it is `failed` for that (its run
   * could not start, e.g. a full disk; its secret params could not be read) or `skipped`
   * while it waited (its schedule was paused, a newer fire replaced it under `cancel`).
   */
  reason?: string;
}

/**
 * True for a fire the daemon recorded but has not started a run for yet: `queued` (overlap
 * `queue`), or `started` with no run id (waiting for a free slot or for a cancelled run to
 * end). A backfill's fires are its own command's, never the daemon's.
 */
export function isUnstarted(fire: Pick<FireRecord, "trigger" | "outcome" | "runId">): boolean {
  if (fire.trigger === "backfill") return false;
  return fire.outcome === "queued" || (fire.outcome === "started" && fire.runId === null);
}

/** Default overlap policy: a run still going makes the next fire a recorded skip. */
export const DEFAULT_OVERLAP: OverlapPolicy = "skip";

/** A fire's outcome for its run's status (`running` reads as `started`). */
export function outcomeOfRun(
  status: "running" | "success" | "failed" | "cancelled" | "interrupted",
): FireOutcome {
  return status === "running" ? "started" : status;
}

/**
 * Which schedule `s` is, beyond its name: its `id`, or for a record written before ids
 * existed its creation time (kept by a replace, and new for a schedule added again).
 */
export function scheduleInstance(s: Pick<Schedule, "id" | "createdAt">): string {
  return s.id ?? `created ${s.createdAt}`;
}

/** `{scheduleId}` for a fire record of schedule `s` (spread into the record). */
export function fireOf(s: Pick<Schedule, "id" | "createdAt">): { scheduleId: string } {
  return { scheduleId: scheduleInstance(s) };
}

/**
 * A fire record of schedule `s` that has no run yet, the one shape every place a fire is
 * first recorded writes (the daemon's fires, catch-up, missed and owed fires, paused
 * skips, a backfill's fires):
 * `{schedule: s.name, time, trigger, outcome, runId: null, firedAt, missed?, scheduleId}`,
 * `firedAt` as a UTC ISO text, `missed` only when given, `scheduleId` from {@link fireOf}.
 * @example newFire(s, { time: "2026-01-01T00:00:00+01:00", trigger: "schedule", outcome: "started", firedAt: new Date() })
 */
export function newFire(
  s: Pick<Schedule, "name" | "id" | "createdAt">,
  fire: {
    time: string;
    trigger: FireTrigger;
    outcome: FireOutcome;
    firedAt: Date;
    missed?: MissedSummary;
  },
): FireRecord {
  return {
    schedule: s.name,
    time: fire.time,
    trigger: fire.trigger,
    outcome: fire.outcome,
    runId: null,
    firedAt: fire.firedAt.toISOString(),
    ...(fire.missed ? { missed: fire.missed } : {}),
    ...fireOf(s),
  };
}

/**
 * Whether `fire` may be written as a fire of `schedule`, the schedule stored under its
 * name now (null: none): a fire naming its instance only into that instance.
 */
export function fireBelongs(
  fire: Pick<FireRecord, "scheduleId">,
  schedule: Pick<Schedule, "id" | "createdAt"> | null,
): boolean {
  if (fire.scheduleId === undefined) return true;
  return schedule !== null && scheduleInstance(schedule) === fire.scheduleId;
}

/**
 * What is wrong with `name` as a schedule's name, or undefined: empty (or only white
 * space), or holding a control character (C0, DEL, C1) or a line or paragraph separator.
 * A schedule's name is shown on one line by `weft schedule list` and the daemon's log,
 * and written into crontab comments and systemd unit names. The one rule for every way a
 * schedule gets its name: `weft schedule add` (--name, or the workflow's), and
 * `weft validate` and the daemon for a file's schedule trigger (model/workflow_parts.ts).
 */
export function scheduleNameProblem(name: string): { message: string; hint: string } | undefined {
  // deno-lint-ignore no-control-regex
  if (name.trim() !== "" && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name)) {
    return undefined;
  }
  return {
    message: `schedule name ${JSON.stringify(name)} is empty or holds a control character`,
    hint: "give it a printable name, e.g. nightly-backup",
  };
}

/**
 * The name of a workflow's schedule trigger: its `config.name`, else the workflow's name
 * (`NAME#2`, `NAME#3` for the second and further schedule triggers without one). `nth`:
 * how many schedule triggers come before it in the file.
 */
export function triggerScheduleName(
  workflowName: string,
  configName: string | undefined,
  nth: number,
): string {
  return configName ?? (nth ? `${workflowName}#${nth + 1}` : workflowName);
}
