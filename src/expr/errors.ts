/**
 * The one error type of the expression language.
 * @module
 */

/**
 * A syntax error (or an unsafe substitution) in an expression or template.
 * `offset` is a 0-based UTF-16 offset into the text given to the compile function;
 * callers turn it into a line and column of the workflow file.
 */
export class ExpressionError extends Error {
  /** Where the problem is, as an offset into the compiled text. */
  readonly offset: number;
  /** What to do about it, for people. */
  readonly hint?: string;

  constructor(message: string, offset: number, hint?: string) {
    super(message);
    this.name = "ExpressionError";
    this.offset = offset;
    this.hint = hint;
  }
}
