/**
 * Templates: literal text with `${ expr }` substitutions. `$${` writes a literal `${`
 * (scanning left to right, so `$$${x}` is `$` followed by the literal text `${x}`).
 * @module
 */
import type { Reference } from "./ast.ts";
import { ExpressionError, TemplateErrors } from "./errors.ts";
import { ownText, quoteCut, quoteData } from "../model/data_text.ts";
import { processValue } from "./process_value.ts";
import { unsetError } from "./substitution_errors.ts";
import { buildFormText } from "./form_text.ts";
import { buildJsonText, RepeatedKeyError } from "./json_text.ts";
import { buildPath } from "./path.ts";
import { backslashPrefix, shellReference, type ShellSlot, shellSlots } from "./shell.ts";
import { ShellLexer } from "./shell_lexer.ts";
import { shownValue } from "./shown_value.ts";
import { scanTemplate, type Substitution } from "./template_scan.ts";
import { buildUrl } from "./url.ts";
import { type Scope, stringify, type Value } from "./value.ts";

/** A compiled template: render it as many times as needed. */
export interface CompiledTemplate {
  readonly source: string;
  /** Every reference in source order. */
  readonly references: Reference[];
  /** True when rendering always gives back `source` unchanged: no `${...}` and no `$${`. */
  readonly isLiteral: boolean;
  /** The text around the substitutions (`$${` already read as `${`): one more than `spans`. */
  readonly literals: readonly string[];
  /**
   * Where each `${...}` is in `source`: from its `$` to just after its `}`, and whether
   * it is written `${raw(...)}`.
   */
  readonly spans: readonly { start: number; end: number; raw: boolean }[];
  /** The text with every substitution replaced by its stringified value. */
  render(scope: Scope): string;
  /**
   * The raw value when the template is exactly one `${...}` (so `"${params.list}"` can
   * yield an array); the rendered text otherwise.
   */
  evaluateValue(scope: Scope): Value;
  /**
   * For shell commands: each substitution becomes a reference to an environment
   * variable (`envPrefix` + 1, 2, …) quoted for its context, and `env` holds the values,
   * so no value is ever read as shell syntax. See shell.ts for the contexts. A value
   * holding a NUL character, which an environment variable cannot carry, throws a
   * NulValueError (process_value.ts). Throws ExpressionError for a substitution that
   * cannot be made safe (a non-integer inside `$(( ))`, a quoted heredoc body).
   */
  renderShell(scope: Scope, envPrefix?: string): { command: string; env: Record<string, string> };
  /**
   * For showing a shell command to a person (`weft run --dry-run`), not for running it:
   * the text the shell reads when it runs {@link renderShell}'s command, each value's text
   * (unquoted) where its reference stands. It follows renderShell's reading: a `${...}`
   * in a comment stays as written, and a backslash written right before a value is
   * dropped where renderShell's reference makes the shell drop it, doubled where it
   * doubles it (shell.ts backslashPrefix). A value longer than SHOWN_VALUE_MAX shows as
   * `<${params.p}: 102400 characters>` (shown_value.ts). Throws only as evaluating a value
   * does: what renderShell refuses for a value is not checked here.
   */
  renderShellShown(scope: Scope): string;
  /**
   * For URLs: each value is percent-encoded for the part of the URL it lands in (path
   * segment, query, fragment, user info), checked where it cannot be encoded (host,
   * port, scheme), or inserted as written when the substitution is `${raw(...)}` or
   * starts the URL. See url.ts. Throws ExpressionError at the substitution for a value
   * that would change the URL's structure.
   */
  renderUrl(scope: Scope): string;
  /**
   * For file paths and globs: each value stays one name inside the path (no `/`, not
   * `.` or `..`, in a glob no pattern characters), or is inserted as written when the
   * substitution is `${raw(...)}` or starts the path. See path.ts. Throws
   * ExpressionError at the substitution for a value that would change the path.
   */
  renderPath(scope: Scope, glob: boolean): string;
  /**
   * For a JSON text: a value inside a string is escaped as its content, one elsewhere
   * must be a number, true, false or null; `${raw(...)}` and a value that is the whole
   * text as written. See json_text.ts. Throws ExpressionError at the substitution, its
   * message ending with `advice` (what to write instead; by default an http body's).
   */
  renderJson(scope: Scope, advice?: string): string;
  /**
   * For a form body (application/x-www-form-urlencoded): each value percent-encoded as a
   * URL query value, so it stays inside its field; the whole text and `${raw(...)}` as
   * written. See form_text.ts.
   */
  renderForm(scope: Scope): string;
  /**
   * Each value's text is given to `place` with the offset of its `${` and what `place`
   * returns is inserted: for fields where a value must stay inside its place (a mail
   * address, a header value) and `place` refuses, by throwing ExpressionError, a value
   * that would add syntax there.
   */
  renderPlaced(scope: Scope, place: Place): string;
  /**
   * For validating shell commands before a run: the first substitution renderShell
   * would refuse whatever the values (inside a quoted heredoc, in a heredoc delimiter, in
   * the pattern of a `${v%…}`-like expansion inside a heredoc body, in the remote command
   * of `ssh` or code run after `sudo`/`env -i` clear the environment: expr/shell.ts).
   */
  checkShell(): ExpressionError | undefined;
  /**
   * Compiled as a shell command (compileShellTemplate): a quote, `$(`, backtick or `${`
   * the command leaves open, which the shell refuses to run, and the offset of its opener.
   */
  readonly shellUnclosed?: { opener: string; offset: number };
  /**
   * Throws ExpressionError at the first substitution that is just `${env.NAME}` (or
   * `${raw(env.NAME)}`) for a variable `scope` does not set (undefined, or null). For fields an empty value
   * would silently change — a path (`cwd: ${env.WORK_DIR}` would run in the workflow's
   * folder), a URL, a credential — rather than read as "" as a command's does (as the
   * shell's `set -u`). renderUrl and renderPath check it themselves. A variable set to
   * the empty text is set; `${env.X || 'd'}` and other expressions are not checked.
   */
  checkSet(scope: Scope): void;
}

/**
 * Places one value in {@link CompiledTemplate.renderPlaced}: its text, the offset of its
 * `${` in the template, whether it is written `${raw(...)}`, and the offset just after its
 * `}`; returns what is inserted.
 */
export type Place = (text: string, offset: number, raw: boolean, end: number) => string;

/**
 * Compiles a template; throws ExpressionError on a bad or unterminated `${`: a
 * TemplateErrors holding every one (errors.ts).
 */
export function compileTemplate(text: string): CompiledTemplate {
  return fromScan(text, undefined);
}

/**
 * Compiles a shell command: as {@link compileTemplate}, except that a `${` inside a shell
 * comment (`# the shell sees ${OUT_DIR:-dist}`, shell_lexer.ts) is kept as written: the
 * shell never runs a comment, so nothing there is weft's to resolve or check.
 */
export function compileShellTemplate(text: string): CompiledTemplate {
  return fromScan(text, new ShellLexer());
}

/** The template `scanTemplate` reads from `text` (`shell`: for shell commands only). */
function fromScan(text: string, shell: ShellLexer | undefined): CompiledTemplate {
  const scanned = scanTemplate(text, shell);
  const template = new Template(
    text,
    scanned.references,
    scanned.literals,
    scanned.substitutions,
    scanned.noEscapes,
    scanned.slots,
    scanned.unclosed,
  );
  if (scanned.errors.length > 0) throw new TemplateErrors(scanned.errors, template);
  return template;
}

class Template implements CompiledTemplate {
  readonly isLiteral: boolean;
  private slots: ShellSlot[] | undefined;

  constructor(
    readonly source: string,
    readonly references: Reference[],
    readonly literals: string[],
    private readonly substitutions: Substitution[],
    noEscapes: boolean,
    slots?: ShellSlot[],
    readonly shellUnclosed?: { opener: string; offset: number },
  ) {
    this.slots = slots;
    this.isLiteral = substitutions.length === 0 && noEscapes;
  }

  get spans(): { start: number; end: number; raw: boolean }[] {
    return this.substitutions.map(({ offset, end, raw }) => ({ start: offset, end, raw }));
  }

  render(scope: Scope): string {
    return this.renderPlaced(scope, asIs);
  }

  evaluateValue(scope: Scope): Value {
    const single = this.substitutions.length === 1 && this.literals[0] === "" &&
      this.literals[1] === "";
    return single ? this.substitutions[0].evaluate(scope) : this.render(scope);
  }

  renderShell(
    scope: Scope,
    envPrefix = "WEFT_V_",
  ): { command: string; env: Record<string, string> } {
    const { literals, substitutions } = this;
    const slots = this.shellSlots();
    const env: Record<string, string> = {};
    // The variables the command sees, for a value naming one: the values weft passes
    // (`${WEFT_V_2}`, before or after this one) and the task's environment.
    const variable = (name: string): string | undefined => {
      const k = name.startsWith(envPrefix) ? Number(name.slice(envPrefix.length)) - 1 : -1;
      try {
        const held = Number.isInteger(k) && k >= 0 && k < substitutions.length
          ? substitutions[k].evaluate(scope)
          : scope("env", [name]);
        return held == null ? undefined : stringify(held);
      } catch {
        return undefined; // that value's own error is reported at its place
      }
    };
    let command = literals[0];
    for (let k = 0; k < substitutions.length; k++) {
      const { evaluate, offset, end } = substitutions[k];
      const name = `${envPrefix}${k + 1}`;
      // An environment variable cannot carry a NUL: refused, never dropped (process_value.ts).
      const value = processValue(
        stringify(evaluate(scope)),
        this.source.slice(offset, end),
        offset,
      );
      command += this.#named(() => shellReference(slots[k], name, value, offset, variable)) +
        literals[k + 1];
      env[name] = value;
    }
    return { command, env };
  }

  renderShellShown(scope: Scope): string {
    const { literals, substitutions } = this;
    const slots = this.shellSlots();
    let text = literals[0];
    for (let k = 0; k < substitutions.length; k++) {
      // The reference's line continuation goes with the backslash before it (the shell
      // removes both); in $'...' its second backslash stays (the pair reads as one).
      const prefix = backslashPrefix(slots[k]);
      if (prefix !== "\n") text += prefix;
      else if (text.endsWith("\\")) text = text.slice(0, -1);
      const { evaluate, offset, end } = substitutions[k];
      text += shownValue(stringify(evaluate(scope)), this.source.slice(offset, end)) +
        literals[k + 1];
    }
    return text;
  }

  renderUrl(scope: Scope): string {
    const values = this.#values(scope, "url");
    return this.#named(() => buildUrl(this.literals, values));
  }

  renderPath(scope: Scope, glob: boolean): string {
    const values = this.#values(scope, "path");
    return this.#named(() => buildPath(this.literals, values, glob));
  }

  /**
   * `place()`, its refusal of a value naming the `${...}` it came from (`… in ${env.N}`),
   * as an evaluation error does (substitution_errors.ts located): a task's reason has no
   * other place for it, and the value alone ("2 + 2") does not say which one to fix.
   */
  #named<T>(place: () => T): T {
    try {
      return place();
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      const at = this.substitutions.find((s) => s.offset === e.offset);
      const written = at && this.source.slice(at.offset, at.end);
      if (written === undefined || e.message.endsWith(` in ${written}`)) throw e;
      throw new ExpressionError(`${e.message} in ${written}`, e.offset, e.hint);
    }
  }

  checkSet(scope: Scope): void {
    for (const { evaluate, offset, variable } of this.substitutions) {
      if (variable !== undefined && evaluate(scope) == null) {
        throw unsetError(variable, offset);
      }
    }
  }

  /**
   * Each substitution's value as text, whether it is written raw(...), and its offset;
   * with `setOnly` (the kind of text built), an unset `${env.NAME}` throws
   * ({@link CompiledTemplate.checkSet}).
   */
  #values(
    scope: Scope,
    setOnly?: "path" | "url",
  ): { text: string; raw: boolean; offset: number }[] {
    return this.substitutions.map(({ evaluate, offset, raw, variable }) => {
      const value = evaluate(scope);
      if (setOnly && value == null && variable !== undefined) {
        throw unsetError(variable, offset, setOnly);
      }
      return { text: stringify(value), raw, offset };
    });
  }

  renderJson(scope: Scope, advice = 'quote it ("${...}") to send it as text'): string {
    const values = this.#values(scope);
    try {
      return buildJsonText(this.literals, values);
    } catch (e) {
      // At run time only the message reaches the task's reason: it names the `${...}`,
      // the value and what to do, as validate's error does with its place and hint.
      const k = e instanceof ExpressionError
        ? this.substitutions.findIndex((s) => s.offset === e.offset)
        : -1;
      if (k < 0) throw e;
      const { offset, end } = this.substitutions[k];
      throw new ExpressionError(
        ownText("the value of ") + quoteData(this.source.slice(offset, end)) + ownText(", ") +
          quoteCut(values[k].text, 40, { ellipsis: true, json: true }) +
          ownText(
            `: ${(e as ExpressionError).message}; ${
              e instanceof RepeatedKeyError ? e.hint : advice
            }`,
          ),
        offset,
        (e as ExpressionError).hint,
      );
    }
  }

  renderForm(scope: Scope): string {
    return buildFormText(this.literals, this.#values(scope));
  }

  renderPlaced(scope: Scope, place: Place): string {
    const { literals, substitutions } = this;
    let text = literals[0];
    for (let k = 0; k < substitutions.length; k++) {
      const { evaluate, offset, raw, end } = substitutions[k];
      text += place(stringify(evaluate(scope)), offset, raw, end) + literals[k + 1];
    }
    return text;
  }

  checkShell(): ExpressionError | undefined {
    const slots = this.shellSlots();
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[k];
      const { context, later, outputInLater, outputInArithmetic, backtickEscapes } = slot;
      if (
        context !== "quoted-heredoc" && context !== "heredoc-delimiter" &&
        context !== "heredoc-pattern" && later === undefined && // later code at any depth
        outputInLater === undefined && !outputInArithmetic && !backtickEscapes &&
        !slot.promptAssigned && !slot.promptArgument
      ) continue;
      try {
        shellReference(slots[k], "X", "0", this.substitutions[k].offset);
      } catch (error) {
        if (error instanceof ExpressionError) return error;
        throw error;
      }
    }
    return undefined;
  }

  /** The contexts depend only on the literal text, so they are worked out once. */
  private shellSlots(): ShellSlot[] {
    return this.slots ??= shellSlots(this.literals);
  }
}

/** A value's text inserted as it is ({@link CompiledTemplate.render}). */
function asIs(text: string): string {
  return text;
}
