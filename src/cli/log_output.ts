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
}

/**
 * Prints the log file at `path` from `from` to its current end; resolves to the cursor
 * to go on from (for `--follow`). A line still being written is printed as far as it
 * is; its newline comes when it is there. I/O errors are thrown as Deno gives them
 * (Deno.errors.NotFound for a missing file only with `mustExist`).
 */
export async function printLogFrom(
  io: CliIO,
  path: string,
  from: PrintCursor | undefined,
  options: PrintLogOptions,
): Promise<PrintCursor> {
  const pending = { stdout: false, stderr: false, ...from?.crPending };
  const out = new OutputBuffer(io, encoder.encode(options.prefix), pending, from?.broken ?? null);
  let first = options.beforeFirst;
  const cursor = await readLog(path, from, async (piece) => {
    if (options.stream && piece.stream !== options.stream) return;
    if (first) {
      const call = first;
      first = undefined;
      await call();
    }
    await out.add(piece);
  }, options.mustExist);
  // Among several files' lines (a prefix), a line not ended yet (its task is still
  // printing it, or weft died first) is ended here, not glued to the next file's.
  if (cursor.open !== null && options.prefix) await out.breakLine(cursor.open);
  await out.flush();
  return { ...cursor, crPending: out.crPending, broken: out.broken ?? undefined };
}

/**
 * Where {@link printLogFrom} goes on from (`--follow`): the log cursor, and per stream
 * whether CRs at the end of what was printed are still to be printed as a line end.
 */
export interface PrintCursor extends LogCursor {
  crPending?: Record<OutputStream, boolean>;
  /** The line open in this stream was shown ended (see breakLine): its rest gets the prefix. */
  broken?: OutputStream;
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
    /** The stream whose open line was shown ended by {@link breakLine}. */
    public broken: OutputStream | null = null,
  ) {}

  /** Whether bytes of each stream's current line were printed since it started or broke. */
  #printed: Record<OutputStream, boolean> = { stdout: false, stderr: false };

  async add(piece: LogPiece): Promise<void> {
    if (piece.stream !== this.#stream) {
      await this.flush();
      this.#stream = piece.stream;
    }
    if (!piece.starts && this.broken === piece.stream) {
      this.broken = null;
      // Its rest goes on as a line of its own; an end alone was shown already.
      if (piece.bytes.length === 0) return;
      await this.#put(this.prefix);
    }
    if (piece.starts) await this.#put(this.prefix);
    this.#printed[piece.stream] = !piece.ends;
    if (piece.bytes.length > 0) {
      if (this.crPending[piece.stream]) {
        this.crPending[piece.stream] = false;
        await this.#put(NEWLINE);
        await this.#put(this.prefix);
      }
      await this.#putSplitAtCr(piece.bytes, piece.stream);
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
    if (!this.#printed[stream]) return;
    if (stream !== this.#stream) {
      await this.flush();
      this.#stream = stream;
    }
    this.crPending[stream] = false;
    this.#printed[stream] = false;
    this.broken = stream;
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
