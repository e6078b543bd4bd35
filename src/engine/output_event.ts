/**
 * Output events made cheaply: a task printing millions of lines makes millions of
 * these, and most receivers (the log writer) want the bytes, not text. The text is
 * decoded only when a receiver reads `line` (a renderer showing it), once.
 *
 * The bytes may be a view of a buffer the task's reader reuses for its next line (see
 * tasks/byte_lines.ts): a listener reads `bytes` or `line` while it handles the event,
 * and copies what it keeps past that (the log writer and the renderers' tails do).
 * @module
 */
import type { OutputStream } from "./events.ts";

const decoder = new TextDecoder();

/** An `output` event carrying raw bytes; `line` decodes them on first use (invalid UTF-8 → U+FFFD). */
export class ByteOutputEvent {
  readonly type = "output" as const;
  continues?: true;
  continuation?: true;
  #line: string | undefined;

  constructor(
    readonly runId: string,
    readonly taskId: string,
    readonly attempt: number,
    readonly stream: OutputStream,
    readonly bytes: Uint8Array,
    readonly at: string,
  ) {}

  /** The bytes decoded as UTF-8. */
  get line(): string {
    return this.#line ??= decoder.decode(this.bytes);
  }
}
