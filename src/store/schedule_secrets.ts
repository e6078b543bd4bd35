/**
 * The values of a schedule's secret params (Schedule.secretParams), kept out of weft.kv
 * so that `weft schedule list` and anything else reading the store never sees them, but
 * kept, since the schedule must fire with them later: one private file per schedule,
 * `WEFT_HOME/schedule-secrets/<sha256 of the name>.json` (folder 0700, file 0600, written
 * whole through a rename), holding `{"name": ..., "params": {...}}`. Removed with the
 * schedule. Nothing prints them (see schedule/secret_params.ts shownParams).
 *
 * Why a file and not the KV record: the record is read by every verb that lists
 * schedules and copied into backups of weft.kv; the file is read only to fire, like an
 * SSH key or an `EnvironmentFile=`.
 * @module
 */
import { MASK, Secrets } from "../engine/secrets.ts";
import type { Schedule } from "../model/schedule.ts";
import { sha256 } from "./sha256.ts";
import { readSmallText } from "./small_file.ts";

/**
 * The names of a schedule's secret params: those it records (Schedule.secretParams) and
 * those named like a secret (a schedule recorded before secretParams existed).
 */
export function scheduleSecretNames(schedule: Pick<Schedule, "params" | "secretParams">): string[] {
  const recorded = new Set(schedule.secretParams ?? []);
  return Object.keys(schedule.params).filter((name) =>
    recorded.has(name) || new Secrets().isSecretName(name)
  );
}

/** The folder of the secret-param files in WEFT_HOME `home`. */
export function scheduleSecretsDir(home: string): string {
  return `${home.replace(/\/+$/, "")}/schedule-secrets`;
}

/** The private file of `name`'s secret params in `dir`. */
function secretFile(dir: string, name: string): string {
  return `${dir}/${sha256().update(name, "utf8").digest("hex")}.json`;
}

/**
 * The names of the params of `schedule` whose values are not kept in weft.kv: its
 * secret params ({@link scheduleSecretNames}) and any other param whose value holds a
 * secret value (`-p url=https://x?key=<the token>`), as a run masks that too.
 */
export function keptAsideNames(schedule: Pick<Schedule, "params" | "secretParams">): string[] {
  const names = new Set(scheduleSecretNames(schedule));
  const secrets = new Secrets();
  for (const name of names) secrets.add(schedule.params[name]);
  return Object.keys(schedule.params).filter((name) =>
    names.has(name) || secrets.mask(schedule.params[name]) !== schedule.params[name]
  );
}

/**
 * Splits `schedule` for storing: the record for weft.kv (each secret param's value
 * `***`, each secret value inside another param masked, secretParams naming the secret
 * params) and the real values of those params, empty when there are none.
 */
export function splitSecrets(
  schedule: Schedule,
): { record: Schedule; secret: Record<string, string> } {
  const names = scheduleSecretNames(schedule);
  const aside = keptAsideNames(schedule);
  if (aside.length === 0) return { record: schedule, secret: {} };
  const secrets = new Secrets();
  for (const name of names) secrets.add(schedule.params[name]);
  const params = { ...schedule.params };
  const secret: Record<string, string> = {};
  for (const name of aside) {
    secret[name] = params[name];
    params[name] = names.includes(name) ? MASK : secrets.mask(params[name]);
  }
  return { record: { ...schedule, params, secretParams: names }, secret };
}

/**
 * Writes (or, with no values, removes) the secret params of schedule `name` in `dir`.
 * The file is written to a temporary name (0600) and renamed over the old one, so a
 * reader sees the old values or the new ones.
 */
export async function writeScheduleSecrets(
  dir: string,
  name: string,
  values: Record<string, string>,
): Promise<void> {
  const file = secretFile(dir, name);
  if (Object.keys(values).length === 0) {
    await Deno.remove(file).catch(() => {});
    return;
  }
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(temporary, JSON.stringify({ name, params: values }), {
    mode: 0o600,
  });
  await Deno.rename(temporary, file);
}

/** Removes the secret params of schedule `name` (nothing when there are none). */
export async function removeScheduleSecrets(dir: string, name: string): Promise<void> {
  await Deno.remove(secretFile(dir, name)).catch(() => {});
}

/**
 * `record` (as read from weft.kv) with the real values of its params kept aside put back
 * from the private file, so that a fire runs with them; a value the file lacks (it was
 * deleted) stays masked. The file is read bounded (store/small_file.ts).
 */
export async function withScheduleSecrets(dir: string, record: Schedule): Promise<Schedule> {
  if (!record.secretParams?.length) return record;
  const text = await readSmallText(secretFile(dir, record.name), {
    hint: `it holds the secret params of schedule ${record.name}: ` +
      "add the schedule again with weft schedule add --replace",
  });
  if (text === null) return record;
  let stored: { name?: unknown; params?: Record<string, unknown> } = {};
  try {
    stored = JSON.parse(text);
  } catch {
    return record; // cut by a crash: the values stay masked, as when the file is gone
  }
  if (stored.name !== record.name || !stored.params) return record;
  const params = { ...record.params };
  for (const [name, value] of Object.entries(stored.params)) {
    if (typeof value === "string" && Object.hasOwn(params, name)) params[name] = value;
  }
  return { ...record, params };
}
