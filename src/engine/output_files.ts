/**
 * The per-attempt `$WEFT_OUTPUT` files of one run, in its private work folder
 * (work_dir.ts): each attempt gets a fresh empty file (0600) of its own, read when the
 * attempt ends. Files are never handed to a second attempt, even when left empty: a
 * process that left the task's group (setsid) may still write to its path later, and
 * must not write into another attempt's outputs.
 *
 * Creating and removing a file cost ~25 µs of the event loop's time per attempt, paid
 * between one task's exit and the next one's start in a chain of short tasks. So, when
 * the files are the run's own (removed with the folder at the end), both happen off that
 * path: files are created ahead of need and removed once read, in a later turn of the
 * event loop (setImmediate: after the next task of a chain has started, while its
 * process runs). An attempt that finds none ready creates its own at once. Files that
 * were never handed out go with the folder.
 *
 * A caller-chosen folder (`workDir` of startRun) keeps every file, named
 * `<n>-<task>-<attempt>.out` so that they can be told apart; the run's own are `<n>.out`.
 * @module
 */
import { type OutputFormatError, outputsOrError } from "./outputs.ts";

/** What an attempt wrote to its `$WEFT_OUTPUT` file (see {@link OutputFiles.read}). */
export type Written = Record<string, string> | OutputFormatError | null;

/** Files up to this size are read synchronously (see {@link OutputFiles.read}). */
const SYNC_READ_MAX = 64 * 1024;

/** Most files created ahead in one turn: about the attempts one turn starts. */
const MAX_AHEAD = 32;

/** The `$WEFT_OUTPUT` files of one run. */
export class OutputFiles {
  readonly #ready: string[] = [];
  readonly #done: string[] = [];
  /** Files handed out since the last tidy: how many to have ready for the next turn. */
  #taken = 0;
  #seq = 0;
  #tidying = false;
  #closed = false;

  /**
   * @param dir the run's work folder (exists, private)
   * @param keep keep every file (a caller-chosen folder) rather than remove it once read
   */
  constructor(readonly dir: string, readonly keep: boolean) {}

  /**
   * A path to a fresh, empty file (0600) for one attempt. Throws what creating it threw
   * (the folder is gone or full).
   */
  take(taskId: string, attempt: number): string {
    if (this.keep) return this.#create(`${++this.#seq}-${taskId}-${attempt}`);
    const path = this.#ready.pop() ?? this.#create(String(++this.#seq));
    this.#taken++;
    this.#later();
    return path;
  }

  /**
   * The outputs the attempt wrote to `path` (from {@link take}), or null when it wrote
   * none or removed the file, or the error naming the line that is not the format (the
   * attempt fails with it). A file with nothing in it is not opened: most tasks write no
   * outputs. Unless kept, the file is removed in a later turn. Never rejects.
   */
  read(path: string): Written | Promise<Written> {
    let size: number;
    try {
      size = Deno.statSync(path).size;
    } catch {
      return null; // the task removed it
    }
    if (size === 0) {
      this.#drop(path);
      return null;
    }
    if (size <= SYNC_READ_MAX) {
      // Synchronous, as #create: the attempt holds its slot until its outputs are read
      // (leaf.ts), and a trip through the async file-system pool would lengthen that.
      let text: string | null;
      try {
        text = Deno.readTextFileSync(path);
      } catch {
        text = null; // removed since
      }
      this.#drop(path);
      return text === null ? null : outputsOrError(text);
    }
    return Deno.readTextFile(path).then(outputsOrError, () => null).finally(() => this.#drop(path));
  }

  /**
   * Creates no more files ahead: call before the folder is removed (a file created while
   * it is being removed would make the removal fail).
   */
  close(): void {
    this.#closed = true;
  }

  #drop(path: string): void {
    if (this.keep) return;
    this.#done.push(path);
    this.#later();
  }

  #create(name: string): string {
    const path = `${this.dir}/${name}.out`;
    // Synchronous: a tiny local file operation, cheaper than a trip through the async
    // file-system pool once per attempt.
    Deno.writeTextFileSync(path, "", { mode: 0o600 });
    return path;
  }

  #later(): void {
    if (this.#tidying) return;
    this.#tidying = true;
    setImmediate(() => this.#tidy());
  }

  /** Removes the files read; creates as many as the last turn took. */
  #tidy(): void {
    this.#tidying = false;
    for (const path of this.#done.splice(0)) {
      try {
        Deno.removeSync(path);
      } catch {
        // already gone (the task removed it, or the run's folder went with the run)
      }
    }
    const want = this.#closed ? 0 : Math.min(this.#taken, MAX_AHEAD);
    this.#taken = 0;
    try {
      while (this.#ready.length < want) this.#ready.push(this.#create(String(++this.#seq)));
    } catch {
      // The folder is gone (the run ended) or full: an attempt creates its own, and says why.
    }
  }
}
