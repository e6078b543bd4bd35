/**
 * Array helpers for lists as long as the user's data makes them (tasks, loop items,
 * input files, problems, runs). `into.push(...items)` and `Math.max(...values)` pass every
 * item as an argument on the stack, and past ~100,000 of them V8 throws "Maximum call
 * stack size exceeded": these do the same one item at a time.
 * @module
 */

/** Appends each of `items` to `into`, in order; returns `into`. */
export function pushAll<T>(into: T[], items: Iterable<T>): T[] {
  for (const item of items) into.push(item);
  return into;
}

/** The largest of `values` and `floor` (as `Math.max(floor, ...values)`). */
export function maxOf(values: Iterable<number>, floor = 0): number {
  let max = floor;
  for (const value of values) if (value > max) max = value;
  return max;
}

/**
 * The bytes of `chunks` one after the other, in one new array of `total` bytes (their
 * summed length when not given; a smaller `total` keeps the first `total` bytes).
 */
export function concatBytes(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  const size = total ?? chunks.reduce((n, c) => n + c.byteLength, 0);
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    if (at >= size) break;
    const part = chunk.byteLength > size - at ? chunk.subarray(0, size - at) : chunk;
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}
