/**
 * Where a name stands in an SQL statement, for the binder (sql.ts): a `${...}` is bound
 * as a parameter, and a parameter cannot be a table or column name. A keyword a name
 * follows (`JOIN`, `INTO`, `AS`, …) is one such place; the items of a list of names are
 * the others, wherever they stand: each parenthesis opens a frame, a subquery
 * (`(SELECT …)`, `(WITH …)`, `(VALUES …)`) or a call or group, and each frame knows the
 * clause it is in. Item positions of a name list are refused: right after its keyword
 * and after a `,` of the frame itself, in
 * - `FROM a, b` (and its groups `FROM (a JOIN b)`), in any frame but the arguments of
 *   EXTRACT/SUBSTRING/TRIM/OVERLAY, whose FROM takes a value, and not `IS DISTINCT FROM`;
 * - `ORDER BY`/`GROUP BY`/`PARTITION BY` lists (a parameter there is a constant that
 *   silently sorts or groups nothing), `RETURNING` and `SET a = …, b = …` lists;
 * - `USING (a, b)`, `INSERT INTO t (a, b)`, `WITH x (a, b) AS`, a `WITH` list;
 * - a `PRAGMA` (SQLite takes no parameter anywhere in one).
 * SQLite's `VACUUM INTO file` takes a value (the file's name), not a name.
 * Values stay allowed where an expression is: after an operator, in WHERE, HAVING, ON,
 * LIMIT/OFFSET, VALUES (…), select lists, function arguments, CASE. The tracker is fed
 * the code of a statement token by token (strings, quoted names and values as one opaque
 * token, comments as nothing), as the binder lexes it. Grammar: PostgreSQL's gram.y and
 * SQLite's parse.y, the parts both share.
 * @module
 */

/** Keywords right after which a name stands (besides the list clauses below). */
const NAME_FOLLOWS = new Set([
  "join",
  "into",
  "update",
  "table",
  "as",
  "set",
  "index",
  "view",
  "trigger",
  "schema",
  "database",
  "column",
  "references",
  "collate",
  "exists", // IF [NOT] EXISTS name; EXISTS (subquery) has a `(` after it
  "truncate",
  "savepoint",
  "release",
  "to", // RENAME TO, ROLLBACK TO, OWNER TO; not SIMILAR TO (a pattern value)
]);

/** Functions whose `FROM` takes a value: `EXTRACT(YEAR FROM x)`, `SUBSTRING(s FROM 2)`. */
const VALUE_FROM = new Set(["extract", "substring", "trim", "overlay"]);

/** Keywords that start a clause of a statement: a list of names, or expressions (""). */
const CLAUSES = new Map<string, string>([
  ["from", "FROM"],
  ["by", "BY"],
  ["returning", "RETURNING"],
  ["set", "SET"],
  ["using", "USING"],
  ["into", "INTO"],
  ["select", ""],
  ["where", ""],
  ["having", ""],
  ["limit", ""],
  ["offset", ""],
  ["values", ""],
  ["window", ""],
  ["union", ""],
  ["intersect", ""],
  ["except", ""],
  ["fetch", ""],
  ["do", ""],
]);

/** One parenthesis level (or the statement itself). */
interface Frame {
  /** The word before its `(` (lower case), "" for none. */
  opener: string;
  /** The name list it is in ("FROM", "ORDER BY", …), "" for expressions. */
  clause: string;
  /** The next token stands at an item position of that list. */
  item: boolean;
  /** No token yet in the frame (its first word tells a subquery). */
  first: boolean;
}

/** Reads a statement's code token by token and tells where a name stands. */
export class SqlClauses {
  #frames: Frame[] = [top()];
  /** The word being read, or "". */
  #word = "";
  /** The last two tokens: a lower-case word, a punctuation character, or "" (other). */
  #prev = "";
  #prev2 = "";
  /** The statement is a PRAGMA (SQLite binds no parameter anywhere in one). */
  #pragma = false;
  /** The statement is a VACUUM: SQLite's `VACUUM INTO expr` takes a value, not a name. */
  #vacuum = false;

  /** One character of code (outside strings, quoted names and comments). */
  char(c: string): void {
    if (/[\w$\u0080-\uffff]/.test(c)) {
      this.#word += c;
      return;
    }
    this.flush();
    if (/\s/.test(c)) return;
    const frame = this.#frame();
    if (c === "(") {
      // A `(` at an item of a name list groups names (`FROM (a JOIN b)`, `USING (a)`),
      // unless a subquery's first word says otherwise.
      const names = frame.item && frame.clause !== "" ? frame.clause : LISTS.get(frame.clause);
      const opener = /^[a-z_]/.test(this.#prev) ? this.#prev : "";
      frame.first = false;
      this.#frames.push({ opener, clause: names ?? "", item: names !== undefined, first: true });
    } else if (c === ")") {
      if (this.#frames.length > 1) this.#frames.pop();
      const outer = this.#frame();
      outer.first = outer.item = false;
    } else if (c === ",") {
      frame.first = false;
      frame.item = frame.clause !== "";
    } else if (c === ";") {
      this.#frames = [top()];
      this.#pragma = this.#vacuum = false;
    } else {
      frame.first = frame.item = false;
    }
    this.#shift(c);
  }

  /** A string, a quoted name, a $-quoted body or a bound value: one operand. */
  token(): void {
    this.flush();
    const frame = this.#frame();
    frame.first = frame.item = false;
    this.#shift("");
  }

  /** Ends the word being read (before a comment, a substitution or the end). */
  flush(): void {
    if (this.#word === "") return;
    const word = this.#word.toLowerCase();
    this.#word = "";
    const frame = this.#frame();
    const clause = CLAUSES.get(word);
    if (frame.first && this.#frames.length === 1 && word === "pragma") this.#pragma = true;
    if (frame.first && this.#frames.length === 1 && word === "vacuum") this.#vacuum = true;
    if (frame.first && (word === "select" || word === "values" || word === "with")) {
      // A subquery or a statement: its clauses are its own.
      frame.clause = word === "with" ? "WITH" : "";
      frame.item = word === "with";
    } else if (word === "from" && (VALUE_FROM.has(frame.opener) || this.#prev === "distinct")) {
      frame.item = false;
    } else if (word === "into" && this.#vacuum) {
      frame.clause = "";
      frame.item = false;
    } else if (word === "by") {
      const kind = ["order", "group", "partition"].includes(this.#prev) ? this.#prev : "";
      frame.clause = kind ? `${kind.toUpperCase()} BY` : "BY";
      frame.item = true;
    } else if (clause !== undefined) {
      frame.clause = clause;
      frame.item = clause !== "";
    } else if (!(word === "recursive" && frame.clause === "WITH")) {
      frame.item = false;
    }
    frame.first = false;
    this.#shift(word);
  }

  /**
   * Why a value cannot stand at the current position (the end of the code read so far),
   * or undefined where it can: "for a name, after FROM", "for a name, in the list after
   * ORDER BY", ….
   */
  refusal(): string | undefined {
    this.flush();
    if (this.#pragma) return "in a PRAGMA, which takes no parameter";
    const prev = this.#prev;
    const value = (prev === "to" && this.#prev2 === "similar") || (prev === "into" && this.#vacuum);
    if (NAME_FOLLOWS.has(prev) && !value) {
      return `for a name, after ${prev.toUpperCase()}`;
    }
    const frame = this.#frame();
    if (!frame.item || frame.clause === "") return undefined;
    if (["from", "by", "returning", "using", "with"].includes(prev)) {
      return `for a name, after ${prev.toUpperCase()}`;
    }
    const list = frame.clause.startsWith("the ") ? frame.clause : `the list after ${frame.clause}`;
    return `for a name, in ${list}`;
  }

  #frame(): Frame {
    return this.#frames[this.#frames.length - 1];
  }

  #shift(token: string): void {
    this.#prev2 = this.#prev;
    this.#prev = token;
  }
}

/** Clauses in which a `(` after an item opens a list of names (`INTO t (a, b)`). */
const LISTS = new Map<string, string>([
  ["INTO", "the column list of INSERT INTO t (…)"],
  ["WITH", "the column list of WITH x (…)"],
]);

function top(): Frame {
  return { opener: "", clause: "", item: false, first: true };
}
