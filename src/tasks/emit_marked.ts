/**
 * Lines a runner writes itself into a task's output (`GET url → 200 OK (12ms)`,
 * `3 rows`, `child run ID: FILE`, `[task] …`): weft's words around quoted data
 * (model/data_text.ts), so that only the data is secret-masked and a secret that is a
 * common word or number (`postgres`, `1201`) never rewrites an id, a name or a count.
 * @module
 */
import { resolveQuoted } from "../model/data_text.ts";
import type { OutputStream, TaskContext } from "./types.ts";

/**
 * Publishes `line` (marked with ownText/quoteData) through `ctx.emitMarked`; a context
 * without it (a test's) gets the plain line through `ctx.emit`.
 * @example emitMarked(ctx, "stderr", `ran ${quoteData(file)}`)
 */
export function emitMarked(
  ctx: TaskContext,
  stream: OutputStream,
  line: string,
  continues = false,
  continuation = false,
  early = false,
  unended = false,
): unknown {
  return ctx.emitMarked
    ? ctx.emitMarked(stream, line, continues, continuation, early, unended)
    : ctx.emit(stream, resolveQuoted(line), continues, continuation, early, unended);
}
