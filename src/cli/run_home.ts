/**
 * The checks a home must pass before a run starts there, in one module: `weft run` and
 * every run `weft daemon` starts make them ({@link openHistoryForRun}), and
 * `weft self-check` foretells them ({@link foretellRun}) without making anything, so it
 * says "ok" only where a run would start, and otherwise says why in the words the run
 * is refused with (tester22 F2; verifier V2 F3: a check creates nothing).
 * @module
 */
import { ExitCode } from "../model/errors.ts";
import { dirnameOf } from "../path.ts";
import { holdReserve, type RunReserve } from "../store/run_reserve.ts";
import type { RunStore } from "../store/run_store.ts";
import { openHistory } from "./history_shared.ts";
import { checkGlobalConfigFile, homeFor } from "./home.ts";
import type { CliIO } from "./io.ts";

/**
 * Opens the history of the home of `io` (or `--home`) for a run about to start, after
 * checking, in this order: `config.json` (no regular file, or over 1 MiB: home.ts
 * checkGlobalConfigFile; read after the run, for retention, so checked before it), the
 * home and its log folder (made private where missing), the history database opened for
 * writing (crash recovery done), and the run's own space reserve held (store/run_reserve.ts:
 * a disk without its room refuses the run). Resolves to the store, open for writing, and
 * the reserve: close the one, give back the other. Throws the WeftError or StorageError
 * the run is refused with (exit 2), naming the file.
 */
export async function openHistoryForRun(
  io: CliIO,
  homeOption?: string,
): Promise<{ store: RunStore; reserve: RunReserve }> {
  const home = homeFor(io, homeOption);
  await checkGlobalConfigFile(home);
  const store = await openHistory(io, homeOption);
  try {
    // The space reserve lets a run stopped by a full disk still be recorded `failed`.
    return { store, reserve: await holdReserve(home) };
  } catch (e) {
    store.close();
    throw e;
  }
}

/**
 * The room part of {@link openHistoryForRun}, foretold for `home` (whose folder and
 * history the caller found writable and readable) with nothing created or changed:
 * config.json checked as the run checks it, then the room opening the history (a new
 * database when there is none, SQLite's side files when they are not there) and weft.reserve (when it is missing or short) would take,
 * compared with what is free (store/home_room.ts). Throws the error the run would be
 * refused with: "cannot open the history database" (no room for a new one) or "no room
 * to start a run (not even for weft.reserve)", or the WeftError of a weft.reserve that is
 * a link or no regular file. Resolves when the run would start, or when the room
 * cannot be told (then the run finds out).
 */
export async function foretellRun(home: string): Promise<void> {
  await checkGlobalConfigFile(home);
  const [{ kvPath }, { reservePath }, { checkOwnFile }, room, { StorageError }] = await Promise
    .all([
      import("../store/open.ts"),
      import("../store/reserve.ts"),
      import("../store/small_file.ts"),
      import("../store/home_room.ts"),
      import("../store/faults.ts"),
    ]);
  const reserve = checkOwnFile(reservePath(home), "remove it: weft makes its own weft.reserve");
  const at = nearestFolder(home);
  const full = Object.assign(new Error("No space left on device (os error 28)"), {
    code: "ENOSPC",
  });
  const opening = room.openingNeeds(kvPath(home));
  if (await room.roomFor(home, at, opening) === false) {
    throw new StorageError(
      "cannot open the history database",
      kvPath(home),
      full,
      ExitCode.Invalid,
    );
  }
  const needed = opening + room.reserveNeeds(reserve?.size ?? null);
  if (await room.roomFor(home, at, needed) === false) {
    throw new StorageError(
      "no room to start a run (not even for weft.reserve)",
      reservePath(home),
      full,
      ExitCode.Invalid,
    );
  }
}

/** `path` or its nearest ancestor that is there (the file system a run would write on). */
export function nearestFolder(path: string): string {
  let at = path;
  for (let up = dirnameOf(at); !exists(at) && up !== at; up = dirnameOf(at)) at = up;
  return at;
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
