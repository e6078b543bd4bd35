/**
 * Integers beyond 2^53, exactly. Numbers in expressions are 64-bit floats, which hold
 * every integer only up to 2^53 (9007199254740992): past it `9007199254740993` reads as
 * …992, so two different ids compared equal and `${params.id} + 1` gave a neighbour's
 * id. Weft keeps such integers as their digits (a literal in an expression, a JSON
 * output: value.ts parseJsonKeepingText, a parameter: always text), so where both
 * operands are integers and one of them, or the result, is past 2^53, the comparison or
 * the arithmetic is done on the integers themselves (BigInt), and the result is a number
 * when a float holds it exactly, else its digits. What has no exact integer result (a
 * big integer divided unevenly, or meeting a fraction) is an ExpressionError, never a
 * rounded value.
 * @module
 */
import { ExpressionError } from "./errors.ts";
import type { Value } from "./value.ts";

/**
 * Decimal integer text: `12`, ` -7 `, `+0012`, and one written with a zero fraction
 * (`9007199254740993.0`, as a JSON writer or a spreadsheet may give an integer).
 */
const INTEGER = /^\s*[+-]?\d+(?:\.0+)?\s*$/;

/** The integer of integer text (see INTEGER). */
function integerOf(text: string): bigint {
  return BigInt(text.trim().replace(/\.0+$/, ""));
}

/** The integer a value is, exactly, or undefined when it is none (text or a fraction). */
export function exactInteger(value: Value): bigint | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : undefined;
  if (typeof value === "string" && INTEGER.test(value)) return integerOf(value);
  return undefined;
}

/**
 * Whether `value` is integer text past 2^53 (as the parameter `"9007199254740993"` or the
 * literal `9007199254740993` are), which a float holds only roughly. A number is taken
 * as the float it is (`1e300` is written as one).
 */
function bigText(value: Value): boolean {
  return typeof value === "string" && INTEGER.test(value) &&
    !Number.isSafeInteger(Number(value));
}

/**
 * Both values as exact integers, when one is integer text past 2^53 and the other an
 * integer too: then float comparison could be wrong. Else undefined (floats are right).
 */
export function bigOperands(a: Value, b: Value): [bigint, bigint] | undefined {
  if (!bigText(a) && !bigText(b)) return undefined;
  const i = exactInteger(a);
  const j = i === undefined ? undefined : exactInteger(b);
  return j === undefined ? undefined : [i!, j];
}

/** `-value` when `value` is integer text past 2^53 (its digits, negated), else undefined. */
export function exactNegation(value: Value): string | number | undefined {
  return bigText(value) ? fromBig(-integerOf(value as string)) : undefined;
}

/** A bigint as a value: a number when a float holds it exactly, else its digits. */
export function fromBig(n: bigint): number | string {
  const asFloat = Number(n);
  return Number.isSafeInteger(asFloat) ? asFloat : n.toString();
}

/**
 * `x op y` (floats of values `a`, `b`) done exactly when it must be: both operands
 * integers, and one of them or the float result past 2^53. Undefined when the float
 * result is exact. `offset` places an error at the operator.
 */
export function exactArithmetic(
  op: string,
  a: Value,
  b: Value,
  x: number,
  y: number,
  float: number,
  offset: number,
): number | string | undefined {
  const big = bigText(a) || bigText(b);
  // Small integers whose result a float holds, fractions, and floats such as 1e300.
  if (
    !big && (!Number.isSafeInteger(x) || !Number.isSafeInteger(y) || Number.isSafeInteger(float))
  ) {
    return undefined;
  }
  const i = exactInteger(a);
  const j = exactInteger(b);
  if (i === undefined || j === undefined) {
    if (!big) return undefined; // a fraction written as 2.0: float arithmetic
    throw new ExpressionError(
      `${i === undefined ? textOf(a) : textOf(b)} is not an integer, and ${
        i === undefined ? textOf(b) : textOf(a)
      } is an integer too large to compute with it exactly`,
      offset,
      "integers beyond 2^53 (9007199254740992) are computed exactly only with integers",
    );
  }
  switch (op) {
    case "+":
      return fromBig(i + j);
    case "-":
      return fromBig(i - j);
    case "*":
      return fromBig(i * j);
    case "%":
      return fromBig(i % j);
    default: // "/"
      if (i % j === 0n) return fromBig(i / j);
      if (!big) return undefined; // a fraction of two small integers: the float is right
      throw new ExpressionError(
        `${i} / ${j} has no exact result: the integers are too large for a fraction`,
        offset,
        "integers beyond 2^53 (9007199254740992) divide exactly only when the result is an " +
          "integer; use % to check first",
      );
  }
}

function textOf(value: Value): string {
  return typeof value === "string" ? JSON.stringify(value.trim()) : String(value);
}
