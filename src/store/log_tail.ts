/**
 * The last lines of a log file, read from its end: what `weft status` shows of a failed
 * task without reading a log of any size whole.
 * @module
 */
import { MAX_PIECE_BYTES } from "../tasks/byte_lines.ts";
import { CUT_MARK, type LogLine, parseLogLine } from "./log_files.ts";
import { openRegular } from "./regular_open.ts";

/** Bytes read per step while walking back through the file for record boundaries. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Bytes kept of a record: a little more than the display shows of one line
 * (MAX_PIECE_BYTES), so that a longer line is still known to be longer and shown cut
 * (cli/render/cut.ts), however long it is in the file.
 */
const RECORD_PREFIX_BYTES = MAX_PIECE_BYTES + 4;

/**
 * The last `count` lines of the log file at `path` (records as in log_files.ts), oldest
 * first. A long line split into continuation records is shown by its first piece only
 * (cut markers are skipped), and a record longer than {@link RECORD_PREFIX_BYTES} by its
 * start: the file is walked back from its end a chunk at a time to the start of each
 * record, so a last line of any size (a 300 MB line without a newline until its end)
 * still shows, with the lines before it, while memory stays bounded. The record after
 * the last newline (still being written) is left out. A missing file reads as no
 * lines; other I/O errors are thrown as Deno gives them.
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
    // Never waits on a FIFO put in its place (regular_open.ts).
    file = await openRegular(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  try {
    return await lastLines(file, (await file.stat()).size, count);
  } finally {
    file.close();
  }
}

async function lastLines(file: Deno.FsFile, size: number, count: number): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  const marks: readonly string[] = Object.values(CUT_MARK);
  const decoder = new TextDecoder();
  const take = async (start: number, end: number) => {
    const prefix = await readAt(file, start, Math.min(end - start, RECORD_PREFIX_BYTES));
    const record = decoder.decode(prefix);
    if (marks.includes(record)) return;
    const line = parseLogLine(record);
    if (!line.continuation) lines.push(line);
  };
  /** Offset of the newline ending the record found last; -1 before the file's last one. */
  let recordEnd = -1;
  let pos = size;
  while (pos > 0 && lines.length < count) {
    const from = Math.max(0, pos - CHUNK_BYTES);
    const chunk = await readAt(file, from, pos - from);
    for (let i = chunk.length; lines.length < count;) {
      const k = chunk.subarray(0, i).lastIndexOf(NEWLINE);
      if (k < 0) break;
      if (recordEnd >= 0) await take(from + k + 1, recordEnd);
      recordEnd = from + k;
      i = k;
    }
    pos = from;
  }
  if (pos === 0 && recordEnd >= 0 && lines.length < count) await take(0, recordEnd);
  return lines.reverse();
}

const NEWLINE = 0x0a;

/** `length` bytes of `file` from `start` (fewer only at its end). */
async function readAt(file: Deno.FsFile, start: number, length: number): Promise<Uint8Array> {
  await file.seek(start, Deno.SeekMode.Start);
  const bytes = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await file.read(bytes.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return bytes.subarray(0, filled);
}
