/**
 * Prints one attempt's log file as `weft logs` shows it: the stored bytes as they are
 * (stdout lines on stdout, stderr lines on stderr), streamed through one buffer, so a
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
  from: LogCursor | undefined,
  options: PrintLogOptions,
): Promise<LogCursor> {
  const out = new OutputBuffer(io, encoder.encode(options.prefix));
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
  await out.flush();
  return cursor;
}

/** Collects consecutive output of one stream and writes it in large pieces. */
class OutputBuffer {
  readonly #buffer = new Uint8Array(FLUSH_BYTES);
  #length = 0;
  #stream: OutputStream = "stdout";

  constructor(private readonly io: CliIO, private readonly prefix: Uint8Array) {}

  async add(piece: LogPiece): Promise<void> {
    if (piece.stream !== this.#stream) {
      await this.flush();
      this.#stream = piece.stream;
    }
    if (piece.starts) await this.#put(this.prefix);
    await this.#put(piece.bytes);
    if (piece.ends) await this.#put(NEWLINE);
  }

  async flush(): Promise<void> {
    if (this.#length === 0) return;
    const sink = this.#stream === "stderr" ? this.io.stderr : this.io.stdout;
    // A copy: a sink may keep what it is given (the buffer is reused).
    const bytes = this.#buffer.slice(0, this.#length);
    this.#length = 0;
    await sink.write(bytes);
  }

  async #put(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    if (this.#length + bytes.length > this.#buffer.length) await this.flush();
    if (bytes.length > this.#buffer.length) {
      // Larger than the buffer: written as it is (it is only valid during this call).
      const sink = this.#stream === "stderr" ? this.io.stderr : this.io.stdout;
      await sink.write(bytes.slice());
      return;
    }
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }
}

const NEWLINE = new Uint8Array([0x0a]);
