/**
 * Schedules as crontab lines and systemd units, for hosts without `weft daemon`
 * (`weft schedule export`). Each calls `weft run FILE -p k=v --home HOME` with absolute
 * paths; those runs are recorded as manual runs (no `${schedule.time}`). A secret param
 * is never written into a line: it reads `-p k="$WEFT_PARAM_K"` (crontab) or
 * `"k=${WEFT_PARAM_K}"` with a private `EnvironmentFile=` (systemd).
 * @module
 */
import { createHash } from "node:crypto";
import { WeftError } from "../model/errors.ts";
import { shQuote } from "../model/sh_quote.ts";
import type { Schedule } from "../model/schedule.ts";
import { NICKNAMES } from "./cron.ts";
import { toOnCalendar } from "./systemd.ts";
import { keptAsideNames, paramVariable } from "./secret_params.ts";

/**
 * One word of an exported command: `text`, then, for a secret param, the value of the
 * environment `variable` the scheduler expands when it fires (the value itself is never
 * written into a crontab line or unit).
 */
export interface RunWord {
  text: string;
  variable?: string;
}

/**
 * The command a fire runs: `weft` is the weft executable's words (e.g. [deno, run, -A,
 * main.ts]). A secret param, or one whose value holds a secret (schedule/secret_params.ts
 * keptAsideNames), is `-p NAME=` + the variable {@link paramVariable} names.
 */
export function runWords(weft: readonly string[], schedule: Schedule, home: string): RunWord[] {
  const secret = new Set(keptAsideNames(schedule));
  const params = Object.entries(schedule.params).flatMap(([k, v]): RunWord[] => [
    { text: "-p" },
    secret.has(k) ? { text: `${k}=`, variable: paramVariable(k) } : { text: `${k}=${v}` },
  ]);
  const plain = (words: readonly string[]) => words.map((text) => ({ text }));
  return [
    ...plain([...weft, "run", schedule.file]),
    ...params,
    ...plain(["--home", home]),
  ];
}

/**
 * The secret params of `schedule` an export reads from the environment, each with its
 * variable and value (for a systemd `EnvironmentFile=`); [] when none.
 */
export function secretVariables(
  schedule: Schedule,
): { param: string; variable: string; value: string }[] {
  return keptAsideNames(schedule).map((param) => ({
    param,
    variable: paramVariable(param),
    value: schedule.params[param],
  }));
}

/**
 * The crontab line fields for `schedule`, or WeftError when cron (cronie) cannot read it:
 * a seconds field, or croner's extensions L, W, #, +, ?.
 */
export function crontabFields(schedule: Schedule): string {
  const text = schedule.cron.trim();
  if (text.startsWith("@")) {
    if (!NICKNAMES[text.toLowerCase()]) throw notForCron(schedule, "an unknown nickname");
    return text.toLowerCase();
  }
  const fields = text.split(/\s+/);
  if (fields.length === 6) throw notForCron(schedule, "a seconds field");
  const names =
    /\b(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)\b/gi;
  const special = /[LW#+?]/i.exec(text.replace(names, ""))?.[0];
  if (special) throw notForCron(schedule, `${JSON.stringify(special)}, which cron does not know`);
  return fields.join(" ");
}

function notForCron(schedule: Schedule, what: string): WeftError {
  return new WeftError(
    `schedule ${schedule.name} (${
      JSON.stringify(schedule.cron)
    }) has ${what}: not exported to crontab`,
    { hint: "run it with weft daemon instead" },
  );
}

/**
 * Crontab text for `schedules`: schedules without a zone first (the host's zone), then
 * each zoned one after its `CRON_TZ=` line (cronie reads it for the lines after it).
 * A `%` in the command is escaped (cron turns it into a newline). Paused schedules are
 * written commented out. A schedule cron cannot express (see crontabFields, or a line
 * break in a word) throws; with `refused`, it is told there and written as a comment line
 * saying why, and the others are written.
 */
export function crontabText(
  schedules: Schedule[],
  weft: readonly string[],
  home: string,
  refused?: (e: WeftError) => void,
): string {
  const sorted = [...schedules].sort((a, b) => (a.tz === null ? 0 : 1) - (b.tz === null ? 0 : 1));
  const lines = ["# written by weft schedule export --crontab"];
  let zone: string | null = null;
  for (const s of sorted) {
    let line: string[];
    try {
      line = cronLines(s, weft, home);
    } catch (e) {
      if (!refused || !(e instanceof WeftError)) throw e;
      refused(e);
      // One comment line for each line of the message (its hint is a line of its own).
      const [first, ...more] = e.message.split(/\r?\n/);
      lines.push(`# ${oneLineName(s.name)}: not exported: ${oneLineName(first)}`);
      for (const line of more) lines.push(`# ${oneLineName(line.trim())}`);
      continue;
    }
    if (s.tz !== null && s.tz !== zone) {
      lines.push(`CRON_TZ=${s.tz}`);
      zone = s.tz;
    }
    lines.push(...line);
  }
  return lines.join("\n") + "\n";
}

/** A schedule's comment and job lines; throws WeftError where cron cannot take it. */
function cronLines(s: Schedule, weft: readonly string[], home: string): string[] {
  const fields = crontabFields(s);
  const words = runWords(weft, s, home);
  // cron reads one line per job: a line break in a word (a param, a path) would end the
  // job's line early and make the rest a line of its own — a job cron would run.
  const broken = words.find((word) => /[\r\n]/.test(word.text))?.text;
  if (broken !== undefined) throw notForCron(s, `a line break in ${JSON.stringify(broken)}`);
  // A secret param's value is read by sh from cron's environment when the job runs.
  const command = words.map((w) => shQuote(w.text) + (w.variable ? `"$${w.variable}"` : ""))
    .join(" ").replaceAll("%", "\\%");
  return [
    `# ${oneLineName(s.name)}${s.paused ? " (paused)" : ""}`,
    `${s.paused ? "# " : ""}${fields} ${command}`,
  ];
}

/** A name for a comment line: control characters (line breaks) written as JSON escapes. */
function oneLineName(name: string): string {
  // Only the control characters are escaped (`\n` as two characters), each alone: the
  // rest, quotes and backslashes included, is shown as written (verifier N4).
  // deno-lint-ignore no-control-regex
  return name.replace(/[\x00-\x1f\x7f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** Longest NAME part of a unit name, so `weft-NAME-HASH.service` stays under systemd's 255. */
const UNIT_NAME_MAX = 100;

/**
 * A systemd unit name for a schedule: `weft-NAME`, odd characters replaced and long
 * names cut (+ a hash of the whole name then, so two names never share a unit). systemd
 * allows `[A-Za-z0-9:_.\\-]` and at most 255 characters (systemd.unit(5)).
 */
export function unitName(schedule: Schedule): string {
  const clean = schedule.name.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, UNIT_NAME_MAX);
  if (clean === schedule.name) return `weft-${clean}`;
  const hash = createHash("sha256").update(schedule.name).digest("hex").slice(0, 8);
  return `weft-${clean}-${hash}`;
}

/**
 * An ExecStart= word: double-quoted, with systemd's `%` and `$` expansions escaped and
 * control characters (a line break would end the line) as C escapes, which systemd
 * reads in quoted words (systemd.syntax(7)).
 */
function systemdQuote(word: string): string {
  const escaped = word.replaceAll("\\", "\\\\").replaceAll('"', '\\"')
    .replaceAll("%", "%%").replaceAll("$", "$$$$")
    // deno-lint-ignore no-control-regex
    .replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return `"${escaped}"`;
}

/**
 * The `.service` and `.timer` texts for `schedule`. `Persistent=true` when catch-up is
 * on (systemd then runs a missed fire once at boot, whatever its age). Throws WeftError
 * for an expression systemd cannot express (see systemd.ts).
 */
export function systemdUnits(
  schedule: Schedule,
  weft: readonly string[],
  home: string,
  environmentFile?: string,
): { service: string; timer: string; environment?: string } {
  const calendars = toOnCalendar(schedule);
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, " ").replaceAll("%", "%%");
  const secrets = secretVariables(schedule);
  if (secrets.length && environmentFile === undefined) {
    throw new WeftError(`schedule ${schedule.name} has secret params: no environment file given`);
  }
  // systemd expands ${VAR} inside a quoted word as one word (systemd.service(5)).
  const exec = runWords(weft, schedule, home).map((w) =>
    w.variable ? `${systemdQuote(w.text).slice(0, -1)}\${${w.variable}}"` : systemdQuote(w.text)
  );
  const service = [
    "[Unit]",
    `Description=${oneLine(`weft schedule ${schedule.name} (${schedule.file})`)}`,
    "",
    "[Service]",
    "Type=oneshot",
    ...(secrets.length ? [`EnvironmentFile=${oneLine(environmentFile!)}`] : []),
    `ExecStart=${exec.join(" ")}`,
    "",
  ].join("\n");
  const timer = [
    "[Unit]",
    `Description=${oneLine(`weft schedule ${schedule.name}: ${schedule.cron}`)}`,
    "",
    "[Timer]",
    ...calendars.map((c) => `OnCalendar=${c}`),
    ...(schedule.catchupMs > 0 ? ["Persistent=true"] : []),
    "AccuracySec=1s",
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
  ].join("\n");
  if (!secrets.length) return { service, timer };
  const environment = secrets.map(({ param, variable, value }) => {
    // deno-lint-ignore no-control-regex
    if (/[\x00-\x1f\x7f]/.test(value)) {
      throw new WeftError(
        `schedule ${schedule.name}: secret param ${param} holds a line break or control ` +
          "character, which a systemd environment file cannot carry",
        { hint: "run it with weft daemon instead" },
      );
    }
    // Double-quoted, with the characters systemd unescapes there escaped (systemd.exec(5)).
    return `${variable}="${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"\n`;
  }).join("");
  return { service, timer, environment };
}
