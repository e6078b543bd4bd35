/**
 * What a condition's outcome proves: the `reference == 'text'` facts that certainly hold
 * whenever the condition is true (or false). `${w} == 'b'` proves `w == 'b'` when true and
 * nothing when false; `${w} != 'a'` proves `w == 'a'` only when false; `&&` true proves
 * what either side proves, `||` true only what both sides prove (and the reverse for
 * false); `!` swaps. Anything else (an ordering, arithmetic, a bare reference, text with
 * `${...}` in it) proves nothing. For checks that must know a branch of a conditional
 * runs only when, say, a racing child won (parse/order_checks.ts).
 * @module
 */
import type { Node, Reference } from "./ast.ts";
import { ExpressionError } from "./errors.ts";
import { Parser } from "./parser.ts";

/** One fact: `ref` equals the text `literal`, compared as `==` does. */
export interface ImpliedEquality {
  ref: Reference;
  literal: string;
}

/**
 * The equalities that hold whenever `condition` evaluates to `outcome` (as a condition:
 * truthy or not); none when it does not parse (reported where the condition is checked).
 */
export function impliedEqualities(condition: string, outcome: boolean): ImpliedEquality[] {
  let root: Node;
  try {
    root = new Parser(condition).parseWhole();
  } catch (e) {
    if (e instanceof ExpressionError) return [];
    throw e;
  }
  return implied(root, outcome);
}

/** Recursion is bounded: the parser refuses nesting deeper than its limit. */
function implied(node: Node, outcome: boolean): ImpliedEquality[] {
  switch (node.kind) {
    case "not":
      return implied(node.operand, !outcome);
    case "and":
    case "or": {
      const left = implied(node.left, outcome);
      const right = implied(node.right, outcome);
      // `a && b` true: both hold; false: one of them failed, so only what both prove.
      return (node.kind === "and") === outcome ? [...left, ...right] : common(left, right);
    }
    case "binary": {
      if (node.op !== "==" && node.op !== "!=") return [];
      if ((node.op === "==") !== outcome) return [];
      const [ref, literal] = node.left.kind === "ref"
        ? [node.left, node.right]
        : [node.right, node.left];
      if (ref.kind !== "ref" || literal.kind !== "literal") return [];
      if (typeof literal.value !== "string") return [];
      return [{ ref: ref.ref, literal: literal.value }];
    }
    default:
      return [];
  }
}

function common(a: ImpliedEquality[], b: ImpliedEquality[]): ImpliedEquality[] {
  const key = (e: ImpliedEquality) => JSON.stringify([e.ref.root, e.ref.path, e.literal]);
  const inB = new Set(b.map(key));
  return a.filter((e) => inB.has(key(e)));
}
