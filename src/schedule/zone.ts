/**
 * Time-zone arithmetic on the runtime's Intl data (IANA tzdata): the UTC offset of a
 * zone at an instant, the instants a local wall-clock time names (none in a DST gap,
 * two in a repeated hour), and ISO 8601 text with the zone's offset.
 *
 * A "wall time" is a local date and time written as the UTC milliseconds of the same
 * fields (2026-03-29 02:30 local → Date.UTC(2026, 2, 29, 2, 30)), so wall times can be
 * compared and enumerated like instants.
 * @module
 */
import { isoAtOffset } from "../model/zone_name.ts";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The host's own zone (what a schedule without `tz` uses), e.g. "Europe/Berlin" or "UTC":
 * {@link readHostZone}'s, UTC when it names none (the warning is said by its callers).
 */
export function hostZone(): string {
  return readHostZone().zone ?? "UTC";
}

/** The folders tzdata is installed in (glibc's TZDIR default and the others'). */
const ZONEINFO =
  /^\/(?:usr\/share|usr\/lib|usr\/share\/lib|etc)\/zoneinfo\/(?:posix\/|right\/)?(.+)$/;

/**
 * The zone the clock runs on, read from `tz` (the `TZ` variable; default: this process's)
 * as glibc reads it (tzset(3)): unset, /etc/localtime (as ICU reads it); empty, UTC; a
 * leading `:` dropped; an IANA name; a file under a zoneinfo folder (or a link to one,
 * such as /etc/localtime) is the zone of its name there; `UTC0`-like POSIX rules are UTC.
 * Any other value (a POSIX rule such as `CET-1CEST,M3.5.0,M10.5.0/3`, a file elsewhere,
 * a typo) has no zone name weft can use for schedules: `zone` is null and `why` says so
 * and what to do. The one reading `schedule add`, the daemon and `self-check` share.
 */
export function readHostZone(
  tz: string | undefined = Deno.env.get("TZ"),
): { zone: string; why?: undefined } | { zone: null; why: string } {
  if (tz === undefined) {
    // ICU names "Etc/Unknown" (or nothing) without a readable /etc/localtime: UTC, as glibc.
    const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    return { zone: zone && zone !== "Etc/Unknown" && isKnownZone(zone) ? zone : "UTC" };
  }
  if (tz === "") return { zone: "UTC" };
  const name = tz.startsWith(":") ? tz.slice(1) : tz;
  if (name.startsWith("/")) {
    let real = name;
    try {
      real = Deno.realPathSync(name);
    } catch { /* not there: read as written */ }
    for (const path of [name, real]) {
      const inside = path.match(ZONEINFO)?.[1];
      if (inside && isKnownZone(inside)) return { zone: icuName(inside) };
    }
  } else if (/^(?:UTC|GMT|UCT)0?$/.test(name)) return { zone: "UTC" };
  else if (isKnownZone(name) && !missingZoneFile(name)) return { zone: icuName(name) };
  return {
    zone: null,
    why: `TZ=${JSON.stringify(tz)} names no time zone weft can use for schedules (an IANA ` +
      `name such as Europe/Berlin, or a file under /usr/share/zoneinfo)`,
  };
}

/** The zone a schedule uses: `tz`, or the host's zone when null. */
export function zoneOf(tz: string | null | undefined): string {
  return tz ?? hostZone();
}

/**
 * True when tzdata is installed (glibc's `TZDIR`, else /usr/share/zoneinfo) but has no
 * file `name` (`europe/berlin`): glibc then reads TZ as UTC, whatever ICU makes of it.
 */
function missingZoneFile(name: string): boolean {
  const dir = Deno.env.get("TZDIR") || "/usr/share/zoneinfo";
  try {
    if (!Deno.statSync(dir).isDirectory) return false;
  } catch {
    return false; // no tzdata here (a slim container): ICU's own data is all there is
  }
  try {
    return !Deno.statSync(`${dir}/${name}`).isFile;
  } catch {
    return true;
  }
}

/** `zone` as ICU spells it (as it names the zone of a `TZ` it reads itself). */
function icuName(zone: string): string {
  return new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone;
}

/** Whether `zone` is an IANA zone name the runtime knows. */
export function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The local wall time (see module doc) of instant `t` (UTC ms) in `zone`; whole seconds. */
export function wallOf(t: number, zone: string): number {
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(new Date(t))) parts[p.type] = p.value;
  let year = Number(parts.year);
  if (parts.era === "BC" || parts.era === "B") year = 1 - year;
  const wall = Date.UTC(
    year,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  // Date.UTC maps years 0-99 to 1900-1999; weft never schedules there.
  return wall + (((t % 1000) + 1000) % 1000);
}

/** The zone's UTC offset at instant `t`, in ms (e.g. +7,200,000 for CEST). */
export function offsetAt(t: number, zone: string): number {
  const spans = spansOf(zone, t);
  if (!spans) return wallOf(t, zone) - t;
  // The last span starting at or before t (a handful per year: a linear scan is fine).
  let offset = spans[0].offset;
  for (const span of spans) {
    if (span.start > t) break;
    offset = span.offset;
  }
  return offset;
}

interface Span {
  /** First instant (UTC ms) of this offset. */
  start: number;
  offset: number;
}

const SAMPLE_MS = 6 * 3_600_000;
const spanCache = new Map<string, Span[]>();

/**
 * The offsets of `zone` through the UTC year holding `t` (from a day before it to a day
 * after), each from the instant it starts, found by sampling every 6 hours and
 * bisecting each change to the millisecond: offsets are then looked up, not formatted
 * (Intl is ~15 µs a call). Undefined outside the years 1900-2999.
 */
function spansOf(zone: string, t: number): Span[] | undefined {
  const year = new Date(t).getUTCFullYear();
  if (year < 1900 || year > 2999) return undefined;
  const key = `${zone}\u0000${year}`;
  let spans = spanCache.get(key);
  if (spans) return spans;
  const from = Date.UTC(year, 0, 1) - 86_400_000;
  const to = Date.UTC(year + 1, 0, 1) + 86_400_000;
  const raw = (ms: number) => wallOf(ms, zone) - ms;
  spans = [{ start: from, offset: raw(from) }];
  let prev = from;
  let prevOffset = spans[0].offset;
  for (let at = from + SAMPLE_MS; at <= to + SAMPLE_MS; at += SAMPLE_MS) {
    const offset = raw(at);
    if (offset !== prevOffset) {
      let lo = prev;
      let hi = at;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (raw(mid) === prevOffset) lo = mid;
        else hi = mid;
      }
      spans.push({ start: hi, offset });
      prevOffset = offset;
    }
    prev = at;
  }
  spanCache.set(key, spans);
  return spans;
}

/**
 * The instants (UTC ms, ascending) whose local time in `zone` is `wall`: one normally,
 * two in a repeated hour (DST fall back), none in a skipped hour (DST spring forward).
 * Offsets a day either side cover every transition tzdata has had since 1970.
 */
export function instantsOf(wall: number, zone: string): number[] {
  const day = 86_400_000;
  const candidates = new Set([
    offsetAt(wall - day, zone),
    offsetAt(wall, zone),
    offsetAt(wall + day, zone),
  ]);
  const out: number[] = [];
  for (const off of candidates) {
    const t = wall - off;
    if (offsetAt(t, zone) === off && !out.includes(t)) out.push(t);
  }
  return out.sort((a, b) => a - b);
}

/**
 * For a wall time inside a DST gap: the first instant after the gap (where the local
 * clock jumps over `wall`), found by bisection to the millisecond.
 */
export function gapEnd(wall: number, zone: string): number {
  const day = 86_400_000;
  // Before the gap the local time is below `wall`; after it, above.
  let lo = wall - offsetAt(wall - day, zone) - day;
  let hi = wall - offsetAt(wall + day, zone) + day;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallOf(mid, zone) < wall) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * ISO 8601 text of instant `t` in `zone` with its offset, whole seconds:
 * `2026-03-29T03:00:00+02:00` (`Z` is never used, so the zone's offset is always shown).
 */
export function formatZoned(t: Date | number, zone: string): string {
  const ms = typeof t === "number" ? t : t.getTime();
  return isoAtOffset(ms, Math.round((wallOf(ms, zone) - ms) / 60_000));
}

/**
 * Parses an ISO 8601 time for a window bound: with `Z` or an offset it is that instant;
 * without, a local time in `zone` (a date alone is its midnight; a local time in a DST
 * gap is the end of the gap; in a repeated hour, its first occurrence). Undefined when
 * `text` is not such a time, or names a day or time that does not exist (2026-04-31,
 * 24:00, 08:60, 08:00:60: Date would roll them over).
 */
export function parseZonedTime(text: string, zone: string): number | undefined {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i
      .exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "0", off] = m;
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Number(frac.padEnd(3, "0")));
  const check = new Date(wall);
  if (
    check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 ||
    +s > 59
  ) {
    return undefined;
  }
  if (off) {
    if (off.toUpperCase() === "Z") return wall;
    const sign = off.startsWith("-") ? -1 : 1;
    const digits = off.slice(1).replace(":", "");
    return wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const instants = instantsOf(wall, zone);
  return instants.length ? instants[0] : gapEnd(wall, zone);
}
