/**
 * The checks a home must pass before a run starts there, in one function: `weft run`
 * and every run `weft daemon` starts make them (run_history.ts), and `weft self-check`
 * makes the same ones (self_check.ts), so it says "ok" only where a run would start, and
 * otherwise says why in the words the run is refused with (tester22 F2).
 * @module
 */
import type { RunStore } from "../store/run_store.ts";
import { openHistory } from "./history_shared.ts";
import { checkGlobalConfigFile, homeFor } from "./home.ts";
import type { CliIO } from "./io.ts";

/**
 * Opens the history of the home of `io` (or `--home`) for a run about to start, after
 * checking, in this order: `config.json` (no regular file, or over 1 MiB: home.ts
 * checkGlobalConfigFile; read after the run, for retention, so checked before it), the
 * home and its log folder (made private where missing), the history database opened for
 * writing (crash recovery done), and `weft.reserve` made (store/open.ts: a disk without
 * its room refuses the run). Resolves to the store, open for writing; close it. Throws
 * the WeftError or StorageError the run is refused with (exit 2), naming the file.
 */
export async function openHistoryForRun(io: CliIO, homeOption?: string): Promise<RunStore> {
  await checkGlobalConfigFile(homeFor(io, homeOption));
  // The space reserve lets a run stopped by a full disk still be recorded `failed`.
  return await openHistory(io, homeOption, { reserve: true });
}
