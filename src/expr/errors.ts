/**
 * The error type of the expression language, and a template's several (TemplateErrors).
 * @module
 */
import type { CompiledTemplate } from "./template.ts";

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

/**
 * Every syntax error of one template, each in its own `${...}` (template_scan.ts): a
 * template's `${...}` are read one by one, so one written wrong does not hide the
 * problems of the others. Its own message, offset and hint are the first error's, so a
 * caller that reports one error reports that one. `partial`: the template with each
 * `${...}` that failed kept as literal text, for checking the others' references and
 * constant faults (validation only: it is never run).
 */
export class TemplateErrors extends ExpressionError {
  constructor(
    /** Each error, in source order; never empty. */
    readonly errors: readonly ExpressionError[],
    readonly partial: CompiledTemplate,
  ) {
    super(errors[0].message, errors[0].offset, errors[0].hint);
    this.name = "TemplateErrors";
  }
}

/**
 * Every error `e` stands for (a TemplateErrors' several, else `e` alone), and the
 * partial template whose rest still wants checking (TemplateErrors.partial; undefined
 * for an expression that failed whole).
 */
export function splitErrors(
  e: ExpressionError,
): { errors: readonly ExpressionError[]; partial?: CompiledTemplate } {
  return e instanceof TemplateErrors ? { errors: e.errors, partial: e.partial } : { errors: [e] };
}
