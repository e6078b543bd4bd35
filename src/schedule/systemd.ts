/**
 * Cron expressions as systemd calendar events (`OnCalendar=`, systemd.time(7)), for
 * `weft schedule export --systemd`. Each field becomes an explicit list (systemd has
 * no steps over ranges in every version), weekday and month names become systemd's,
 * and the zone is appended (systemd ≥ 235). Cron fires when the day of month OR the
 * weekday matches if both are restricted, systemd when both do: such an expression
 * becomes two `OnCalendar=` lines. `L`, `#`, `W` and `+` have no systemd form and are
 * refused.
 *
 * DST: systemd does not fire a time inside a skipped hour that day (weft's daemon, as
 * cronie, fires it right after the gap); a repeated hour fires once in both.
 * @module
 */
import { WeftError } from "../model/errors.ts";
import { type CronSpec, NICKNAMES } from "./cron.ts";

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const SYSTEMD_DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** The first name's number (1 for months, 0 for weekdays). */
  nameBase?: number;
}

const FIELDS: Record<string, FieldSpec> = {
  second: { name: "second", min: 0, max: 59 },
  minute: { name: "minute", min: 0, max: 59 },
  hour: { name: "hour", min: 0, max: 23 },
  dom: { name: "day-of-month", min: 1, max: 31 },
  month: { name: "month", min: 1, max: 12, names: MONTHS, nameBase: 1 },
  dow: { name: "day-of-week", min: 0, max: 7, names: DAYS, nameBase: 0 },
};

function refuse(cron: string, why: string): WeftError {
  return new WeftError(
    `cron expression ${JSON.stringify(cron)} cannot be a systemd timer: ${why}`,
    {
      hint: "systemd calendar events have no L, #, W or + (last day, nth weekday, nearest " +
        "weekday, AND): run this schedule with weft daemon, or use --crontab",
    },
  );
}

/** The values a cron field matches, sorted; null for a bare `*` or `?` (any). */
function expand(cron: string, text: string, f: FieldSpec): number[] | null {
  if (text === "*" || text === "?") return null;
  const out = new Set<number>();
  const num = (word: string): number => {
    const upper = word.toUpperCase();
    const named = f.names?.indexOf(upper) ?? -1;
    if (named >= 0) return named + (f.nameBase ?? 0);
    if (!/^\d+$/.test(word)) throw refuse(cron, `the ${f.name} field has ${JSON.stringify(word)}`);
    const n = Number(word);
    if (n < f.min || n > f.max) throw refuse(cron, `${f.name} ${n} is out of range`);
    return n;
  };
  for (const item of text.split(",")) {
    const [range, stepText] = item.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) {
      throw refuse(cron, `the ${f.name} field has step ${JSON.stringify(stepText)}`);
    }
    let lo: number;
    let hi: number;
    if (range === "*" || range === "?") [lo, hi] = [f.min, f.max === 7 ? 6 : f.max];
    else if (range.includes("-")) [lo, hi] = range.split("-").map(num) as [number, number];
    else [lo, hi] = [num(range), stepText === undefined ? num(range) : (f.max === 7 ? 6 : f.max)];
    if (hi < lo) throw refuse(cron, `the ${f.name} range ${range} runs backwards`);
    for (let v = lo; v <= hi; v += step) out.add(f.max === 7 && v === 7 ? 0 : v);
  }
  return [...out].sort((a, b) => a - b);
}

const SPECIAL: Record<string, string> = {
  L: "L (last day or weekday of the month)",
  W: "W (nearest weekday)",
  "#": "# (nth weekday of the month)",
  "+": "+ (day of month AND weekday)",
};

const pad = (n: number) => String(n).padStart(2, "0");
const list = (values: number[] | null) => values === null ? "*" : values.map(pad).join(",");

/**
 * The `OnCalendar=` values (one, or two when day of month and weekday are both
 * restricted) for `spec`. Throws WeftError for what systemd cannot express.
 */
export function toOnCalendar(spec: CronSpec): string[] {
  const text = spec.cron.trim();
  const expanded = text.startsWith("@") ? NICKNAMES[text.toLowerCase()] : text;
  if (!expanded) throw refuse(text, "unknown nickname");
  const names = new RegExp(`\\b(${[...MONTHS, ...DAYS].join("|")})\\b`, "gi");
  const special = /[LW#+]/i.exec(expanded.replace(names, ""))?.[0];
  if (special) throw refuse(text, `it uses ${SPECIAL[special.toUpperCase()]}`);
  const parts = expanded.split(/\s+/);
  const six = parts.length === 6 ? parts : ["0", ...parts];
  const [sec, min, hour, dom, month, dow] = [
    expand(text, six[0], FIELDS.second),
    expand(text, six[1], FIELDS.minute),
    expand(text, six[2], FIELDS.hour),
    expand(text, six[3], FIELDS.dom),
    expand(text, six[4], FIELDS.month),
    expand(text, six[5], FIELDS.dow),
  ];
  const time = `${list(hour)}:${list(min)}:${list(sec)}`;
  const zone = spec.tz ? ` ${spec.tz}` : "";
  const weekdays = dow && dow.length < 7 ? dow.map((d) => SYSTEMD_DAYS[d]).join(",") + " " : "";
  const date = (days: number[] | null) => `*-${list(month)}-${list(days)}`;
  if (dom && weekdays) {
    // Cron's OR of day of month and weekday: one line for each.
    return [`${date(dom)} ${time}${zone}`, `${weekdays}${date(null)} ${time}${zone}`];
  }
  return [`${weekdays}${date(dom)} ${time}${zone}`];
}
