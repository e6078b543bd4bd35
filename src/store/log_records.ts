/**
 * The records of a log file, encoded into its write buffer: `O `/`E ` lines, `o `/`e `
 * continuations and cut markers (the format is described in log_files.ts), with the
 * buffers reused across flushes so that a task printing a lot allocates little.
 * @module
 */
import type { OutputStream } from "../engine/events.ts";
import { CUT_MARK } from "./log_format.ts";

/** Buffered bytes of one file beyond which the writer flushes it. */
export const FLUSH_AT_BYTES = 64 * 1024;

const encoder = new TextEncoder();

/** The buffer of one log file's records not yet handed to a write. */
export interface RecordBuffer {
  /** Bytes buffered for the file: `pending[0..pendingBytes)`. */
  pending: Uint8Array;
  pendingBytes: number;
  /**
   * The stream whose line is unfinished in the file (its last record has no `\n` yet): a
   * long line, or an unended last line (see {@link appendRecord}).
   */
  open: OutputStream | null;
  /** Written buffers kept for reuse, shared by the writer's files (see {@link recycle}). */
  spare: Uint8Array[];
}

/** The buffer of a file with nothing buffered (shared; never written into). */
export const EMPTY = new Uint8Array(0);
/** A record's end. */
export const NEWLINE = new Uint8Array([0x0a]);
const TAGS: Readonly<Record<string, Uint8Array>> = {
  O: encoder.encode("O "),
  E: encoder.encode("E "),
  o: encoder.encode("o "),
  e: encoder.encode("e "),
};
const CUT_RECORDS: Readonly<Record<OutputStream, Uint8Array>> = {
  stdout: encoder.encode(`\n${CUT_MARK.stdout}\n`),
  stderr: encoder.encode(`\n${CUT_MARK.stderr}\n`),
};

/**
 * Buffers the stored form of one line or piece of a long line (no newline in it);
 * cuts the other stream's unfinished long line first if there is one. Updates `log.open`.
 * `unended`: the line ends here without a newline (its task's output ended inside it):
 * its record is left open like a long line's, and {@link endOpenRecord} ends it with a
 * cut marker, which says "no newline here" (no continuation ever comes).
 */
export function appendRecord(
  log: RecordBuffer,
  stream: OutputStream,
  text: string | Uint8Array,
  continues: boolean,
  continuation: boolean,
  unended = false,
): void {
  if (log.open !== null && (log.open !== stream || !continuation)) {
    // Cut the unfinished line here; its rest comes as a continuation record. A line of
    // the same stream that starts anew simply ended the old one.
    put(log, log.open !== stream ? CUT_RECORDS[log.open] : NEWLINE);
    log.open = null;
  }
  // The bare end of an unended line cut already: its marker says all (no `o ` record).
  if (unended && continuation && log.open !== stream && text.length === 0) return;
  if (!continuation || log.open !== stream) {
    const tag = stream === "stderr" ? "E" : "O";
    put(log, TAGS[continuation ? tag.toLowerCase() : tag]);
  }
  if (typeof text === "string") putText(log, text);
  else put(log, text);
  if (continues || unended) log.open = stream;
  else {
    put(log, NEWLINE);
    log.open = null;
  }
}

/**
 * Ends the file's open record, if any, as its attempt ends: with a cut marker, since a
 * line still open then never got its newline (an unended last line, or a long line the
 * task was stopped in): `weft logs` gives its bytes back with no newline added.
 */
export function endOpenRecord(log: RecordBuffer): void {
  if (log.open === null) return;
  put(log, CUT_RECORDS[log.open]);
  log.open = null;
}

/** Size of the writer's usual buffer: a flush threshold's worth and the line that crossed it. */
const BUFFER_BYTES = FLUSH_AT_BYTES + 256;
/** Written buffers kept for reuse per writer: enough for a few files flushing at once. */
const MAX_SPARE = 4;

/**
 * Room for `more` bytes in the file's buffer: after a flush handed the buffer over, a
 * spare one (written already) or a new one.
 */
function reserve(log: RecordBuffer, more: number): void {
  const need = log.pendingBytes + more;
  if (need <= log.pending.length) return;
  if (log.pending === EMPTY && need <= BUFFER_BYTES && log.spare.length > 0) {
    log.pending = log.spare.pop()!;
    return;
  }
  const grown = new Uint8Array(Math.max(need, BUFFER_BYTES, 2 * log.pending.length));
  grown.set(log.pending.subarray(0, log.pendingBytes));
  const outgrown = log.pending;
  log.pending = grown;
  recycle(log, outgrown);
}

/**
 * Takes back a buffer nothing refers to any more (written, or outgrown): kept for reuse
 * when of the usual size, else its memory is freed at once by detaching it. A task
 * printing 200 MB otherwise leaves a new 64 KiB array per flush for the garbage
 * collector, which lets tens of MiB of them pile up (V8 collects external memory lazily).
 */
export function recycle(log: RecordBuffer, buffer: Uint8Array): void {
  if (buffer === EMPTY || buffer === log.pending) return;
  if (buffer.length === BUFFER_BYTES && log.spare.length < MAX_SPARE) log.spare.push(buffer);
  else if (buffer.buffer instanceof ArrayBuffer && buffer.byteOffset === 0) {
    buffer.buffer.transfer(0);
  }
}

/** Appends `bytes` to the buffer. */
export function put(log: RecordBuffer, bytes: Uint8Array): void {
  reserve(log, bytes.length);
  log.pending.set(bytes, log.pendingBytes);
  log.pendingBytes += bytes.length;
}

function putText(log: RecordBuffer, text: string): void {
  reserve(log, 3 * text.length); // UTF-8 takes at most 3 bytes per UTF-16 unit
  const { written } = encoder.encodeInto(text, log.pending.subarray(log.pendingBytes));
  log.pendingBytes += written;
}
