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

/** The nicknames (cronie's set, less @reboot), as the fields they stand for. */
export const NICKNAMES: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const FIELD_NAMES_6 = ["second", "minute", "hour", "day-of-month", "month", "day-of-week"];

const FIELDS_HINT =
  'fields: [second] minute hour day-of-month month day-of-week, e.g. "0 2 * * *" ' +
  "for 02:00 daily (names such as MON-FRI and JAN, L, # and W work); or one of " +
  Object.keys(NICKNAMES).join(", ");

/** A cron expression's problem: what is wrong, and what to write. */
export interface CronProblem {
  message: string;
  hint: string;
}

/**
 * The fields of cron expression `expr` (blanks around it ignored, a nickname expanded),
 * or the problem that keeps it from parsing as croner matches it: an unknown nickname
 * (`@reboot`, which fires at system start, not on a clock), a wrong field count, or what
 * croner refuses, said in cron's terms. The one syntax check of `trigger.config.schedule`
 * (model/triggers.ts) and `weft schedule add` / the scheduler (schedule/cron.ts).
 */
export function cronFields(
  expr: string,
): { fields: string[]; matcher: Cron } | { problem: CronProblem } {
  const text = expr.trim();
  const quoted = JSON.stringify(text);
  if (text === "") {
    return { problem: { message: "the cron expression is empty", hint: FIELDS_HINT } };
  }
  let expanded = text;
  if (text.startsWith("@")) {
    const fields = NICKNAMES[text.toLowerCase()];
    if (text.toLowerCase() === "@reboot") {
      return {
        problem: {
          message: `cron nickname "@reboot" is not supported: weft's schedules fire at times ` +
            "of day, and weft does not see the machine start",
          hint: "to run at boot, start it from the system: a crontab line " +
            "`@reboot weft run FILE`, or a systemd unit (WantedBy=multi-user.target)",
        },
      };
    }
    if (!fields) {
      return { problem: { message: `unknown cron nickname ${quoted}`, hint: FIELDS_HINT } };
    }
    expanded = fields;
  }
  const fields = expanded.split(/\s+/);
  if (fields.length < 5 || fields.length > 6) {
    return {
      problem: {
        message: `cron expression ${quoted} has ${fields.length} field${
          fields.length === 1 ? "" : "s"
        }; use 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)`,
        hint: FIELDS_HINT,
      },
    };
  }
  try {
    return { fields, matcher: new Cron(fields.join(" "), CRON_MATCH_OPTIONS) };
  } catch (e) {
    return {
      problem: { message: cronerMessage(text, fields, (e as Error).message), hint: FIELDS_HINT },
    };
  }
}

/** croner's message for `text` in cron's terms: the field at fault, or its reason. */
function cronerMessage(text: string, fields: string[], message: string): string {
  const reason = message.replace(/^CronPattern:\s*/, "");
  const offset = fields.length === 6 ? 0 : 1;
  const entry = /configuration entry (\d+) \(([^)]*)\)/.exec(reason);
  if (entry) {
    const name = FIELD_NAMES_6[Number(entry[1])] ?? `field ${Number(entry[1]) + 1 - offset}`;
    return `invalid cron expression ${JSON.stringify(text)}: the ${name} field ` +
      `${JSON.stringify(entry[2])} has characters cron does not allow there`;
  }
  const value = /Invalid value for (\w[\w-]*): (.*)$/i.exec(reason);
  if (value) {
    const field = value[1].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`); // dayOfWeek
    return `invalid cron expression ${JSON.stringify(text)}: ${field} value ` +
      `${JSON.stringify(value[2])} is out of range`;
  }
  const range = /illegal (upper|lower) range/i.exec(reason);
  if (range) {
    return `invalid cron expression ${JSON.stringify(text)}: a range (a-b) is missing its ` +
      `${range[1].toLowerCase() === "upper" ? "end" : "start"}`;
  }
  const rest = reason.replace(/^syntax error,\s*/i, "");
  return `invalid cron expression ${JSON.stringify(text)}: ` +
    rest.charAt(0).toLowerCase() + rest.slice(1);
}

/** Where the search for a first fire starts: a fixed time, so the answer never depends on the clock. */
const SEARCH_FROM = new Date(Date.UTC(2000, 0, 1));

/**
 * The problem of a valid cron expression that matches no time at all (`0 0 30 2 *`,
 * 30 February), or undefined. Fields repeat with the Gregorian calendar's 400 years, and
 * croner looks 1,000 years ahead, so "no match" means never. Nicknames (`@daily`)
 * always fire. Throws what croner throws for an expression that does not parse.
 * `parsed`: the expression's matcher when the caller has it (cronFields), not parsed again.
 */
export function cronNeverFires(
  expr: string,
  parsed?: Cron,
): { message: string; hint: string } | undefined {
  const text = expr.trim();
  if (text.startsWith("@")) return undefined;
  const matcher = parsed ?? new Cron(text.split(/\s+/).join(" "), CRON_MATCH_OPTIONS);
  if (matcher.nextRun(SEARCH_FROM) !== null) return undefined;
  return {
    message: `cron expression ${JSON.stringify(expr)} never fires`,
    hint: "check the day and month fields (e.g. 30 2 is 30 February, which never comes)",
  };
}
