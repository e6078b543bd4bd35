/**
 * Reading a template's text (template.ts): the literal text around its `${ expr }`
 * substitutions, each compiled, with `$${` read as a literal `${`; for a shell command,
 * where each substitution sits in the shell's syntax.
 * @module
 */
import type { Reference } from "./ast.ts";
import { compileNode, type Evaluator } from "./compile.ts";
import { located } from "./substitution_errors.ts";
import { Parser } from "./parser.ts";
import type { ShellSlot } from "./shell.ts";
import type { ShellLexer } from "./shell_lexer.ts";
import type { MutableSlot } from "./shell_words.ts";

/** One `${...}` of a template, compiled. */
export interface Substitution {
  evaluate: Evaluator;
  /** Offset of the `${` in the source. */
  offset: number;
  /** Offset just after its `}`. */
  end: number;
  /** Written `${raw(...)}`: inserted into a URL without encoding. */
  raw: boolean;
  /** NAME when the substitution is just `${env.NAME}` (or `${raw(env.NAME)}`). */
  variable?: string;
}

/** What {@link scanTemplate} reads from a template's text. */
export interface ScannedTemplate {
  /** Every reference in source order. */
  references: Reference[];
  /** The text before each substitution, then the tail: one more than `substitutions`. */
  literals: string[];
  substitutions: Substitution[];
  /** True when the text holds no `$${`. */
  noEscapes: boolean;
  /** For a shell command: each substitution's place in the shell's syntax (shell.ts). */
  slots?: ShellSlot[];
  /**
   * For a shell command: the opener it leaves open, and its offset
   * (CompiledTemplate.shellUnclosed).
   */
  unclosed?: { opener: string; offset: number };
}

/**
 * Reads a template's text into its literal pieces and compiled substitutions. `shell`:
 * the lexer reading the command's literal text, for shell commands only. Throws
 * ExpressionError on a bad or unterminated `${`.
 */
export function scanTemplate(text: string, shell: ShellLexer | undefined): ScannedTemplate {
  const parser = new Parser(text, true);
  // literals.length === substitutions.length + 1: text before each substitution, then the tail.
  const literals: string[] = [];
  const substitutions: Substitution[] = [];
  const slots: MutableSlot[] = [];
  // Where each piece of literal text starts, in all of it and in `text`: the shell lexer's
  // offsets (in all the literal text) back to the source.
  const pieces: { at: number; source: number }[] = [];
  let total = 0;
  let literal = "";
  let fed = 0; // how much of `literal` the shell lexer has read
  const add = (piece: string, source: number) => {
    pieces.push({ at: total, source });
    literal += piece;
    total += piece.length;
  };
  let escaped = false;
  let i = 0;
  for (;;) {
    const dollar = text.indexOf("$", i);
    if (dollar < 0) break;
    if (text.startsWith("$${", dollar)) {
      add(text.slice(i, dollar), i);
      add("${", dollar + 1);
      escaped = true;
      i = dollar + 3;
    } else if (text[dollar + 1] === "{") {
      add(text.slice(i, dollar), i);
      shell?.feed(literal.slice(fed));
      fed = literal.length;
      if (shell?.inComment) {
        add("${", dollar);
        i = dollar + 2;
        continue;
      }
      if (shell) slots.push(shell.substitute());
      literals.push(literal);
      literal = "";
      fed = 0;
      const { node, end } = parser.parseEmbedded(dollar);
      const raw = node.kind === "call" && node.name === "raw";
      const inner = node.kind === "call" ? node.arg : node;
      const variable = inner.kind === "ref" && inner.ref.root === "env" &&
          inner.ref.path.length === 1
        ? inner.ref.path[0]
        : undefined;
      const evaluate = located(compileNode(node), text.slice(dollar, end));
      substitutions.push({ evaluate, offset: dollar, end, raw, variable });
      i = end;
    } else {
      add(text.slice(i, dollar + 1), i);
      i = dollar + 1;
    }
  }
  add(text.slice(i), i);
  literals.push(literal);
  let unclosed: { opener: string; offset: number } | undefined;
  if (shell) {
    shell.feed(literal.slice(fed));
    shell.finish(); // the last words may still turn slots integer-only (`[[ ${x} -eq 1`)
    const open = shell.unclosed();
    const piece = open && pieces.findLast((p) => p.at <= open.at);
    if (open && piece) {
      unclosed = { opener: open.opener, offset: piece.source + open.at - piece.at };
    }
  }
  const frozen = shell ? slots.map((slot) => Object.freeze({ ...slot })) : undefined;
  return {
    references: parser.references,
    literals,
    substitutions,
    noEscapes: !escaped,
    slots: frozen,
    unclosed,
  };
}
