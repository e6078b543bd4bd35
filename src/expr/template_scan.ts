/**
 * Reading a template's text (template.ts): the literal text around its `${ expr }`
 * substitutions, each compiled, with `$${` read as a literal `${`; for a shell command,
 * where each substitution sits in the shell's syntax, and which `${...}` are the shell's
 * own (shell_braces.ts), kept as written.
 * @module
 */
import type { Node, Reference } from "./ast.ts";
import { compileNode, type Evaluator } from "./compile.ts";
import { ExpressionError } from "./errors.ts";
import { located } from "./substitution_errors.ts";
import { Parser } from "./parser.ts";
import { closingBrace, isShellExpansion, shellBraceError } from "./shell_braces.ts";
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
  /**
   * The error of each `${...}` that failed to parse (or, in a shell command, is the
   * shell's: shell_braces.ts), in source order; each is kept in `literals` as written.
   */
  errors: ExpressionError[];
}

/**
 * Reads a template's text into its literal pieces and compiled substitutions. `shell`:
 * the lexer reading the command's literal text, for shell commands only. A bad or
 * unterminated `${` is returned in `errors`, and reading goes on after it.
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
  const errors: ExpressionError[] = [];
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
      // A comment's text, and the shell's own expansion of a variable (`${HOME}`,
      // `${OUT_DIR:-dist}`), are the shell's: kept as written, with any `${...}` of weft's
      // inside (`${OUT_DIR:-${params.dir}}`) read on as usual.
      if (shell && (shell.inComment || isShellExpansion(text, dollar))) {
        add("${", dollar);
        i = dollar + 2;
        continue;
      }
      const parsed = parseAt(parser, text, dollar, shell !== undefined);
      if (parsed instanceof ExpressionError) {
        errors.push(parsed);
        // Kept as literal text (the template is refused, never run); read on after it.
        const resume = resumeAfter(text, dollar);
        add(text.slice(dollar, resume), dollar);
        i = resume;
        continue;
      }
      const { node, end } = parsed;
      if (shell) slots.push(shell.substitute());
      literals.push(literal);
      literal = "";
      fed = 0;
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
    errors,
  };
}

/**
 * The `${...}` at `dollar` parsed, or the error refusing it (`shell`: in a shell command,
 * where the shell's syntax is refused first: shell_braces.ts).
 */
function parseAt(
  parser: Parser,
  text: string,
  dollar: number,
  shell: boolean,
): { node: Node; end: number } | ExpressionError {
  const refused = shell ? shellBraceError(text, dollar) : undefined;
  if (refused) return refused;
  try {
    return parser.parseSubstitution(dollar);
  } catch (e) {
    if (e instanceof ExpressionError) return e;
    throw e;
  }
}

/**
 * Where reading goes on after the `${` at `dollar` failed to parse: after its closing `}`,
 * or, when it has none, at the next `${` (or the end), so that one `${...}` written
 * wrong does not hide the others' problems.
 */
function resumeAfter(text: string, dollar: number): number {
  const close = closingBrace(text, dollar);
  if (close >= 0) return close + 1;
  const next = text.indexOf("${", dollar + 2);
  return next < 0 ? text.length : next;
}
