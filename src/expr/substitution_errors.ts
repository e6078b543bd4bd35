/**
 * The errors a template's substitutions give when evaluated (template.ts): where an
 * evaluation error comes from, and a variable a field needs that is not set.
 * @module
 */
import type { Evaluator } from "./compile.ts";
import { ExpressionError } from "./errors.ts";
import { ownText } from "../model/data_text.ts";

/**
 * `evaluate`, its errors (division by zero: compile.ts) saying which `${...}` (`written`)
 * they come from, as a template's value has no other place in a task's reason.
 */
export function located(evaluate: Evaluator, written: string): Evaluator {
  return (scope) => {
    try {
      return evaluate(scope);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      throw new ExpressionError(`${e.message} in ${written}`, e.offset, e.hint);
    }
  };
}

/** The error for an unset variable NAME read at `offset` (template.ts checkSet). */
export function unsetError(name: string, offset: number): ExpressionError {
  return new ExpressionError(
    ownText(`${name} is not set`),
    offset,
    `set it: --env ${name}=…, in weft's environment, or in the workflow's environment; ` +
      "set to empty text, it reads as empty",
  );
}
