/**
 * One space reserve (reserve.ts) per run in flight. Several runs may share a home at once
 * (the daemon's, `weft run`s started side by side), and one shared `weft.reserve`, spent by
 * the first run a full disk stopped, left the others no room for their final record: they
 * stayed `running`, then read `interrupted`, though they had ended `failed`. So a run holds a
 * reserve of its own from before its first task to its last record ({@link holdReserve}): it
 * takes the home's idle `weft.reserve` (a rename: only one run gets it), or makes one when
 * another run holds that; on a full disk it deletes it for its final record, else, at its
 * end, hands it back as `weft.reserve` for the next run.
 *
 * A held reserve is named for its process, as work folders are (work_dir_owner.ts):
 * `weft.reserve.<pid>-<start ticks>-<where>-<n>`, so that the reserves of a weft killed
 * with -9 are removed by the next weft that opens the history for writing
 * ({@link sweepDeadReserves}), never one of a live process or of another machine.
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";
import { readProcStat } from "../proc.ts";
import { fnv1a } from "../short_hash.ts";
import { removeStaleTemporaries } from "../stale_temporaries.ts";
import { ownerWhere } from "../work_dir_owner.ts";
import { isDiskFull, StorageError } from "./faults.ts";
import { isProcessAlive } from "./recovery.ts";
import { RESERVE_BYTES, reservePath, writeReserveFile } from "./reserve.ts";
import { checkOwnFile } from "./small_file.ts";

/** A held reserve's name: its process's pid, start ticks, where (8 hex), and a number. */
const HELD = /^weft\.reserve\.(\d+)-(\d+)-([0-9a-f]{8})-\d+$/;

/** The space reserve a run holds (see the module's comment). */
export interface RunReserve {
  /** Deletes it, its room going to the run's last records; resolves to whether it was there. */
  release(): Promise<boolean>;
  /** The run's records are all written: it becomes the home's `weft.reserve` again. */
  giveBack(): void;
}

let owner: { pid: number; ticks: number; where: string } | undefined;
let held = 0;

/** This process, as held reserves name it (read once: it does not change while it lives). */
function ownOwner(): { pid: number; ticks: number; where: string } {
  if (owner === undefined) {
    const stat = readProcStat(Deno.pid);
    // Without /proc: no start ticks (0: `kill -0` judges the pid alone), the host's name.
    const ticks = stat && stat !== "absent" ? stat.startTicks : 0;
    owner = { pid: Deno.pid, ticks, where: ownerWhere() ?? fnv1a(`host\n${Deno.hostname()}`) };
  }
  return owner;
}

/**
 * Holds a reserve in `home` (an existing folder) for a run about to start. Throws the
 * WeftError of a `weft.reserve` that is a link or no regular file (small_file.ts: weft
 * never writes through it, exit 2), and a StorageError (exit 2) when the disk has not even
 * {@link RESERVE_BYTES} left: a run started then could not be sure to record its end. Any
 * other failure to make it lets the run go on without one (release then finds none).
 */
export async function holdReserve(home: string): Promise<RunReserve> {
  const idle = reservePath(home);
  let info: Deno.FileInfo | null = null;
  try {
    info = checkOwnFile(idle, "remove it: weft makes its own weft.reserve");
  } catch (e) {
    if (e instanceof WeftError) throw e;
    // Cannot be looked at: not taken; the run makes its own (or goes on without one).
  }
  const { pid, ticks, where } = ownOwner();
  const path = `${idle}.${pid}-${ticks}-${where}-${++held}`;
  let taken = false;
  if (info !== null && info.size >= RESERVE_BYTES) {
    try {
      Deno.renameSync(idle, path);
      taken = true;
    } catch {
      // Another run took it first: this one makes its own.
    }
  }
  if (!taken) {
    const failed = await writeReserveFile(path);
    // Another weft killed mid-write left its own (stale_temporaries.ts).
    await removeStaleTemporaries(home, (base) => base === "weft.reserve");
    if (failed !== null && isDiskFull(failed)) {
      throw new StorageError(
        "no room to start a run (not even for weft.reserve)",
        idle,
        failed,
        ExitCode.Invalid,
      );
    }
    if (failed instanceof WeftError) throw failed;
  }
  return {
    release: () => Deno.remove(path).then(() => true, () => false),
    giveBack() {
      let over: Deno.FileInfo | null = null;
      try {
        over = Deno.lstatSync(idle);
      } catch {
        // None there: the usual case.
      }
      try {
        // Only over weft's own file (one another run gave back): never a link or a folder.
        if (over === null || over.isFile) return Deno.renameSync(path, idle);
      } catch {
        // Spent on a full disk: gone already.
      }
      Deno.remove(path).catch(() => {});
    },
  };
}

/**
 * Removes the reserves held by wefts of this machine that are gone (killed with -9, or
 * ended some other way before handing theirs back). Only regular files of this user named
 * as {@link holdReserve} names them: another process's, a live one's or another machine's
 * are left. Never throws: what cannot be read or removed is left as it is.
 */
export async function sweepDeadReserves(home: string): Promise<void> {
  const own = ownOwner();
  try {
    for (const entry of Deno.readDirSync(home)) {
      const match = HELD.exec(entry.name);
      if (!entry.isFile || !match || match[3] !== own.where) continue;
      const [pid, ticks] = [Number(match[1]), Number(match[2])];
      if (pid === own.pid && ticks === own.ticks) continue;
      if (await isProcessAlive(pid, ticks === 0 ? null : ticks)) continue;
      const path = `${home}/${entry.name}`;
      try {
        const uid = Deno.uid();
        if (uid !== null && Deno.lstatSync(path).uid !== uid) continue;
        Deno.removeSync(path);
      } catch { /* gone already, or not ours to remove */ }
    }
  } catch { /* no home yet, or unreadable: nothing of ours to sweep */ }
}
