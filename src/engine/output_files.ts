/**
 * The per-attempt `$WEFT_OUTPUT` files of one run, in its private work folder
 * (work_dir.ts, 0700): each attempt gets a path of its own, read when the attempt ends.
 * Paths are never handed to a second attempt: a process that left the task's group
 * (setsid) may still write to its path later, and must not write into another attempt's
 * outputs.
 *
 * In the run's own folder the file is not created for the task: it appears when the task
 * first writes (`echo k=v >> "$WEFT_OUTPUT"` creates it), and an attempt whose path holds
 * nothing when it ends wrote no outputs. Most tasks write none, and creating, measuring and
 * removing an empty file per attempt took ~9% of the main thread in a 1,000-task run; now
 * one faccessat (_path_probe.ts) tells that nothing is there. The file is private through
 * its folder: nobody else can reach into a 0700 folder, whatever mode the task's umask
 * gives the file. A file that was read is removed in a later turn of the event loop
 * (setImmediate: after the next task of a chain has started, while its process runs); the
 * rest go with the folder.
 *
 * A caller-chosen folder (`workDir` of startRun), which need not be private, gets an empty
 * file (0600) per attempt created up front, and keeps every file, named
 * `<n>-<task>-<attempt>.out` so that they can be told apart; the run's own are `<n>.out`.
 * @module
 */
import { OutputFormatError, outputsOrError } from "./outputs.ts";
import { ownText, quoteCut, quoteData } from "../model/data_text.ts";
import { specialFileKind } from "../path.ts";
import { nothingAt } from "./_path_probe.ts";
import { readAtMost, readAtMostSync, sizeText } from "../bounded_file.ts";

/**
 * The most a `$WEFT_OUTPUT` file may hold: 1 MiB. GitHub Actions limits a job's outputs
 * to 1 MB in all; outputs are values for expressions and environment variables, not a
 * channel for data (a task writes that to a file and passes its path). Checked before
 * the file is read, and no more than this is ever read, so a task writing gigabytes
 * costs weft no memory. Documented in README ("Passing values between tasks").
 */
export const OUTPUT_FILE_MAX_BYTES = 1024 * 1024;

/** A `$WEFT_OUTPUT` file over {@link OUTPUT_FILE_MAX_BYTES}: the attempt fails with `reason`. */
export class OutputTooLargeError extends Error {
  /** The task's reason, in weft's words: the size, the limit, what to do instead. */
  readonly reason: string;

  /**
   * @param size the file's size in bytes when seen
   * @param atLeast true when only the limit plus one byte was read (it grew after stat)
   */
  constructor(readonly size: number, atLeast = false) {
    const limit = sizeText(OUTPUT_FILE_MAX_BYTES);
    // Just over the limit rounds to the limit's own text, and a file that grew while
    // read has no size known: both say "more than" the limit, naming it once.
    const held = atLeast || sizeText(size) === limit
      ? `more than its limit of ${limit}`
      : `${sizeText(size)}, over its limit of ${limit}`;
    const reason = ownText(
      `$WEFT_OUTPUT holds ${held}; write large data to a file and pass its path as an output`,
    );
    super(reason);
    this.reason = reason;
    this.name = "OutputTooLargeError";
  }
}

/**
 * A `$WEFT_OUTPUT` path the task made into something other than a regular file (a
 * directory, a FIFO, a device, a dangling symbolic link), or that could not be read:
 * the attempt fails with `reason` rather than pass as having written no outputs.
 */
export class OutputUnreadableError extends Error {
  /** The task's reason, in weft's words; an OS message is quoted as data. */
  readonly reason: string;

  /** @param what what the path is now, or why it could not be read (already marked) */
  constructor(what: string) {
    const reason = ownText("$WEFT_OUTPUT ") + what +
      ownText("; a task appends its outputs to the file weft gives it");
    super(reason);
    this.reason = reason;
    this.name = "OutputUnreadableError";
  }
}

/** What an attempt wrote to its `$WEFT_OUTPUT` file (see {@link OutputFiles.read}). */
export type Written =
  | Record<string, string>
  | OutputFormatError
  | OutputTooLargeError
  | OutputUnreadableError
  | null;

/** Files up to this size are read synchronously (see {@link OutputFiles.read}). */
const SYNC_READ_MAX = 64 * 1024;

/** The `$WEFT_OUTPUT` files of one run. */
export class OutputFiles {
  readonly #done: string[] = [];
  #seq = 0;
  #tidying = false;

  /**
   * @param dir the run's work folder (exists, private)
   * @param keep a caller-chosen folder: create every file up front (0600) and keep it,
   *   rather than let it appear on the task's first write and remove it once read
   */
  constructor(readonly dir: string, readonly keep: boolean) {}

  /**
   * The path of one attempt's file, never handed out before. In the run's own folder
   * nothing is there yet (the task's first write creates the file); in a kept folder it is
   * a fresh, empty file (0600), and this throws what creating it threw (the folder is gone
   * or full).
   */
  take(taskId: string, attempt: number): string {
    if (!this.keep) return `${this.dir}/${++this.#seq}.out`;
    const path = `${this.dir}/${++this.#seq}-${taskId}-${attempt}.out`;
    // Synchronous: a tiny local file operation, cheaper than a trip through the async
    // file-system pool once per attempt.
    Deno.writeTextFileSync(path, "", { mode: 0o600 });
    return path;
  }

  /**
   * The outputs the attempt wrote to `path` (from {@link take}), or null when it wrote
   * none (nothing is at the path, or an empty file), or the error naming the line that is
   * not the format, saying the file is over {@link OUTPUT_FILE_MAX_BYTES}, or saying the
   * path is not a regular file or could not be read (the attempt fails with it). Only a
   * path where nothing is means "no outputs". The path is stat'ed before it is opened,
   * so a FIFO or a device put in its place is never opened (opening a FIFO would wait
   * for a writer); a symbolic link to a regular file is read as that file.
   * A file with nothing in it is not opened. At most the limit (plus one byte) is read,
   * even if the file grows after it was measured (a process that left the task's group
   * may still write). Unless kept, a file that was there is removed in a later turn.
   * Never rejects.
   */
  read(path: string): Written | Promise<Written> {
    if (nothingAt(path)) return null; // the usual case, told without an exception
    const info = regularFile(path);
    if (info === null) return null; // nothing there: nothing to remove either
    if (info instanceof OutputUnreadableError) return info;
    const size = info.size;
    if (size === 0 || size > OUTPUT_FILE_MAX_BYTES) {
      this.#drop(path);
      return size === 0 ? null : new OutputTooLargeError(size);
    }
    if (size <= SYNC_READ_MAX) {
      // Synchronous: the attempt holds its slot until its outputs are read (leaf.ts), and
      // a trip through the async file-system pool would lengthen that.
      let written: Written;
      try {
        written = parsed(readWhole(path, size));
      } catch (error) {
        written = readFailure(error);
      }
      this.#drop(path);
      return written;
    }
    return readWholeAsync(path, size).then(parsed, readFailure).finally(() => this.#drop(path));
  }

  /**
   * Removes the files read and not yet removed, now: call before the folder is removed,
   * so that it finds only what late writers made.
   */
  close(): void {
    this.#tidy();
  }

  #drop(path: string): void {
    if (this.keep) return;
    this.#done.push(path);
    if (this.#tidying) return;
    this.#tidying = true;
    setImmediate(() => this.#tidy());
  }

  /** Removes the files read. */
  #tidy(): void {
    this.#tidying = false;
    for (const path of this.#done.splice(0)) {
      try {
        Deno.removeSync(path);
      } catch {
        // already gone (the task removed it, or the run's folder went with the run)
      }
    }
  }
}

/**
 * The stat of `path` when it is a regular file (or a symbolic link to one); null when
 * nothing is there (never written, or removed by the task: no outputs); otherwise the
 * error saying what it is.
 * lstat first, so that a dangling link is told from a removed file.
 */
function regularFile(path: string): Deno.FileInfo | OutputUnreadableError | null {
  let info: Deno.FileInfo;
  let link = false;
  try {
    info = Deno.lstatSync(path);
    link = info.isSymlink;
    if (link) info = Deno.statSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) return readFailure(error);
    // Gone, unless lstat found a link whose target is missing.
    return link
      ? new OutputUnreadableError(ownText("is a symbolic link to a file that does not exist"))
      : null;
  }
  if (info.isFile) return info;
  const kind = info.isDirectory ? "a directory" : specialFileKind(info);
  return new OutputUnreadableError(ownText(`is now ${kind}, not a regular file`));
}

/** A read that threw: null when the file went meanwhile, else the error quoting the OS. */
function readFailure(error: unknown): OutputUnreadableError | null {
  if (error instanceof Deno.errors.NotFound) return null; // removed since it was measured
  const message = error instanceof Error ? error.message : String(error);
  return new OutputUnreadableError(ownText("could not be read: ") + quoteData(message));
}

/** The bytes read (at most one past the limit) as outputs, or the size error. */
function parsed(bytes: Uint8Array): Written {
  if (bytes.length > OUTPUT_FILE_MAX_BYTES) {
    return new OutputTooLargeError(OUTPUT_FILE_MAX_BYTES, true);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return notUtf8(bytes);
  }
  return outputsOrError(text);
}

/**
 * The error for a `$WEFT_OUTPUT` file that is not UTF-8, naming its first such line:
 * outputs are text, and reading the bytes as UTF-8 would hand the next task another
 * value (each bad byte becomes U+FFFD: a Latin-1 `café` file name could no longer be
 * opened), silently. A line break never falls inside a UTF-8 sequence, so lines can be
 * decoded one by one.
 */
function notUtf8(bytes: Uint8Array): OutputFormatError {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let start = 0;
  for (let line = 1;; line++) {
    const end = bytes.indexOf(0x0a, start);
    const piece = bytes.subarray(start, end === -1 ? bytes.length : end);
    try {
      decoder.decode(piece);
    } catch {
      const text = new TextDecoder().decode(piece);
      const eq = text.indexOf("=");
      const key = eq > 0 && !text.slice(0, eq).includes("\uFFFD") ? text.slice(0, eq).trim() : "";
      return new OutputFormatError(
        line,
        ownText(`$WEFT_OUTPUT line ${line}: `) +
          (key
            ? ownText("the value of ") + quoteCut(key, 80, { ellipsis: true, json: true }) +
              ownText(" is")
            : ownText("it is")) +
          ownText(
            " not UTF-8 text; outputs are text: convert it (iconv -f LATIN1 -t UTF-8) " +
              "or encode it (base64)",
          ),
      );
    }
    if (end === -1) break;
    start = end + 1;
  }
  // Not reached: the whole failed to decode, so one line does.
  return new OutputFormatError(1, ownText("$WEFT_OUTPUT is not UTF-8 text"));
}

/** Up to OUTPUT_FILE_MAX_BYTES and a little more of `path`, whose stat gave `size`. */
function readWhole(path: string, size: number): Uint8Array {
  using file = Deno.openSync(path);
  return readAtMostSync(file, OUTPUT_FILE_MAX_BYTES, size);
}

/** {@link readWhole}, through the async file-system pool (for the larger files). */
async function readWholeAsync(path: string, size: number): Promise<Uint8Array> {
  using file = await Deno.open(path);
  return await readAtMost(file, OUTPUT_FILE_MAX_BYTES, size);
}
