/**
 * Numbers a 64-bit float does not hold, exactly. Numbers in expressions are floats,
 * which hold every integer only up to 2^53 (9007199254740992) and about 15 significant
 * digits: past that `9007199254740993` reads as …992 and `12345678901234567890.5` as
 * …567000, so two different ids or amounts compared equal and `${params.id} + 1` gave a
 * neighbour's id. Weft keeps such numbers as their digits (a literal in an expression, a
 * JSON output: value.ts parseJsonKeepingText, a parameter: always text), and where one
 * operand is such text ({@link roughText}) — or both are integers a float holds whose
 * sum, difference or product is past 2^53 — the comparison or the arithmetic is done on
 * the decimal numbers themselves ({@link Decimal}, BigInt), and the result is a number
 * when a float holds it exactly, else its digits in plain decimal. What has no exact
 * decimal result (such a number divided by 3) is an ExpressionError, never a rounded
 * value. Numbers a float holds (`1.5`, `0.1`, `1e21`) keep float arithmetic, as before.
 * @module
 */
import { ExpressionError } from "./errors.ts";
import type { Value } from "./value.ts";
import { quoteCut } from "../model/data_text.ts";

/**
 * A decimal number, exactly: `c × 10^e`. Normalised (see {@link normal}): `c` has no
 * trailing zero and zero is `{c: 0n, e: 0}`, so equal numbers have equal fields.
 */
export interface Decimal {
  readonly c: bigint;
  readonly e: number;
}

/**
 * The most digits an exact result may have written in plain decimal: more than any
 * product of two numbers within a float's range (617 integer digits), and a bound on the
 * work an exponent in the text (`1e-99999999 + 1`) would otherwise ask for.
 */
export const MAX_DIGITS = 1000;

/** Decimal number text as value.ts NUMERIC accepts it: sign, digits, point, exponent. */
const DECIMAL = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;

/** Digits with at most a point, no exponent: how an integer past 2^53 is written out. */
const PLAIN = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*$/;

/**
 * Significant digits every float reads back exactly (DBL_DIG): plain text with no more
 * digits than this is never rough, and needs no BigInt to tell.
 */
const FLOAT_DIGITS = 15;

/** `c × 10^e` normalised: trailing zeros of `c` moved into `e`. */
function normal(c: bigint, e: number): Decimal {
  if (c === 0n) return { c: 0n, e: 0 };
  const text = c.toString();
  const kept = text.replace(/0+$/, "");
  return kept.length === text.length
    ? { c, e }
    : { c: BigInt(kept), e: e + text.length - kept.length };
}

/**
 * The decimal number `text` spells (`" -12.50 "`, `1e+21`, `.5`), or undefined when it
 * spells none, or its exponent is beyond a safe integer.
 */
export function decimalOf(text: string): Decimal | undefined {
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === "" && !m[3])) return undefined;
  const fraction = m[3] ?? "";
  const e = (m[4] === undefined ? 0 : Number(m[4])) - fraction.length;
  if (!Number.isSafeInteger(e)) return undefined;
  const digits = (m[2] + fraction).replace(/^0+/, "");
  const c = digits === "" ? 0n : BigInt(digits);
  return normal(m[1] === "-" ? -c : c, e);
}

/** The decimal a float stands for: the shortest digits that read back as it (`String`). */
function floatDecimal(n: number): Decimal {
  return decimalOf(String(n))!;
}

function same(a: Decimal, b: Decimal): boolean {
  return a.c === b.c && a.e === b.e;
}

/**
 * Whether `value` is number text whose float is not it (`"9007199254740993"`,
 * `"12345678901234567890.5"`, `"0.1000000000000000000001"`), or an integer past 2^53
 * written out in digits (`"12345678901234567000"`, `"9007199254740992.0"`), whose float's
 * neighbours are 2 or more apart, so arithmetic on it would round. A number is taken as
 * the float it is, and so is text a float holds in exponent form (`1e21`).
 */
export function roughText(value: Value): boolean {
  if (typeof value !== "string") return false;
  const plain = PLAIN.test(value);
  if (plain && value.replace(/\D/g, "").length <= FLOAT_DIGITS) return false;
  const d = decimalOf(value);
  const n = Number(value);
  if (d === undefined || !Number.isFinite(n)) return false;
  return !same(d, floatDecimal(n)) || (plain && d.e >= 0 && !Number.isSafeInteger(n));
}

/** The decimal of a numeric value (`float`: the number it spells, value.ts asNumber). */
function decimalOfValue(value: Value, float: number): Decimal {
  return (typeof value === "string" ? decimalOf(value) : undefined) ?? floatDecimal(float);
}

/**
 * Both numeric values as decimals, when one of them is {@link roughText}: then float
 * comparison could be wrong. Else undefined (floats are right). `x`, `y`: their floats.
 */
export function exactOperands(
  a: Value,
  b: Value,
  x: number,
  y: number,
): [Decimal, Decimal] | undefined {
  if (!roughText(a) && !roughText(b)) return undefined;
  return [decimalOfValue(a, x), decimalOfValue(b, y)];
}

function sign(c: bigint): number {
  return c < 0n ? -1 : c > 0n ? 1 : 0;
}

function abs(c: bigint): bigint {
  return c < 0n ? -c : c;
}

/** Digits of `|d.c|`. */
function digitCount(d: Decimal): number {
  return abs(d.c).toString().length;
}

/** `a` and `b` as integers over the same power of ten, `10^min(a.e, b.e)`. */
function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.c * 10n ** BigInt(a.e - e), b.c * 10n ** BigInt(b.e - e), e];
}

/**
 * Negative, zero or positive as `a` is below, equal to or above `b`. No power of ten
 * larger than the operands' digits is made: numbers of different magnitude are told
 * apart by it alone (`1e-99999999 < 1`).
 */
export function compareDecimals(a: Decimal, b: Decimal): number {
  const s = sign(a.c);
  const t = sign(b.c);
  if (s !== t) return s < t ? -1 : 1;
  if (s === 0) return 0;
  // Where the leading digit is: 10^(magnitude - 1) ≤ |d| < 10^magnitude.
  const ma = digitCount(a) + a.e;
  const mb = digitCount(b) + b.e;
  if (ma !== mb) return ma < mb ? -s : s;
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Length of `d` written in plain decimal, sign aside. */
function plainLength(d: Decimal): number {
  const digits = digitCount(d);
  return d.e >= 0 ? digits + d.e : Math.max(digits + d.e, 1) + -d.e;
}

/** `d` in plain decimal: `-12.5`, `0.0001`, `9007199254740993`; never an exponent. */
export function decimalText(d: Decimal): string {
  const minus = d.c < 0n ? "-" : "";
  const digits = abs(d.c).toString();
  if (d.e >= 0) return minus + digits + "0".repeat(d.e);
  const point = digits.length + d.e;
  return point > 0
    ? `${minus}${digits.slice(0, point)}.${digits.slice(point)}`
    : `${minus}0.${"0".repeat(-point)}${digits}`;
}

/**
 * A decimal as a value: a number when a float holds it exactly (an integer up to 2^53,
 * a fraction whose float reads back as it: `-0.1`), else its digits in plain decimal.
 */
export function fromDecimal(d: Decimal): number | string {
  const text = decimalText(d);
  const n = Number(text);
  if (d.e >= 0) return Number.isSafeInteger(n) ? n : text;
  return same(d, floatDecimal(n)) ? n : text;
}

/**
 * The value of a number literal written in an expression when a float does not hold it
 * (see {@link roughText}): its plain decimal digits (`0012345678901234567890.50` is
 * `12345678901234567890.5`). Undefined when the float holds it.
 */
export function exactLiteral(text: string): string | undefined {
  if (!roughText(text)) return undefined;
  const d = decimalOf(text)!;
  // Digits beyond the bound stay as written: arithmetic on them fails at the operator.
  return plainLength(d) <= MAX_DIGITS ? decimalText(d) : text;
}

/**
 * `-value` when `value` is {@link roughText} (its digits, negated), else undefined.
 * Throws ExpressionError at `offset` when that has more than {@link MAX_DIGITS} digits.
 */
export function exactNegation(value: Value, offset: number): string | number | undefined {
  if (!roughText(value)) return undefined;
  const d = decimalOf(value as string)!;
  if (plainLength(d) > MAX_DIGITS) throw tooLong(`-${operandText(d)}`, offset);
  return fromDecimal({ c: -d.c, e: d.e });
}

/**
 * `x op y` (floats of values `a`, `b`, `float` the float result) done exactly when it
 * must be: one operand {@link roughText}, or both safe integers and the float sum,
 * difference or product past 2^53. Undefined when the float result is right, as far as
 * floats go (`0.1 + 0.2`). `b` is not zero (compile.ts checks it first). Throws
 * ExpressionError at `offset` for a quotient with no finite decimal and for a result of
 * more than {@link MAX_DIGITS} digits.
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
  const rough = roughText(a) || roughText(b);
  const bigIntegers = "+-*".includes(op) && Number.isSafeInteger(x) &&
    Number.isSafeInteger(y) && !Number.isSafeInteger(float);
  if (!rough && !bigIntegers) return undefined;
  const p = decimalOfValue(a, x);
  const q = decimalOfValue(b, y);
  const shown = () => `${operandText(p)} ${op} ${operandText(q)}`;
  // Aligning two numbers whose exponents are further apart makes at least that many digits.
  if ((op === "+" || op === "-" || op === "%") && Math.abs(p.e - q.e) > MAX_DIGITS) {
    throw tooLong(shown(), offset);
  }
  const result = compute(op, p, q);
  if (result === undefined) {
    throw new ExpressionError(
      `${shown()} has no exact decimal result`,
      offset,
      "a number a 64-bit float does not hold exactly (past 2^53 = 9007199254740992, or " +
        "with more than 15 significant digits) is divided only where the quotient is a " +
        "finite decimal; check with % first, or round the value before weft reads it",
    );
  }
  if (plainLength(result) > MAX_DIGITS) throw tooLong(shown(), offset);
  return fromDecimal(result);
}

/** The error for an exact result (of `shown`, at `offset`) longer than MAX_DIGITS. */
function tooLong(shown: string, offset: number): ExpressionError {
  return new ExpressionError(
    `the exact result of ${shown} has more than ${MAX_DIGITS} digits`,
    offset,
    "numbers a 64-bit float does not hold are computed exactly, up to " +
      `${MAX_DIGITS} digits; round the values before weft reads them`,
  );
}

/** `p op q` exactly; undefined for a quotient with no finite decimal (`1 / 3`). */
function compute(op: string, p: Decimal, q: Decimal): Decimal | undefined {
  switch (op) {
    case "+":
    case "-": {
      const [i, j, e] = aligned(p, q);
      return normal(op === "+" ? i + j : i - j, e);
    }
    case "*":
      return normal(p.c * q.c, p.e + q.e);
    case "%": {
      // BigInt's % truncates and keeps the dividend's sign, as JavaScript's % on floats.
      const [i, j, e] = aligned(p, q);
      return normal(i % j, e);
    }
    default: // "/"
      return divide(p, q);
  }
}

/**
 * `p / q` as a finite decimal, or undefined when it has none: the fraction
 * `p.c / q.c`, reduced, terminates when its denominator has no prime factor but 2 and 5.
 */
function divide(p: Decimal, q: Decimal): Decimal | undefined {
  let num = q.c < 0n ? -p.c : p.c;
  let den = abs(q.c);
  const g = gcd(abs(num), den);
  num /= g;
  den /= g;
  let twos = 0;
  let fives = 0;
  for (; den % 2n === 0n; twos++) den /= 2n;
  for (; den % 5n === 0n; fives++) den /= 5n;
  if (den !== 1n) return undefined;
  // num / (2^twos × 5^fives) = num × 2^(k - twos) × 5^(k - fives) / 10^k.
  const k = Math.max(twos, fives);
  return normal(num * 2n ** BigInt(k - twos) * 5n ** BigInt(k - fives), p.e - q.e - k);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * An operand as an error message shows it: its plain decimal digits (cut to the bound),
 * marked as data (model/data_text.ts), so a secret among them is masked where weft
 * prints it, as arithmetic_operands.ts does.
 */
function operandText(d: Decimal): string {
  const text = plainLength(d) <= MAX_DIGITS ? decimalText(d) : `${d.c}e${d.e}`;
  return quoteCut(text, 60, { ellipsis: true });
}
