/**
 * Interpolating a field that is a file or folder path (a script, a database file or
 * folder, a sqlite: connection's file, a data_processor input/output): each `${...}` value
 * is one name inside the path (expr/path.ts), and a value that would change the path's
 * structure fails the attempt with the field named. The list of such fields is
 * parse/template_fields.ts PATH_FIELDS.
 * @module
 */
import { ExpressionError } from "../expr/mod.ts";
import {
  embeddedMessage,
  ownText,
  quoteData,
  resolveQuoted,
  wellMarked,
} from "../model/data_text.ts";
import { nodePath } from "../path.ts";
import type { TaskContext } from "./types.ts";

/** The prefixes of a sqlite connection before its file's path (model/connection.ts). */
const SQLITE_PREFIX = /^sqlite3?:(\/\/)?/i;

/**
 * `written` interpolated as a path (a glob when `glob`). Throws a PathFieldError for a value that would add folders, climb out with `..`, or (in a
 * glob) add a pattern; other errors pass through.
 */
export function pathField(ctx: TaskContext, field: string, written: string, glob = false): string {
  return markedPathField(ctx, field, written, glob).path;
}

/**
 * {@link pathField}, made absolute against `base` (default: the workflow's folder): the
 * field's text as interpolated (`written`) and the absolute `path`. The engine is told
 * both, with which parts are the `${...}` values (TaskContext.builtText).
 */
export function resolvedPathField(
  ctx: TaskContext,
  field: string,
  written: string,
  base: string = ctx.workflowDir ?? ctx.cwd,
  glob = false,
): { written: string; path: string } {
  const { path: plain, marked } = markedPathField(ctx, field, written, glob);
  const path = nodePath().resolve(base, plain);
  if (ctx.builtText) {
    const shown = markedResolve(base, marked, path);
    ctx.builtText(shown);
    // Its folder too, which a message may name alone (`the folder … does not exist`).
    const parent = shown.slice(0, shown.lastIndexOf("/"));
    if (wellMarked(parent) && resolveQuoted(parent) === nodePath().dirname(path)) {
      ctx.builtText(parent);
    }
  }
  return { written: plain, path };
}

/**
 * `written` interpolated as a path, and the same marked (model/data_text.ts): the text
 * the workflow writes is weft's own, each `${...}` value quoted data. The engine is told
 * the marked form (TaskContext.builtText), so a message quoting the path masks only the
 * values in it.
 */
function markedPathField(
  ctx: TaskContext,
  field: string,
  written: string,
  glob: boolean,
): { path: string; marked: string } {
  let path: string;
  try {
    path = ctx.interpolatePath(written, glob);
  } catch (e) {
    throw fieldError(field, e);
  }
  let marked = quoteData(path);
  if (ctx.builtText) {
    marked = markedText(ctx, written, path);
    ctx.builtText(marked);
  }
  return { path, marked };
}

/**
 * `written` interpolated with each value quoted (expr/path.ts inserts a path's values as
 * they are, so this is `path` marked); `path` quoted whole when it is not (the safe side).
 */
function markedText(ctx: TaskContext, written: string, path: string): string {
  if (!written.includes("${")) return ownText(path);
  try {
    const marked = ownText("") + ctx.interpolatePlaced(written, (text) => quoteData(text));
    if (resolveQuoted(marked) === path) return marked;
  } catch {
    // quoted whole below
  }
  return quoteData(path);
}

/**
 * The marked form of `path`, which is `resolve(base, plain)` for `marked` (`plain`
 * marked): `base`, the folder weft resolves against, is its own. The path is worked out
 * on the marked text as `resolve` works it out; when that does not give `path` back with
 * every value's marks whole (a `..` after a raw(...) value taking part of it away),
 * `path` is quoted whole (the safe side).
 * @example markedResolve("/srv/deploy", ownText("out/") + quoteData("v"), "/srv/deploy/out/v")
 */
export function markedResolve(base: string, marked: string, path: string): string {
  const { posix } = nodePath();
  // The own mark goes in front once: inside, `\uE002..` would not read as `..`.
  const own = ownText("");
  const body = marked.replaceAll(own, "");
  let shown = posix.normalize(resolveQuoted(body).startsWith("/") ? body : `${base}/${body}`);
  if (shown.length > 1 && shown.endsWith("/")) shown = shown.slice(0, -1);
  return wellMarked(shown) && resolveQuoted(shown) === path ? own + shown : quoteData(path);
}

/**
 * A database connection interpolated: for a written `sqlite:` one the file after the
 * scheme is a path (a value starting it is the base, taken as written); any other
 * connection (postgres://…, or one whose scheme comes from a value) is a URL, built as
 * `interpolateUrl` builds one (expr/url.ts: each value encoded for its part, a host or
 * port checked), so a value cannot move the connection to another host or add options.
 * Throws a PathFieldError naming `field` for a value that cannot be placed.
 */
export function connectionField(ctx: TaskContext, field: string, written: string): string {
  const prefix = SQLITE_PREFIX.exec(written)?.[0];
  if (prefix !== undefined) {
    const file = written.slice(prefix.length);
    // Relative to the task's working directory (model/connection.ts parseConnection).
    return prefix +
      (file === ":memory:"
        ? pathField(ctx, field, file)
        : resolvedPathField(ctx, field, file, ctx.cwd).written);
  }
  try {
    return ctx.interpolateUrl(written);
  } catch (e) {
    throw fieldError(field, e);
  }
}

/**
 * A `${...}` in a path field that could not be placed: one line naming the field. The
 * field, the rule's words and its hint are weft's own; an unmarked message (an
 * expression's) is quoted data, masked whole (model/data_text.ts embeddedMessage).
 */
export class PathFieldError extends Error {
  constructor(field: string, error: ExpressionError) {
    super(
      ownText(`${field}: `) + embeddedMessage(error.message) +
        (error.hint ? ` (${error.hint})` : ""),
    );
    this.name = "PathFieldError";
  }
}

/** `error` as a {@link PathFieldError} when it is an expression's; else as it is. */
export function fieldError(field: string, error: unknown): unknown {
  return error instanceof ExpressionError ? new PathFieldError(field, error) : error;
}
