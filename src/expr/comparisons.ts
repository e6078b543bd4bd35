/**
 * The comparisons of a reference with a literal in a condition
 * (`${tasks.test.status} == 'failed'`, `${tasks.test.exit_code} > 0`), for checks that
 * know what a reference can hold (parse/status_checks.ts): with whether the condition
 * needs each to hold (or not to), and what it gives for a value of its reference, as the
 * engine evaluates it (compile.ts).
 * @module
 */
import type { Node, Reference } from "./ast.ts";
import { compileNode } from "./compile.ts";
import { ExpressionError } from "./errors.ts";
import { Parser } from "./parser.ts";
import type { Value } from "./value.ts";

/** The operators that compare. */
export type ComparisonOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

/** One `reference OP literal` (either side first) in a condition. */
export interface Comparison {
  ref: Reference;
  /** The operator read with the reference first (`0 < ${x}` is `${x} > 0`). */
  op: ComparisonOp;
  /** The literal's value as text (`failed`, `0`, `null`). */
  literal: string;
  /** Whether the literal is quoted text (not a number, `true`, `false` or `null`). */
  quoted: boolean;
  /**
   * Whether the whole condition is true only when this comparison is: it is the
   * condition, or one side of an `&&` that is (or of `!(a || b)` where that is false).
   */
  required: boolean;
  /**
   * Whether the whole condition is true only when this comparison is false: under a `!`
   * (`!(${x} == 0)`, `!(a || b)`, a side of an `&&` that is so).
   */
  refuted: boolean;
  /** What the comparison gives when its reference reads `value`; undefined if it throws. */
  holds(value: Value): boolean | undefined;
}

/** A comparison with quoted text by `==` or `!=`: a word a reference may hold. */
export interface LiteralComparison extends Comparison {
  op: "==" | "!=";
  quoted: true;
}

const COMPARISON_OPS: ReadonlySet<string> = new Set(["==", "!=", "<", "<=", ">", ">="]);
const MIRRORED: Readonly<Record<ComparisonOp, ComparisonOp>> = {
  "==": "==",
  "!=": "!=",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};

/** The `==`/`!=` comparisons of `condition` with quoted text, in source order. */
export function literalComparisons(condition: string): LiteralComparison[] {
  return comparisons(condition).filter(isLiteralComparison);
}

/** Whether `cmp` compares with quoted text by `==` or `!=`. */
export function isLiteralComparison(cmp: Comparison): cmp is LiteralComparison {
  return cmp.quoted && (cmp.op === "==" || cmp.op === "!=");
}

/**
 * Every comparison of a reference with a literal in `condition`, in source order; none
 * when it does not parse.
 */
export function comparisons(condition: string): Comparison[] {
  let root: Node;
  try {
    root = new Parser(condition).parseWhole();
  } catch (e) {
    if (e instanceof ExpressionError) return []; // reported where the condition is checked
    throw e;
  }
  const found: Comparison[] = [];
  // `need`: what the whole condition needs of the node to be true (undefined: nothing
  // known). An explicit stack: the parser bounds nesting, but a walk need not lean on that.
  const stack: { node: Node; need: boolean | undefined }[] = [{ node: root, need: true }];
  while (stack.length > 0) {
    const { node, need } = stack.pop()!;
    switch (node.kind) {
      case "binary": {
        const found1 = comparison(node, need);
        if (found1) {
          found.push(found1);
          break;
        }
        stack.push({ node: node.right, need: undefined }, { node: node.left, need: undefined });
        break;
      }
      case "and": {
        // `a && b` true needs both true; false needs nothing of either alone.
        const side = need === true ? true : undefined;
        stack.push({ node: node.right, need: side }, { node: node.left, need: side });
        break;
      }
      case "or": {
        // `a || b` false needs both false; true needs nothing of either alone.
        const side = need === false ? false : undefined;
        stack.push({ node: node.right, need: side }, { node: node.left, need: side });
        break;
      }
      case "not":
        stack.push({ node: node.operand, need: need === undefined ? undefined : !need });
        break;
      case "negate":
        stack.push({ node: node.operand, need: undefined });
        break;
      case "call":
        stack.push({ node: node.arg, need: undefined });
        break;
      case "interpolation":
        for (let i = node.parts.length - 1; i >= 0; i--) {
          const part = node.parts[i];
          if (typeof part !== "string") stack.push({ node: part, need: undefined });
        }
        break;
    }
  }
  return found.sort((a, b) => a.ref.offset - b.ref.offset);
}

/** `node` as a comparison of a reference with a literal, if it is one. */
function comparison(
  node: Extract<Node, { kind: "binary" }>,
  need: boolean | undefined,
): Comparison | undefined {
  if (!COMPARISON_OPS.has(node.op)) return undefined;
  const { left, right } = node;
  const refFirst = left.kind === "ref";
  const [ref, literal] = refFirst ? [left, right] : [right, left];
  if (ref.kind !== "ref" || literal.kind !== "literal") return undefined;
  const op = node.op as ComparisonOp;
  const evaluate = compileNode(node);
  const quoted = typeof literal.value === "string" && !literal.number;
  return {
    ref: ref.ref,
    op: refFirst ? op : MIRRORED[op],
    literal: quoted ? literal.value as string : String(literal.value),
    quoted,
    required: need === true,
    refuted: need === false,
    holds: (value) => {
      try {
        return Boolean(evaluate(() => value));
      } catch {
        return undefined;
      }
    },
  };
}
