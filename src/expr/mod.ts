/**
 * Weft's expression language: conditions (`${env.SKIP_TESTS} != 'true'`,
 * `execution.status === 'failed'`), templates with `${...}` substitutions, and
 * shell-safe rendering of templates into commands. Hand-written scanner and parser;
 * expressions compile once into closures and evaluate cheaply many times. No `eval`.
 *
 * The language, in short:
 * - literals `'text'` / `"text"` (backslash escapes; `${...}` inside a string is
 *   interpolated, `$${` or `\${` is a literal `${`), numbers, `true`, `false`, `null`;
 * - references `${tasks.build.exit_code}` or bare `tasks.build.exit_code`; segments after
 *   the first may hold `-` between name characters (`tasks.pre-build.status`), digits
 *   (`items.0`) or a bracketed string (`tasks["pre-build"]`);
 * - operators, loosest first: `||`, `&&`, `== != === !==` (=== is ==), `< <= > >=`,
 *   `+ -`, `* / %`, unary `! -`; `&&`/`||` short-circuit and give booleans;
 * - comparisons are numeric when both sides look like decimal numbers (`"10" > "9"`),
 *   otherwise textual; null/undefined equal `""` and make every `< <= > >=` false;
 * - `+` adds numbers or joins text; other arithmetic on a missing (or blank) value gives
 *   null, while text that spells no number, division by zero and a result with no exact
 *   decimal or of more than 1000 digits throw ExpressionError when evaluated (numbers a
 *   float does not hold, `1e400` too, are computed exactly: exact_numbers.ts);
 *   numbers become text in plain decimal (no exponent);
 * - {@link truthy}: false, 0, "", "false", "0" (trimmed, any case), null, undefined are false.
 *
 * ```ts
 * const c = compileCondition("${tasks.test.exit_code} == 0 && ${env.DEPLOY} == 'true'");
 * c.evaluate((root, path) => lookup(root, path)); // → true | false
 * compileTemplate("echo ${params.name}").renderShell(scope);
 * // → { command: 'echo "${WEFT_V_1}"', env: { WEFT_V_1: "..." } }
 * ```
 * @module
 */
import { compileNode } from "./compile.ts";
import { Parser } from "./parser.ts";
import type { Reference } from "./ast.ts";
import { type Scope, truthy, type Value } from "./value.ts";

export type { Reference } from "./ast.ts";
export { REFERENCE_ROOTS } from "./ast.ts";
export { ExpressionError, splitErrors, TemplateErrors } from "./errors.ts";
export { inField, NulValueError, processValue } from "./process_value.ts";
export {
  asNumber,
  compareValues,
  looseEquals,
  ownValue,
  parseJsonKeepingText,
  type Scope,
  stringify,
  truthy,
  type Value,
} from "./value.ts";
export {
  type CompiledTemplate,
  compileShellTemplate,
  compileTemplate,
  type Place,
} from "./template.ts";
export { referencedValues } from "./template_values.ts";
export { jsonStandIn, keyPlaceValue, readsAsJson } from "./json_text.ts";
export { type Above, renderBlock, withNamesAbove } from "./env_block.ts";
export {
  type Comparison,
  type ComparisonOp,
  comparisons,
  isLiteralComparison,
  type LiteralComparison,
  literalComparisons,
} from "./comparisons.ts";
export { impliedEqualities, type ImpliedEquality } from "./implied.ts";
export { type ShellContext, type ShellSlot, shellSlots } from "./shell.ts";
export { isShellExpansion } from "./shell_braces.ts";

/** A compiled expression. */
export interface CompiledExpression {
  readonly source: string;
  /** Every reference in source order, `${a.b}` and bare `a.b` alike. */
  readonly references: Reference[];
  evaluate(scope: Scope): Value;
}

/** Compiles a condition or any expression; throws ExpressionError on a syntax error. */
export function compileCondition(text: string): CompiledExpression {
  const parser = new Parser(text);
  const evaluate = compileNode(parser.parseWhole());
  return { source: text, references: parser.references, evaluate };
}

/** Alias of {@link compileCondition} for expressions that are not conditions. */
export const compileExpression = compileCondition;

const CACHE_LIMIT = 512;
const cache = new Map<string, CompiledExpression>();

/** Compiles (cached) and evaluates `text`, then applies {@link truthy}. Throws ExpressionError. */
export function evaluateCondition(text: string, scope: Scope): boolean {
  let compiled = cache.get(text);
  if (!compiled) {
    compiled = compileCondition(text);
    if (cache.size >= CACHE_LIMIT) cache.clear(); // simple bound; conditions are few
    cache.set(text, compiled);
  }
  return truthy(compiled.evaluate(scope));
}
