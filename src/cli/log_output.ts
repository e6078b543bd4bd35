/**
 * Prints one attempt's log file as `weft logs` shows it: the stored bytes as they are
 * (stdout lines on stdout, stderr lines on stderr), but for a lone CR, which ends a line
 * as in weft's failure tails (render/cut.ts crLines), streamed through one buffer, so a
 * log of any size — or one line of 50 MB — is printed with bounded memory.
 * @module
 */
import type { OutputStream } from "../engine/events.ts";
import { type LogCursor, type LogPiece, readLog } from "../store/log_reader.ts";
import type { CliIO } from "./io.ts";
import { type HeldLine, holdLine, keepPiece, releasedAfter, releaseLine } from "./log_hold.ts";

const FLUSH_BYTES = 64 * 1024;
const encoder = new TextEncoder();

/** Options of {@link printLogFrom}. */
export interface PrintLogOptions {
  /** Only this stream (default: both). */
  stream?: OutputStream;
  /** Put before each line (e.g. `build | `); empty for none. */
  prefix: string;
  /** Called once, before anything of this file is printed (a header on stderr). */
  beforeFirst?: () => Promise<unknown>;
  /** Output was recorded for this file: its absence is an error (see readLog). */
  mustExist?: boolean;
  /**
   * The attempt is still going (`--follow`): a line not ended yet is held back until it
   * ends or its output pauses (cli/log_hold.ts), not printed in parts; a paused line is
   * printed and left open. Without, held lines are printed first.
   */
  hold?: boolean;
  /**
   * Per output stream: another file's line was left open there (its attempt ended
   * without a newline, no prefix to end it): ended with a newline before anything of
   * this file is printed there, so two tasks' lines never share one.
   */
  endOpen?: Partial<Record<OutputStream, boolean>>;
  /**
   * Stdout and stderr reach one screen (CliIO.outputsShared): a line left open on one
   * (endOpen) is ended before anything of this file is printed on either, the header
   * too, else a stderr line is glued to another task's stdout line on screen. Without,
   * stdout's bytes stay the tasks' own, ended only by a line of stdout.
   */
  shared?: boolean;
}

/**
 * The streams whose line left open by another attempt (`open`, per stream) is to be
 * ended before printing on `stream`: that one, and on one screen (`shared`) both.
 */
export function openBefore(
  stream: OutputStream,
  open: Partial<Record<OutputStream, boolean>>,
  shared: boolean,
): OutputStream[] {
  return (shared ? STREAMS : [stream]).filter((s) => open[s]);
}

/**
 * Prints the log file at `path` from `from` to its current end; resolves to the cursor
 * to go on from (for `--follow`). A line still being written is held back with
 * `options.hold`, else printed as far as it is (its newline comes when it is there;
 * among several files' lines, with a prefix, it is ended here). I/O errors are thrown
 * as Deno gives them (Deno.errors.NotFound for a missing file only with `mustExist`).
 */
export async function printLogFrom(
  io: CliIO,
  path: string,
  from: PrintCursor | undefined,
  options: PrintLogOptions,
): Promise<PrintCursor> {
  const pending = { stdout: false, stderr: false, ...from?.crPending };
  const out = new OutputBuffer(io, encoder.encode(options.prefix), pending, { ...from?.broken });
  out.printed = { stdout: false, stderr: false, ...from?.printed };
  const endOpen = { stdout: false, stderr: false, ...options.endOpen };
  let first = options.beforeFirst;
  let headed = false;
  // Another attempt's open line is ended before this file prints where it shows.
  const endBefore = async (stream: OutputStream) => {
    for (const open of openBefore(stream, endOpen, options.shared ?? false)) {
      endOpen[open] = false;
      await out.endOpen(open);
    }
  };
  const print = async (piece: LogPiece) => {
    if (first) {
      const call = first;
      first = undefined;
      // The header goes on stderr, written by the caller: what ends lines before it first.
      await endBefore("stderr");
      await out.flush();
      headed = true;
      await call();
    }
    await endBefore(piece.stream);
    if (options.shared) {
      // On one screen, prefixed or not: the other stream's line left open in this file (a
      // last line without a newline, a cut long line) is ended before anything of this
      // stream is printed — a line's start or the rest of a line cut earlier — as another
      // file's is, not glued to it; its own rest goes on a line of its own.
      await out.breakLine(piece.stream === "stdout" ? "stderr" : "stdout");
    }
    await out.add(piece);
  };
  const held: Partial<Record<OutputStream, HeldLine>> = { ...from?.held };
  if (!options.hold) {
    // The attempt ended: its held lines are printed as far as they went, then the rest.
    for (const stream of inFileOrder(held)) {
      const line = held[stream];
      if (!line) continue;
      delete held[stream];
      await releaseLine(path, stream, line, from!.offset, null, print);
    }
  }
  const cursor = await readLog(path, from, async (piece) => {
    if (options.stream && piece.stream !== options.stream) return;
    const line = held[piece.stream];
    if (line && piece.ends) {
      delete held[piece.stream];
      await releaseLine(path, piece.stream, line, piece.at, piece, print);
    } else if (line) keepPiece(line, piece);
    else if (options.hold && piece.starts) held[piece.stream] = holdLine(piece);
    else await print(piece);
  }, options.mustExist);
  if (options.hold) {
    // A line whose output paused (a prompt, a progress line) is shown as far as it is
    // and left open: its rest continues it, or another file's line ends it first
    // (endOpen; log_hold.ts).
    for (const stream of inFileOrder(held)) {
      const line = held[stream];
      if (!line || !releasedAfter(line)) continue;
      delete held[stream];
      await releaseLine(path, stream, line, cursor.offset, null, print);
    }
  } else if (options.prefix) {
    // Among several files' lines (a prefix), a line not ended yet (its task is still
    // printing it, weft died first, or the task never ended it: no newline after its
    // last line) is ended here, not glued to the next file's.
    for (const stream of STREAMS) await out.breakLine(stream);
  }
  await out.flush();
  return {
    ...cursor,
    crPending: out.crPending,
    broken: { ...out.broken },
    held,
    printed: { ...out.printed },
    // A header ended the line on stderr too.
    leftOpen: headed ? { stderr: false, ...out.leftOpen() } : out.leftOpen(),
    ended: (Object.keys(endOpen) as OutputStream[]).filter((s) =>
      options.endOpen?.[s] && !endOpen[s]
    ),
  };
}

/**
 * Where {@link printLogFrom} goes on from (`--follow`): the log cursor, and per stream
 * whether CRs at the end of what was printed are still to be printed as a line end.
 */
export interface PrintCursor extends LogCursor {
  crPending?: Record<OutputStream, boolean>;
  /**
   * Per stream: its open line was shown ended (see breakLine), so its rest gets the
   * prefix; on one screen both streams' may be.
   */
  broken?: Partial<Record<OutputStream, boolean>>;
  /**
   * Streams where this pass ended another file's open line (PrintLogOptions.endOpen):
   * that file's rest of the line then goes on a line of its own (its `broken`).
   */
  ended?: OutputStream[];
  /**
   * Per stream: bytes of its open line were printed and not ended (a line released
   * open by `--follow`), so the attempt's end ends it on screen (breakLine).
   */
  printed?: Record<OutputStream, boolean>;
  /** Per stream, its line held back until it ends (PrintLogOptions.hold). */
  held?: Partial<Record<OutputStream, HeldLine>>;
  /**
   * Per output stream this file printed to: whether it left a line open there (no
   * newline yet), for the next file's PrintLogOptions.endOpen.
   */
  leftOpen?: Partial<Record<OutputStream, boolean>>;
}

const STREAMS: readonly OutputStream[] = ["stdout", "stderr"];

/**
 * The streams holding a line, the one whose line begins earlier in the file first: two
 * lines left open (`printf err >&2; printf out`) are printed in the order `weft logs`
 * prints them once the run ended, not stdout's first.
 */
function inFileOrder(held: Partial<Record<OutputStream, HeldLine>>): OutputStream[] {
  return STREAMS.filter((s) => held[s]).sort((a, b) => held[a]!.from - held[b]!.from);
}

/** Collects consecutive output of one stream and writes it in large pieces. */
class OutputBuffer {
  /**
   * Made at the first byte: a run of 100,000 loop iterations has as many logs, most of
   * them empty, and 64 KiB each was gigabytes of garbage (tester8 F5).
   */
  #buffer: Uint8Array | undefined;
  #length = 0;
  #stream: OutputStream = "stdout";

  constructor(
    private readonly io: CliIO,
    private readonly prefix: Uint8Array,
    /** Per stream: the bytes given last ended in CRs not yet printed (see #putSplitAtCr). */
    readonly crPending: Record<OutputStream, boolean> = { stdout: false, stderr: false },
    /** Per stream: its open line was shown ended by {@link breakLine} (both may be). */
    public broken: Partial<Record<OutputStream, boolean>> = {},
  ) {}

  /**
   * Whether bytes of each stream's current line were printed since it started or broke
   * (carried from pass to pass: PrintCursor.printed).
   */
  printed: Record<OutputStream, boolean> = { stdout: false, stderr: false };
  /** Streams anything was given to. */
  readonly #touched = new Set<OutputStream>();

  /** Per stream given anything: whether its last line is left without a newline. */
  leftOpen(): Partial<Record<OutputStream, boolean>> {
    const open: Partial<Record<OutputStream, boolean>> = {};
    for (const stream of this.#touched) open[stream] = this.printed[stream];
    return open;
  }

  /** Ends another file's line left open in `stream` (PrintLogOptions.endOpen). */
  async endOpen(stream: OutputStream): Promise<void> {
    if (stream !== this.#stream) {
      await this.flush();
      this.#stream = stream;
    }
    await this.#put(NEWLINE);
  }

  async add(piece: LogPiece): Promise<void> {
    this.#touched.add(piece.stream);
    if (piece.stream !== this.#stream) {
      await this.flush();
      this.#stream = piece.stream;
    }
    let bytes = piece.bytes;
    if (!piece.starts && this.broken[piece.stream]) {
      // Its rest goes on as a line of its own. The break ended the line on screen as the
      // CRs its rest begins with would have (a progress line redrawn after a pause, F7):
      // they are dropped, not shown as an empty line; an end alone was shown already.
      let at = 0;
      while (at < bytes.length && bytes[at] === CR) at++;
      bytes = bytes.subarray(at);
      if (bytes.length === 0) {
        if (piece.ends) this.broken[piece.stream] = false;
        return;
      }
      this.broken[piece.stream] = false;
      await this.#put(this.prefix);
    }
    if (piece.starts && this.printed[piece.stream]) {
      // A line of the stream that never ended (a cut record whose rest never came), then
      // a new one: two lines, never glued into one.
      this.crPending[piece.stream] = false;
      await this.#put(NEWLINE);
    }
    if (piece.starts) await this.#put(this.prefix);
    this.printed[piece.stream] = !piece.ends;
    if (bytes.length > 0) {
      if (this.crPending[piece.stream]) {
        this.crPending[piece.stream] = false;
        await this.#put(NEWLINE);
        await this.#put(this.prefix);
      }
      await this.#putSplitAtCr(bytes, piece.stream);
    }
    if (piece.ends) {
      this.crPending[piece.stream] = false; // CRs that end a line end nothing
      await this.#put(NEWLINE);
    }
  }

  /**
   * `bytes` with each run of lone CRs (a progress bar redrawing itself) printed as a
   * line end and the prefix: the lines weft's failure tails and `weft status` show
   * (render/cut.ts crLines). A run of CRs at the end of `bytes` waits in crPending: it
   * ends a line only if more of the line follows, not when the line ends there. (The CR
   * of a CRLF is not in the file: it went with the line end, tasks/byte_lines.ts.)
   */
  async #putSplitAtCr(bytes: Uint8Array, stream: OutputStream): Promise<void> {
    let cr = bytes.indexOf(CR);
    if (cr === -1) return await this.#put(bytes);
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === CR) end--;
    let at = 0;
    while (cr !== -1 && cr < end) {
      await this.#put(bytes.subarray(at, cr));
      await this.#put(NEWLINE);
      await this.#put(this.prefix);
      at = cr + 1;
      while (at < end && bytes[at] === CR) at++;
      cr = bytes.indexOf(CR, at);
    }
    await this.#put(bytes.subarray(at, end));
    if (end < bytes.length) this.crPending[stream] = true;
  }

  /** Ends the line open in `stream` on screen, if any of it was printed. */
  async breakLine(stream: OutputStream): Promise<void> {
    if (!this.printed[stream]) return;
    if (stream !== this.#stream) {
      await this.flush();
      this.#stream = stream;
    }
    this.crPending[stream] = false;
    this.printed[stream] = false;
    this.broken[stream] = true;
    await this.#put(NEWLINE);
  }

  async flush(): Promise<void> {
    if (this.#length === 0) return;
    const sink = this.#stream === "stderr" ? this.io.stderr : this.io.stdout;
    // A copy: a sink may keep what it is given (the buffer is reused).
    const bytes = this.#buffer!.slice(0, this.#length);
    this.#length = 0;
    await sink.write(bytes);
  }

  async #put(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    if (this.#length + bytes.length > FLUSH_BYTES) await this.flush();
    if (bytes.length > FLUSH_BYTES) {
      // Larger than the buffer: written as it is (it is only valid during this call).
      const sink = this.#stream === "stderr" ? this.io.stderr : this.io.stdout;
      await sink.write(bytes.slice());
      return;
    }
    this.#buffer ??= new Uint8Array(FLUSH_BYTES);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }
}

const NEWLINE = new Uint8Array([0x0a]);
const CR = 0x0d;
