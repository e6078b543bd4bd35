/**
 * The syntax tree the parser produces and the compiler turns into closures.
 * @module
 */
import type { Value } from "./value.ts";

/**
 * A reference such as `${tasks.build.exit_code}`: root "tasks", path ["build", "exit_code"].
 * `offset`/`length` locate it in the source text (0-based UTF-16): for the `${path}` form
 * they cover the whole `${...}`, for a bare path (`execution.status`) just the path.
 */
export interface Reference {
  root: string;
  path: string[];
  offset: number;
  length: number;
}

/** Binary operators, `===`/`!==` already folded into `==`/`!=`. */
export type BinaryOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%";

/** One node of an expression. `height` bounds evaluation recursion (see parser). */
export type Node =
  /**
   * `number`: written as a number (`12`, `1.5`, `12345678901234567890.5`), whose value is
   * its digits when a float does not hold it (exact_numbers.ts) and still a number.
   */
  | { kind: "literal"; value: Value; height: number; number?: true }
  | { kind: "ref"; ref: Reference; height: number }
  | { kind: "not"; operand: Node; height: number }
  /** `offset`: where the `-` is in the source (for an arithmetic error's place). */
  | { kind: "negate"; operand: Node; height: number; offset: number }
  /** `offset`: where the operator is in the source (for an arithmetic error's place). */
  | { kind: "binary"; op: BinaryOp; left: Node; right: Node; height: number; offset: number }
  | { kind: "and" | "or"; left: Node; right: Node; height: number }
  /** A string literal with `${...}` inside: text and expressions, concatenated. */
  | { kind: "interpolation"; parts: (string | Node)[]; height: number }
  /** A function call; `raw(x)` is the only function (see {@link FUNCTIONS}). */
  | { kind: "call"; name: FunctionName; arg: Node; height: number };

/**
 * The functions of the language. `raw(x)` has the value of `x`; where a template is
 * encoded or checked for its context (a URL, a data_processor path), a substitution
 * written `${raw(x)}` is inserted as written instead.
 */
export const FUNCTIONS = ["raw"] as const;

/**
 * The names a reference in a task's fields may start with (engine/expressions.ts
 * scope), a loop's `item` and `index` aside (known only inside its `task`).
 */
export const REFERENCE_ROOTS = [
  "env",
  "params",
  "tasks",
  "workflow",
  "run",
  "schedule",
  "trigger",
] as const;

/** The name of a function of the language. */
export type FunctionName = typeof FUNCTIONS[number];
