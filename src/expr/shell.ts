/**
 * Where a `${...}` sits in a shell command, and how to refer to its value from there.
 *
 * Values are never placed in the command text: each one travels in an environment
 * variable (a large one in a private file the shell reads into that variable first, see
 * tasks/shell_launch.ts), and the command gets a reference to that variable quoted for the context
 * at that point, which a small lexer over the literal text works out (shell_lexer.ts):
 *
 * | context                        | inserted             |
 * |--------------------------------|----------------------|
 * | unquoted, `$(...)`, backticks  | `"${WEFT_V_1}"`      |
 * | inside `"..."`                 | `${WEFT_V_1}`        |
 * | inside `'...'`                 | `'"${WEFT_V_1}"'`    |
 * | inside `$'...'`                | `'"${WEFT_V_1}"$'`   |
 * | unquoted heredoc body          | `${WEFT_V_1}`        |
 *
 * Whatever the lexer concludes, the value itself stays in the environment, which the
 * shell expands but never parses as syntax; a wrong guess costs correctness (stray
 * quotes, word splitting), not an injection.
 *
 * Except where the shell evaluates data as code: bash evaluates `x[$(cmd)]` in arithmetic.
 * Substitutions in places bash evaluates arithmetically accept integers only (anything
 * else is an ExpressionError at render time): `$(( ))`, `(( ))`, `for (( ))`, `$[ ]`,
 * `${a[...]}`, `${s:offset:length}`, `a[...]=` assignments, arguments of `let` and
 * `declare -i`, and operands of `-eq -ne -lt -le -gt -ge` inside `[[ ]]`. (Associative
 * array subscripts are indistinguishable from indexed ones here, so they too are
 * integer-only.)
 *
 * Refused outright: substituting into a quoted heredoc (`<<'EOF'`, whose body cannot
 * expand variables) or into a heredoc delimiter.
 *
 * Known limits: nested backticks are not tracked. Commands that evaluate text
 * themselves — `eval`, `sh -c "... ${x}"`, `ssh host "... ${x}"`, `$(echo ${x})` fed
 * to `[[ -eq ]]` — re-parse the value and are the command author's responsibility, as
 * in any script.
 * @module
 */
import { ExpressionError } from "./errors.ts";
import { ShellLexer } from "./shell_lexer.ts";

/** The quoting context at one substitution. */
export type ShellContext =
  | "unquoted"
  | "double"
  | "single"
  | "ansi"
  | "heredoc"
  | "quoted-heredoc"
  | "heredoc-delimiter";

/** One substitution's context. */
export interface ShellSlot {
  readonly context: ShellContext;
  /** An unpaired `\` directly precedes the substitution. */
  readonly afterBackslash: boolean;
  /** bash evaluates the value as arithmetic here, so only an integer is safe. */
  readonly integerOnly: boolean;
}

/**
 * The context of each substitution, given the literal text around them:
 * `literals[k]` is the text before substitution k (and the last one the text after all).
 */
export function shellSlots(literals: readonly string[]): ShellSlot[] {
  const lexer = new ShellLexer();
  const slots: ShellSlot[] = [];
  for (let k = 0; k < literals.length; k++) {
    lexer.feed(literals[k]);
    if (k < literals.length - 1) slots.push(lexer.substitute());
  }
  lexer.finish(); // the last words may still turn slots integer-only (`[[ ${x} -eq 1`)
  return slots.map((slot) => Object.freeze({ ...slot }));
}

const INTEGER = /^[+-]?\d+$/;

/**
 * The text that stands for variable `name` in `slot`. `value` is only inspected (for
 * integer-only slots); `offset` locates errors in the template.
 */
export function shellReference(
  slot: ShellSlot,
  name: string,
  value: string,
  offset: number,
): string {
  if (slot.context === "quoted-heredoc") {
    throw new ExpressionError(
      "cannot substitute a value into a quoted heredoc",
      offset,
      "quote nothing in the delimiter (<<EOF instead of <<'EOF') or pass the value another way",
    );
  }
  if (slot.context === "heredoc-delimiter") {
    throw new ExpressionError("a heredoc delimiter cannot contain ${...}", offset);
  }
  if (slot.integerOnly && !INTEGER.test(value)) {
    throw new ExpressionError(
      `value ${
        JSON.stringify(value.slice(0, 40))
      } is not an integer and cannot be used where the shell evaluates arithmetic`,
      offset,
      "only integers can be substituted inside $(( )), (( )), [[ -eq ]], array subscripts, let",
    );
  }
  // The template's unpaired backslash would escape our first character. Give it a
  // newline to eat (a line continuation, which the shell removes), or in $'...' a
  // second backslash (a literal one).
  const prefix = slot.afterBackslash ? (slot.context === "ansi" ? "\\" : "\n") : "";
  switch (slot.context) {
    case "unquoted":
      return `${prefix}"\${${name}}"`;
    case "double":
    case "heredoc":
      return `${prefix}\${${name}}`;
    case "single":
      return `'"\${${name}}"'`;
    case "ansi":
      return `${prefix}'"\${${name}}"$'`;
  }
}
