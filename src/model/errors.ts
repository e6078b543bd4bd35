/**
 * User-facing errors. Anything meant for a person (bad input, bad usage) is a
 * {@link WeftError}; the CLI prints it without a stack trace and exits with its code.
 * @module
 */

/** Documented process exit codes. */
export const ExitCode = {
  /** Everything succeeded. */
  Ok: 0,
  /** The workflow ran and failed. */
  Failed: 1,
  /** Invalid input or usage: nothing ran. */
  Invalid: 2,
  /** Interrupted by SIGINT/SIGTERM. */
  Interrupted: 130,
} as const;

/** A position in a source file, 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** One problem found in user input, with where it is and what to do about it. */
export interface Problem extends SourceLocation {
  message: string;
  hint?: string;
}

/**
 * An error meant for a user: one or more problems, each with a location and a hint.
 * The CLI renders it as `file:line:col: message` lines and exits with `exitCode`.
 */
export class WeftError extends Error {
  /** Every problem, sorted by position. */
  readonly problems: Problem[];
  /** Process exit code the CLI should use. */
  readonly exitCode: number;

  constructor(
    problems: Problem[] | string,
    options: { hint?: string; exitCode?: number; cause?: unknown } = {},
  ) {
    const list = typeof problems === "string"
      ? [{ file: "", message: problems, hint: options.hint }]
      : problems;
    super(list.map(formatProblem).join("\n"), { cause: options.cause });
    this.name = "WeftError";
    this.problems = list;
    this.exitCode = options.exitCode ?? ExitCode.Invalid;
  }
}

/** Renders a problem as `file:line:col: message (hint: ...)`. */
export function formatProblem(p: Problem): string {
  let where = p.file;
  if (where && p.line !== undefined) {
    where += `:${p.line}`;
    if (p.column !== undefined) where += `:${p.column}`;
  }
  const head = where ? `${where}: ${p.message}` : p.message;
  return p.hint ? `${head}\n  hint: ${p.hint}` : head;
}
