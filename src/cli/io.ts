/**
 * The outside world as the CLI sees it: passed in, so tests run the CLI in-process
 * with captured streams and no globals.
 * @module
 */

/** Somewhere bytes can be written; resolves when they are. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<unknown>;
}

/** Streams, environment and working directory for one CLI invocation. */
export interface CliIO {
  /** Machine-readable output only (`--json`, ids). */
  stdout: ByteSink;
  /** Everything for people: progress, errors, hints. */
  stderr: ByteSink;
  env: Record<string, string>;
  cwd: string;
  /** Whether stderr is a terminal (live board, colour). */
  stderrIsTTY: boolean;
  stdin: ReadableStream<Uint8Array>;
}

const encoder = new TextEncoder();

/** Writes text to stdout. */
export async function out(io: CliIO, text: string): Promise<void> {
  await io.stdout.write(encoder.encode(text));
}

/** Writes text to stderr. */
export async function err(io: CliIO, text: string): Promise<void> {
  await io.stderr.write(encoder.encode(text));
}

/** Whether colour may be used on stderr (TTY and no NO_COLOR). */
export function useColor(io: CliIO): boolean {
  return io.stderrIsTTY && !("NO_COLOR" in io.env) && io.env.TERM !== "dumb";
}

/** The real process's streams. */
export function processIO(): CliIO {
  return {
    stdout: fileSink(Deno.stdout),
    stderr: fileSink(Deno.stderr),
    env: Deno.env.toObject(),
    cwd: Deno.cwd(),
    stderrIsTTY: Deno.stderr.isTerminal(),
    stdin: Deno.stdin.readable,
  };
}

/**
 * A sink over a process stream. When the reader goes away (`weft logs ID | head`), later
 * writes are dropped instead of failing: the verb still finishes and returns its own exit
 * code, as the outcome of a run matters more than the text nobody reads.
 */
function fileSink(file: { write(p: Uint8Array): Promise<number> }): ByteSink {
  let closed = false;
  return {
    async write(chunk: Uint8Array) {
      let written = 0;
      while (!closed && written < chunk.length) {
        try {
          written += await file.write(chunk.subarray(written));
        } catch (error) {
          if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
          closed = true;
        }
      }
    },
  };
}
