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

/**
 * The error for an unset variable NAME read at `offset` (template.ts checkSet). `within`:
 * where it stands, "path" or "url", whose rules refuse an empty value that would be a
 * whole name (path.ts) or segment (url.ts): the hint then says so, not that any empty
 * value would do.
 */
export function unsetError(
  name: string,
  offset: number,
  within?: "path" | "url",
): ExpressionError {
  const empty = within === "path"
    ? "set to empty text, it reads as empty, which a path takes only inside a longer name"
    : within === "url"
    ? "set to empty text, it reads as empty, which a URL's path takes only inside a longer segment"
    : "set to empty text, it reads as empty";
  return new ExpressionError(
    ownText(`${name} is not set`),
    offset,
    `set it: --env ${name}=…, in weft's environment, or in the workflow's environment; ${empty}`,
  );
}
