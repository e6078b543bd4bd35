/**
 * How weft matches cron expressions with npm `croner`, shared by the workflow model's
 * check of `trigger.config.schedule` (triggers.ts), `weft schedule add` and the
 * scheduler (schedule/cron.ts), so that `weft validate`, the daemon's load and
 * `schedule add` accept and refuse the same expressions.
 * @module
 */
import { Cron } from "croner";

/**
 * The croner options of every match: 5 or 6 fields (seconds first), a day that matches
 * day-of-month OR day-of-week when both are restricted (Vixie cron's rule), wall times at
 * a fixed offset of 0 (schedule/cron.ts maps them to instants of the zone).
 */
export const CRON_MATCH_OPTIONS = {
  paused: true,
  utcOffset: 0,
  mode: "5-or-6-parts",
  domAndDow: false,
} as const;

/** Where the search for a first fire starts: a fixed time, so the answer never depends on the clock. */
const SEARCH_FROM = new Date(Date.UTC(2000, 0, 1));

/**
 * The problem of a valid cron expression that matches no time at all (`0 0 30 2 *`,
 * 30 February), or undefined. Fields repeat with the Gregorian calendar's 400 years, and
 * croner looks 1,000 years ahead, so "no match" means never. Nicknames (`@daily`)
 * always fire. Throws what croner throws for an expression that does not parse.
 */
export function cronNeverFires(expr: string): { message: string; hint: string } | undefined {
  const text = expr.trim();
  if (text.startsWith("@")) return undefined;
  const matcher = new Cron(text.split(/\s+/).join(" "), CRON_MATCH_OPTIONS);
  if (matcher.nextRun(SEARCH_FROM) !== null) return undefined;
  return {
    message: `cron expression ${JSON.stringify(expr)} never fires`,
    hint: "check the day and month fields (e.g. 30 2 is 30 February, which never comes)",
  };
}
