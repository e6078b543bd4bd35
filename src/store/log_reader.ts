/**
 * Reads a log file (format in log_files.ts) as a stream of pieces of lines, with memory
 * bounded by one read buffer whatever the size of the file or of a line: a 50 MB line
 * comes out as many pieces, byte-exact. Reading can stop anywhere, even inside a line
 * still being written, and resume from the returned {@link LogCursor}: `weft logs
 * --follow` prints a long line as it is written.
 * @module
 */
import type { OutputStream } from "../engine/events.ts";
import { openRegular } from "./regular_open.ts";

/** Bytes read from the file at once. */
const READ_BYTES = 64 * 1024;
const LF = 0x0a;
const TILDE = 0x7e;
const SPACE = 0x20;

/** Where reading stopped: a byte offset, and the stream whose record it is inside, if any. */
export interface LogCursor {
  offset: number;
  /** Inside a record of this stream (its tag read, its newline not yet). */
  open: OutputStream | null;
  /** Inside a record: its line's first piece was given already. */
  started?: boolean;
}

/**
 * Part of a stored line: `bytes` (valid only during the call: copy to keep) of `stream`;
 * `starts`: the line begins with these bytes; `ends`: the line ends here — then `bytes`
 * is empty, and a newline is what the task printed. A line comes as one `starts` piece,
 * any number of further pieces, and one `ends` piece (none for a line still being
 * written, or cut at the end of an attempt).
 */
export interface LogPiece {
  stream: OutputStream;
  bytes: Uint8Array;
  starts: boolean;
  ends: boolean;
  /**
   * Byte offset in the file: of `bytes[0]` (a `starts` piece: where its line's text
   * begins, a place to read that line again from: `{ offset: at, open: stream }`); of
   * an `ends` piece, where the line is known complete (the next record's start, or the
   * end of what was read): reading up to there gives the line with its end.
   */
  at: number;
}

const NOTHING = new Uint8Array(0);

/**
 * Reads the log file at `path` from `from` (default: its start) to its current end,
 * calling `onPiece` for each piece in order (awaiting a returned promise: backpressure).
 * Records of both streams come interleaved as stored; a continuation record goes on with
 * its stream's line (a cut line's newline is never reported). A record whose tag is not
 * complete yet is left for the next read. A missing file reads as empty — the recorder
 * creates a file only when the attempt prints something — unless `mustExist` (output was
 * recorded for it): then Deno.errors.NotFound is thrown. Resolves to the cursor to resume
 * from; I/O errors are thrown as Deno gives them (a folder at `path`: EISDIR).
 */
export async function readLog(
  path: string,
  from: LogCursor | undefined,
  onPiece: (piece: LogPiece) => unknown,
  mustExist = false,
): Promise<LogCursor> {
  const start: LogCursor = from ?? { offset: 0, open: null };
  let file: Deno.FsFile;
  try {
    // Never waits on a FIFO put in its place (regular_open.ts).
    file = await openRegular(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound && !mustExist) return start;
    throw e;
  }
  try {
    return await readOpenLog(file, start, Infinity, onPiece);
  } finally {
    file.close();
  }
}

/**
 * Like {@link readLog}, for a file opened already and only up to byte offset `end` (a
 * reader that must stay bounded though the file grows: log_tail.ts). `from` must be at
 * a record's start or a cursor {@link readLog} gave.
 */
export async function readOpenLog(
  file: Deno.FsFile,
  from: LogCursor,
  end: number,
  onPiece: (piece: LogPiece) => unknown,
): Promise<LogCursor> {
  await file.seek(from.offset, Deno.SeekMode.Start);
  return await new LogParser(from, onPiece).run(file, end - from.offset);
}

/** The state machine of {@link readLog}. */
class LogParser {
  /** Offset in the file of `buffer[0]`. */
  #base: number;
  /** Inside a record of this stream; `#started`: its `starts` piece was given. */
  #open: OutputStream | null;
  #started: boolean;
  /** A record of this stream ended; its `ends` piece waits to see that no cut marker follows. */
  #ended: OutputStream | null = null;

  constructor(from: LogCursor, private readonly onPiece: (piece: LogPiece) => unknown) {
    this.#base = from.offset;
    this.#open = from.open;
    this.#started = from.started ?? from.open !== null;
  }

  /** Parses up to `limit` bytes of `file` from where it is. */
  async run(file: Deno.FsFile, limit: number): Promise<LogCursor> {
    const buffer = new Uint8Array(READ_BYTES);
    let filled = 0;
    let left = limit;
    while (left > 0) {
      const n = await file.read(
        buffer.subarray(filled, filled + Math.min(READ_BYTES - filled, left)),
      );
      if (n === null) break;
      filled += n;
      left -= n;
      const used = await this.#parse(buffer.subarray(0, filled));
      // Keep what could not be parsed yet (a tag or marker cut by the read) at the front.
      buffer.copyWithin(0, used, filled);
      filled -= used;
      this.#base += used;
    }
    await this.#end(this.#base);
    return { offset: this.#base, open: this.#open, started: this.#started };
  }

  /** Parses what `bytes` holds; returns how many bytes were consumed. */
  async #parse(bytes: Uint8Array): Promise<number> {
    let i = 0;
    while (i < bytes.length) {
      const stream = this.#open;
      if (stream !== null) {
        const newline = bytes.indexOf(LF, i);
        const end = newline === -1 ? bytes.length : newline;
        if (end > i || (newline !== -1 && !this.#started)) {
          await this.onPiece({
            stream,
            bytes: bytes.subarray(i, end),
            starts: !this.#started,
            ends: false,
            at: this.#base + i,
          });
          this.#started = true;
        }
        if (newline === -1) return bytes.length;
        this.#open = null;
        this.#ended = stream;
        i = newline + 1;
        continue;
      }
      if (bytes[i] === TILDE) {
        // A cut marker: the line above it goes on in a later continuation record.
        const newline = bytes.indexOf(LF, i);
        if (newline === -1) return i;
        const cut: OutputStream = bytes[i + 1] === 0x45 ? "stderr" : "stdout";
        if (this.#ended === cut) this.#ended = null;
        i = newline + 1;
        continue;
      }
      if (i + 1 >= bytes.length) return i; // the tag is not all there yet
      await this.#end(this.#base + i);
      const tag = bytes[i];
      if (
        bytes[i + 1] === SPACE && (tag === 0x4f || tag === 0x45 || tag === 0x6f || tag === 0x65)
      ) {
        this.#open = tag === 0x45 || tag === 0x65 ? "stderr" : "stdout";
        this.#started = tag === 0x6f || tag === 0x65; // o/e: continues a line
        i += 2;
      } else {
        // Not a tag (a file written by hand?): the whole record is a stdout line.
        this.#open = "stdout";
        this.#started = false;
      }
    }
    return i;
  }

  /** Gives the `ends` piece of the record that ended last, if no marker cut it. */
  async #end(at: number): Promise<void> {
    const stream = this.#ended;
    if (stream === null) return;
    this.#ended = null;
    await this.onPiece({ stream, bytes: NOTHING, starts: false, ends: true, at });
  }
}
