/**
 * The last few output lines of one task, kept as bytes and decoded only when shown.
 * Renderers keep such tails for every task in case it fails, but show them for few:
 * decoding each of the millions of lines a task may print into a string made the
 * garbage collector the main cost of a busy task. Each slot keeps its buffer from line
 * to line, so pushing a line copies bytes and allocates nothing once the slots are big
 * enough.
 * @module
 */
import type { OutputStream } from "../../engine/events.ts";
import { displayedLine } from "./cut.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The fields of an `output` event a ring reads. */
export interface RingLine {
  stream: OutputStream;
  line: string;
  bytes?: Uint8Array;
  continues?: true;
  continuation?: true;
  early?: true;
}

interface Slot {
  stream: OutputStream;
  continues: boolean;
  buffer: Uint8Array;
  length: number;
}

/** A ring of the last `limit` displayed lines (see cut.ts: a long line's first piece). */
export class OutputRing {
  readonly #slots: Slot[] = [];
  #next = 0;
  /** Lines pushed so far, kept or not. */
  total = 0;
  /**
   * Per stream, the slot of its line not ended yet, while the slot still holds it: a
   * piece goes on with its own stream's line, wherever it is in the ring, not with the
   * line kept last (`printf A1; echo e1 >&2; echo D4` reads `A1D4`, then `e1`), as in
   * engine/line_pieces.ts, the model the log's tail and notifications use.
   */
  readonly #open: Record<OutputStream, Slot | null> = { stdout: null, stderr: null };

  constructor(readonly limit: number) {}

  /**
   * Keeps one line, copied (its bytes may be a view of a buffer its sender reuses).
   * Later pieces of a long line are ignored: only the first is displayed.
   */
  push(event: RingLine): void {
    if (this.limit <= 0) return;
    if (event.continuation) {
      const slot = this.#open[event.stream];
      if (!event.continues) this.#open[event.stream] = null;
      if (!slot) return;
      // A line published in pieces because the task paused mid-line: kept whole; a
      // long line shows by its first piece, marked cut (cut.ts).
      if (event.early) this.#append(slot, event);
      else slot.continues = true;
      return;
    }
    this.total++;
    let slot = this.#slots[this.#next];
    if (!slot) {
      slot = { stream: event.stream, continues: false, buffer: EMPTY, length: 0 };
      this.#slots[this.#next] = slot;
    }
    this.#next = (this.#next + 1) % this.limit;
    // The slot's old line leaves the ring: its later pieces have nowhere to go.
    if (this.#open.stdout === slot) this.#open.stdout = null;
    if (this.#open.stderr === slot) this.#open.stderr = null;
    this.#open[event.stream] = event.continues ? slot : null;
    slot.stream = event.stream;
    slot.continues = event.continues === true && !event.early;
    // Raw bytes when the event has them; its text otherwise (masked, or from a runner).
    const bytes = event.bytes;
    if (bytes) {
      reserve(slot, bytes.length);
      slot.buffer.set(bytes);
      slot.length = bytes.length;
    } else {
      reserve(slot, 3 * event.line.length); // UTF-8 takes at most 3 bytes per UTF-16 unit
      slot.length = encoder.encodeInto(event.line, slot.buffer).written;
    }
  }

  /** Adds an early line's later piece to the slot of its start. */
  #append(slot: Slot, event: RingLine): void {
    const bytes = event.bytes ?? encoder.encode(event.line);
    const kept = slot.buffer.slice(0, slot.length);
    reserve(slot, slot.length + bytes.length);
    slot.buffer.set(kept);
    slot.buffer.set(bytes, slot.length);
    slot.length += bytes.length;
    slot.continues = event.continues === true && !event.early;
  }

  /** The kept lines, oldest first, as displayed (not yet made terminal-safe). */
  lines(): { stream: OutputStream; text: string }[] {
    const count = Math.min(this.total, this.limit);
    const first = count < this.limit ? 0 : this.#next;
    const lines: { stream: OutputStream; text: string }[] = [];
    for (let i = 0; i < count; i++) {
      const slot = this.#slots[(first + i) % this.limit];
      const line = decoder.decode(slot.buffer.subarray(0, slot.length));
      const text = displayedLine({ line, continues: slot.continues || undefined });
      lines.push({ stream: slot.stream, text: text ?? "" });
    }
    return lines;
  }
}

const EMPTY = new Uint8Array(0);

/** Room for `bytes` in a slot: grown by doubling (from 128 bytes), never shrunk. */
function reserve(slot: Slot, bytes: number): void {
  if (bytes <= slot.buffer.length) return;
  let size = Math.max(128, slot.buffer.length);
  while (size < bytes) size *= 2;
  slot.buffer = new Uint8Array(size);
}
