/**
 * Lines `weft logs --follow` holds back: a line a task has not ended yet (no newline so
 * far) is printed once it ends or its attempt does, so what `--follow` shows is, line
 * for line, what `weft logs` shows afterwards (tnotify F4: a half line ended by weft's
 * own newline, another task's line glued onto it, a big line in two parts). A line that
 * stops growing for a poll ({@link releasedAfter}), or grows for a second without
 * ending, is printed as far as it is and left open, as `weft run -v` shows it: a prompt
 * (`[y/N] `) or a progress line is what a user follows a stuck run for (vsched F3). Its
 * rest continues it in place; only when another task's line comes first is it ended
 * there, as `weft logs` ends a line not ended yet, and its rest goes on a line of its own.
 *
 * Memory is bounded as the rest of `weft logs` bounds long lines: a held line's bytes
 * are kept while they fit in {@link HOLD_BYTES}; past that only where the line begins
 * in the file is kept, and the line is read again from there when it is printed.
 * @module
 */
import type { OutputStream } from "../engine/events.ts";
import { type LogPiece, readOpenLog } from "../store/log_reader.ts";
import { openRegular } from "../store/regular_open.ts";

/** Bytes of a held line kept in memory; a longer one is read again from its file. */
export const HOLD_BYTES = 64 * 1024;

/** A line not ended yet, waiting to be printed whole. */
export interface HeldLine {
  /** Where its text begins in the file (LogPiece.at of its first piece). */
  from: number;
  /** Its bytes so far while they fit in {@link HOLD_BYTES}; null once longer. */
  chunks: Uint8Array[] | null;
  bytes: number;
  /** Its length when the previous `--follow` pass ended, if it was held then. */
  checked?: number;
  /** The passes it was held through. */
  passes: number;
}

/**
 * Passes (200 ms apart) after which a line still growing without an end is printed all
 * the same: about a second, as `weft run -v` shows a line after a second of output
 * without a line feed.
 */
export const GROWING_PASSES = 5;

/**
 * Called once per `--follow` pass for a line still held at its end: whether to print it
 * now (it did not grow since the last pass: its output paused; or it grew for
 * {@link GROWING_PASSES} passes without ending). Else notes this pass's length.
 */
export function releasedAfter(line: HeldLine): boolean {
  if (
    line.checked !== undefined && (line.bytes === line.checked || line.passes >= GROWING_PASSES)
  ) {
    return true;
  }
  line.checked = line.bytes;
  line.passes++;
  return false;
}

/** Starts holding a line at its first piece (a `starts` piece). */
export function holdLine(piece: LogPiece): HeldLine {
  const line: HeldLine = { from: piece.at, chunks: [], bytes: 0, passes: 0 };
  keepPiece(line, piece);
  return line;
}

/** Adds a further piece of a held line (its bytes, while they fit). */
export function keepPiece(line: HeldLine, piece: LogPiece): void {
  line.bytes += piece.bytes.length;
  if (line.chunks === null) return;
  if (line.bytes > HOLD_BYTES) line.chunks = null; // read again from the file when printed
  else if (piece.bytes.length > 0) line.chunks.push(piece.bytes.slice()); // lent: copied
}

/**
 * Gives the pieces of held line `line` of `stream` to `onPiece`, as the log reader gave
 * them: its start, the rest, and with `end` (the line ended at file offset `end.at`)
 * its end; without, the line as far as the file at `path` holds it up to offset
 * `upTo` (its attempt ended without a newline). I/O errors are thrown as Deno gives them.
 */
export async function releaseLine(
  path: string,
  stream: OutputStream,
  line: HeldLine,
  upTo: number,
  end: LogPiece | null,
  onPiece: (piece: LogPiece) => Promise<void>,
): Promise<void> {
  if (line.chunks !== null) {
    let starts = true;
    let at = line.from;
    for (const bytes of line.chunks.length > 0 ? line.chunks : [new Uint8Array(0)]) {
      await onPiece({ stream, bytes, starts, ends: false, at });
      starts = false;
      at += bytes.length;
    }
    if (end) await onPiece(end);
    return;
  }
  // Longer than kept: only this stream's pieces between its start and its end (lines of
  // the other stream among them were printed already, or are held on their own).
  const file = await openRegular(path, { read: true });
  try {
    const from = { offset: line.from, open: stream, started: false };
    await readOpenLog(file, from, end?.at ?? upTo, async (piece) => {
      if (piece.stream === stream) await onPiece(piece);
    });
  } finally {
    file.close();
  }
}
