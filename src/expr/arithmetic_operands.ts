/**
 * What arithmetic (`- * /  %`, unary `-`) makes of its operands. README, Expressions: a
 * missing value (an output of a task that never ran, an unset variable; also empty
 * text) gives an empty value, but a value that is there and spells no number
 * (`-p replicas=three` in `${params.replicas * 2}`) has no numeric result: like division
 * by zero it fails the task or its condition, naming the value, rather than put an empty
 * value silently into a command.
 * @module
 */
import { ExpressionError } from "./errors.ts";
import { asNumber, plainNumber, type Value } from "./value.ts";
import { quoteCut } from "../model/data_text.ts";

/** Characters of a text operand shown in the message (the mark holds it whole: data_text.ts). */
const SHOWN = 40;

/** A value arithmetic reads as missing: null, undefined, or text with nothing but blanks. */
export function missingOperand(value: Value): boolean {
  return value === undefined || value === null || (typeof value === "string" && !value.trim());
}

/**
 * The error for `op` (at `offset`) meeting `values` (one for unary `-`, two otherwise)
 * of which at least one is present and spells no number. The values are quoted data
 * (model/data_text.ts quoteCut), so a secret among them is masked where weft prints it.
 * @example notANumber("*", ["three", 2], 9).message // resolved: not a number: "three" * 2
 */
export function notANumber(op: string, values: Value[], offset: number): ExpressionError {
  const shown = values.map(operandText);
  // Only quoteCut spans, no ownText/quoteData marks: a message quoted whole again
  // (engine/skips.ts, a condition's reason) keeps such spans as they are.
  const written = shown.length === 1 ? op + shown[0] : `${shown[0]} ${op} ${shown[1]}`;
  return new ExpressionError(
    `not a number: ${written}`,
    offset,
    "arithmetic needs numbers (a missing or empty value gives an empty value); " +
      "check the value first in the task's condition, or use + to join text",
  );
}

/**
 * An operand as the message shows it, marked as data: a number as its digits, other
 * values JSON-quoted and cut.
 */
function operandText(value: Value): string {
  const digits = typeof value === "number"
    ? plainNumber(value)
    : typeof value === "string" && asNumber(value) !== undefined
    ? value.trim()
    : undefined;
  if (digits !== undefined) return quoteCut(digits, digits.length);
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return quoteCut(text, SHOWN, { json: true, ellipsis: true });
}
