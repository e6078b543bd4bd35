/**
 * One daemon per store: `WEFT_HOME/daemon.lock`, held with an exclusive flock for the
 * daemon's life (the kernel drops it when the process dies, however it dies, so a
 * crash leaves no stale lock). The holder's pid is written in the file for the message
 * a second daemon prints.
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";
import { refineFault, StorageError } from "../store/faults.ts";
import { checkOwnFile, readSmallText } from "../store/small_file.ts";

/** A held lock; `release()` unlocks and closes it. */
export interface DaemonLock {
  path: string;
  release(): void;
}

/** How long to wait for the flock before deciding another daemon holds it (ms). */
const LOCK_WAIT_MS = 300;

/**
 * Takes the lock in `home` (created 0700 if missing). Throws WeftError (exit 2) naming
 * the other daemon's pid when it is held.
 */
export async function acquireDaemonLock(home: string, pid = Deno.pid): Promise<DaemonLock> {
  await Deno.mkdir(home, { recursive: true, mode: 0o700 });
  const path = `${home.replace(/\/+$/, "")}/daemon.lock`;
  // The lock is truncated and written: never through a link planted there (it would
  // change the file it points to), and a FIFO would make the open wait (small_file.ts).
  checkOwnFile(path, "remove it: weft makes its own daemon.lock");
  // A fault of the machine (read-only, full) said naming the file, exit 2 as other verbs.
  const fault = async (e: unknown) =>
    new StorageError(
      "cannot write the daemon lock",
      path,
      await refineFault(e, home),
      ExitCode.Invalid,
    );
  const file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 })
    .catch(async (e) => {
      throw await fault(e);
    });
  // Deno has no try-lock: a lock that is not granted quickly is held by someone else.
  // The pending request is dropped when this process exits.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const granted = await Promise.race([
    file.lock(true).then(() => true),
    new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), LOCK_WAIT_MS)),
  ]);
  clearTimeout(timer);
  if (!granted) {
    // Only to name the holder: a lock file that is no small regular file names none.
    const holder = (await readSmallText(path, { limit: 64, hint: "" }).catch(() => null) ?? "")
      .trim();
    const who = /^\d+$/.test(holder) ? ` (pid ${holder})` : "";
    throw new WeftError([{
      file: home,
      message: `another weft daemon${who} is already running on this store`,
      hint: "stop it first (systemctl stop weft-daemon, or kill -TERM its pid), or give " +
        "this one another store with --home",
    }]);
  }
  try {
    await file.truncate(0);
    await file.write(new TextEncoder().encode(`${pid}\n`));
  } catch (e) {
    file.close();
    throw await fault(e);
  }
  return {
    path,
    release() {
      try {
        file.unlockSync();
        file.close();
      } catch { /* already closed */ }
    },
  };
}
