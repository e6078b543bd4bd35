/**
 * Reading a file whose size the user or the machine controls (an SQL file, a script, a
 * list of paths, a certificate) without ever holding more than a limit in memory: a /proc
 * file or a file that grows while read stops just past the limit and becomes one clear
 * error naming the file, the limit and what to do. The workflow file itself reads through
 * here too (parse/read.ts, 16 MiB), as `$WEFT_OUTPUT` has its own bounded read
 * (engine/output_files.ts, 1 MiB). A path that is a FIFO, a device or a socket is refused
 * before it is opened (regular_file.ts): opening a FIFO would wait for a writer for ever.
 * @module
 */
import { ownText, quoteData } from "./model/data_text.ts";
import { refuseOpenedSpecial, refuseSpecial } from "./regular_file.ts";

/** The most bytes weft reads of an SQL or script file: 16 MiB, as for a workflow file. */
export const SOURCE_FILE_MAX_BYTES = 16 * 1024 * 1024;

/** Bytes read per call while filling the buffer. */
const CHUNK_BYTES = 64 * 1024;

/**
 * A file over the limit of a bounded read. Its message is weft's own words (the path,
 * the limit, the hint): one line for the user, never a stack trace.
 */
export class FileTooLargeError extends Error {
  /**
   * @param what the file's role, e.g. `the SQL file`, `the script`
   * @param path the path as read
   * @param limit the limit in bytes
   * @param hint what to do, e.g. `split it into smaller files`
   */
  constructor(
    readonly what: string,
    readonly path: string,
    readonly limit: number,
    readonly hint: string,
  ) {
    super(describe(what, JSON.stringify(path), limit, hint, (text) => text));
    this.name = "FileTooLargeError";
  }

  /**
   * The message for a task's reason: the path marked as quoted data, the rest as weft's
   * own words (model/data_text.ts), so secret masking touches only the path.
   */
  marked(): string {
    return describe(
      this.what,
      quoteData(JSON.stringify(this.path)),
      this.limit,
      this.hint,
      ownText,
    );
  }
}

/** `<what> <path> is too large: ...; <hint>`, weft's own words passed through `own`. */
function describe(
  what: string,
  path: string,
  limit: number,
  hint: string,
  own: (text: string) => string,
): string {
  return own(`${what} `) + path +
    own(
      ` is too large: weft reads at most ${sizeText(limit)} of it (stopped reading there); ${hint}`,
    );
}

/**
 * Where one bounded read goes: room for what stat said plus one byte (a file that did
 * not grow is read in one call), or, with no size known, chunks of 64 KiB; growing by
 * doubling up to `limit` plus one chunk, the most ever read. Reads of whole chunks, not
 * of one odd byte: some files of /proc refuse reads that are not a multiple of 8 bytes.
 */
export class BoundedRead {
  #buffer: Uint8Array;
  #filled = 0;

  /** `limit` in bytes; `size` what stat said (0: unknown). */
  constructor(readonly limit: number, size: number) {
    this.#buffer = new Uint8Array(
      size > 0 ? Math.min(size, limit) + 1 : Math.min(CHUNK_BYTES, limit + 1),
    );
  }

  /** Where the next read goes. */
  space(): Uint8Array {
    if (this.#filled === this.#buffer.length) {
      const bigger = new Uint8Array(Math.min(this.#filled * 2, this.limit + CHUNK_BYTES));
      bigger.set(this.#buffer);
      this.#buffer = bigger;
    }
    return this.#buffer.subarray(this.#filled);
  }

  /** Counts `n` bytes read (null or 0: the end); whether to read on. */
  took(n: number | null): boolean {
    if (!n) return false;
    this.#filled += n;
    return this.#filled <= this.limit;
  }

  /** What was read: more than `limit` bytes when the file is larger. */
  get bytes(): Uint8Array {
    return this.#buffer.subarray(0, this.#filled);
  }
}

/**
 * The bytes of the open `file` whose stat gave `size`, read until its end or just past
 * `limit` ({@link BoundedRead}): more than `limit` bytes means the file is larger.
 * @throws what reading throws
 */
export async function readAtMost(
  file: Deno.FsFile,
  limit: number,
  size: number,
): Promise<Uint8Array> {
  const read = new BoundedRead(limit, size);
  while (read.took(await file.read(read.space())));
  return read.bytes;
}

/** {@link readAtMost}, synchronous. */
export function readAtMostSync(file: Deno.FsFile, limit: number, size: number): Uint8Array {
  const read = new BoundedRead(limit, size);
  while (read.took(file.readSync(read.space())));
  return read.bytes;
}

/** Options of {@link readTextBounded}. */
export interface BoundedFileOptions {
  /** The file's role in the message, e.g. `the SQL file`. */
  what: string;
  /** What to do when it is too large. */
  hint: string;
  /** The limit in bytes; default {@link SOURCE_FILE_MAX_BYTES}. */
  limit?: number;
}

/**
 * The bytes of `path`, reading at most `limit` plus 64 KiB of them (a stat size is only a
 * first guess: files of /proc report 0, a file may grow while read); undefined when there
 * are more than `limit`. One read call fills a regular file whose size stat gave, plus
 * the call that sees its end.
 * `special`: a FIFO or a device is read too (as `weft run <(…)` gives the workflow file),
 * bounded the same way.
 * @throws NotRegularFileError (regular_file.ts) for a FIFO, a device or a socket, never
 *   opened, unless `special`; what Deno.open or read throws (NotFound, PermissionDenied,
 *   EISDIR for a folder).
 */
export async function readBytesBounded(
  path: string,
  limit: number,
  options: { special?: boolean } = {},
): Promise<Uint8Array | undefined> {
  if (!options.special) refuseSpecial(path);
  using file = await Deno.open(path);
  const info = await file.stat();
  if (!options.special) refuseOpenedSpecial(path, info);
  if (info.isFile && info.size > limit) return undefined;
  const bytes = await readAtMost(file, limit, info.size);
  return bytes.length > limit ? undefined : bytes;
}

/**
 * The UTF-8 text of `path`, reading little more than `limit` bytes ({@link readBytesBounded}).
 * @throws FileTooLargeError past the limit; NotRegularFileError for a FIFO, a device or a
 *   socket; what Deno.open or read throws otherwise (NotFound, PermissionDenied, EISDIR).
 */
export async function readTextBounded(path: string, options: BoundedFileOptions): Promise<string> {
  const limit = options.limit ?? SOURCE_FILE_MAX_BYTES;
  const bytes = await readBytesBounded(path, limit);
  if (!bytes) throw new FileTooLargeError(options.what, path, limit, options.hint);
  return new TextDecoder().decode(bytes);
}

/** {@link readTextBounded}, synchronous. */
export function readTextBoundedSync(path: string, options: BoundedFileOptions): string {
  const limit = options.limit ?? SOURCE_FILE_MAX_BYTES;
  refuseSpecial(path);
  using file = Deno.openSync(path);
  const info = file.statSync();
  refuseOpenedSpecial(path, info);
  if (info.isFile && info.size > limit) {
    throw new FileTooLargeError(options.what, path, limit, options.hint);
  }
  const bytes = readAtMostSync(file, limit, info.size);
  if (bytes.length > limit) throw new FileTooLargeError(options.what, path, limit, options.hint);
  return new TextDecoder().decode(bytes);
}

/** `16 MiB`-style text for a byte count. */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
