/**
 * Turns a syntax tree into a tree of closures, once; evaluating is then a few calls per
 * node with no tree walking or dispatch on node kinds.
 * @module
 */
import type { Node } from "./ast.ts";
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
 * Compiles a node. Arithmetic (`- * / %`, unary `-`) needs numeric operands and yields
 * null otherwise; so do division or remainder by zero and any non-finite result.
 * `+` adds when both sides are numeric and concatenates text otherwise.
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
        const n = asNumber(operand(scope));
        return n === undefined ? null : finiteOrNull(-n);
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
    case "binary":
      return compileBinary(node.op, compileNode(node.left), compileNode(node.right));
    case "call":
      // raw(x) is x; only URL rendering looks at it (see template.ts).
      return compileNode(node.arg);
  }
}

function compileBinary(op: string, left: Evaluator, right: Evaluator): Evaluator {
  switch (op) {
    case "==":
      return (s) => looseEquals(left(s), right(s));
    case "!=":
      return (s) => !looseEquals(left(s), right(s));
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
        const x = asNumber(a);
        const y = x === undefined ? undefined : asNumber(b);
        return y === undefined ? stringify(a) + stringify(b) : finiteOrNull(x! + y);
      };
    default: {
      const apply = ARITHMETIC[op];
      return (s) => {
        const x = asNumber(left(s));
        const y = asNumber(right(s));
        return x === undefined || y === undefined ? null : finiteOrNull(apply(x, y));
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
