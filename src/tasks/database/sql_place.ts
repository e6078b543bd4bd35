/**
 * Where in the user's SQL a database error is. PostgreSQL sends an error's `position`
 * (1-based, in characters, into the text of the query message: a whole script for the
 * simple protocol); SQLite's exec names a byte offset into the statement that failed and
 * pastes the rest of the script (Deno's node:sqlite: `MESSAGE in REST at offset N`). The
 * drivers turn either into a {@link SqlTextError} (an index into the text they were
 * given); this module turns that index into `file:line:col` of the file, or `query line
 * L, column C` of a `query` (through the map of the text weft's binding rewrote,
 * src/expr/sql.ts), with the line and a caret under the place, as psql shows them.
 * @module
 */

/** A driver error at a known place of the SQL text it was given. */
export class SqlTextError extends Error {
  /**
   * @param message the database's own message, without the SQL it may have pasted.
   * @param at 0-based UTF-16 index into the text the driver was given.
   */
  constructor(message: string, readonly at: number) {
    super(message);
  }
}

/** A database error placed in the user's text: its message names the place. */
export class SqlPlacedError extends Error {
  /** The offending line, and the place's index in it. */
  readonly #line: string;
  readonly #at: number;
  constructor(readonly reason: string, where: string, text: string, at: number) {
    const start = text.lastIndexOf("\n", at - 1) + 1;
    const end = text.indexOf("\n", at);
    const lineText = text.slice(start, end < 0 ? text.length : end).replace(/\r$/, "");
    const line = text.slice(0, start).split("\n").length;
    // Columns in characters (code points), as editors count them.
    const column = [...text.slice(start, at)].length + 1;
    const place = where === "query"
      ? `query line ${line}, column ${column}`
      : `${where}:${line}:${column}`;
    super(`${place}: ${reason}`);
    this.#line = lineText;
    this.#at = at - start;
  }

  /** The offending line and a caret under the place, for the task's log. */
  get excerpt(): string[] {
    return this.excerptShown((text) => text);
  }

  /**
   * The offending line as `shown` shows it (TaskContext.shown: its secrets masked) and a
   * caret under the place in that text: masking changes the line's length before the
   * place (`'Sup3rS3cretTok99'` → `'***'`), so the caret is laid out on the shown line,
   * never on the line as the database read it. A place inside a masked secret is
   * pointed at at that `***`.
   */
  excerptShown(shown: (text: string) => string): string[] {
    const line = shown(this.#line);
    const before = shown(this.#line.slice(0, this.#at));
    let at = 0;
    while (at < before.length && before[at] === line[at]) at++;
    // A secret that goes on past the place: the caret under the start of its `***`.
    if (at < before.length) at = Math.max(0, line.lastIndexOf("***", at));
    // The caret keeps the line's tabs, so it stands under the place however tabs are shown.
    const caret = [...line.slice(0, at)].map((c) => c === "\t" ? "\t" : " ").join("");
    return [`    ${line}`, `    ${caret}^`];
  }
}

/**
 * Runs `body`, which hands `text` to the driver; a {@link SqlTextError} it throws becomes
 * a {@link SqlPlacedError} at that place of `text` in `where` (a file as the user wrote
 * it, or `query`). `sourceAt` maps an index of `text` to the user's own text when the
 * text sent was rewritten (`query`'s bound parameters); `source` is that text.
 */
export async function placingErrors<T>(
  where: string,
  text: string,
  body: () => Promise<T>,
  source?: { text: string; at(sent: number): number },
): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (!(e instanceof SqlTextError) || e.at < 0 || e.at > text.length) throw e;
    const shown = source ? source.text : text;
    const at = Math.min(Math.max(source ? source.at(e.at) : e.at, 0), shown.length);
    throw new SqlPlacedError(e.message, where, shown, at);
  }
}

/** PostgreSQL's error `position` (1-based, characters) as an index into `text`. */
export function postgresPlace(error: unknown, text: string): SqlTextError | undefined {
  const position = Number((error as { position?: unknown } | null)?.position);
  if (!Number.isInteger(position) || position < 1) return undefined;
  let index = 0;
  for (let chars = 1; chars < position && index < text.length; chars++) {
    index += text.codePointAt(index)! > 0xffff ? 2 : 1;
  }
  return new SqlTextError((error as Error).message, index);
}

/**
 * SQLite's `MESSAGE in REST at offset N` (Deno's node:sqlite exec: REST is the script
 * from the failing statement on, N a byte offset into it) as an index into `text`, the
 * script given to exec; undefined when the message is not of that form.
 */
export function sqlitePlace(message: string, text: string): SqlTextError | undefined {
  const match = / at offset (\d+)$/.exec(message);
  if (!match) return undefined;
  const head = message.slice(0, match.index);
  // The message itself may hold " in ": the longest pasted rest that ends the script.
  for (let k = head.indexOf(" in "); k >= 0; k = head.indexOf(" in ", k + 1)) {
    const rest = head.slice(k + 4);
    if (!text.endsWith(rest)) continue;
    // SQLite counts UTF-8 bytes; a JavaScript index counts UTF-16 units.
    const offset = Number(match[1]);
    let within = 0;
    for (let bytes = 0; bytes < offset && within < rest.length;) {
      const code = rest.codePointAt(within)!;
      bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
      within += code > 0xffff ? 2 : 1;
    }
    return new SqlTextError(head.slice(0, k), text.length - rest.length + within);
  }
  return undefined;
}
