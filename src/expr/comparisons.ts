/**
 * The comparisons of a reference with a quoted literal in a condition
 * (`${tasks.test.status} == 'failed'`), for checks that know what a reference can hold
 * (parse/status_checks.ts).
 * @module
 */
import type { Node, Reference } from "./ast.ts";
import { ExpressionError } from "./errors.ts";
import { Parser } from "./parser.ts";

/** One `reference == 'text'` (or `!=`, either side first) in a condition. */
export interface LiteralComparison {
  ref: Reference;
  op: "==" | "!=";
  literal: string;
  /**
   * Whether the whole condition is true only when this comparison is: it is the
   * condition, or one side of an `&&` that is (not under `||`, `!` or anything else).
   */
  required: boolean;
}

/** The comparisons of `condition`, in source order; none when it does not parse. */
export function literalComparisons(condition: string): LiteralComparison[] {
  let root: Node;
  try {
    root = new Parser(condition).parseWhole();
  } catch (e) {
    if (e instanceof ExpressionError) return []; // reported where the condition is checked
    throw e;
  }
  const found: LiteralComparison[] = [];
  // An explicit stack: the parser bounds nesting, but a walk need not lean on that.
  const stack: { node: Node; required: boolean }[] = [{ node: root, required: true }];
  while (stack.length > 0) {
    const { node, required } = stack.pop()!;
    switch (node.kind) {
      case "binary": {
        const { left, right, op } = node;
        if (op === "==" || op === "!=") {
          const [ref, literal] = left.kind === "ref" ? [left, right] : [right, left];
          if (
            ref.kind === "ref" && literal.kind === "literal" &&
            typeof literal.value === "string" && !literal.number
          ) {
            found.push({ ref: ref.ref, op, literal: literal.value, required });
            break;
          }
        }
        stack.push({ node: right, required: false }, { node: left, required: false });
        break;
      }
      case "and":
        stack.push({ node: node.right, required }, { node: node.left, required });
        break;
      case "or":
        stack.push({ node: node.right, required: false }, { node: node.left, required: false });
        break;
      case "not":
      case "negate":
        stack.push({ node: node.operand, required: false });
        break;
      case "call":
        stack.push({ node: node.arg, required: false });
        break;
      case "interpolation":
        for (let i = node.parts.length - 1; i >= 0; i--) {
          const part = node.parts[i];
          if (typeof part !== "string") stack.push({ node: part, required: false });
        }
        break;
    }
  }
  return found.sort((a, b) => a.ref.offset - b.ref.offset);
}
