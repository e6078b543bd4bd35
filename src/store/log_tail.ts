/**
 * The last lines of a log file, read from its end with bounded work: what `weft status`,
 * the monitor and notifications show of a task, whatever the size of its log or of a
 * line in it (a 3 GB line costs what a short one does).
 * @module
 */
import { LineAssembler } from "../engine/line_pieces.ts";
import { MAX_PIECE_BYTES } from "../tasks/byte_lines.ts";
import type { LogLine } from "./log_format.ts";
import { type LogCursor, readOpenLog } from "./log_reader.ts";
import { openRegular } from "./regular_open.ts";

/**
 * Bytes kept of a line: a little more than the display shows of one (MAX_PIECE_BYTES),
 * so that a longer line is still known to be longer and shown cut (cli/render/cut.ts).
 */
const LINE_BYTES = MAX_PIECE_BYTES + 4;

/**
 * Most bytes read from the end of a file for its tail: room for ten lines of a display's
 * full length and their records. A line whose start lies further back is shown by its
 * end (`headless`), as the start of its record is not looked for.
 */
export const TAIL_SCAN_BYTES = 4 * 1024 * 1024;

/** A tail line read back: a stored line, `headless` when only its end was read. */
export interface TailLine extends LogLine {
  /** Only the line's end lies within the bytes read: `text` is its last part. */
  headless?: true;
}

/**
 * The last `count` lines of the log file at `path` (records as in log_files.ts), oldest
 * first, put back together from their pieces as engine/line_pieces.ts says (a line cut
 * by the other stream's lines reads whole, at the place it began), each kept to its
 * first {@link LINE_BYTES}. Reads at most {@link TAIL_SCAN_BYTES} from the file's end.
 * A line still being written (no newline yet: a prompt) is included as it is so far.
 * A missing file reads as no lines; other I/O errors are thrown as Deno gives them.
 */
export async function readLogTail(path: string, count: number): Promise<TailLine[]> {
  return await readLogTailIfPresent(path, count) ?? [];
}

/**
 * Like {@link readLogTail}, but null when the file does not exist, for a reader that must
 * tell a missing log from an empty one (`weft status` of a task whose log was deleted).
 */
export async function readLogTailIfPresent(
  path: string,
  count: number,
): Promise<TailLine[] | null> {
  const file = await openLog(path);
  if (file === null) return null;
  try {
    return await lastLines(file, (await file.stat()).size, count);
  } finally {
    file.close();
  }
}

/**
 * {@link readLogTail} for a view that asks again and again (the monitor refreshes every
 * second): the file is read again only when its size, modification time or identity
 * changed since the last call for the same path and count; an idle task costs a stat.
 */
export class LogTailReader {
  #last: { key: string; lines: TailLine[] } | null = null;

  async read(path: string, count: number): Promise<TailLine[]> {
    const file = await openLog(path);
    if (file === null) {
      this.#last = null;
      return [];
    }
    try {
      const info = await file.stat();
      const key = `${count}\0${info.dev}\0${info.ino}\0${info.size}\0${
        info.mtime?.getTime() ?? ""
      }\0${path}`;
      if (this.#last?.key === key) return this.#last.lines;
      const lines = await lastLines(file, info.size, count);
      this.#last = { key, lines };
      return lines;
    } finally {
      file.close();
    }
  }
}

async function openLog(path: string): Promise<Deno.FsFile | null> {
  try {
    // Never waits on a FIFO put in its place (regular_open.ts).
    return await openRegular(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

const LF = 0x0a;
const TILDE = 0x7e;

async function lastLines(file: Deno.FsFile, size: number, count: number): Promise<TailLine[]> {
  const lines = new LineAssembler(count, LINE_BYTES);
  let start = Math.max(0, size - TAIL_SCAN_BYTES);
  if (start > 0 && (await readAt(file, start - 1, 1))[0] !== LF) {
    // The window begins inside a record whose tag lies further back: its end is a
    // line's end, of the stream a cut marker after it names (stdout when none does).
    const window = await readAt(file, start, Math.min(size - start, TAIL_SCAN_BYTES));
    const end = window.indexOf(LF);
    if (end === -1) {
      lines.push({ stream: "stdout", text: window.subarray(-LINE_BYTES), continuation: true });
      return shown(lines);
    }
    const cut = window[end + 1] === TILDE;
    const stream = cut && window[end + 2] === 0x45 ? "stderr" : "stdout";
    const text = window.subarray(Math.max(0, end - LINE_BYTES), end);
    lines.push({ stream, text, continuation: true, continues: cut });
    start += end + 1;
  }
  const from: LogCursor = { offset: start, open: null };
  await readOpenLog(file, from, size, (piece) => {
    // The reader's pieces: a line's start, more of it, then its end (an empty piece).
    if (piece.ends) lines.push({ stream: piece.stream, text: "", continuation: true });
    else {
      const continuation = !piece.starts;
      lines.push({ stream: piece.stream, text: piece.bytes, continuation, continues: true });
    }
  });
  return shown(lines);
}

function shown(lines: LineAssembler): TailLine[] {
  return lines.lines().map((line) => {
    // A line read from its middle: marked so, as the display marks a line cut at its end.
    if (!line.headless) return { stream: line.stream, text: line.text };
    return { stream: line.stream, text: `… ${line.text}`, headless: true };
  });
}

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
