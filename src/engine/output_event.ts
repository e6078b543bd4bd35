/**
 * Output events made cheaply: a task printing millions of lines makes millions of
 * these, and most receivers (the log writer) want the bytes, not text. The text is
 * decoded only when a receiver reads `line` (a renderer showing it), once.
 *
 * The reader hands over a view of a buffer it reuses for its next read (see
 * tasks/byte_lines.ts). A line up to {@link OWNED_LINE_BYTES} is copied here, so an event
 * kept by a listener stays true (a short-lived copy is cheap garbage). A longer piece
 * stays a view, as copying each 64 KiB piece of a huge output would leave the dead
 * copies V8 frees late: a listener reads `bytes` or `line` of such a piece while it
 * handles the event, and copies what it keeps (the log writer and the renderers' tails do).
 * @module
 */

/** Lines up to this many bytes are copied into the event; longer pieces are views. */
export const OWNED_LINE_BYTES = 16 * 1024;
import type { OutputStream } from "./events.ts";

const decoder = new TextDecoder();

/** An `output` event carrying raw bytes; `line` decodes them on first use (invalid UTF-8 → U+FFFD). */
export class ByteOutputEvent {
  readonly type = "output" as const;
  continues?: true;
  continuation?: true;
  early?: true;
  unended?: true;
  #line: string | undefined;

  constructor(
    readonly runId: string,
    readonly taskId: string,
    readonly attempt: number,
    readonly stream: OutputStream,
    bytes: Uint8Array,
    readonly at: string,
  ) {
    this.bytes = bytes.length <= OWNED_LINE_BYTES ? bytes.slice() : bytes;
  }

  /** The line's bytes (a view of the reader's buffer for a piece over {@link OWNED_LINE_BYTES}). */
  readonly bytes: Uint8Array;

  /** The bytes decoded as UTF-8. */
  get line(): string {
    return this.#line ??= decoder.decode(this.bytes);
  }
}
