/**
 * Reading a template's text (template.ts): the literal text around its `${ expr }`
 * substitutions, each compiled, with `$${` read as a literal `${`; for a shell command,
 * where each substitution sits in the shell's syntax.
 * @module
 */
import type { Reference } from "./ast.ts";
import { compileNode, type Evaluator } from "./compile.ts";
import { ExpressionError } from "./errors.ts";
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
      if (shell) {
        refuseShellParameter(text, dollar);
        slots.push(shell.substitute());
      }
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

/**
 * A positional or special parameter of the shell written with braces: `${1}`, `${10}`,
 * `${1:-x}`, `${#}`, `${#1}`, `${@}`, `${@:2}`, `${?}`, `${$}`, `${!}`, `${-}`, `${*}` —
 * a `${` followed by digits, or by one of `@*?$!-`, then `}` or a shell operator, or by
 * `#` (the shell's length). Weft's own expressions never start so (`${1 + 2}`, `${-1}`,
 * `${!x}` go on otherwise), so these are the shell's, and a shell reads `${1}` as the
 * first argument, the only way to write `${10}`. `${...}` is weft's in a command
 * (README, Shell variables in commands), so they are refused at their `$` rather than
 * turned into the number 1: written `$1` or `$${1}`, they reach the shell untouched.
 */
const SHELL_PARAMETER = /^\$\{(?:(\d+)|([@*?$!-])|(#))(?:[}:#%/^,@+=?-]|(?<=#))/;

function refuseShellParameter(text: string, dollar: number): void {
  const match = SHELL_PARAMETER.exec(text.slice(dollar, dollar + 64));
  if (!match) return;
  const close = text.indexOf("}", dollar);
  const written = close < 0 || close - dollar > 40 ? match[0] + "…" : text.slice(dollar, close + 1);
  // `${#}` alone is the count of arguments; `${#…}` with more, a length.
  const special = match[2] ?? (written === "${#}" ? "#" : undefined);
  const what = match[1] !== undefined
    ? `the shell's positional parameter ${match[1]}`
    : special !== undefined
    ? `the shell's special parameter ${special}`
    : "the shell's length of a parameter";
  // `$1`, `$#` are the same without braces; `$10` is not `${10}`.
  const bare = written === "${" + (match[1] ?? special) + "}" &&
    (special !== undefined || match[1].length === 1);
  throw new ExpressionError(
    `${written} is ${what}, but \${...} in a command is weft's`,
    dollar,
    "for the shell, write $$" + written.slice(1) +
      (bare ? ` or $${match[1] ?? special}` : "") + " (weft leaves it to the shell)" +
      // `${1-1}`: weft's arithmetic is written with blanks around the operator.
      (match[1] !== undefined && /[-+%/]/.test(match[0].at(-1)!)
        ? `; for weft's arithmetic, blanks around the operator: \${${match[1]} ${
          match[0].at(-1)
        } …}`
        : ""),
  );
}
