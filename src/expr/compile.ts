/**
 * Turns a syntax tree into a tree of closures, once; evaluating is then a few calls per
 * node with no tree walking or dispatch on node kinds.
 * @module
 */
import type { Node } from "./ast.ts";
import { ExpressionError } from "./errors.ts";
import { exactArithmetic, exactNegation, roughText } from "./exact_numbers.ts";
import { missingOperand, notANumber } from "./arithmetic_operands.ts";
import { STATUS_SYNONYMS, statusOwner } from "../model/status_words.ts";
import {
  asNumber,
  compareValues,
  finiteOrNull,
  looseEquals,
  type Scope,
  stringify,
  truthy,
  type Value,
} from "./value.ts";

/** A compiled expression: evaluates against a scope. */
export type Evaluator = (scope: Scope) => Value;

/**
 * Compiles a node. Arithmetic (`- * / %`, unary `-`) needs numeric operands: a missing
 * one (null, undefined, blank text: `workflow.expected_duration * 2` when it is not set)
 * yields null; one that is there and spells no number (`'three' * 2`), division or
 * remainder by zero and a result with no exact decimal or of more than 1000 digits
 * (exact_numbers.ts) throw ExpressionError at the operator when evaluated, rather than
 * give an empty value (arithmetic_operands.ts).
 * `+` adds when both sides are numeric and concatenates text otherwise (`'a' + 1` is
 * `a1`, `'v' + missing` is `v`); a missing side (null, undefined) and a number give
 * null, as the others do (README, Expressions: "Arithmetic on a missing value gives an
 * empty value"). Numbers a float does not hold (integers past 2^53, decimals with more
 * digits than it keeps, magnitudes past its range: `1e400`, `1e-400`) are compared and
 * computed exactly (exact_numbers.ts), and so is a result past a float's range
 * (`1e300 * 1e300`): never ±Infinity.
 */
export function compileNode(node: Node): Evaluator {
  switch (node.kind) {
    case "literal": {
      const value = node.value;
      return () => value;
    }
    case "ref": {
      const { root, path } = node.ref;
      return (scope) => scope(root, path);
    }
    case "not": {
      const operand = compileNode(node.operand);
      return (scope) => !truthy(operand(scope));
    }
    case "negate": {
      const operand = compileNode(node.operand);
      return (scope) => {
        const value = operand(scope);
        if (missingOperand(value)) return null;
        const n = asNumber(value);
        if (n === undefined) throw notANumber("-", [value], node.offset);
        // `-9007199254740993`: the digits, not the rounded float.
        return exactNegation(value, node.offset) ?? finiteOrNull(-n);
      };
    }
    case "and": {
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      return (scope) => truthy(left(scope)) && truthy(right(scope));
    }
    case "or": {
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      return (scope) => truthy(left(scope)) || truthy(right(scope));
    }
    case "interpolation": {
      const parts = node.parts.map((p) => typeof p === "string" ? p : compileNode(p));
      return (scope) => {
        let text = "";
        for (const p of parts) text += typeof p === "string" ? p : stringify(p(scope));
        return text;
      };
    }
    case "binary": {
      const { left, right } = statusWords(node);
      const [l, r] = [compileNode(left), compileNode(right)];
      return node.op === "==" || node.op === "!="
        ? compileEquality(node.op, l, r, numberNode(left) || numberNode(right))
        : compileBinary(node.op, l, r, node.offset);
    }
    case "call":
      // raw(x) is x; only URL rendering looks at it (see template.ts).
      return compileNode(node.arg);
  }
}

type Binary = Extract<Node, { kind: "binary" }>;

const ARITHMETIC_OPS = new Set(["+", "-", "*", "/", "%"]);

/**
 * Whether `node`'s value, when it is text spelling a number, is that number rather than
 * text: a number literal, or the result of arithmetic (exact_numbers.ts gives digits
 * where a float would round). `+` that joined text mostly gives text that spells no
 * number, which still compares as text (`'' + '5'`, which spells 5, is read as 5).
 */
function numberNode(node: Node): boolean {
  return (node.kind === "literal" && node.number === true) || node.kind === "negate" ||
    (node.kind === "binary" && ARITHMETIC_OPS.has(node.op));
}

/**
 * `==` / `!=` (value.ts looseEquals). `numeric`: a side is a number (see numberNode)
 * whatever text it is carried as, so `== 9007199254740993` holds for the text
 * `9007199254740993.0` as `== 7` does for `7.0`.
 */
function compileEquality(
  op: "==" | "!=",
  left: Evaluator,
  right: Evaluator,
  numeric: boolean,
): Evaluator {
  return op === "=="
    ? (s) => looseEquals(left(s), right(s), numeric)
    : (s) => !looseEquals(left(s), right(s), numeric);
}

/**
 * The operands of `node`, a word that means a status (model/status_words.ts: the seed's
 * `'completed'`) compared with `==`/`!=` to a status (`${tasks.ID.status}`, an alert's
 * `execution.status`) read as that status (`'success'`).
 */
function statusWords(node: Binary): { left: Node; right: Node } {
  if (node.op !== "==" && node.op !== "!=") return node;
  const meant = (literal: Node, other: Node): Node =>
    literal.kind === "literal" && typeof literal.value === "string" &&
      Object.hasOwn(STATUS_SYNONYMS, literal.value) && other.kind === "ref" &&
      statusOwner(other.ref.root, other.ref.path) !== undefined
      ? { ...literal, value: STATUS_SYNONYMS[literal.value] }
      : literal;
  return { left: meant(node.left, node.right), right: meant(node.right, node.left) };
}

function compileBinary(
  op: string,
  left: Evaluator,
  right: Evaluator,
  offset: number,
): Evaluator {
  switch (op) {
    case "<":
      return (s) => (compareValues(left(s), right(s)) ?? NaN) < 0;
    case "<=":
      return (s) => (compareValues(left(s), right(s)) ?? NaN) <= 0;
    case ">":
      return (s) => (compareValues(left(s), right(s)) ?? NaN) > 0;
    case ">=":
      return (s) => (compareValues(left(s), right(s)) ?? NaN) >= 0;
    case "+":
      return (s) => {
        const a = left(s);
        const b = right(s);
        // A missing value (an output of a task that never ran) added to a number is
        // arithmetic on it: empty, as with the other operators, never a silent
        // `${tasks.count.outputs.n + 1}` of 1. Joined to text it reads as empty text.
        const aMissing = a === undefined || a === null;
        const bMissing = b === undefined || b === null;
        if (aMissing !== bMissing && asNumber(aMissing ? b : a) !== undefined) return null;
        const x = asNumber(a);
        const y = x === undefined ? undefined : asNumber(b);
        if (y === undefined) return stringify(a) + stringify(b);
        return exactArithmetic(op, a, b, x!, y, x! + y, offset) ?? x! + y;
      };
    default: {
      const apply = ARITHMETIC[op];
      return (s) => {
        const a = left(s);
        const b = right(s);
        if (missingOperand(a) || missingOperand(b)) return null;
        const x = asNumber(a);
        const y = asNumber(b);
        if (x === undefined || y === undefined) throw notANumber(op, [a, b], offset);
        // Text a float does not hold is never zero, even where its float is (`1e-400`).
        if (y === 0 && (op === "/" || op === "%") && !roughText(b)) {
          throw new ExpressionError(
            `division by zero: ${roughText(a) ? stringify(a).trim() : x} ${op} 0`,
            offset,
            "the value divided by is 0; check it first in the task's condition",
          );
        }
        const float = apply(x, y);
        return exactArithmetic(op, a, b, x, y, float, offset) ?? float;
      };
    }
  }
}

const ARITHMETIC: Record<string, (x: number, y: number) => number> = {
  "-": (x, y) => x - y,
  "*": (x, y) => x * y,
  "/": (x, y) => x / y,
  "%": (x, y) => x % y,
};
