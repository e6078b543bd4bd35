/**
 * The one interface every task type implements, and the process spawner the engine
 * passes in (so tests and benchmarks can swap it).
 * @module
 */
import type { Above, Place } from "../expr/mod.ts";

/** Output stream of a task (engine/events.ts passes it on to subscribers). */
export type OutputStream = "stdout" | "stderr";

/** What to start. */
export interface SpawnOptions {
  cmd: string;
  args: string[];
  cwd: string;
  /** The complete environment of the child (nothing is inherited implicitly). */
  env: Record<string, string>;
  /** Aborting ends the child's whole process group: SIGTERM, then SIGKILL after `killGraceMs`. */
  signal?: AbortSignal;
  killGraceMs?: number;
  /** Aborting SIGKILLs the child's whole process group at once (a second Ctrl-C). */
  killSignal?: AbortSignal;
  /** Data written to the child's stdin, which is then closed; stdin is null when absent. */
  stdin?: string;
}

/** A running child, in its own process group. */
export interface SpawnedProcess {
  readonly pid: number;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  /**
   * Optional fast path instead of `stdout`/`stderr` (use one or the other per stream):
   * calls `onChunk` with each piece read, a view valid during the call only; a returned
   * promise pauses reading until it settles. Resolves at the end of the stream or once
   * `signal` aborts. See spawn_ffi.ts, and readByteLines in byte_lines.ts.
   */
  readonly readOutput?: (
    stream: "stdout" | "stderr",
    onChunk: (chunk: Uint8Array) => Promise<unknown> | undefined,
    signal?: AbortSignal,
  ) => Promise<void>;
  /** Resolves when the child and the rest of its group are gone. */
  readonly status: Promise<{ code: number | null; signal: string | null }>;
}

/** Starts processes. The engine receives one; nothing else spawns. */
export interface ProcessSpawner {
  /**
   * Starts a child. May return a promise (the FFI spawner's exec happens off the event
   * loop); a child that cannot start is an exception thrown or a rejection.
   */
  spawn(options: SpawnOptions): SpawnedProcess | Promise<SpawnedProcess>;
}

/** What a runner gets for one attempt of one task. */
export interface TaskContext {
  runId: string;
  taskId: string;
  attempt: number;
  /** Absolute working directory (task `cwd` resolved against the workflow folder). */
  cwd: string;
  /** Merged environment: process < workflow < task, plus WEFT_* variables. */
  env: Record<string, string>;
  /** Aborted on timeout or cancellation; the runner must stop promptly and end its processes. */
  signal: AbortSignal;
  killGraceMs: number;
  /** Path of the file the task may append `KEY=VALUE` lines to (also `$WEFT_OUTPUT`). */
  outputFile: string;
  /**
   * Publish one line of output (no trailing newline), or one piece of a long line (see
   * `ByteLineHandler` in byte_lines.ts for `continues`, `continuation`, `early` and
   * `unended`: the process's output ended in this line, without a newline). Bytes may be
   * a view of a buffer the runner reuses once `emit` returns. A returned promise asks
   * the runner to read no more output until it settles (the log is behind); any other
   * result means nothing.
   */
  emit(
    stream: OutputStream,
    /** Text, or the raw bytes a process printed (stored as they are; decoded to show). */
    line: string | Uint8Array,
    continues?: boolean,
    continuation?: boolean,
    early?: boolean,
    unended?: boolean,
  ): unknown;
  /**
   * Like `emit`, for a text line made of weft's own words (ownText, or text outside
   * quoteData marks: model/data_text.ts) and quoted data: only the data is secret-masked,
   * never the ids or names around it. The engine always sets it; a context without it
   * (a test's) is given the line through `emit`, with its marks removed. `unended` as
   * for `emit`: a line passed on from elsewhere (a child run's) keeps that its process
   * printed no newline after it.
   */
  emitMarked?(
    stream: OutputStream,
    line: string,
    continues?: boolean,
    continuation?: boolean,
    early?: boolean,
    unended?: boolean,
  ): unknown;
  /**
   * `text` as an output line shows it: with the run's secrets masked, as `emit` masks a
   * line. For laying out weft's own text under data (a caret under a place of a line it
   * emits): the layout must follow the line as shown, whose length masking changes.
   * Absent (a test's context): the text as it is.
   */
  shown?(text: string): string;
  /**
   * Interpolate `${...}` into plain text (URLs, headers, bodies). `above`: for a value of
   * an environment-like block (docker's `config.env`), the names set above it in the
   * block, which its `${env.NAME}` reads first (expr/env_block.ts renderBlock).
   */
  interpolate(text: string, above?: Above): string;
  /**
   * Interpolate `${...}` into a URL: each value percent-encoded for the part it lands
   * in, `${raw(...)}` as written (see expr/url.ts). Throws for a value that cannot be
   * placed safely (a `/` in the host, a non-digit port).
   */
  interpolateUrl(url: string): string;
  /**
   * Interpolate `${...}` into a file path, or a glob when `glob`: each value stays one
   * name inside it, `${raw(...)}` and a value starting the path as written (see
   * expr/path.ts). Throws for a value that would add folders, climb out with `..`, or
   * (in a glob) add a pattern.
   */
  interpolatePath(path: string, glob: boolean): string;
  /**
   * Interpolate `${...}` into a JSON text: a value inside a string escaped as its
   * content, one elsewhere a number, true, false or null (see expr/json_text.ts). Throws
   * for a value that would add JSON syntax.
   */
  interpolateJson(text: string): string;
  /**
   * Interpolate `${...}` into a form body (application/x-www-form-urlencoded): each value
   * percent-encoded as a URL query value, so it cannot add a field (see expr/form_text.ts).
   */
  interpolateForm(text: string): string;
  /**
   * Interpolate `${...}`, each value's text given to `place` with the offset of its `${`
   * and whether it is written `raw(...)`, and what `place` returns inserted: for a field
   * whose values a runner checks itself (a Cookie header's). `place` may throw.
   */
  interpolatePlaced(text: string, place: Place): string;
  /**
   * Interpolate `${...}` into a shell command so that no value can be read as shell
   * syntax: each value is passed through an extra environment variable.
   */
  interpolateShell(command: string): { command: string; env: Record<string, string> };
  /**
   * Tells the engine of a text weft built from its own words and values, marked with
   * ownText/quoteData (model/data_text.ts): a path of the workflow's folder, what the file
   * writes and the `${...}` values in it (tasks/path_field.ts). Where a message quotes
   * it, or an output holds it whole, only the values' part is secret-masked. Absent: such
   * a text is masked whole (the safe default).
   */
  builtText?(marked: string): void;
  spawner: ProcessSpawner;
  /**
   * Absolute folder of the workflow file: where `script:` and data paths are resolved
   * (the engine always sets it; a context without it resolves against `cwd`).
   */
  readonly workflowDir?: string;
  /** The run's parameters (declared defaults, then `-p` values); the engine always sets it. */
  readonly params?: Readonly<Record<string, string>>;
  /**
   * Runs another workflow file as a child run linked to this task (sub-workflows). The
   * engine injects it (tasks must not import the engine); absent where the caller gave
   * none. Aborting `ctx.signal` cancels the child run; resolves once it has ended.
   */
  runChild?(request: ChildRunRequest): Promise<ChildRunResult>;
}

/** What `TaskContext.runChild` runs. */
export interface ChildRunRequest {
  /** The workflow file: relative to the calling workflow file's folder, or absolute. */
  file: string;
  /** Values for the child's declared params (already interpolated). */
  params: Record<string, string>;
  /** Called with the child run's id once it is known (before any child task starts). */
  onStart?(runId: string): void;
  /**
   * Each output line (or piece of a long line, as for `TaskContext.emit`, flags and
   * all: `unended` too, so the caller's log keeps a child's last line without its
   * newline) of the child's tasks, with the child task's id.
   */
  onOutput?(
    taskId: string,
    stream: OutputStream,
    line: string,
    continues: boolean,
    continuation: boolean,
    early?: boolean,
    unended?: boolean,
  ): void;
}

/** How a child run ended. */
export interface ChildRunResult {
  runId: string;
  workflow: string;
  /** The child run's status (`success`, `failed`, `cancelled`, ...). */
  status: string;
  /** The child's tasks in the order they finished (unfinished ones last). */
  tasks: Array<
    { id: string; status: string; error: string | null; outputs: Record<string, string> }
  >;
  /** Why weft stopped the child run itself, if it did. */
  error?: string;
}

/** The outcome of one attempt. */
export interface TaskResult {
  /**
   * Process exit code; a runner that starts no process (http, database) gives 0 when it
   * succeeds and null when it fails: no process exited, so none is shown (verifier N7).
   */
  exitCode: number | null;
  ok: boolean;
  /** Outputs the runner itself sets (e.g. HTTP status); merged with $WEFT_OUTPUT lines. */
  outputs: Record<string, string>;
  /**
   * Values among `outputs` that weft itself made (a container's name, built from the run
   * id and task id): identifiers, kept as they are where the outputs are secret-masked.
   */
  identifiers?: string[];
  /**
   * Outputs that hold only part of their value (a database's `rows` past its caps), by
   * name: why, in weft's words. Reading one as data fails the reading task with that
   * (engine/expressions.ts) rather than pass the part on as if it were all.
   */
  cut?: Record<string, string>;
  /** Why it failed, for people. */
  error?: string;
}

/** One task type. `src/tasks/mod.ts` is the only place that lists them. */
export interface TaskRunner<T = unknown> {
  readonly type: string;
  /**
   * False when the runner never reads or lets anything write `$WEFT_OUTPUT`; the engine
   * then skips creating and reading the file (default true).
   */
  readonly usesOutputFile?: boolean;
  /**
   * The limit of one attempt, in ms, for a task of this type that sets no `timeout` (nor
   * does `defaults.timeout`): none when left out.
   */
  readonly defaultTimeoutMs?: number;
  /**
   * Secret values inside the task's own configuration (a database connection's
   * password, a container's `env` entry named like a secret), given a function that
   * interpolates its `${...}` and the run's rule for secret names (`Secrets.isSecretName`:
   * the one a task's `environment` follows). The engine adds them to the run's secrets
   * at the start where the values are known then, and before each attempt, so they are
   * masked in everything weft prints or stores. May throw (a value not yet known); the
   * engine then ignores it. `interpolateUrl` builds a URL field as the run does
   * (`TaskContext.interpolateUrl`, each value encoded for its part), so the password
   * of a URL's user info is found where the run puts it; without it, `interpolate`.
   */
  secretsIn?(
    task: T,
    interpolate: (text: string, above?: Above) => string,
    isSecretName?: (name: string) => boolean,
    interpolateUrl?: (text: string) => string,
  ): string[];
  /**
   * Loads what the runner needs before its first task can start (its module, see
   * src/tasks/mod.ts): a promise while that goes on, nothing once it is ready. The
   * engine calls it at a run's start for each type the run uses, and begins the run
   * when it settles, so loading overlaps the writing of the run record.
   */
  prepare?(): Promise<unknown> | undefined;
  run(task: T, ctx: TaskContext): Promise<TaskResult>;
}
