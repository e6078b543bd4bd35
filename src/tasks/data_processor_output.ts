/**
 * A data_processor's output file: where it may go (write_target.ts: never in place of a
 * device, a FIFO or a folder; through a link to a file), its temporary file, and keeping
 * it out of its own inputs however it is reached.
 * @module
 */
import { basename, dirname, join } from "node:path";
import { quoteData } from "../model/data_text.ts";
import { NAME_MAX } from "../expr/path.ts";
import { byteLength } from "./exec_limits.ts";
import { fnv1a } from "../short_hash.ts";
import { NotAFileError, writeTarget } from "../write_target.ts";

/**
 * Where the output at `output` is put: `path` (itself, or the file a symbolic link to a
 * file points to: the link stays) with the permission bits of the file there (`mode`, null
 * for none: the new file's mode is weft's to give), or `refused`, the task's reason, for anything else
 * there (a device, a FIFO, a folder, a link to one or to nothing). A path that cannot be
 * looked at (a loop of links) is left to the write, which says why it fails.
 */
export function outputTarget(
  output: string,
): { path: string; mode: number | null } | { refused: string } {
  try {
    return writeTarget(output);
  } catch (error) {
    if (!(error instanceof NotAFileError)) return { path: output, mode: null };
    return {
      refused: `output ${quoteData(output)} is ${error.describe(quoteData)}, not a file: ` +
        "weft puts the output only in place of a file (or of the file a link points to); " +
        "give output.path a file name",
    };
  }
}

/** Inputs stat'ed at once: enough to overlap the reads, few enough for weft's thread. */
const STAT_BATCH = 64;

/**
 * `paths` without the file at `output`, by whatever path it was reached (a linked folder,
 * a link to it, a hard link): the same device and inode, as `test -ef` compares. Stats
 * only when the output exists (else only the same path is dropped), a batch at a time.
 */
export async function withoutOutput(paths: string[], output: string): Promise<string[]> {
  const self = await Deno.stat(output).catch(() => null);
  if (self === null || !self.isFile) return paths.filter((path) => path !== output);
  const kept: string[] = [];
  for (let i = 0; i < paths.length; i += STAT_BATCH) {
    const batch = paths.slice(i, i + STAT_BATCH);
    const infos = await Promise.all(batch.map((path) => Deno.stat(path).catch(() => null)));
    batch.forEach((path, j) => {
      const info = infos[j];
      const same = path === output ||
        (info !== null && info.dev === self.dev && info.ino === self.ino);
      if (!same) kept.push(path);
    });
  }
  return kept;
}

/**
 * The processor's temporary file beside `output`: `.NAME.weft-RUN-ATTEMPT.tmp`, its list
 * `….inputs` (the form store/recovery.ts removes after a crash). When that would pass
 * NAME_MAX (255 bytes) for an output name that is itself allowed, NAME is its first 32
 * characters and 8 hex digits of its hash, so two outputs of a folder keep two temp files.
 */
export function tempPath(output: string, runId: string, attempt: number): string {
  const suffix = `.weft-${runId}-${attempt}.tmp`;
  let name = basename(output);
  if (byteLength(`.${name}${suffix}.inputs`) > NAME_MAX) {
    // By code points: 32 take at most 128 bytes, and no surrogate pair is cut in two.
    name = `${Array.from(name).slice(0, 32).join("")}-${fnv1a(name)}`;
  }
  return join(dirname(output), `.${name}${suffix}`);
}
