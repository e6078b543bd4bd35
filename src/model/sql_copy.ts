/**
 * `COPY … FROM STDIN` and `COPY … TO STDOUT` (PostgreSQL's copy sub-protocol): the rows
 * travel between the server and the client outside any result, and a database task has
 * no rows to send nor a reader for the ones the server sends. Found here, on the text,
 * for `weft validate` and for the run (a `file` script or a connection only known then);
 * the PostgreSQL driver adapter refuses the sub-protocol itself too (tasks/database/
 * postgres.ts), so no COPY ever leaves a connection waiting.
 * @module
 */

/** Why a COPY in `sql` cannot run in a database task; `offset` is its STDIN or STDOUT. */
export interface CopyTrouble {
  offset: number;
  message: string;
  hint: string;
}

/**
 * The first `COPY … FROM STDIN` / `TO STDOUT` statement of `sql` (any case; quoted
 * text and comments skipped; also `COPY (SELECT …) TO STDOUT WITH (FORMAT csv)`), or
 * undefined. `offset` is at its FROM or TO.
 */
export function copyStreamTrouble(sql: string): CopyTrouble | undefined {
  const text = blanked(sql);
  const statement = /(?:^|;)\s*copy\b[^;]*?\b(from\s+stdin|to\s+stdout)\b/gi;
  const found = statement.exec(text);
  if (!found) return undefined;
  const offset = found.index + found[0].length - found[1].length;
  return /^from/i.test(found[1])
    ? {
      offset,
      message: "`COPY … FROM STDIN` reads its rows from the client, and a database task " +
        "has none to send",
      hint: "load a file the server can read: COPY t FROM '/path/on/server.csv' WITH " +
        "(FORMAT csv), or INSERT … SELECT; or use psql in a shell task: " +
        'psql "$DATABASE_URL" -c "\\copy t FROM \'file.csv\' WITH (FORMAT csv)"',
    }
    : {
      offset,
      message: "`COPY … TO STDOUT` sends its rows to the client outside any result, and a " +
        "database task would drop them",
      hint: "SELECT the rows instead (the task's `rows` output holds them), or use psql in " +
        'a shell task: psql "$DATABASE_URL" -c "\\copy (SELECT …) TO \'file.csv\' WITH ' +
        '(FORMAT csv, HEADER)"',
    };
}

/**
 * `sql` with its comments, quoted strings, quoted names and dollar-quoted bodies
 * replaced by spaces (same length, so offsets hold), so that a word inside them is not
 * read as SQL. A rough lexer: enough to find a statement's leading words.
 */
function blanked(sql: string): string {
  const quoted =
    /--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|[Ee]'(?:[^'\\]|\\[\s\S]|'')*(?:'|$)|'(?:[^']|'')*(?:'|$)|"(?:[^"]|"")*(?:"|$)|(\$[A-Za-z_]*\$)[\s\S]*?(?:\1|$)/g;
  return sql.replace(quoted, (m) => m.replace(/[^\n]/g, " "));
}
