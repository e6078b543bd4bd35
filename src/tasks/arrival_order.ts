/**
 * The order in which the chunks of a process's output streams, read at once, arrived —
 * and so the order their unended tails are published in. Each stream ends at its own
 * pipe's EOF, and the EOFs of two pipes closed by one exit reach the reader in any order:
 * a stream that flushed its unended tail (`printf out; printf err >&2`) at its own EOF put
 * stderr's `err` first in about one run in four, though stdout's `out` came first. So the
 * one clock that numbers the chunks also decides: a stream's tail waits until every
 * stream of the process ended, then all tails are published in the order they arrived.
 * While it waits (the other pipe held open by a process that left the group), its bytes
 * still reach the log as an early piece after the splitter's pause (PARTIAL_FLUSH_MS):
 * only the line's end mark waits.
 * @module
 */

/** A stream's line splitter as the order sees it (tasks/line_splitter.ts). */
export interface OrderedTail {
  /**
   * The arrival number ({@link ArrivalOrder.next}) of the first byte the stream still
   * holds, or, holding none, of the start of its open line; Infinity with no open line.
   */
  readonly tailSince: number;
  /** Publishes the open line, flagged unended; a promise when a receiver asks to wait. */
  flush(): Promise<unknown> | undefined;
}

/** Numbers the chunks of `streams` streams; publishes their tails once all of them ended. */
export class ArrivalOrder {
  #clock = 0;
  readonly #ended: OrderedTail[] = [];

  constructor(private readonly streams: number) {}

  /** The arrival number of a chunk read now: greater than every number given before. */
  next(): number {
    return ++this.#clock;
  }

  /**
   * One stream ended. The last to end publishes every stream's tail, in the order their
   * bytes arrived, and returns what the receivers ask to wait for; before, nothing.
   */
  ended(tail: OrderedTail): Promise<unknown> | undefined {
    this.#ended.push(tail);
    if (this.#ended.length < this.streams) return undefined;
    const tails = this.#ended.splice(0).sort((a, b) => since(a) - since(b));
    const waiting: Promise<unknown>[] = [];
    for (const each of tails) {
      const wait = each.flush();
      if (wait) waiting.push(wait);
    }
    return waiting.length === 0 ? undefined : Promise.all(waiting);
  }
}

/** A tail's arrival number, finite so that two tails with none compare equal. */
function since(tail: OrderedTail): number {
  return Math.min(tail.tailSince, Number.MAX_SAFE_INTEGER);
}
