/**
 * Where each piece of a bound statement (src/expr/sql.ts renderSql) came from in the
 * `query` the user wrote, so that a database error's position in the text sent (a
 * placeholder, a cut literal joined with `||`, an added `ESCAPE`) is shown at the place
 * in the user's text. A piece is text copied from the query (which later edits may
 * prefix: `(` before a cut literal, `ESCAPE '\'` before what follows a pattern) or text
 * weft wrote (a placeholder: placed at its `${...}`).
 * @module
 */

type Origin =
  /** Copied: `len` characters from literal `k` at `i`, now the end of the piece. */
  | { k: number; i: number; len: number }
  /** Written by weft: placed at `source`. */
  | { source: number };

/** The origins of renderSql's output pieces, kept in step with its `out` array. */
export class SqlSourceMap {
  readonly #origins: Origin[] = [];
  /** Per literal: its start in the source and where its `$${` escapes are (literal indices). */
  readonly #literals: { start: number; escapes: number[] }[];

  /**
   * @param literals the template's literals (`$${` read as `${`).
   * @param spans where each `${...}` is in `text`.
   */
  constructor(literals: readonly string[], spans: readonly { end: number }[]) {
    this.#literals = literals.map((literal, k) => {
      const start = k === 0 ? 0 : spans[k - 1].end;
      // Every `${` left in a literal was written `$${`: one character more in the source.
      const escapes: number[] = [];
      for (let at = literal.indexOf("${"); at >= 0; at = literal.indexOf("${", at + 2)) {
        escapes.push(at);
      }
      return { start, escapes };
    });
  }

  /** The piece at `index` was copied from literal `k`, characters `i` to `i + len`. */
  copied(index: number, k: number, i: number, len: number): void {
    this.#origins[index] = { k, i, len };
  }

  /** The piece at `index` was written by weft for the text at `source`. */
  written(index: number, source: number): void {
    this.#origins[index] = { source };
  }

  /** Pieces from `length` on were dropped. */
  truncate(length: number): void {
    this.#origins.length = Math.min(this.#origins.length, length);
  }

  /** Index in the source of character `i` of literal `k`. */
  source(k: number, i: number): number {
    const literal = this.#literals[k];
    return literal.start + i + literal.escapes.filter((at) => at < i).length;
  }

  /** The index in the query as written of index `sent` of the joined `pieces`. */
  at(pieces: readonly string[], sent: number): number {
    let start = 0;
    let last = 0;
    for (let j = 0; j < pieces.length; j++) {
      const end = start + pieces[j].length;
      const origin = this.#origins[j];
      if (sent < end) {
        if (!origin) return last;
        if ("source" in origin) return origin.source;
        const prefix = pieces[j].length - origin.len;
        return this.source(origin.k, origin.i + Math.max(sent - start - prefix, 0));
      }
      if (origin) {
        last = "source" in origin ? origin.source : this.source(origin.k, origin.i + origin.len);
      }
      start = end;
    }
    return last;
  }
}
