/**
 * The last lines of a log file, read from its end: what `weft status` shows of a failed
 * task without reading a log of any size whole.
 * @module
 */
import { CUT_MARK, type LogLine, parseLogLine } from "./log_files.ts";

/** How much of the file's end is read at most: lines beyond it are not shown. */
const MAX_TAIL_BYTES = 256 * 1024;

/**
 * The last `count` lines of the log file at `path` (records as in log_files.ts), oldest
 * first. A long line split into continuation records is shown by its first piece only
 * (cut markers are skipped),
 * and a line cut off by the {@link MAX_TAIL_BYTES} window is left out. A missing file
 * reads as no lines; other I/O errors are thrown as Deno gives them.
 */
export async function readLogTail(path: string, count: number): Promise<LogLine[]> {
  return await readLogTailIfPresent(path, count) ?? [];
}

/**
 * Like {@link readLogTail}, but null when the file does not exist, for a reader that must
 * tell a missing log from an empty one (`weft status` of a task whose log was deleted).
 */
export async function readLogTailIfPresent(
  path: string,
  count: number,
): Promise<LogLine[] | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  try {
    const size = (await file.stat()).size;
    const start = Math.max(0, size - MAX_TAIL_BYTES);
    await file.seek(start, Deno.SeekMode.Start);
    const bytes = new Uint8Array(size - start);
    let filled = 0;
    while (filled < bytes.length) {
      const n = await file.read(bytes.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    const text = new TextDecoder().decode(bytes.subarray(0, filled));
    const records = text.split("\n");
    records.pop(); // after the last newline: empty, or a line still being written
    if (start > 0) records.shift(); // begins mid-record
    const marks: readonly string[] = Object.values(CUT_MARK);
    return records.filter((record) => !marks.includes(record)).map(parseLogLine)
      .filter((line) => !line.continuation).slice(-count);
  } finally {
    file.close();
  }
}
