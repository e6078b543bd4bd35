/**
 * Interpolating a field that is a file or folder path (a script, a database file or
 * folder, a sqlite: connection's file, a data_processor input/output): each `${...}` value
 * is one name inside the path (expr/path.ts), and a value that would change the path's
 * structure fails the attempt with the field named. The list of such fields is
 * parse/template_fields.ts PATH_FIELDS.
 * @module
 */
import { ExpressionError } from "../expr/mod.ts";
import { embeddedMessage, ownText } from "../model/data_text.ts";
import type { TaskContext } from "./types.ts";

/** The prefixes of a sqlite connection before its file's path (model/connection.ts). */
const SQLITE_PREFIX = /^sqlite3?:(\/\/)?/i;

/**
 * `written` interpolated as a path (a glob when `glob`). Throws a PathFieldError for a value that would add folders, climb out with `..`, or (in a
 * glob) add a pattern; other errors pass through.
 */
export function pathField(ctx: TaskContext, field: string, written: string, glob = false): string {
  try {
    return ctx.interpolatePath(written, glob);
  } catch (e) {
    throw fieldError(field, e);
  }
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
  if (prefix !== undefined) return prefix + pathField(ctx, field, written.slice(prefix.length));
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
