/**
 * The values of a schedule's secret params (Schedule.secretParams), kept out of weft.kv
 * so that `weft schedule list` and anything else reading the store never sees them, but
 * kept, since the schedule must fire with them later: one private file per schedule,
 * `WEFT_HOME/schedule-secrets/<sha256 of the name>.json` (folder 0700, file 0600, written
 * whole through a rename), holding `{"name": ..., "params": {...}}` (and `"secrets": [...]`,
 * the run's start secrets found in them: Schedule.secretValues). Removed with the
 * schedule. Nothing prints them (see schedule/secret_params.ts shownParams).
 *
 * Why a file and not the KV record: the record is read by every verb that lists
 * schedules and copied into backups of weft.kv; the file is read only to fire, like an
 * SSH key or an `EnvironmentFile=`.
 * @module
 */
import { removeStaleTemporaries } from "../stale_temporaries.ts";
import { MASK, Secrets } from "../engine/secrets.ts";
import { ExitCode, WeftError } from "../model/errors.ts";
import type { Schedule } from "../model/schedule.ts";
import { StorageError } from "./faults.ts";
import { sha256 } from "./sha256.ts";
import { checkOwnFile, checkOwnFolder, readSmallText } from "./small_file.ts";

/**
 * The names of a schedule's secret params: those it records (Schedule.secretParams) and
 * those named like a secret (a schedule recorded before secretParams existed).
 */
export function scheduleSecretNames(schedule: Pick<Schedule, "params" | "secretParams">): string[] {
  const secrets = new Secrets({ declared: schedule.secretParams });
  return Object.keys(schedule.params).filter((name) => secrets.isSecretName(name));
}

/**
 * The secret params of `schedule` ({@link scheduleSecretNames}) and a Secrets masking
 * their values and the run's start secrets found in its params (Schedule.secretValues),
 * for masking a secret value found inside another param.
 */
export function secretParamValues(
  schedule: Pick<Schedule, "params" | "secretParams" | "secretValues">,
): { names: Set<string>; secrets: Secrets } {
  const names = new Set(scheduleSecretNames(schedule));
  const secrets = new Secrets();
  for (const name of names) secrets.add(schedule.params[name]);
  for (const value of schedule.secretValues ?? []) secrets.add(value);
  return { names, secrets };
}

/** The folder of the secret-param files in WEFT_HOME `home`. */
export function scheduleSecretsDir(home: string): string {
  return `${home.replace(/\/+$/, "")}/schedule-secrets`;
}

const FOLDER_HINT =
  "remove it: weft makes its own schedule-secrets folder (0700); the schedule is left as it was";

/**
 * Throws a WeftError (exit 2) naming `dir` or `file` when either is a symbolic link, or
 * `dir` no folder, or `file` no regular file (store/small_file.ts): README, WEFT_HOME.
 */
function ownPlaces(dir: string, file: string): void {
  if (checkOwnFolder(dir, FOLDER_HINT) === null) return;
  checkOwnFile(
    file,
    "remove it: weft writes a schedule's secret params there itself; the schedule is left as it was",
  );
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
export function keptAsideNames(
  schedule: Pick<Schedule, "params" | "secretParams" | "secretValues">,
  { names, secrets } = secretParamValues(schedule),
): string[] {
  return Object.keys(schedule.params).filter((name) =>
    names.has(name) || secrets.mask(schedule.params[name]) !== schedule.params[name]
  );
}

/**
 * Splits `given` for storing: the record for weft.kv (each secret param's value
 * `***`, each secret value inside another param masked, secretParams naming the secret
 * params, keptParams naming every param kept aside, no secretValues) and, for the
 * private file, the real values of those params and the start secrets
 * (Schedule.secretValues) found in them; both empty when nothing is kept aside.
 */
export function splitSecrets(
  given: Schedule,
): { record: Schedule; secret: Record<string, string>; values: string[] } {
  // Recomputed from the params: a list read with another version of them is stale.
  const { keptParams: _, secretValues: known = [], ...schedule } = given;
  const { names, secrets } = secretParamValues({ ...schedule, secretValues: known });
  const aside = keptAsideNames(schedule, { names, secrets });
  if (aside.length === 0) return { record: schedule, secret: {}, values: [] };
  const params = { ...schedule.params };
  const secret: Record<string, string> = {};
  for (const name of aside) {
    secret[name] = params[name];
    params[name] = names.has(name) ? MASK : secrets.mask(params[name]);
  }
  // Only those inside a value kept aside: the file holds nothing it did not hold anyway.
  const values = known.filter((value) => aside.some((name) => secret[name].includes(value)));
  return {
    record: { ...schedule, params, secretParams: [...names], keptParams: aside },
    secret,
    values,
  };
}

/**
 * Writes (or, with no values, removes: {@link removeScheduleSecrets}) the secret params
 * of schedule `name` in `dir`. The file is written to a temporary name (0600) and renamed
 * over the old one, so a reader sees the old values or the new ones.
 * @throws StorageError (exit 2) naming the file when it cannot be written or removed
 *   (read-only or full folder, ...); the caller then leaves the schedule's record as it was.
 */
export async function writeScheduleSecrets(
  dir: string,
  name: string,
  values: Record<string, string>,
  secretValues: readonly string[] = [],
): Promise<void> {
  const file = secretFile(dir, name);
  if (Object.keys(values).length === 0) return await removeScheduleSecrets(dir, name);
  // Never written through a link at the folder or the file, nor renamed over a FIFO or a
  // folder at the file's name: refused naming it (exit 2), as weft.reserve is.
  ownPlaces(dir, file);
  const temporary = `${file}.${Deno.pid}.tmp`;
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode goes through the umask and leaves a folder already there as it is.
    await Deno.chmod(dir, 0o700);
    await Deno.remove(temporary).catch(() => {}); // left by a crash: `mode` applies to a new file only
    const secrets = secretValues.length ? { secrets: secretValues } : {};
    // createNew (O_EXCL): a link planted under the temporary name is not written through.
    await Deno.writeTextFile(temporary, JSON.stringify({ name, params: values, ...secrets }), {
      mode: 0o600,
      createNew: true,
    });
    await Deno.chmod(temporary, 0o600);
    await Deno.rename(temporary, file);
    // Another weft killed mid-write left its copy of some schedule's values (stale_temporaries.ts).
    await removeStaleTemporaries(dir, (base) => /^[0-9a-f]{64}\.json$/.test(base));
  } catch (e) {
    await Deno.remove(temporary).catch(() => {}); // a half-written copy of the values
    throw new StorageError(
      `cannot write the secret params of schedule ${name}, so it is left as it was`,
      file,
      e,
      ExitCode.Invalid,
    );
  }
}

/**
 * Removes the secret params of schedule `name` (nothing when there are none).
 * @throws StorageError (exit 2) naming the file when it is there but cannot be removed
 *   (read-only folder, ...): the values would stay on disk while weft says they are gone.
 */
export async function removeScheduleSecrets(dir: string, name: string): Promise<void> {
  const file = secretFile(dir, name);
  try {
    Deno.lstatSync(file);
    // Nothing removed where a linked folder points; with no file there, nothing to refuse.
    checkOwnFolder(dir, FOLDER_HINT);
    await Deno.remove(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    if (e instanceof WeftError) throw e; // a link refused: said as it is
    throw new StorageError(
      `cannot delete the secret params of schedule ${name}, so it is left as it was`,
      file,
      e,
      ExitCode.Invalid,
    );
  }
}

/**
 * `record` (as read from weft.kv) with the real values of its params kept aside put back
 * from the private file, so that a fire runs with them. The file is read bounded
 * (store/small_file.ts). When the values cannot all be read (the file is missing, is no
 * regular file, cannot be read, is not the JSON written for this schedule, or lacks the
 * value of a param kept aside: {@link keptNames}) the record comes back as it is, its secret params `***`, with
 * `secretsUnreadable` saying why: listing still works, and a fire refuses to run with
 * `***` (schedule/secret_params.ts unreadableSecrets). Never throws for the file.
 */
export async function withScheduleSecrets(dir: string, record: Schedule): Promise<Schedule> {
  const { secretsUnreadable: _, ...clean } = record;
  // A param holding a start secret may be kept aside with no secret param at all.
  if (!clean.secretParams?.length && !clean.keptParams?.length) return clean;
  const file = secretFile(dir, clean.name);
  const unreadable = (why: string): Schedule => ({ ...clean, secretsUnreadable: why });
  let text: string | null;
  try {
    text = await readSmallText(file, { hint: "" });
  } catch (e) {
    const why = e instanceof WeftError ? e.problems[0].message : (e as Error).message;
    return unreadable(`${file} cannot be read (${why.split("\n")[0]})`);
  }
  if (text === null) return unreadable(`${file} is missing`);
  let stored: { name?: unknown; params?: unknown; secrets?: unknown } | null = null;
  try {
    stored = JSON.parse(text);
  } catch {
    // cut by a crash, or written over: the values are lost all the same
  }
  if (stored === null || typeof stored !== "object" || Array.isArray(stored)) {
    return unreadable(`${file} is damaged (not the JSON weft wrote)`);
  }
  if (stored.name !== clean.name) {
    return unreadable(`${file} holds the values of another schedule`);
  }
  const values = stored.params !== null && typeof stored.params === "object"
    ? stored.params as Record<string, unknown>
    : {};
  const params = { ...clean.params };
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "string" && Object.hasOwn(params, name)) params[name] = value;
  }
  const lacking = keptNames(clean).filter((name) =>
    Object.hasOwn(params, name) && typeof values[name] !== "string"
  );
  if (lacking.length) {
    return unreadable(`${file} lacks the value of ${lacking.join(", ")}`);
  }
  const known = Array.isArray(stored.secrets)
    ? stored.secrets.filter((value): value is string => typeof value === "string")
    : [];
  return { ...clean, params, ...(known.length ? { secretValues: known } : {}) };
}

/**
 * The params of `record` (as read from weft.kv) whose values must come back from the
 * private file: Schedule.keptParams; for a record written before it existed, the secret
 * params and each param whose stored value holds `***` (a secret value masked in it).
 */
export function keptNames(
  record: Pick<Schedule, "params" | "secretParams" | "keptParams">,
): string[] {
  if (record.keptParams) return record.keptParams;
  const secret = new Set(record.secretParams ?? []);
  return Object.keys(record.params).filter((name) =>
    secret.has(name) || record.params[name].includes(MASK)
  );
}
