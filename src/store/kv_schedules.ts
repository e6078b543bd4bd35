/**
 * The schedule store on the run store's Deno KV file (WEFT_HOME/weft.kv):
 * - `["sched", name]` → Schedule
 * - `["fire", name, utcMs]` → FireRecord (utcMs: the fire's logical time)
 *
 * A schedule's secret params are `***` in its record; their values are kept in a
 * private file beside it (schedule_secrets.ts) and put back by list() and get() (which
 * set Schedule.secretsUnreadable instead when that file is gone or damaged).
 *
 * Every operation goes through KvIO (retried while another process holds the file);
 * read-modify-writes check the versionstamp they read and start over when another
 * process changed the record in between.
 * @module
 */
import {
  fireBelongs,
  type FireRecord,
  type Schedule,
  scheduleInstance,
} from "../model/schedule.ts";
import { openKvFile } from "./kv_handles.ts";
import { keyPart } from "./kv_keys.ts";
import { KvIO } from "./kv_io.ts";
import { LockWaitExpired, READ_LOCK_WAIT_MS, withinLockWait } from "./kv_file.ts";
import { homeFault, kvPath, openStore } from "./open.ts";
import { openOnCopy } from "./kv_copy.ts";
import {
  removeScheduleSecrets,
  scheduleSecretsDir,
  splitSecrets,
  withScheduleSecrets,
  writeScheduleSecrets,
} from "./schedule_secrets.ts";
import {
  asSpelled,
  type ClaimOptions,
  duplicateName,
  fireMs,
  type FireRange,
  mayClaim,
  MemoryScheduleStore,
  ownFire,
  replacing,
  resumed,
  type ScheduleStore,
  withLastFire,
} from "./schedule_store.ts";

const schedKey = (name: string): Deno.KvKey => ["sched", keyPart(name)];
const fireKey = (name: string, ms: number): Deno.KvKey => ["fire", keyPart(name), ms];

/** A ScheduleStore on an open Deno.Kv. */
export class KvScheduleStore implements ScheduleStore {
  readonly #io: KvIO;
  readonly #secretsDir: string;

  /**
   * `secretsDir`: the private folder of the schedules' secret param values
   * (store/schedule_secrets.ts), which never go into `kv`.
   */
  constructor(kv: Deno.Kv, secretsDir: string) {
    this.#io = new KvIO(kv);
    this.#secretsDir = secretsDir;
  }

  async add(schedule: Schedule, options: { replace?: boolean } = {}): Promise<void> {
    // A marker of the read (Schedule.secretsUnreadable) is never stored.
    const { secretsUnreadable: _, ...given } = schedule;
    const { record, secret, values } = splitSecrets(given);
    for (;;) {
      const old = await this.#io.get<Schedule>(schedKey(schedule.name));
      if (old.value && !options.replace) throw duplicateName(schedule.name);
      // The values first: a record naming secret params finds them once it is there.
      await writeScheduleSecrets(this.#secretsDir, schedule.name, secret, values);
      const next = replacing(record, old.value);
      if (await this.#io.commit([{ key: schedKey(schedule.name), value: next }], [old])) return;
    }
  }

  /** Every schedule, its secret params with their values (to fire; never to print). */
  async list(): Promise<Schedule[]> {
    const all = await this.#io.listAll<Schedule>({ prefix: ["sched"] });
    const schedules = all.map((e) => asSpelled(e.value)).sort((a, b) => a.name < b.name ? -1 : 1);
    return await Promise.all(schedules.map((s) => withScheduleSecrets(this.#secretsDir, s)));
  }

  async get(name: string): Promise<Schedule | null> {
    const record = (await this.#io.get<Schedule>(schedKey(name))).value;
    return record && await withScheduleSecrets(this.#secretsDir, asSpelled(record));
  }

  /**
   * Removes the schedule, its fires and its secret params' file. The file goes first:
   * when it cannot be deleted (read-only folder, ...) this throws its StorageError and
   * the schedule stays whole, so the values are never left on disk behind a schedule said
   * removed, and running `remove` again finishes the job once the folder is writable.
   */
  async remove(name: string): Promise<boolean> {
    await removeScheduleSecrets(this.#secretsDir, name);
    const fires = await this.#io.listKeys({ prefix: ["fire", keyPart(name)] });
    const old = await this.#io.get<Schedule>(schedKey(name));
    await this.#io.commitInBatches(fires.map((key) => ({ key })), [{ key: schedKey(name) }]);
    return old.value !== null;
  }

  async setPaused(name: string, paused: boolean): Promise<boolean> {
    return await this.#update(name, (s) => resumed(s, paused));
  }

  async setPendingMissed(name: string, span: Schedule["pendingMissed"]): Promise<boolean> {
    return await this.#update(name, (s) => ({ ...s, pendingMissed: span ?? null }));
  }

  async setPendingCatchUp(name: string, span: Schedule["pendingCatchUp"]): Promise<boolean> {
    return await this.#update(name, (s) => ({ ...s, pendingCatchUp: span ?? null }));
  }

  /** Read-modify-write of one schedule; false when there is none. */
  async #update(name: string, change: (s: Schedule) => Schedule): Promise<boolean> {
    for (;;) {
      const old = await this.#io.get<Schedule>(schedKey(name));
      if (!old.value) return false;
      const next = change(old.value);
      if (await this.#io.commit([{ key: schedKey(name), value: next }], [old])) return true;
    }
  }

  async claimFire(fire: FireRecord, options: ClaimOptions = {}): Promise<boolean> {
    const key = fireKey(fire.schedule, fireMs(fire));
    for (;;) {
      const [existing, schedule] = await this.#io.getMany<unknown>([key, schedKey(fire.schedule)]);
      if (!mayClaim(existing.value as FireRecord | null, options, fire)) return false;
      if (!fireBelongs(fire, schedule.value as Schedule | null)) return false;
      const writes = [{ key, value: fire }, ...this.#lastFireWrite(schedule, fire)];
      // The versionstamp check (null: "absent") makes the claim fail if anyone wrote first.
      if (await this.#io.commit(writes, [existing, schedule])) return true;
    }
  }

  async recordFire(fire: FireRecord): Promise<boolean> {
    const key = fireKey(fire.schedule, fireMs(fire));
    for (;;) {
      const schedule = await this.#io.get<unknown>(schedKey(fire.schedule));
      // Checked with the write (the schedule's versionstamp): a schedule removed, or
      // removed and added again, since the fire was claimed gets none of its records.
      if (!fireBelongs(fire, schedule.value as Schedule | null)) return false;
      const writes = [{ key, value: fire }, ...this.#lastFireWrite(schedule, fire)];
      if (await this.#io.commit(writes, [schedule])) return true;
    }
  }

  async listFires(name: string, range: FireRange = {}): Promise<FireRecord[]> {
    const schedule = (await this.#io.get<Schedule>(schedKey(name))).value;
    const instance = schedule ? scheduleInstance(schedule) : undefined;
    return (await this.#listFires(name, range)).filter((f) => ownFire(f, instance));
  }

  async #listFires(name: string, range: FireRange): Promise<FireRecord[]> {
    const prefix = ["fire", keyPart(name)];
    const start = range.from ? [...prefix, range.from.getTime()] : undefined;
    const end = range.to ? [...prefix, range.to.getTime()] : undefined;
    const selector: Deno.KvListSelector = start && end
      ? { start, end }
      : start
      ? { prefix, start }
      : end
      ? { prefix, end }
      : { prefix };
    return (await this.#io.listAll<FireRecord>(selector)).map((e) => e.value);
  }

  close(): void {
    this.#io.kv.close();
  }

  #lastFireWrite(schedule: Deno.KvEntryMaybe<unknown>, fire: FireRecord) {
    if (!schedule.value) return [];
    const next = withLastFire(schedule.value as Schedule, fire);
    return next === schedule.value ? [] : [{ key: schedKey(fire.schedule), value: next }];
  }
}

/**
 * Opens the schedule store of WEFT_HOME `home` (the run store's KV file, created
 * private as the run store does). With `readOnly`: nothing is created or changed; no
 * store yet is an empty store in memory, and a store that cannot be opened in place
 * (read-only mount, folder of another user) is read from a private copy, as `history`
 * reads it (store/open.ts). Close it with `close()`. Throws StorageError like openStore.
 */
export async function openScheduleStore(
  home: string,
  options: { readOnly?: boolean; spendReserve?: boolean } = {},
): Promise<ScheduleStore> {
  const kv = kvPath(home);
  if (options.readOnly) {
    try {
      await Deno.stat(kv);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return new MemoryScheduleStore();
      throw homeFault("cannot read the schedules", kv, e);
    }
    try {
      return await openForReading(kv, scheduleSecretsDir(home));
    } catch (inPlace) {
      // Locked by another process (a weft stopped with Ctrl-Z, say): what is committed
      // is read from a copy, as `history` reads it (open.ts); the blocked store is closed
      // once the lock is let go.
      if (inPlace instanceof LockWaitExpired) inPlace.read.then(inPlace.close, () => {});
      try {
        return await openCopy(kv, scheduleSecretsDir(home));
      } catch {
        throw homeFault("cannot read the schedules", kv, inPlace);
      }
    }
  }
  // The run store creates the home, the file and their private modes.
  (await openStore(home, { recover: false, spendReserve: options.spendReserve })).close();
  try {
    return new KvScheduleStore(await openKvFile(kv), scheduleSecretsDir(home));
  } catch (e) {
    // A damaged or unreadable weft.kv: one line naming it, as the run store says it.
    throw homeFault("cannot read the schedules", kv, e);
  }
}

/** The store opened in place, checked with one read (SQLite may open, then fail to read). */
async function openForReading(path: string, secretsDir: string): Promise<ScheduleStore> {
  const kv = await openKvFile(path);
  const first = async () => {
    for await (const _ of kv.list({ prefix: ["sched"] }, { limit: 1 })) break;
  };
  try {
    await withinLockWait(first(), path, READ_LOCK_WAIT_MS);
  } catch (e) {
    // Not closed after a lock wait: closing waits for the blocked read.
    if (!(e instanceof LockWaitExpired)) kv.close();
    else e.close = () => kv.close();
    throw e;
  }
  return new KvScheduleStore(kv, secretsDir);
}

/** The store read from a private copy, removed when the store is closed. */
function openCopy(path: string, secretsDir: string): Promise<ScheduleStore> {
  return openOnCopy(path, (copy) => openForReading(copy, secretsDir));
}
