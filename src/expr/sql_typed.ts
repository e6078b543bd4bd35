/**
 * A `${...}` as the whole quoted literal of a typed constant — `INTERVAL '${d}'`,
 * `DATE '${day}'`, `X'${hex}'` — cannot be bound: a whole quoted literal loses its
 * quotes (sql.ts), which leaves `INTERVAL $1`, and neither PostgreSQL nor SQLite reads a
 * parameter there (PostgreSQL's `type 'string'` syntax takes a string constant only,
 * "4.2.1.7 Constants of Other Types"; SQLite's X'…' is a blob literal only). Found here,
 * so that `weft validate` names the form to write instead of the run failing with a
 * syntax error.
 * @module
 */

/**
 * Type names written before a string constant (`DATE '2024-01-31'`): the SQL standard's
 * datetime and interval literals and PostgreSQL's common `type 'string'` constants. A
 * word there that is a keyword taking a value (`SELECT`, `LIKE`, `THEN`, …) is not one.
 */
// deno-fmt-ignore
const TYPE_NAMES: ReadonlySet<string> = new Set([
  "interval", "date", "time", "timestamp", "timestamptz", "timetz", "boolean", "bool", "integer",
  "int", "int2", "int4", "int8", "smallint", "bigint", "real", "float", "float4", "float8",
  "numeric", "decimal", "money", "text", "varchar", "char", "bytea", "json", "jsonb", "uuid",
  "xml", "inet", "cidr", "macaddr", "point", "tsquery", "tsvector",
]);

/** PostgreSQL's type names of several words, as the last words before the quote. */
const MULTI_WORD_TYPE =
  /(?<![\w$.])((?:timestamp|time)\s+with(?:out)?\s+time\s+zone|double\s+precision|(?:character|bit)\s+varying)\s+$/i;

/** A typed literal a whole-literal `${...}` would break: what to say and what to write. */
export interface TypedLiteral {
  message: string;
  hint: string;
}

/**
 * The typed literal whose quoted text is one whole `${...}`, or undefined. `code` is the
 * SQL text before the literal's opening quote (its `E` prefix, if any, excluded).
 */
export function typedLiteral(code: string): TypedLiteral | undefined {
  // A prefix glued to the quote, itself not the end of a longer word (`X'…'`, `U&'…'`).
  const prefix = /(?<![\w$])(?:U&|[A-Za-z])$/.exec(code)?.[0];
  if (prefix !== undefined) {
    const form = `${prefix}'…'`;
    const upper = prefix.toUpperCase();
    const hint = upper === "X"
      ? "bind the hex text and convert it: `unhex(${...})` in SQLite, " +
        "`decode(${...}, 'hex')` in PostgreSQL"
      : upper === "N"
      ? "write `'${...}'` (a bound value is text already)"
      : "bind the value and convert it with CAST(${...} AS type)";
    return {
      message: `a \`\${...}\` cannot be the whole of a ${form} literal: its quotes would go ` +
        `and leave ${prefix} before a parameter, which no database reads`,
      hint,
    };
  }
  // A type of several words (`TIMESTAMP WITH TIME ZONE '…'`), or a whole word (not
  // `t.date`, a column), and blanks, then the quote.
  const word = MULTI_WORD_TYPE.exec(code)?.[1].replace(/\s+/g, " ") ??
    /(?<![\w$.])([A-Za-z_][\w$]*)\s+$/.exec(code)?.[1];
  if (word === undefined) return undefined;
  if (!word.includes(" ") && !TYPE_NAMES.has(word.toLowerCase())) return undefined;
  return {
    message: `a \`\${...}\` cannot be the whole of the typed literal ${word} '…': its quotes ` +
      `would go and leave ${word} before a parameter, which no database reads`,
    hint: `write CAST(\${...} AS ${word}) (PostgreSQL also reads \${...}::${word})`,
  };
}
