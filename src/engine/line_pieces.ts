/**
 * The one model of "a line in pieces" shared by every reader of task output that keeps
 * the last few lines: the failure tails of `weft run` and `weft status`, the monitor's
 * log view and the tails notifications carry.
 *
 * A task's line reaches weft in pieces when it is long (64 KiB pieces) or when the task
 * paused in the middle of it (a prompt, a progress state: tasks/line_splitter.ts). Each
 * piece says whether it goes on with its stream's open line (`continuation`) and
 * whether more of the line follows (`continues`). Lines of the other stream may come
 * between two pieces of one line (`printf 'A1'; echo e1 >&2; echo D4`): a piece always
 * goes on with the open line of its own stream, wherever that line is in the tail,
 * never with the line that came last. So the stdout line reads `A1D4`, at the place
 * where it began, as the log file stores it (store/log_files.ts: cut records and
 * continuations) and `weft logs` prints it.
 *
 * Memory is bounded: `limit` lines of at most `maxBytes` bytes each (the rest of a
 * longer line is counted, not kept; the display marks it cut, cli/render/cut.ts).
 * @module
 */
import type { OutputStream } from "./events.ts";

/** One piece of a line, as the engine's output events and the log reader give them. */
export interface LinePiece {
  stream: OutputStream;
  /** The piece's text, or its UTF-8 bytes (copied when kept). */
  text: string | Uint8Array;
  /** Goes on with the open line of `stream` (false: starts a new line). */
  continuation?: boolean;
  /** More of this line follows in a later piece (false: the line ends here). */
  continues?: boolean;
}

/** A line put back together from its pieces. */
export interface AssembledLine {
  stream: OutputStream;
  /** The line's first `maxBytes` bytes at most, decoded (invalid UTF-8 as U+FFFD). */
  text: string;
  /** The line is longer than the text kept of it. */
  cut: boolean;
  /** Its start was never seen (a reader that began inside it): `text` is its end. */
  headless: boolean;
  /** Not ended yet: more of it may still come (a prompt waiting for input). */
  open: boolean;
}

interface Entry {
  stream: OutputStream;
  chunks: Uint8Array[];
  bytes: number;
  cut: boolean;
  headless: boolean;
  open: boolean;
}

const encoder = new TextEncoder();

/** The last `limit` lines of a sequence of pieces, each kept to `maxBytes` bytes. */
export class LineAssembler {
  readonly #lines: Entry[] = [];
  /** Per stream, its line that has not ended yet (it may have left the tail already). */
  readonly #open: Record<OutputStream, Entry | null> = { stdout: null, stderr: null };

  constructor(readonly limit: number, readonly maxBytes: number) {}

  /** Adds one piece (see {@link LinePiece}). */
  push(piece: LinePiece): void {
    const { stream } = piece;
    let entry = piece.continuation ? this.#open[stream] : null;
    // The bare end of a line that is not here (its start was never seen): nothing to show.
    if (!entry && piece.continuation && !piece.continues && piece.text.length === 0) return;
    if (!entry) {
      const earlier = this.#open[stream];
      if (earlier) earlier.open = false; // a new line of the stream ends its open one
      entry = {
        stream,
        chunks: [],
        bytes: 0,
        cut: false,
        headless: !!piece.continuation,
        open: true,
      };
      if (this.limit > 0) {
        this.#lines.push(entry);
        if (this.#lines.length > this.limit) this.#lines.shift();
      }
    }
    this.#add(entry, piece.text);
    if (piece.continues) this.#open[stream] = entry;
    else {
      entry.open = false;
      this.#open[stream] = null;
    }
  }

  /** The kept lines, oldest first. */
  lines(): AssembledLine[] {
    const decoder = new TextDecoder();
    return this.#lines.map((entry) => {
      const bytes = entry.chunks.length === 1 ? entry.chunks[0] : concat(entry.chunks, entry.bytes);
      return {
        stream: entry.stream,
        text: decoder.decode(bytes),
        cut: entry.cut,
        headless: entry.headless,
        open: entry.open,
      };
    });
  }

  #add(entry: Entry, text: string | Uint8Array): void {
    const room = this.maxBytes - entry.bytes;
    if (text.length === 0) return;
    if (room <= 0) {
      entry.cut = true;
      return;
    }
    // A string's UTF-8 is at most 3 bytes per UTF-16 unit: encode only what can fit.
    let bytes = typeof text === "string" ? encoder.encode(text.slice(0, room)) : text;
    if (bytes.length > room || (typeof text === "string" && text.length > room)) {
      entry.cut = true;
      bytes = bytes.subarray(0, room);
    }
    entry.chunks.push(bytes.slice());
    entry.bytes += bytes.length;
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const all = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return all;
}
