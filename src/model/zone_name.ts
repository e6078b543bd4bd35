/**
 * Whether a time zone is written as its IANA name. Intl (and so weft's own arithmetic)
 * reads zone names in any case and bare offsets too, but cron's CRON_TZ and glibc read
 * the tzdata file of that exact name (`america/new_york` is silently UTC there) and
 * systemd's OnCalendar= refuses it: so a zone given to weft (`--tz`, a trigger's
 * `timezone`) must be spelled exactly as tzdata spells it, which this checks.
 * @module
 */

/** What is wrong with a zone name, and the fix; see {@link zoneNameProblem}. */
export interface ZoneNameProblem {
  message: string;
  hint: string;
}

const IANA_HINT = "use an IANA name such as Europe/Berlin, America/New_York or UTC";

/**
 * Undefined when `tz` is a time zone name exactly as IANA tzdata spells it (a link such
 * as `US/Eastern` included); else the problem: an offset (`+05:00`, no IANA name), an
 * unknown name, or a name in the wrong case, whose hint gives the right spelling.
 * The spelling comes from Temporal, which keeps the name given (links too) in tzdata's
 * case; where Temporal is missing, from Intl's canonical name (which names links by
 * their target, so only a case-only mismatch of a canonical name is caught there).
 */
export function zoneNameProblem(tz: string): ZoneNameProblem | undefined {
  if (/^[+-]/.test(tz)) {
    return {
      message: `unknown time zone ${JSON.stringify(tz)}`,
      hint: `${IANA_HINT} (Etc/GMT-5 is a fixed UTC+5)`,
    };
  }
  const spelled = ianaSpelling(tz);
  if (spelled === undefined) {
    return { message: `unknown time zone ${JSON.stringify(tz)}`, hint: IANA_HINT };
  }
  if (spelled !== tz && spelled.toLowerCase() === tz.toLowerCase()) {
    return {
      message: `unknown time zone ${JSON.stringify(tz)}: zone names are case-sensitive`,
      hint: `did you mean "${spelled}"? (cron and systemd read "${tz}" as UTC or not at all)`,
    };
  }
  return undefined;
}

/**
 * `tz` as tzdata spells it when it names a zone in another case only (`america/new_york`
 * → `America/New_York`); else `tz` itself (null, a right name, or no zone's name). For
 * zones stored before {@link zoneNameProblem} refused such names on input: weft's own
 * arithmetic read them right, but cron and systemd would not read them as exported.
 */
export function zoneAsSpelled<T extends string | null>(tz: T): T {
  if (tz === null) return tz;
  const spelled = ianaSpelling(tz);
  return (spelled !== undefined && spelled !== tz && spelled.toLowerCase() === tz.toLowerCase()
    ? spelled
    : tz) as T;
}

/** tzdata's spelling of zone `tz` (any case), or undefined when no zone has that name. */
function ianaSpelling(tz: string): string | undefined {
  try {
    const temporal = (globalThis as { Temporal?: TemporalLike }).Temporal;
    if (temporal) return temporal.Now.zonedDateTimeISO(tz).timeZoneId;
    return new Intl.DateTimeFormat("en", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The part of Temporal used here (typed locally: Deno's lib may not declare it). */
interface TemporalLike {
  Now: { zonedDateTimeISO(timeZone: string): { timeZoneId: string } };
}

/**
 * ISO 8601 text of instant `ms` (epoch ms) at a UTC offset of `offsetMinutes`, whole
 * seconds, the offset always written (never `Z`): `2026-03-29T03:00:00+02:00`. The
 * shape of a schedule's fire time (schedule/zone.ts) and of a manual run's local time
 * (engine/expressions.ts).
 */
export function isoAtOffset(ms: number, offsetMinutes: number): string {
  const wall = ms + offsetMinutes * 60_000;
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  const seconds = new Date(wall - (((wall % 1000) + 1000) % 1000)).toISOString().slice(0, 19);
  return `${seconds}${offsetMinutes < 0 ? "-" : "+"}${hh}:${mm}`;
}
