/**
 * Runtime values and the coercions the operators use. Most values come from environment
 * variables and process output, which are always strings, so a string meets a number as
 * the number it spells (`"0" == 0`, as GitHub Actions coerces a string compared with a
 * number) and two strings that both spell numbers are ordered as numbers (`"10" > "9"`).
 * Two strings are equal only when their text is: `3.10` is a version, not the number 3.1,
 * and a quoted literal is a string (`${params.v} == '3.10'` is false for 3.1).
 * @module
 */
import { ownText } from "../model/data_text.ts";
import { jsonTooDeep, MAX_NESTING_DEPTH } from "../model/json_depth.ts";
import { compareDecimals, DECIMAL_TEXT, exactOperands } from "./exact_numbers.ts";

/** A runtime value. */
export type Value =
  | string
  | number
  | boolean
  | null
  | undefined
  | Value[]
  | { [key: string]: Value };

/** Resolves a reference such as `tasks.build.exit_code` (root `tasks`, path `["build", "exit_code"]`); returns undefined when absent. */
export type Scope = (root: string, path: string[]) => Value;

/**
 * `record[key]` when `record` has it as its own property, else undefined: a name the
 * user wrote (`${env.constructor}`, `${params.toString}`) must never read what every
 * JavaScript object inherits (a function, which would reach a task as `undefined`).
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * How values become text: undefined/null → "", strings as they are, numbers in plain
 * decimal ({@link plainNumber}), booleans through `String`, arrays and objects as JSON.
 */
export function stringify(value: Value): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return plainNumber(value);
  if (typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/**
 * A finite number in plain decimal, with the digits `String` gives it (the shortest that
 * read back as it) but never an exponent: `1e21 + 1` is `1000000000000000000000` and
 * `0.000001 / 10` is `0.0000001`, as a shell, `test` or a database reads numbers, where
 * JavaScript would write `1e+21` and `1e-7`.
 */
export function plainNumber(n: number): string {
  const text = String(n);
  const e = text.indexOf("e");
  if (e < 0) return text;
  const sign = text.startsWith("-") ? "-" : "";
  const [whole, fraction = ""] = text.slice(sign.length, e).split(".");
  const digits = whole + fraction;
  const point = whole.length + Number(text.slice(e + 1));
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * The value of JSON `text` (JSON.parse) with each number that `String()` would spell
 * otherwise kept as the text it was written as: `[1.10, 1E3, -0, 100000000000000000000001]`
 * gives `["1.10", "1E3", "-0", "100000000000000000000001"]`, as an unquoted `1.10` in a
 * workflow file stays `1.10` (parse/written_keep.ts); `10` and `2.5` stay numbers. The
 * text of a number comes from JSON.parse's reviver context (ES2025 "JSON.parse source
 * text access"). Throws SyntaxError as JSON.parse does, and for text nesting lists and
 * objects deeper than model/json_depth.ts MAX_NESTING_DEPTH (the reviver recurses, and
 * would overflow the stack instead). `spell` makes the value of such a number from its
 * text (by default the text itself).
 */
export function parseJsonKeepingText(
  text: string,
  spell: (source: string) => unknown = (source) => source,
): unknown {
  if (jsonTooDeep(text) !== undefined) {
    throw new SyntaxError(
      ownText(`the JSON nests lists and objects more than ${MAX_NESTING_DEPTH} levels deep`),
    );
  }
  return JSON.parse(
    text,
    (_key, value, context?: { source?: string }) =>
      typeof value === "number" && context?.source !== undefined &&
        context.source !== String(value)
        ? spell(context.source)
        : value,
  );
}

const FALSY_STRINGS = new Set(["", "false", "0"]);

/**
 * Truthiness for conditions: false, 0, NaN, null, undefined and the strings "", "false"
 * and "0" are false; everything else (including empty arrays and objects) is true.
 * Strings are compared after trimming and case-insensitively, because they mostly come
 * from environment variables and command output (`"FALSE"`, `"0\n"`).
 */
export function truthy(value: Value): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value);
  if (typeof value === "string") return !FALSY_STRINGS.has(value.trim().toLowerCase());
  return true;
}

/**
 * The number a value stands for as a float (a finite number, or a string that spells a
 * decimal number), or undefined. Text past a float's range is a number too: `"1e400"`
 * gives Infinity and `"1e-400"` 0, floats that are not it, as for every text a float
 * does not hold (exact_numbers.ts roughText), which the operators read exactly.
 */
export function asNumber(value: Value): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  // Decimal numbers only: "0x10", "Infinity" and "1_000" stay strings.
  if (typeof value === "string" && DECIMAL_TEXT.test(value)) return Number(value);
  return undefined;
}

/**
 * `==`: numeric when one side is a number and the other is one too or a string that
 * spells one (`' 5 ' == 5`, `'5.0' == 5`); otherwise the stringified values are compared
 * as text, exactly: two strings are equal only when they are the same text (`'3.1'` and
 * `'3.10'`, `'0012'` and `'12'`, `'1e3'` and `'1000'` differ), whatever they spell.
 * `numeric`: one side is a number carried as its digits (a literal or an arithmetic
 * result a float does not hold: exact_numbers.ts), which compares as a number too.
 * Numbers a float does not hold are compared exactly, not as rounded floats.
 */
export function looseEquals(a: Value, b: Value, numeric = false): boolean {
  if (numeric || typeof a === "number" || typeof b === "number") {
    const order = numericOrder(a, b);
    if (order !== undefined) return order === 0;
  }
  return stringify(a) === stringify(b);
}

/**
 * Negative, zero or positive when both values are numeric (numbers, or strings that
 * spell them), exactly where a float would round one (exact_numbers.ts); else undefined.
 */
function numericOrder(a: Value, b: Value): number | undefined {
  const x = asNumber(a);
  if (x === undefined) return undefined;
  const y = asNumber(b);
  if (y === undefined) return undefined;
  const exact = exactOperands(a, b, x, y); // past what floats hold they round
  return exact ? compareDecimals(...exact) : x - y;
}

/**
 * Ordering for `< <= > >=`: negative, zero or positive; undefined when either side is
 * null/undefined (a missing value is not ordered, so every ordering comparison with it
 * is false — an absent metric must not fire an alert). Numeric when both sides are
 * numeric (numbers or strings that spell them: outputs and variables are text, and
 * ordering numbers as text is never what `${tasks.a.outputs.n} > ${params.max}` means),
 * otherwise by UTF-16 code units of the stringified values. Unlike `==`, ordering does
 * not tell `'3.1'` from `'3.10'`: neither is before the other. Numbers a float does not
 * hold (`12345678901234567890.5`, `9007199254740993`) are ordered exactly.
 */
export function compareValues(a: Value, b: Value): number | undefined {
  if (a === undefined || a === null || b === undefined || b === null) return undefined;
  const order = numericOrder(a, b);
  if (order !== undefined) return order;
  const s = stringify(a);
  const t = stringify(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

/** Keeps arithmetic results finite: NaN and ±Infinity (e.g. division by zero) become null. */
export function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}
