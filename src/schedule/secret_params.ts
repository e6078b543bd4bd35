/**
 * A schedule's secret params: those named like a secret (engine/secret_names.ts
 * isSecretLikeName) or listed under the workflow's `secrets:`, as for a run's params.
 * Their values are kept out of weft.kv (store/schedule_secrets.ts keeps them in a private
 * file so the schedule can fire with them) and are shown as `***` by every verb that
 * prints a schedule (`schedule list`, `list --json`, `export`), as runs show them.
 * @module
 */
import { MASK } from "../engine/secrets.ts";
import { WeftError } from "../model/errors.ts";
import type { Schedule } from "../model/schedule.ts";
import {
  keptAsideNames,
  keptNames,
  scheduleSecretNames,
  secretParamValues,
} from "../store/schedule_secrets.ts";

export { keptAsideNames, scheduleSecretNames };

/** The names of `params` whose values are secret, given the workflow's `secrets:`. */
export function secretParamNames(
  params: Readonly<Record<string, string>>,
  declared: readonly string[] = [],
): string[] {
  return scheduleSecretNames({ params, secretParams: [...declared] });
}

/**
 * The params of `schedule` as shown: each secret param's value is `***`, and any secret
 * value inside another param is masked as a run masks it (Secrets.mask).
 */
export function shownParams(
  schedule: Pick<Schedule, "params" | "secretParams" | "secretValues">,
): Record<string, string> {
  const { names, secrets } = secretParamValues(schedule);
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(schedule.params)) {
    shown[name] = names.has(name) && value !== "" ? MASK : secrets.mask(value);
  }
  return shown;
}

/**
 * The environment variable an exported crontab line or systemd unit reads a secret
 * param from (its value is not written into the line): `WEFT_PARAM_` + the name in upper
 * case, other characters than letters, digits and `_` as `_`.
 * @example paramVariable("api-token") // "WEFT_PARAM_API_TOKEN"
 */
export function paramVariable(name: string): string {
  return `WEFT_PARAM_${name.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
}

/**
 * `{ secretParams }` naming the secret ones of `names` ({@link secretParamNames}), or
 * `{}` when there are none: spread into a new Schedule.
 */
export function secretOnes(names: string[]): { secretParams?: string[] } {
  return names.length ? { secretParams: names } : {};
}

/**
 * Why `schedule` must not fire, or null when it may: its secret params' values could
 * not be read back (Schedule.secretsUnreadable, set by store/schedule_secrets.ts), so a
 * run would get `***` for them. The WeftError (exit 2) names the schedule and the file,
 * and its hint says how to give the values again. The daemon records such a fire
 * `failed` and logs it; a backfill refuses before claiming any fire.
 */
export function unreadableSecrets(schedule: Schedule): WeftError | null {
  if (schedule.secretsUnreadable === undefined) return null;
  // Each param whose stored value is masked, whole or in part, needs its value again.
  const needed = keptNames(schedule);
  const hint = schedule.source === "file"
    ? `they are written again from ${schedule.file} when weft daemon starts or gets SIGHUP`
    : `give them again: weft schedule add --replace ${schedule.file} --name ${schedule.name} ` +
      `--cron "${schedule.cron}"${schedule.tz ? ` --tz ${schedule.tz}` : ""} ` +
      `${needed.map((name) => `-p ${name}=...`).join(" ")} (and its other -p params)`;
  return new WeftError(
    `schedule ${schedule.name}: the values of its secret params cannot be read: ` +
      `${schedule.secretsUnreadable}; no fire runs with *** in their place`,
    { hint },
  );
}

/** {@link unreadableSecrets} as one line, for the daemon's log. */
export function unreadableSecretsLine(schedule: Schedule): string | null {
  const e = unreadableSecrets(schedule);
  if (!e) return null;
  const [p] = e.problems;
  return `${p.message} (hint: ${p.hint})`;
}
