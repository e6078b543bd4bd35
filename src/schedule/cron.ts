/**
 * Cron expressions in a time zone, through npm `croner` for parsing and matching
 * (5 or 6 fields, names such as MON-FRI and JAN, `L`, `#`, `W`, `@daily`-style nicknames)
 * and weft's own mapping from local times to instants, so that daylight-saving
 * changes behave as cronie's (Vixie cron's) do:
 *
 * - A *fixed-time* job (minute and hour fields, and seconds when given, do not start
 *   with `*`): a time in a skipped hour fires once at the first instant after the gap;
 *   a time in a repeated hour fires once, at its first occurrence.
 * - An *interval* job (`*`, alone or with a step, leading the minute, hour or seconds field, or
 *   `@hourly`): a time that does not exist is skipped, a repeated time fires on both
 *   passes, so the interval holds in real time.
 *
 * Croner enumerates matching local times (at UTC offset 0, where no time is
 * skipped or repeated); each is then mapped to instants of the zone (zone.ts). croner's own DST
 * handling differs from cronie's in which jobs count as fixed-time ones and in the
 * repeated hour, hence this mapping. Every function here is pure: time comes in as
 * arguments (the daemon's clock is injected where it is called).
 * @module
 */
import type { Cron } from "croner";
import { cronFields, NICKNAMES } from "../model/cron_match.ts";
import { WeftError } from "../model/errors.ts";
import { zoneNameProblem } from "../model/zone_name.ts";
import { gapEnd, instantsOf, isKnownZone, offsetAt, wallOf, zoneOf } from "./zone.ts";

/** What a fire time depends on: the expression and its zone (null = the host's zone). */
export interface CronSpec {
  cron: string;
  tz: string | null;
}

/** The nicknames, as the fields they stand for (model/cron_match.ts). */
export { NICKNAMES };

/** A parsed expression: its fields (5 or 6), the croner matcher, and its DST class. */
export interface CompiledCron {
  fields: string[];
  /** True when the expression has a seconds field. */
  seconds: boolean;
  /** Fixed-time job in cronie's sense (see the module doc). */
  fixed: boolean;
  zone: string;
  matcher: Cron;
}

const compiled = new Map<string, CompiledCron>();

/**
 * Parses `spec`, or throws WeftError (exit 2) naming what is wrong: the field count,
 * which field holds a bad value, or an unknown zone.
 */
export function compileCron(spec: CronSpec): CompiledCron {
  const key = `${spec.cron}\u0000${spec.tz ?? ""}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const zone = zoneOf(spec.tz);
  if (!isKnownZone(zone)) {
    throw new WeftError(`unknown time zone ${JSON.stringify(zone)}`, {
      hint: "use an IANA name such as Europe/Berlin, America/New_York or UTC",
    });
  }
  // The same check as `weft validate` makes of a file's schedule trigger.
  const read = cronFields(spec.cron);
  if ("problem" in read) throw new WeftError(read.problem.message, { hint: read.problem.hint });
  // At a fixed offset of 0 no local time is skipped or repeated: croner lists wall
  // times only (utcOffset is ~10x faster in croner than timezone "UTC"; CRON_MATCH_OPTIONS).
  const { fields, matcher } = read;
  const text = spec.cron.trim();
  const six = fields.length === 6 ? fields : ["0", ...fields];
  const leadsWithStar = (f: string) => f.startsWith("*") || f.startsWith("?");
  // cronie marks a job "wild" when its minute or hour field starts with '*' (entry.c).
  const fixed = !leadsWithStar(six[1]) && !leadsWithStar(six[2]) && !leadsWithStar(six[0]) &&
    text.toLowerCase() !== "@hourly";
  const result = { fields, seconds: fields.length === 6, fixed, zone, matcher };
  compiled.set(key, result);
  return result;
}

/** Throws WeftError when `spec` is not a valid expression and zone (see compileCron). */
export function checkCron(spec: CronSpec): void {
  // Intl also takes bare offsets (+05:00) and any case (america/new_york), which cron's
  // CRON_TZ and systemd's OnCalendar= cannot read, so `schedule export` could not either.
  // Refused here, on input, not in compileCron: a schedule stored earlier with one still fires.
  const problem = spec.tz ? zoneNameProblem(spec.tz) : undefined;
  if (problem) throw new WeftError(problem.message, { hint: problem.hint });
  compileCron(spec);
}

/** Matching wall times w with lo < w <= hi (whole seconds), ascending. */
function wallsBetween(c: CompiledCron, lo: number, hi: number, limit = Infinity): number[] {
  const out: number[] = [];
  let cursor = new Date(lo);
  while (out.length < limit) {
    const next = c.matcher.nextRun(cursor);
    if (!next || next.getTime() > hi) break;
    out.push(next.getTime());
    cursor = next;
  }
  return out;
}

/** The instants wall time `w` fires at, per the DST rules of the module doc. */
function firesOfWall(c: CompiledCron, w: number): number[] {
  const instants = instantsOf(w, c.zone);
  if (instants.length === 0) return c.fixed ? [gapEnd(w, c.zone)] : [];
  return c.fixed ? [instants[0]] : instants;
}

/**
 * The fire instants t of `spec` with `from < t <= to`, ascending, each once.
 * Throws WeftError for an invalid expression or zone.
 */
export function firesBetween(spec: CronSpec, from: Date, to: Date): Date[] {
  const c = compileCron(spec);
  const f = from.getTime();
  const t = to.getTime();
  if (t <= f) return [];
  const day = 86_400_000;
  // Wall times that can map into (from, to]: a backward jump within a day after `from`
  // maps earlier local times after it; a forward jump before `to` maps later ones before.
  const offFrom = offsetAt(f, c.zone);
  const offTo = offsetAt(t, c.zone);
  // Fast path: one offset from a day before to a day after a window of at most a week
  // (no zone has had two transitions that close since 1970), so each wall time is one
  // instant. Else each wall time is mapped on its own (DST gap and repeat rules).
  const steady = t - f <= 7 * day && offFrom === offTo &&
    offsetAt(f - day, c.zone) === offFrom && offsetAt(t + day, c.zone) === offFrom;
  if (steady) {
    const walls = wallsBetween(c, f + offFrom, t + offFrom);
    return walls.map((w) => new Date(w - offFrom));
  }
  const lo = f + Math.min(offFrom, offsetAt(f + day, c.zone)) - 1000;
  const hi = t + Math.max(offTo, offsetAt(t - day, c.zone)) + 1000;
  return collect(c, wallsBetween(c, lo, hi), f, t);
}

/**
 * firesBetween(spec, from, to) when it holds at most `max` fires, else null. The window
 * is walked in chunks (an hour, doubling while fires are sparse, at most a day), so a
 * huge window of a frequent schedule (every second for 26 years) costs about `max`
 * fires of work, not the whole window's. Throws as firesBetween.
 */
export function firesBetweenAtMost(
  spec: CronSpec,
  from: Date,
  to: Date,
  max: number,
): Date[] | null {
  const out: Date[] = [];
  const hi = to.getTime();
  let span = 3_600_000;
  for (let lo = from.getTime(); lo < hi;) {
    const end = Math.min(lo + span, hi);
    const chunk = firesBetween(spec, new Date(lo), new Date(end));
    if (out.length + chunk.length > max) return null;
    out.push(...chunk);
    lo = end;
    if (chunk.length < max / 4) span = Math.min(span * 2, 86_400_000);
  }
  return out;
}

function collect(c: CompiledCron, walls: number[], f: number, t: number): Date[] {
  const seen = new Set<number>();
  for (const w of walls) {
    for (const at of firesOfWall(c, w)) if (at > f && at <= t) seen.add(at);
  }
  return [...seen].sort((a, b) => a - b).map((ms) => new Date(ms));
}

/**
 * The next `count` fire instants of `spec` strictly after `after`, ascending (fewer
 * when the expression stops matching, e.g. only in years to come beyond 200).
 */
export function nextFires(spec: CronSpec, after: Date, count: number): Date[] {
  const c = compileCron(spec);
  if (count <= 0) return [];
  const f = after.getTime();
  const start = wallOf(f, c.zone);
  // Size the window from croner's own next wall times, then widen until enough fire.
  const walls = wallsBetween(c, start - 1000, Infinity, count + 1);
  if (walls.length === 0) return [];
  let span = Math.max(walls[walls.length - 1] - start, 1000) + 60_000;
  const limit = f + 200 * 366 * 86_400_000;
  for (;;) {
    const to = Math.min(f + span, limit);
    const fires = firesBetween(spec, after, new Date(to));
    if (fires.length >= count || to >= limit) return fires.slice(0, count);
    span *= 2;
  }
}

/**
 * The last fire at or before `at` within `lookbackMs` (default 400 days), or null.
 * Looks back a minute first and widens, so frequent schedules stay cheap.
 */
export function previousFire(spec: CronSpec, at: Date, lookbackMs = 400 * 86_400_000): Date | null {
  for (let span = 60_000;; span *= 4) {
    const back = Math.min(span, lookbackMs);
    const fires = firesBetween(spec, new Date(at.getTime() - back), at);
    if (fires.length) return fires[fires.length - 1];
    if (back >= lookbackMs) return null;
  }
}
