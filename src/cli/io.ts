/**
 * The outside world as the CLI sees it: passed in, so tests run the CLI in-process
 * with captured streams and no globals.
 * @module
 */
import { terminalSafe } from "../safe_text.ts";
import { unreadableEnvNames } from "./env_bytes.ts";

/** Somewhere bytes can be written; resolves when they are. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<unknown>;
  /**
   * Whether nobody reads what is written any more (a closed pipe): a write found so, or
   * the process's stream says so without a write (cli/reader_gone.ts). Absent: unknown.
   * A verb that only follows output (`weft logs --follow`) stops then.
   */
  gone?(): Promise<boolean>;
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
  /**
   * Variables of the process's environment that are not valid UTF-8, left out of `env`
   * (cli/env_bytes.ts): said in a warning, refused for WEFT_HOME (cli/home.ts).
   */
  readonly unreadableEnv?: readonly string[];
  /**
   * Whether stdout and stderr reach one place (a terminal, `2>&1`): a line left open
   * on one is then open on the other too, and text printed on either continues it.
   * Absent: not known to (separate sinks, as tests capture them).
   */
  readonly outputsShared?: boolean;
}

const encoder = new TextEncoder();

/**
 * Writes text for people to stdout (tables, reports). It passes through
 * {@link humanText}: a workflow name, task id, key or path that holds control characters
 * is shown escaped, never acted on by the terminal. Machine output goes through
 * {@link outJson} or {@link outData} instead.
 */
export async function out(io: CliIO, text: string): Promise<void> {
  await io.stdout.write(encoder.encode(humanText(text, useColor(io))));
}

/**
 * Writes text for people to stderr (messages, hints, progress lines, the plan),
 * through {@link humanText} like {@link out}.
 */
export async function err(io: CliIO, text: string): Promise<void> {
  await io.stderr.write(encoder.encode(humanText(text, useColor(io))));
}

/**
 * Writes `value` as indented JSON and a newline to stdout (`--json`). Not passed
 * through {@link humanText}: JSON escapes C0 controls itself (RFC 8259 §7), and a
 * program reading it needs the values as they are.
 */
export async function outJson(io: CliIO, value: unknown): Promise<void> {
  await io.stdout.write(encoder.encode(JSON.stringify(value, null, 2) + "\n"));
}

/** Writes machine output (`--quiet` ids) to stdout as it is. */
export async function outData(io: CliIO, text: string): Promise<void> {
  await io.stdout.write(encoder.encode(text));
}

/**
 * Writes to stderr as it is, for the live board only: it moves the cursor itself and
 * makes the text it draws safe with `terminalSafe` (src/safe_text.ts).
 */
export async function errRaw(io: CliIO, text: string): Promise<void> {
  await io.stderr.write(encoder.encode(text));
}

/**
 * A colour sequence (SGR, ECMA-48 §8.3.117), weft's own colours; global for removal.
 */
// deno-lint-ignore no-control-regex
const SGR_ALL = /\x1b\[[0-9;]*m/g;
/** A character that acts on a terminal: the set `terminalSafe` escapes, but TAB. */
const CONTROL =
  // deno-lint-ignore no-control-regex
  /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * `text` made safe for a terminal line by line: line breaks are kept, and a line that
 * holds a control character goes through `terminalSafe` (ESC, BEL, CR, OSC, CSI, C1 and
 * bidi controls shown escaped). Colour sequences: weft writes its own only when `color`
 * is on, so then a line whose only controls are colours is kept byte for byte, with a
 * reset added when its last colour is left open (`\e[1;31m` in a task id from the file
 * would colour everything after it); when `color` is off every colour in the text came
 * from data (a workflow file, a process) and is shown escaped (`\e[31m`), like any other
 * control. Lines without control characters are returned byte for byte.
 */
export function humanText(text: string, color: boolean): string {
  if (!CONTROL.test(text.replaceAll("\n", ""))) return text;
  return text.split("\n").map((line) => {
    if (!CONTROL.test(line)) return line;
    if (color && !CONTROL.test(line.replace(SGR_ALL, ""))) return closeColour(line);
    // terminalSafe drops colours when told to; shown escaped here instead: `\e[31m`.
    return terminalSafe(color ? line : line.replace(SGR_ALL, (sgr) => "\\e" + sgr.slice(1)), color);
  }).join("\n");
}

/** `line` ending in a reset when its last colour sequence is not one (`\e[0m`, `\e[m`). */
function closeColour(line: string): string {
  const last = line.match(SGR_ALL)?.at(-1);
  return last === undefined || /^.\[0*m$/.test(last) ? line : line + "\x1b[0m";
}

/** Whether colour may be used on stderr (TTY and no NO_COLOR). */
export function useColor(io: CliIO): boolean {
  return io.stderrIsTTY && !colorRefused(io.env);
}

/**
 * Whether the environment turns colour off: NO_COLOR set to a text that is not empty
 * (no-color.org: "present and not an empty string"; an `env` file that blanks it leaves
 * colour on), or TERM=dumb.
 */
export function colorRefused(env: Record<string, string | undefined>): boolean {
  return (env.NO_COLOR ?? "") !== "" || env.TERM === "dumb";
}

/**
 * A write to weft's own standard output or error that failed (a full file system it is
 * redirected to, `> /dev/full`, an I/O error): a fault of where the output goes, not of
 * WEFT_HOME or a log file, which main.ts says in those words.
 */
export class OutputStreamError extends Error {
  constructor(readonly stream: "standard output" | "standard error", override cause: unknown) {
    super(`cannot write to ${stream}: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** The real process's streams. */
export function processIO(): CliIO {
  let unreadableEnv: readonly string[] | undefined;
  let shared: boolean | undefined;
  return {
    stdout: fileSink(Deno.stdout, 1, "standard output"),
    stderr: fileSink(Deno.stderr, 2, "standard error"),
    env: Deno.env.toObject(),
    // On first use: only the verbs that find the history folder or run tasks ask.
    get unreadableEnv() {
      return unreadableEnv ??= unreadableEnvNames();
    },
    // On first use: only `weft logs` asks.
    get outputsShared() {
      return shared ??= sameOutput();
    },
    cwd: Deno.cwd(),
    stderrIsTTY: Deno.stderr.isTerminal(),
    // On first use: making the stream starts Deno's streams (~2 ms), which few verbs need.
    get stdin() {
      return Deno.stdin.readable;
    },
  };
}

/**
 * Whether descriptors 1 and 2 are one file, pipe or terminal (the same device and inode:
 * `2>&1`, a shell's terminal). Where that cannot be asked (no /dev/fd), whether both are
 * terminals: then they are almost always the user's one screen.
 */
function sameOutput(): boolean {
  try {
    const [out, err] = [Deno.statSync("/dev/fd/1"), Deno.statSync("/dev/fd/2")];
    return out.ino !== null && out.dev === err.dev && out.ino === err.ino;
  } catch {
    return Deno.stdout.isTerminal() && Deno.stderr.isTerminal();
  }
}

/**
 * A sink over a process stream. When the reader goes away (`weft logs ID | head`), later
 * writes are dropped instead of failing: the verb still finishes and returns its own exit
 * code, as the outcome of a run matters more than the text nobody reads; one that only
 * follows output asks {@link ByteSink.gone} and stops (`fd`: the stream's descriptor).
 * Any other failure is an {@link OutputStreamError} naming the stream.
 */
function fileSink(
  file: { write(p: Uint8Array): Promise<number> },
  fd: number,
  stream: OutputStreamError["stream"],
): ByteSink {
  let closed = false;
  return {
    async gone() {
      if (!closed) closed = (await import("./reader_gone.ts")).readerGone(fd);
      return closed;
    },
    async write(chunk: Uint8Array) {
      let written = 0;
      while (!closed && written < chunk.length) {
        try {
          written += await file.write(chunk.subarray(written));
        } catch (error) {
          if (!(error instanceof Deno.errors.BrokenPipe)) {
            throw new OutputStreamError(stream, error);
          }
          closed = true;
        }
      }
    },
  };
}
