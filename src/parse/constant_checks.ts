/**
 * Expressions that fail whatever the run's values are: `${10 / 0}`, `${1e600 * 1e600}`
 * (more digits than exact arithmetic makes: expr/exact_numbers.ts),
 * `${tasks.a.outputs.n + 1 % 0}`. `weft run` fails the task when it evaluates them
 * (expr/compile.ts); they are written in the file, so `weft validate` reports them.
 * Found by evaluating with every reference missing: a missing value never makes an
 * error (arithmetic on it is empty), so an error then comes from the literals alone.
 * @module
 */
import {
  type CompiledExpression,
  type CompiledTemplate,
  ExpressionError,
  type Scope,
} from "../expr/mod.ts";
import { resolveQuoted } from "../model/data_text.ts";

/** Every reference read as missing. */
const NOTHING: Scope = () => null;

/** The error evaluating `compiled` gives with no values, if any. */
export function constantFault(
  compiled: CompiledExpression | CompiledTemplate,
): ExpressionError | undefined {
  try {
    if ("evaluate" in compiled) compiled.evaluate(NOTHING);
    else compiled.render(NOTHING);
    return undefined;
  } catch (e) {
    // Printed by validate, where no secret is known: the values' marks go (`'x' * 2`).
    if (e instanceof ExpressionError) {
      return new ExpressionError(resolveQuoted(e.message), e.offset, e.hint);
    }
    throw e;
  }
}
