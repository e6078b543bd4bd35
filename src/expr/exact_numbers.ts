/**
 * Numbers a 64-bit float does not hold, exactly. Numbers in expressions are floats,
 * which hold every integer only up to 2^53 (9007199254740992), about 15 significant
 * digits and magnitudes from about 5e-324 to 1.8e308: past that `9007199254740993` reads
 * as …992, `12345678901234567890.5` as …567000, `1e400` as Infinity and `1e-400` as 0, so
 * two different ids or amounts compared equal and `${params.id} + 1` gave a neighbour's
 * id. Weft keeps such numbers as their digits (a literal in an expression, a JSON output:
 * value.ts parseJsonKeepingText, a parameter: always text), and where one operand is such
 * text ({@link roughText}) — or both are integers a float holds whose sum, difference or
 * product is past 2^53, or the float result of numbers a float holds is past its range
 * (`1e300 * 1e300`, `1e-300 * 1e-300`) — the comparison or the arithmetic is done on the
 * decimal numbers themselves ({@link Decimal}, BigInt), and the result is a number when a
 * float holds it exactly, else its digits in plain decimal. What has no exact decimal
 * result (such a number divided by 3), or more than {@link MAX_DIGITS} digits, is an
 * ExpressionError, never a rounded value. Numbers a float holds (`1.5`, `0.1`, `1e21`)
 * keep float arithmetic, as before.
 * @module
 */
import { ExpressionError } from "./errors.ts";
import type { Value } from "./value.ts";
import { quoteCut } from "../model/data_text.ts";

/**
 * A decimal number, exactly: `c × 10^e`. Normalised (see {@link normal}): `c` has no
 * trailing zero and zero is `{c: 0n, e: 0n}`, so equal numbers have equal fields. `e` is
 * a bigint: text may write any exponent (`1e99999999999999999999`), and such a number
 * is still ordered exactly.
 */
export interface Decimal {
  readonly c: bigint;
  readonly e: bigint;
}

/**
 * The most digits an exact result may have written in plain decimal: more than any
 * product of two numbers within a float's range (617 integer digits), and a bound on the
 * work an exponent in the text (`1e-99999999 + 1`) would otherwise ask for.
 */
export const MAX_DIGITS = 1000;

const MAX_LENGTH = BigInt(MAX_DIGITS);

/**
 * Decimal number text (value.ts asNumber reads a string as a number when it is one): a
 * sign, digits with at most one point and at least one digit, an exponent; blanks around.
 * Groups: 1 sign, 2 integer digits, 3 or 4 fraction digits, 5 exponent.
 */
export const DECIMAL_TEXT = /^\s*([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?\s*$/;

/** Digits with at most a point, no exponent: how an integer past 2^53 is written out. */
const PLAIN = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*$/;

/**
 * Significant digits every float reads back exactly (DBL_DIG): plain text with no more
 * digits than this is never rough, and needs no BigInt to tell.
 */
const FLOAT_DIGITS = 15;

/** `c × 10^e` normalised: trailing zeros of `c` moved into `e`. */
function normal(c: bigint, e: bigint): Decimal {
  if (c === 0n) return { c: 0n, e: 0n };
  const text = c.toString();
  const kept = text.replace(/0+$/, "");
  return kept.length === text.length
    ? { c, e }
    : { c: BigInt(kept), e: e + BigInt(text.length - kept.length) };
}

/**
 * The decimal number `text` spells (`" -12.50 "`, `1e+21`, `.5`, `1e400`), or undefined
 * when it spells none.
 */
export function decimalOf(text: string): Decimal | undefined {
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ?? m[4] ?? "";
  const e = (m[5] === undefined ? 0n : BigInt(m[5])) - BigInt(fraction.length);
  const digits = ((m[2] ?? "") + fraction).replace(/^0+/, "");
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
 * `"12345678901234567890.5"`, `"0.1000000000000000000001"`; `"1e400"`, whose float is
 * Infinity; `"1e-400"`, whose float is 0), or an integer past 2^53 written out in digits
 * (`"12345678901234567000"`, `"9007199254740992.0"`), whose float's neighbours are 2 or
 * more apart, so arithmetic on it would round. A number is taken as the float it is, and
 * so is text a float holds in exponent form (`1e21`).
 */
export function roughText(value: Value): boolean {
  if (typeof value !== "string") return false;
  const plain = PLAIN.test(value);
  if (plain && value.replace(/\D/g, "").length <= FLOAT_DIGITS) return false;
  const d = decimalOf(value);
  if (d === undefined) return false;
  const n = Number(value);
  // Past ±1.8e308 the float is ±Infinity, which is no decimal number at all.
  if (!Number.isFinite(n)) return true;
  return !same(d, floatDecimal(n)) || (plain && d.e >= 0n && !Number.isSafeInteger(n));
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

/**
 * `a` and `b` as integers over the same power of ten, `10^min(a.e, b.e)`. The caller
 * bounds how far apart the exponents are: that many digits are made.
 */
function aligned(a: Decimal, b: Decimal): [bigint, bigint, bigint] {
  const e = a.e < b.e ? a.e : b.e;
  return [a.c * 10n ** (a.e - e), b.c * 10n ** (b.e - e), e];
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
  const ma = BigInt(digitCount(a)) + a.e;
  const mb = BigInt(digitCount(b)) + b.e;
  if (ma !== mb) return ma < mb ? -s : s;
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Length of `d` written in plain decimal, sign aside. */
function plainLength(d: Decimal): bigint {
  const digits = BigInt(digitCount(d));
  if (d.e >= 0n) return digits + d.e;
  const whole = digits + d.e;
  return (whole > 1n ? whole : 1n) - d.e;
}

/** Whether `d` written in plain decimal has at most {@link MAX_DIGITS} digits. */
function writable(d: Decimal): boolean {
  return plainLength(d) <= MAX_LENGTH;
}

/**
 * `d` in plain decimal: `-12.5`, `0.0001`, `9007199254740993`; never an exponent. For a
 * `d` of at most {@link MAX_DIGITS} digits (see plainLength): the text is made whole.
 */
export function decimalText(d: Decimal): string {
  const minus = d.c < 0n ? "-" : "";
  const digits = abs(d.c).toString();
  const e = Number(d.e);
  if (e >= 0) return minus + digits + "0".repeat(e);
  const point = digits.length + e;
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
  if (d.e >= 0n) return Number.isSafeInteger(n) ? n : text;
  // Infinity for a fraction past a float's range (`1e400 + 0.5`) spells no decimal.
  return Number.isFinite(n) && same(d, floatDecimal(n)) ? n : text;
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
  return writable(d) ? decimalText(d) : text;
}

/**
 * `-value` when `value` is {@link roughText} (its digits, negated), else undefined.
 * Throws ExpressionError at `offset` when that has more than {@link MAX_DIGITS} digits.
 */
export function exactNegation(value: Value, offset: number): string | number | undefined {
  if (!roughText(value)) return undefined;
  const d = decimalOf(value as string)!;
  if (!writable(d)) throw tooLong(`-${operandText(d)}`, offset);
  return fromDecimal({ c: -d.c, e: d.e });
}

/**
 * `x op y` (floats of values `a`, `b`, `float` the float result) done exactly when it
 * must be: one operand {@link roughText}, both safe integers and the float sum,
 * difference or product past 2^53, or the float result past a float's range: ±Infinity
 * (`1e300 * 1e300`), or 0 for a product or quotient of numbers that are not
 * (`1e-300 * 1e-300`). Undefined when the float result is right, as far as floats go
 * (`0.1 + 0.2`): then it is a finite number. `b` is not zero (compile.ts checks it
 * first). Throws ExpressionError at `offset` for a quotient with no finite decimal and
 * for a result of more than {@link MAX_DIGITS} digits.
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
  if (!rough && !bigIntegers && !pastRange(op, x, y, float)) return undefined;
  const p = decimalOfValue(a, x);
  const q = decimalOfValue(b, y);
  const shown = () => `${operandText(p)} ${op} ${operandText(q)}`;
  // Aligning two numbers whose exponents are further apart makes at least that many digits.
  if ((op === "+" || op === "-" || op === "%") && abs(p.e - q.e) > MAX_LENGTH) {
    throw tooLong(shown(), offset);
  }
  const result = compute(op, p, q);
  if (result === undefined) {
    throw new ExpressionError(
      `${shown()} has no exact decimal result`,
      offset,
      "a number a 64-bit float does not hold exactly (past 2^53 = 9007199254740992, with " +
        "more than 15 significant digits, or past its range of about 1.8e308) is divided " +
        "only where the quotient is a finite decimal; check with % first, or round the " +
        "value before weft reads it",
    );
  }
  if (!writable(result)) throw tooLong(shown(), offset);
  return fromDecimal(result);
}

/**
 * Whether `float`, the float result of `x op y` (finite floats), lost the number for
 * being past a float's range: ±Infinity, or 0 where a product or quotient of non-zero
 * numbers is not 0. (A difference is 0 only for equal floats, and a remainder may be.)
 */
function pastRange(op: string, x: number, y: number, float: number): boolean {
  if (!Number.isFinite(float)) return true;
  return float === 0 && x !== 0 && (op === "/" || (op === "*" && y !== 0));
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
  return normal(
    num * 2n ** BigInt(k - twos) * 5n ** BigInt(k - fives),
    p.e - q.e - BigInt(k),
  );
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Characters of an operand an error message shows (the mark holds it whole). */
const SHOWN = 60;

/**
 * An operand as an error message shows it: its plain decimal digits, or where those
 * are longer than a message shows and its significant digits are not (`1e600`,
 * `15e-420`), digits and exponent; cut to {@link SHOWN}; marked as data
 * (model/data_text.ts), so a secret among them is masked where weft prints it, as
 * arithmetic_operands.ts does.
 */
function operandText(d: Decimal): string {
  const plain = plainLength(d) <= BigInt(SHOWN) || (digitCount(d) >= SHOWN && writable(d));
  const text = plain ? decimalText(d) : `${d.c}e${d.e}`;
  return quoteCut(text, SHOWN, { ellipsis: true });
}
