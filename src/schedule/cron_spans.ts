/**
 * Long windows of fires without holding them: {@link iterateFires} lists them lazily and
 * {@link countFires} counts them without listing most of them, for a daemon that comes
 * back after a long outage (a year of a seconds-field schedule is 31.5M fires). Same
 * fires, and DST rules, as cron.ts's firesBetween.
 * @module
 */
import { compileCron, type CronSpec, firesBetween } from "./cron.ts";
import { offsetAt } from "./zone.ts";

/**
 * The fires of firesBetween(spec, from, to), one at a time: the window is walked in chunks
 * (an hour, doubling while fires are sparse, at most a day), so only about a day's fires
 * are held at once however long the window (a year of a seconds-field schedule is 31.5M
 * fires). Throws as firesBetween.
 */
export function* iterateFires(spec: CronSpec, from: Date, to: Date): Generator<Date> {
  const hi = to.getTime();
  let span = 3_600_000;
  for (let lo = from.getTime(); lo < hi;) {
    const end = Math.min(lo + span, hi);
    const chunk = firesBetween(spec, new Date(lo), new Date(end));
    yield* chunk;
    lo = end;
    if (chunk.length < 1000) span = Math.min(span * 2, 86_400_000);
  }
}

/**
 * How many fires firesBetween(spec, from, to) holds, without listing them all. Cron's time
 * fields do not depend on the date, so every local day that matches has as many fires as
 * any other; such a day, with one UTC offset throughout, counts as that number (found
 * once), and only the window's ends and the days of a DST change are listed. A year of a
 * seconds-field schedule costs a few days' fires of work (about 1 s in Europe/Berlin).
 */
export function countFires(spec: CronSpec, from: Date, to: Date): number {
  const c = compileCron(spec);
  const day = 86_400_000;
  const f = from.getTime();
  const t = to.getTime();
  let count = 0;
  let perDay: number | null = null;
  let lo = f;
  while (lo < t) {
    const off = offsetAt(lo, c.zone);
    // The local day holding lo+1ms, as the window (its midnight - 1 ms, next midnight - 1 ms]:
    // fires fall on whole seconds, so that is exactly the fires of that date.
    const dayStart = Math.floor((lo + 1 + off) / day) * day - 1;
    const end = Math.min(dayStart + day - off, t);
    const whole = lo === dayStart - off && end === dayStart + day - off;
    // One offset at both ends: no change within the day (no zone changes twice in a day),
    // so its wall times and instants match one to one.
    const steady = whole && offsetAt(end, c.zone) === off;
    if (!steady) {
      count += firesBetween(spec, new Date(lo), new Date(end)).length;
    } else {
      const next = c.matcher.nextRun(new Date(dayStart));
      const matches = next !== null && next.getTime() <= dayStart + day;
      if (matches) {
        perDay ??= firesBetween(spec, new Date(lo), new Date(end)).length;
        count += perDay;
      }
    }
    lo = end;
  }
  return count;
}
