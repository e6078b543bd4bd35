/**
 * The one interface every task type implements, and the process spawner the engine
 * passes in (so tests and benchmarks can swap it).
 * @module
 */
import type { OutputStream } from "../engine/events.ts";

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
   * `LineHandler` in lines.ts for `continues` and `continuation`). A returned promise
   * asks the runner to read no more output until it settles (the log is behind); any
   * other result means nothing.
   */
  emit(
    stream: OutputStream,
    /** Text, or the raw bytes a process printed (stored as they are; decoded to show). */
    line: string | Uint8Array,
    continues?: boolean,
    continuation?: boolean,
  ): unknown;
  /** Interpolate `${...}` into plain text (URLs, headers, bodies). */
  interpolate(text: string): string;
  /**
   * Interpolate `${...}` into a URL: each value percent-encoded for the part it lands
   * in, `${raw(...)}` as written (see expr/url.ts). Throws for a value that cannot be
   * placed safely (a `/` in the host, a non-digit port).
   */
  interpolateUrl(url: string): string;
  /**
   * Interpolate `${...}` into a shell command so that no value can be read as shell
   * syntax: each value is passed through an extra environment variable.
   */
  interpolateShell(command: string): { command: string; env: Record<string, string> };
  spawner: ProcessSpawner;
}

/** The outcome of one attempt. */
export interface TaskResult {
  /** Process exit code, or the runner's own equivalent (HTTP: 0 ok, 1 failed). */
  exitCode: number | null;
  ok: boolean;
  /** Outputs the runner itself sets (e.g. HTTP status); merged with $WEFT_OUTPUT lines. */
  outputs: Record<string, string>;
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
  run(task: T, ctx: TaskContext): Promise<TaskResult>;
}
