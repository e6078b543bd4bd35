/**
 * Where a task attempt's log file is and what its lines look like: file names made safe
 * from run and task ids, and the record format (`O `/`E ` lines, `o `/`e ` continuations,
 * {@link CUT_MARK} markers) that log_files.ts writes and readers parse. The format is
 * described in log_files.ts's module doc.
 * @module
 */
import { sha256 } from "./sha256.ts";
import type { OutputStream } from "../engine/events.ts";

/** Names used as they are: short, and only characters that mean nothing to a file system. */
const PLAIN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

/**
 * A file name (no `/`, never `.` or `..`, at most ~70 bytes) for a task id or run id.
 * Plain names (up to 100 of `A-Za-z0-9_.-`, not starting with `.`) are kept as they
 * are; anything else — long ids, `/`, `..`, spaces, unicode — becomes a readable part
 * (its safe characters, cut to 48) plus `~` and 16 hex digits of its SHA-256. `~` never
 * occurs in a plain name, so two ids never share a file.
 */
export function safeFileName(id: string): string {
  if (PLAIN_NAME.test(id)) return id;
  const readable = id.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 48);
  const hash = sha256().update(id, "utf16le").digest("hex").slice(0, 16);
  return `${readable}~${hash}`;
}

/**
 * The log file of one attempt, relative to the logs folder:
 * `<run>/<task>.<attempt>.log` with both names made safe by {@link safeFileName}.
 * Attempt records keep this path, so `weft logs RUN TASK` finds the file by the id.
 */
export function logFilePath(runId: string, taskId: string, attempt: number): string {
  return `${safeFileName(runId)}/${safeFileName(taskId)}.${attempt}.log`;
}

/** The folder of a run's log files, relative to the logs folder. */
export function logDirName(runId: string): string {
  return safeFileName(runId);
}

/** Deletes the folder of run `runId`'s log files under `logsDir`, if there is one. */
export async function removeRunLogDir(logsDir: string, runId: string): Promise<void> {
  await Deno.remove(`${logsDir}/${logDirName(runId)}`, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
}

/** The marker record written after a cut record of each stream (see the module doc). */
export const CUT_MARK: Readonly<Record<OutputStream, string>> = { stdout: "~O", stderr: "~E" };

/** One line as stored: `O text` or `E text`. */
export function formatLogLine(stream: OutputStream, line: string): string {
  // A line never contains a newline; if one does, each part becomes its own line.
  const tag = stream === "stderr" ? "E " : "O ";
  return line.split("\n").map((part) => tag + part + "\n").join("");
}

/** A stored line read back. */
export interface LogLine {
  stream: OutputStream;
  text: string;
  /** A continuation record (`o `, `e `): the rest of the stream's previous line. */
  continuation?: true;
}

/**
 * Parses one stored line (without its `\n`). Unknown prefixes are read as stdout. A cut
 * marker ({@link CUT_MARK}) reads as an empty continuation: it adds nothing to a line.
 */
export function parseLogLine(line: string): LogLine {
  if (line === CUT_MARK.stdout) return { stream: "stdout", text: "", continuation: true };
  if (line === CUT_MARK.stderr) return { stream: "stderr", text: "", continuation: true };
  if (line.startsWith("E ")) return { stream: "stderr", text: line.slice(2) };
  if (line.startsWith("O ")) return { stream: "stdout", text: line.slice(2) };
  if (line.startsWith("o ")) return { stream: "stdout", text: line.slice(2), continuation: true };
  if (line.startsWith("e ")) return { stream: "stderr", text: line.slice(2), continuation: true };
  return { stream: "stdout", text: line };
}
