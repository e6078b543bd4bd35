/**
 * Where schedules and their fires are kept: the same store as run history (so
 * `weft schedule list`, backfill and the daemon agree). `kv_schedules.ts` implements it
 * on the Deno KV file of the run store; {@link MemoryScheduleStore} in memory for tests.
 *
 * Fires are keyed by schedule name and logical time, and {@link ScheduleStore.claimFire}
 * writes one only when none exists: each fire starts at most one run, whichever
 * process (daemon, backfill) claims it first.
 * @module
 */
import { WeftError } from "../model/errors.ts";
import {
  type CatchUpSegment,
  fireBelongs,
  type FireOutcome,
  type FireRecord,
  isUnstarted,
  type LastFire,
  type PendingCatchUp,
  type Schedule,
  scheduleInstance,
} from "../model/schedule.ts";
import { zoneAsSpelled } from "../model/zone_name.ts";

/** Time range of {@link ScheduleStore.listFires}: from <= logical time < to. */
export interface FireRange {
  from?: Date;
  to?: Date;
}

/** Options of {@link ScheduleStore.claimFire}. */
export interface ClaimOptions {
  /** Outcomes of an existing record that may be taken over (default: none). */
  over?: readonly FireOutcome[];
  /**
   * Also take over a fire whose run never started (isUnstarted): the daemon's start, for
   * the fires a killed daemon left waiting.
   */
  unstarted?: boolean;
}

/** Whether a claim may write over `existing` (a stored fire, or null). */
export function mayClaim(
  existing: FireRecord | null,
  options: ClaimOptions = {},
  fire?: Pick<FireRecord, "scheduleId">,
): boolean {
  return existing === null || (options.over ?? []).includes(existing.outcome) ||
    (options.unstarted === true && isUnstarted(existing)) ||
    // Left by a removed schedule of the same name (remove deletes in batches): not this one's.
    (fire !== undefined && !ownFire(existing, fire.scheduleId));
}

/**
 * Whether stored fire `fire` is of the schedule instance `instance` (undefined, or a
 * record without one: not told apart).
 */
export function ownFire(fire: Pick<FireRecord, "scheduleId">, instance?: string): boolean {
  return instance === undefined || fire.scheduleId === undefined || fire.scheduleId === instance;
}

/** Schedules and fires; every method is atomic and safe with several weft processes. */
export interface ScheduleStore {
  /**
   * Adds a schedule. Throws WeftError (exit 2) when one of that name exists, unless
   * `replace` (then its paused state, last fire, pending missed and catch-up fires and
   * unstarted fires are kept).
   */
  add(schedule: Schedule, options?: { replace?: boolean }): Promise<void>;
  /** Every schedule, by name. */
  list(): Promise<Schedule[]>;
  get(name: string): Promise<Schedule | null>;
  /** Removes a schedule and its fire records; false when there was none. */
  remove(name: string): Promise<boolean>;
  /** Pauses or resumes; false when there is no such schedule. */
  setPaused(name: string, paused: boolean): Promise<boolean>;
  /** Sets or clears the schedule's pendingMissed; false when there is no such schedule. */
  setPendingMissed(name: string, span: Schedule["pendingMissed"]): Promise<boolean>;
  /** Sets or clears the schedule's pendingCatchUp; false when there is no such schedule. */
  setPendingCatchUp(name: string, span: Schedule["pendingCatchUp"]): Promise<boolean>;
  /**
   * Records a fire if none with its schedule and logical time exists (or the one there
   * ended as one of `over`, e.g. `missed` for a backfill; or it is of another instance
   * of the name, FireRecord.scheduleId); false (nothing written) otherwise, and when
   * the fire's schedule instance is no longer the one of its name (fireBelongs). Also
   * sets the schedule's last fire when it is the latest.
   */
  claimFire(fire: FireRecord, options?: ClaimOptions): Promise<boolean>;
  /**
   * Writes a fire (new or updated outcome/run id) and the schedule's last fire, in one
   * atomic write with the check that the fire's schedule instance is still the one of
   * its name; false (nothing written) when it is not: the schedule was removed, or
   * removed and added again, since the fire was claimed.
   */
  recordFire(fire: FireRecord): Promise<boolean>;
  /** A schedule's fires by logical time, ascending (none of another instance of the name). */
  listFires(name: string, range?: FireRange): Promise<FireRecord[]>;
  close(): void;
}

/** The UTC ms of a fire's logical time (its key). */
export function fireMs(fire: Pick<FireRecord, "time">): number {
  return Date.parse(fire.time);
}

/**
 * The schedule with `fire` as its last fire when it is not older than the one it has, and
 * `fire` listed in (or taken off) its unstartedFires as its run has not (or has) started.
 * Returns `schedule` itself when nothing changes.
 */
export function withLastFire(schedule: Schedule, fire: FireRecord): Schedule {
  const next = withUnstarted(schedule, fire);
  const last = next.lastFire;
  if (last && Date.parse(last.time) > fireMs(fire)) return next;
  const lastFire: LastFire = { time: fire.time, outcome: fire.outcome, runId: fire.runId };
  if (fire.missed) lastFire.missed = fire.missed;
  if (fire.reason) lastFire.reason = fire.reason;
  return { ...next, lastFire };
}

function withUnstarted(schedule: Schedule, fire: FireRecord): Schedule {
  const list = schedule.unstartedFires ?? [];
  const ms = fireMs(fire);
  const listed = list.some((t) => Date.parse(t) === ms);
  const waits = isUnstarted(fire);
  if (waits === listed) return schedule;
  const { unstartedFires: _, ...rest } = schedule;
  const left = waits
    ? [...list, fire.time].sort((a, b) => Date.parse(a) - Date.parse(b))
    : list.filter((t) => Date.parse(t) !== ms);
  return left.length > 0 ? { ...rest, unstartedFires: left } : rest;
}

/**
 * `schedule` as it replaces `old` (the stored one, or null): the old one's paused state,
 * last fire, pending missed and unstarted fires are kept (see {@link ScheduleStore.add}).
 */
export function replacing(schedule: Schedule, old: Schedule | null, now = new Date()): Schedule {
  // A new schedule is a new instance, whatever name it reuses (Schedule.id).
  if (!old) return { ...schedule, id: schedule.id ?? crypto.randomUUID() };
  // The chain's fires are the old cron's, whatever the new one says (daemon_catchup.ts).
  const chain = old.pendingCatchUp ? withOwnCron(old.pendingCatchUp, old) : null;
  const owed = owedByOldCron(schedule, old, chain, now);
  const pendingCatchUp = owed ? withSegment(chain, owed) : chain;
  // A span of missed fires not recorded yet is the old cron's too: `owed` holds it.
  const foldedMissed = owed !== null && chain === null;
  return {
    ...schedule,
    id: scheduleInstance(old),
    paused: old.paused,
    ...(old.resumedAt ? { resumedAt: old.resumedAt } : {}),
    lastFire: old.lastFire,
    pendingMissed: foldedMissed ? null : old.pendingMissed ?? null,
    ...(pendingCatchUp ? { pendingCatchUp } : {}),
    ...(old.unstartedFires ? { unstartedFires: old.unstartedFires } : {}),
  };
}

/**
 * The fires the old cron (and zone) of `old` owed up to `now`, when `schedule` replaces it
 * with another: those t with after < t <= now, `after` being its last fire, its resume,
 * creation or the end of its `chain` on record (the latest; the chain holds the fires
 * before), or without a chain the start of the missed span it left unrecorded. No daemon
 * may have fired them (none ran, or it had not reached them): the next start runs those
 * within `catchup` and records the others missed, each with the old cron — as it was when
 * they were due — where the new cron would have owed other times, never due, and these
 * none (README, Daemon). A daemon that did fire them left records, so none runs twice
 * (claimed fires). Null when the cron and zone stay, or the schedule is paused (a paused
 * schedule owes nothing).
 */
function owedByOldCron(
  schedule: Schedule,
  old: Schedule,
  chain: PendingCatchUp | null,
  now: Date,
): CatchUpSegment | null {
  if (old.paused || (schedule.cron === old.cron && schedule.tz === old.tz)) return null;
  const since = [old.lastFire?.time, old.resumedAt, old.createdAt, chain?.through]
    .filter((t): t is string => t !== undefined)
    .reduce((a, b) => Date.parse(a) >= Date.parse(b) ? a : b);
  const pending = chain ? undefined : old.pendingMissed?.after;
  const after = pending && Date.parse(pending) < Date.parse(since) ? pending : since;
  const through = now.toISOString();
  if (Date.parse(after) >= now.getTime()) return null;
  return { after: new Date(after).toISOString(), through, cron: old.cron, tz: old.tz };
}

/** `chain` (or none) with `segment` as its newest part: the ones before go to `earlier`. */
function withSegment(chain: PendingCatchUp | null, segment: CatchUpSegment): PendingCatchUp {
  if (!chain) return segment;
  const { earlier = [], ...own } = chain;
  return { ...segment, earlier: [...earlier, own] };
}

/** `chain` naming the cron and zone that owed it (those of `owner`, when it does not). */
function withOwnCron(chain: PendingCatchUp, owner: Schedule): PendingCatchUp {
  return {
    ...chain,
    cron: chain.cron ?? owner.cron,
    tz: chain.tz === undefined ? owner.tz : chain.tz,
  };
}

/**
 * `s` paused or resumed: a resume of a paused schedule notes when (Schedule.resumedAt),
 * so the fires that fell inside the pause are never run, by a running daemon or as a
 * catch-up.
 */
export function resumed(s: Schedule, paused: boolean, now = new Date()): Schedule {
  if (paused || !s.paused) return { ...s, paused };
  return { ...s, paused, resumedAt: now.toISOString() };
}

/** The error for adding a schedule whose name is taken. */
export function duplicateName(name: string): WeftError {
  return new WeftError(`a schedule named ${JSON.stringify(name)} already exists`, {
    hint: "give another --name, or remove it first: weft schedule remove " + name,
  });
}

/** Schedules and fires in memory (tests, and reading a home that has no store yet). */
export class MemoryScheduleStore implements ScheduleStore {
  readonly #schedules = new Map<string, Schedule>();
  readonly #fires = new Map<string, Map<number, FireRecord>>();

  add(schedule: Schedule, options: { replace?: boolean } = {}): Promise<void> {
    const old = this.#schedules.get(schedule.name) ?? null;
    if (old && !options.replace) return Promise.reject(duplicateName(schedule.name));
    this.#schedules.set(schedule.name, structuredClone(replacing(schedule, old)));
    return Promise.resolve();
  }
  list(): Promise<Schedule[]> {
    const all = [...this.#schedules.values()].sort((a, b) => a.name < b.name ? -1 : 1);
    return Promise.resolve(structuredClone(all.map(asSpelled)));
  }
  get(name: string): Promise<Schedule | null> {
    const s = this.#schedules.get(name);
    return Promise.resolve(structuredClone(s ? asSpelled(s) : null));
  }
  remove(name: string): Promise<boolean> {
    this.#fires.delete(name);
    return Promise.resolve(this.#schedules.delete(name));
  }
  setPaused(name: string, paused: boolean): Promise<boolean> {
    const s = this.#schedules.get(name);
    if (s) this.#schedules.set(name, resumed(s, paused));
    return Promise.resolve(s !== undefined);
  }
  setPendingMissed(name: string, span: Schedule["pendingMissed"]): Promise<boolean> {
    const s = this.#schedules.get(name);
    if (s) s.pendingMissed = span ?? null;
    return Promise.resolve(s !== undefined);
  }
  setPendingCatchUp(name: string, span: Schedule["pendingCatchUp"]): Promise<boolean> {
    const s = this.#schedules.get(name);
    if (s) s.pendingCatchUp = span ?? null;
    return Promise.resolve(s !== undefined);
  }
  claimFire(fire: FireRecord, options: ClaimOptions = {}): Promise<boolean> {
    const existing = this.#firesOf(fire.schedule).get(fireMs(fire)) ?? null;
    if (!mayClaim(existing, options, fire)) return Promise.resolve(false);
    return this.recordFire(fire);
  }
  recordFire(fire: FireRecord): Promise<boolean> {
    if (!fireBelongs(fire, this.#schedules.get(fire.schedule) ?? null)) {
      return Promise.resolve(false);
    }
    this.#write(fire);
    return Promise.resolve(true);
  }
  listFires(name: string, range: FireRange = {}): Promise<FireRecord[]> {
    const s = this.#schedules.get(name);
    const instance = s ? scheduleInstance(s) : undefined;
    const list = [...this.#firesOf(name).entries()]
      .filter(([ms, f]) => inRange(ms, range) && ownFire(f, instance))
      .sort(([a], [b]) => a - b)
      .map(([, f]) => f);
    return Promise.resolve(structuredClone(list));
  }
  close(): void {}

  #firesOf(name: string): Map<number, FireRecord> {
    let fires = this.#fires.get(name);
    if (!fires) this.#fires.set(name, fires = new Map());
    return fires;
  }
  #write(fire: FireRecord): void {
    this.#firesOf(fire.schedule).set(fireMs(fire), structuredClone(fire));
    const s = this.#schedules.get(fire.schedule);
    if (s) this.#schedules.set(s.name, withLastFire(s, fire));
  }
}

/** Whether a fire's UTC ms lies in `range` (from inclusive, to exclusive). */
export function inRange(ms: number, range: FireRange): boolean {
  if (range.from && ms < range.from.getTime()) return false;
  if (range.to && ms >= range.to.getTime()) return false;
  return true;
}

/**
 * A stored schedule with its zone as tzdata spells it: one added before wrong-case names
 * were refused (`america/new_york`) fired right in weft, but exported it would be UTC to
 * cron and unreadable to systemd (model/zone_name.ts zoneAsSpelled). The record is left
 * as stored.
 */
export function asSpelled(schedule: Schedule): Schedule {
  const tz = zoneAsSpelled(schedule.tz);
  return tz === schedule.tz ? schedule : { ...schedule, tz };
}
