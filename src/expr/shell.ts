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
 * | pattern of `${v%…}` & co.      | `"${WEFT_V_1}"`      |
 *
 * The word after `#`, `##`, `%`, `%%` (and bash's `/`, `//`, `/#`, `/%`, `^`, `^^`, `,`,
 * `,,`) is a pattern, and bash 5.2 reads `&` in a `/` replacement as the matched text,
 * even inside double quotes: `"${base%%/${WEFT_V_1}}"` with `*` would remove everything
 * from the first `/`. Only quotes inside the braces make it literal, so the reference is
 * quoted there whatever the quotes around: `"${base%%/"${WEFT_V_1}"}"` (dash, bash and
 * zsh agree; so do `${v/p/"${WEFT_V_1}"}` and bash 5.2's patsub_replacement).
 *
 * Whatever the lexer concludes, the value itself stays in the environment, which the
 * shell expands but never parses as syntax; a wrong guess costs correctness (stray
 * quotes, word splitting), not an injection.
 *
 * Except where the shell evaluates data as code: bash evaluates `x[$(cmd)]` in arithmetic.
 * Substitutions in places bash evaluates arithmetically accept integers only (anything
 * else is an ExpressionError at render time): `$(( ))`, `(( ))`, `for (( ))`, `$[ ]`,
 * `${a[...]}`, `${s:offset:length}`, `a[...]=` assignments, arguments of `let` and
 * `declare -i`, assignments to a name declared `-i` earlier in the command, and operands
 * of `-eq -ne -lt -le -gt -ge` inside `[[ ]]`, however deep in quotes or the shell's own
 * `${...}` there, and the subscript of a name bash reads (`unset "a[${x}]"`). (Associative
 * array subscripts are indistinguishable from indexed ones here, so they too are
 * integer-only, but for a `declare -A m=(…)`'s keys in the same command.)
 *
 * Where bash takes the value as a variable NAME — operands of `declare typeset local
 * export readonly unset`, `read`/`mapfile`/`readarray` names, `printf -v`, `getopts`'s
 * name, `wait -p`, `[[ -v ]]`, `test -v`/`[ -v ]` — a subscript `a[...]` in it is
 * arithmetic; and wherever it assigns the value to a variable — `x=`, `x+=`, `a[i]=`,
 * `a=( ... )`, `for x in` — the variable may have the integer attribute, set anywhere
 * (the lexer cannot know), and the value, read later as `$((x))`, `[[ $x -gt 1 ]]` or
 * `${!x}`, is evaluated the same way. In these places a value holding `[` followed
 * anywhere by `$` or a backtick is refused (ExpressionError at render time): bash
 * arithmetic runs commands only through the subscripts of such names. Any other value,
 * `[a-z]` or `$HOME` included, passes; so does any value naming a variable, except the
 * `WEFT_V_n` of weft's own values (`x=WEFT_V_2` would evaluate value 2) and a variable of
 * the task's environment whose value holds such a subscript, directly or through names
 * (`n=TARGET_ENV`, TARGET_ENV set from another param: `$(( n ))` runs it). This holds
 * whatever the shell: `sh` is bash on some systems. A value that reaches a variable
 * another way (`read` from a heredoc, a command's output, a task's `environment:`) and
 * is then used in arithmetic is the script's own doing, as with `eval`.
 *
 * Refused outright: substituting into a quoted heredoc (`<<'EOF'`, whose body cannot
 * expand variables), into a heredoc delimiter, or into a pattern or replacement of a
 * `${...}` inside a heredoc body (dash takes no quotes as quoting there, so a value
 * would be a pattern whatever weft writes).
 *
 * Except, too, where a shell evaluates a word as code later: the value would be in that
 * code's text (inside '...' the reference closes the quote, so `trap 'echo ${x}' EXIT`
 * would store the value itself in the trap's command). There (shell_later.ts finds the
 * places) the reference is DEFERRED (shell_deferred.ts): text that reads the variable
 * when that code runs. The lexer follows the quotes of that code too (the word's text
 * once weft's shell removed its own quoting, shell_later.ts feedInner), so the reference
 * is quoted for both: `trap 'echo ${x}' EXIT` → `trap 'echo "${WEFT_V_1}"' EXIT`,
 * `sh -c "echo '${x}'"` → `sh -c "echo ''\"\${WEFT_V_1-}\"''"`, `PS4='+ ${x} '` (a
 * prompt: not split into words) → `PS4='+ ${WEFT_V_1} '`. A child shell's reference is
 * written `${WEFT_V_1-}` (the same value).
 *
 * A child shell reads the variable from its environment: a small value is there already,
 * a large one read from a file is exported for it (tasks/shell_launch.ts). Refused, since
 * the variable cannot reach the code: `ssh`'s remote command, and code run after `sudo`
 * (without -E), `doas`, `su -`, `env -i` clear the environment. Integer-only slots keep
 * their plain reference (an integer is no code).
 *
 * Refused whatever the value, since it would become code (shell_deferred.ts
 * refuseUnfollowed): a substitution inside a `$(...)` or backticks within later code
 * (`sh -c "cd $(dirname ${x})"`: the output, value and all, is that code's text), and one
 * inside backticks holding a backslash before `$`, a backtick, `\` or `"` (the shell
 * drops it before parsing the body, whose quoting then differs from what the lexer saw).
 * Refused by value: in an operand of bash's `declare`/`typeset`/`local`/`readonly`, which
 * re-parses `name=(…)` as an array assignment running its `$(…)` when it declares an array
 * (`-a`/`-A`, or a name made an array earlier in the text), a value right after `name=`
 * starting with `(`; and whatever the flags, one before the `=` holding `=(`, whose name
 * weft cannot know (ShellSlot.declareOperand). bash 5.2 assigns `local t="(x)"` as text.
 *
 * Later code inside later code (`sh -c "eval '… ${x}'"`) is lexed level by level (shell_lexer.ts
 * laterSlot), up to 3 levels: each outer level gets the reference as text for its quotes, and
 * only the innermost one expands it (shell_deferred.ts); deeper, or where a level cannot be
 * followed, the value is refused. `eval`'s code (and `watch`'s) is all its arguments joined
 * with spaces, lexed as one text (shell_lexer.ts joinedSlot): `eval eval echo ${x}` is
 * `eval echo …` at level 1, later code again, not `${x}` alone.
 *
 * Refused too: a value a prompt variable (shell_words.ts EXPANDED_LATER, PROMPT_COMMAND) gets as its own text,
 * by any assignment but `PS4=…` (`printf -v PS4`, `PS4=(…)`, `${PS4:=…}`, `for PS4 in`,
 * a nameref, `read`/`mapfile` from a here-string, a heredoc, a pipe or a process
 * substitution, a loop's or a block's too: shell_words.ts assignmentTargets, which the
 * arithmetic checks ask as well): ShellSlot.promptAssigned; and an argument of zsh's
 * `print -P`: ShellSlot.promptArgument.
 *
 * Known limits: nested backticks are not tracked (a value inside them is refused, their
 * backslashes being on the way). Code weft does not see as such — a
 * string built in a variable first (`c="ls ${x}"; sh -c "$c"`), text piped or heredoc'd
 * into a shell, a shell named by a variable (`$MYSH -c`) — re-parses the value and is the
 * command author's responsibility, as in any script. (A value inside a `$(...)` whose
 * output is arithmetic, `[[ $(echo ${x}) -eq 1 ]]` included, is refused:
 * ShellSlot.outputInArithmetic.)
 * @module
 */
import { quoteCut } from "../model/data_text.ts";
import { ExpressionError } from "./errors.ts";
import { ShellLexer } from "./shell_lexer.ts";
import { deferredReference, refuseUnfollowed } from "./shell_deferred.ts";
import { refuseForeign } from "./shell_deferred.ts";
import type { LaterCode } from "./shell_later.ts";
import { programWordsTrouble } from "./program_words.ts";

/**
 * Shells that read `"${NAME}"` as POSIX sh does (and run shell_launch.ts's preamble):
 * the only ones the values of `${...}` can reach. Matched on the program's base name,
 * optionally followed by a version (`bash5`, `ksh93`, `zsh-5.9`).
 */
const POSIX_FAMILY =
  /^(?:sh|bash|rbash|dash|zsh|ksh|ksh93|mksh|lksh|oksh|pdksh|ash|yash|posh|bosh)(?:-?\d[\d.]*)?(?:\.exe)?$/i;

/** Whether `shell` (a name or path, as a task's `shell:`) is a POSIX-family shell. */
export function isPosixFamilyShell(shell: string): boolean {
  return POSIX_FAMILY.test(shell.trim().split(/[\\/]/).at(-1) ?? "");
}

/**
 * Why `shell` (a task's, `defaults.shell` or a processor's) cannot start: weft runs it as
 * one program, a name or a path, with `-c COMMAND` (tasks/shell.ts), never splitting it,
 * so `/usr/bin/env bash` or `bash --posix` is looked for as a program of that whole name
 * and is not found. Null when it holds no blank inside (blanks around it are trimmed).
 * `offset` is the first blank's, in `shell` as written. The caller lets pass a path that
 * names an existing file (a folder with a blank in its name).
 */
export function shellWordsTrouble(
  shell: string,
): { offset: number; message: string; hint: string } | null {
  return programWordsTrouble(
    "shell",
    shell,
    (program) =>
      isPosixFamilyShell(program) ? ", or set the options in the command (`set -o posix`)" : "",
  );
}

/**
 * Why a command with `${...}` cannot run under `shell` (not POSIX-family, see
 * {@link isPosixFamilyShell}): python, perl, fish... would get the literal text
 * `"${WEFT_V_1}"` and never the value. Shared by `weft validate` and the run; `quote`
 * marks the shell's name as data (model/data_text.ts quoteData) in the run's message.
 */
export function nonPosixShellTrouble(
  shell: string,
  quote: (data: string) => string = (data) => data,
): { message: string; hint: string } {
  return {
    message: `a \${...} cannot pass its value to shell ${quote(JSON.stringify(shell.trim()))}: ` +
      'weft hands values to a command as shell variables ("${WEFT_V_1}"), which only a ' +
      "POSIX-family shell expands (sh, bash, dash, zsh, ksh, mksh, ash)",
    hint: "set the value in the task's `environment:` and read it from the environment " +
      "(os.environ in python, $ENV{...} in perl, $NAME in fish), or use a `python` or " +
      "`javascript` task, whose `args` and WEFT_PARAMS carry values",
  };
}

/** The quoting context at one substitution. */
export type ShellContext =
  | "unquoted"
  | "double"
  | "single"
  | "ansi"
  | "heredoc"
  | "quoted-heredoc"
  | "heredoc-delimiter"
  /** A pattern or replacement of a `${...}` inside a heredoc body: refused. */
  | "heredoc-pattern";

/** One substitution's context. */
export interface ShellSlot {
  readonly context: ShellContext;
  /** An unpaired `\` directly precedes the substitution. */
  readonly afterBackslash: boolean;
  /** bash evaluates the value as arithmetic here, so only an integer is safe. */
  readonly integerOnly: boolean;
  /**
   * bash may take the value as a variable name or an integer variable's value here, so a
   * value with a subscript that runs a command (`a[$(cmd)]`) is refused.
   */
  readonly nameOrNumber: boolean;
  /**
   * The word is code a shell evaluates later (shell_later.ts): `eval`, `trap`, `alias`,
   * `PS4=`… ("here"), `sh -c`, `su -c`, `find -exec sh -c`… ("child"), through a program
   * that clears the environment ("cleared"), or `ssh`'s remote command ("remote").
   */
  readonly later?: LaterCode;
  /**
   * Where `later` is "foreign": the program (by its base name in foreign_code.ts's table:
   * `python`, `awk`, `sqlite`…) whose program text holds the substitution. Refused.
   */
  readonly foreign?: string;
  /**
   * Where `later` is set: the substitution as the shell that evaluates that code sees it
   * (its context there, and whether it is in later code again: `sh -c "eval '…'"`);
   * absent past the depth the lexer follows (shell_lexer.ts).
   */
  readonly inner?: ShellSlot;
  /**
   * The substitution is inside a `$(...)` or backticks within a word that is later code
   * (`sh -c "cd $(dirname ${x})"`, `eval "$(printf %s ${x})"`): its output, holding the
   * value, becomes that code's text. Refused (the value would be code), also by validate.
   */
  readonly outputInLater?: LaterCode;
  /**
   * The substitution is inside a `$(...)` or backticks whose output bash evaluates as
   * arithmetic (`$(( $(echo ${x}) ))`, `a[$(echo ${x})]=1`): that output, holding the
   * value, is read as an expression, where `a[$(cmd)]` runs a command. Refused, also by
   * validate.
   */
  readonly outputInArithmetic?: boolean;
  /**
   * Inside backticks in which a backslash before `$`, a backtick, `\` or `"` was read: the
   * shell drops it before parsing the body, which then quotes otherwise than the lexer saw
   * (`"\`printf \"${x}\"\`"` leaves the reference unquoted). Refused, also by validate.
   */
  readonly backtickEscapes?: boolean;
  /**
   * An operand of `declare`/`typeset`/`local`/`readonly`: "value" right after its `name=`
   * when it assigns an array (`-a`/`-A`, or a name made one earlier: `l=()`,
   * `declare -a l`), "name" before any `=`. bash re-parses `name=(…)` there as a
   * compound assignment, running the commands in it, so a value starting with `(`
   * ("value") or holding `=` then `(` ("name") is refused.
   */
  readonly declareOperand?: "name" | "value";
  /**
   * The value is assigned to this prompt variable (shell_words.ts EXPANDED_LATER, PROMPT_COMMAND) as its own
   * text, by a form other than `PS4=…` (which gets a deferred reference): `printf -v PS4`,
   * `PS4=( … )`, `${PS4:=…}`, `for PS4 in`, `r=…` after `declare -n r=PS4`, `read`/`mapfile`
   * from a here-string, a heredoc, a pipe or a process substitution (`read <<< … PS4`,
   * `while read PS4; …; done <<< …`) (shell_later.ts promptAssignedHere). bash expands a
   * prompt string when it
   * shows it, running any `$(…)` in it, and runs PROMPT_COMMAND: refused, also by validate.
   */
  readonly promptAssigned?: string;
  /**
   * The value (or the output of a `$(…)` holding it) is an argument of zsh's `print -P`,
   * which expands it as a prompt, running any `$(…)` in it under `setopt promptsubst`
   * (shell_later.ts zshPromptArgument): refused, also by validate.
   */
  readonly promptArgument?: boolean;
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
/** A value that starts an array's list `( … )` (blanks may come first). */
const OPENS_LIST = /^[ \t\n]*\(/;
/** A value that is (or ends) a name's `=( … )` in a declare operand. */
const HOLDS_LIST = /=[ \t\n]*\(/;

/** The way out of each refusal of a value bash may read as a name or an integer's value. */
const AS_DATA = "use the value where it is needed (an argument, or inside double quotes) " +
  "instead of assigning it to a variable or passing it as a variable name";

/** The names (identifiers) in a text. */
const NAMES = /[A-Za-z_][A-Za-z0-9_]*/g;

/** How many variables a name may lead through ({@link namedCode}): bash follows more. */
const NAME_HOPS = 8;

/**
 * The variable a value names (any identifier in it) whose value, as `variable` gives it
 * (the values weft passes and the task's environment), holds a code subscript, directly
 * or through the names in it (`tries=TARGET_ENV`, with TARGET_ENV set from another param
 * to `a[$(cmd)]`: bash reads `$(( tries ))` as TARGET_ENV's value, evaluated); undefined
 * when none does, or when bash could not read the value as arithmetic at all
 * ({@link arithmeticShaped}: free text such as `Tighten BRANCH_RE check` is an error
 * there before any name in it is read). Variables the script or bash set (`_`, `REPLY`,
 * `x=$(…)`) are not known here: a value reaching arithmetic through them is the script's
 * doing (README, Values where bash evaluates arithmetic).
 */
function namedCode(
  value: string,
  variable: (name: string) => string | undefined,
): string | undefined {
  if (!arithmeticShaped(value)) return undefined;
  const seen = new Set<string>();
  let names: string[] = value.match(NAMES) ?? [];
  for (let hop = 0; hop < NAME_HOPS && names.length > 0; hop++) {
    const next: string[] = [];
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      const held = variable(name);
      if (held === undefined) continue;
      if (holdsCodeSubscript(held)) return name;
      next.push(...held.match(NAMES) ?? []);
    }
    names = next;
  }
  return undefined;
}

/** An arithmetic term: a name, or a number (decimal, `0x1f`, `16#ff`). */
const TERM = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|0[xX][0-9a-fA-F]+|[0-9]+#[A-Za-z0-9@_]+)$/;

/**
 * Whether bash could read `value` as an arithmetic expression (bash(1), ARITHMETIC
 * EVALUATION): terms (names, numbers) joined by operators, brackets and parentheses, never
 * two terms side by side.
 */
function arithmeticShaped(value: string): boolean {
  return value.split(/[-+*/%<>=!&|^~?:,()[\]]+/).every((piece) => {
    const term = piece.trim();
    return term === "" || TERM.test(term);
  });
}

/**
 * Whether `value` could run a command if bash evaluated it as arithmetic: only a
 * subscript does (`a[$(cmd)]`, `` a[`cmd`] ``, `a[${x@P}]`), so `[` followed anywhere by
 * `$` or a backtick. Linear in the value's length (values may be megabytes).
 */
export function holdsCodeSubscript(value: string): boolean {
  const open = value.indexOf("[");
  return open >= 0 && (value.indexOf("$", open) >= 0 || value.indexOf("`", open) >= 0);
}

/**
 * What the reference in `slot` starts with so that an unpaired backslash written right
 * before the `${...}` escapes none of it: a newline, which the shell removes together
 * with the backslash (a line continuation: the value arrives whole, the backslash is
 * gone), or inside `$'...'` a second backslash (the pair reads as one literal backslash);
 * "" when no backslash comes before it. Also for showing the command
 * (template.ts renderShellShown), so a dry run shows what the shell reads.
 */
export function backslashPrefix(slot: ShellSlot): "" | "\n" | "\\" {
  if (!slot.afterBackslash) return "";
  return slot.context === "ansi" ? "\\" : "\n";
}

/**
 * The text that stands for variable `name` in `slot`. `value` is only inspected (for
 * integer-only slots); `offset` locates errors in the template.
 */
export function shellReference(
  slot: ShellSlot,
  name: string,
  value: string,
  offset: number,
  variable?: (name: string) => string | undefined,
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
  if (slot.context === "heredoc-pattern") {
    throw new ExpressionError(
      "cannot substitute a value into the pattern of a shell expansion (`${v%…}`, " +
        "`${v#…}`, `${v/…/…}` …) inside a heredoc: sh (dash) reads it as a pattern " +
        "(`*`, `?`, `[`) whatever quotes surround it",
      offset,
      "do the expansion before the heredoc and use its result there: " +
        '`dir="${base%%/${params.sub}}"`, then `$dir` in the heredoc',
    );
  }
  // The checks hold at every level of later code (`sh -c 'echo $((${x}))'`).
  const levels: ShellSlot[] = [slot];
  for (let s = slot.inner; s && levels.at(-1)?.later; s = s.inner) levels.push(s);
  refuseForeign(levels, offset);
  refuseUnfollowed(levels, offset);
  if (levels.some((s) => s.promptArgument)) {
    throw new ExpressionError(
      "cannot substitute a value into an argument of zsh's `print -P`: zsh expands it as a " +
        "prompt string, running any $(…) or backticks in it under `setopt promptsubst`",
      offset,
      'print the value without -P (`print -r -- "${...}"`), and keep prompt escapes ' +
        "(`%F{red}`) in a separate `print -P` without ${...}",
    );
  }
  const prompt = levels.find((s) => s.promptAssigned)?.promptAssigned;
  if (prompt) {
    throw new ExpressionError(
      `cannot assign a value to ${prompt} this way (\`printf -v\`, \`( … )\`, \`\${…:=…}\`, ` +
        "`for … in`, a nameref, or `read`/`mapfile` from a here-string, a heredoc, a pipe " +
        "or a process substitution, a loop's or a block's included; any such input, or " +
        "`exec`'s or `coproc`'s, where the command reads into the variable anywhere): " +
        "the variable would hold the value's own text, " +
        "which the shell expands later (a prompt string: bash's PS0-PS4, zsh's PROMPT…; " +
        "BASH_ENV or ENV as a shell starts), running any $(…) or backticks in it, or runs " +
        "as code (PROMPT_COMMAND)",
      offset,
      `assign it plainly, where weft writes a reference the prompt reads: \`${
        prompt.replace(/\[.*$/, "")
      }="\${...}"\`, or use the value elsewhere than in a prompt`,
    );
  }
  if (levels.some((s) => s.integerOnly) && !INTEGER.test(value)) {
    throw new ExpressionError(
      `value ${
        quoteCut(value, 40, { json: true })
      } is not an integer and cannot be used where the shell evaluates arithmetic`,
      offset,
      "only integers can be substituted inside $(( )), (( )), [[ -eq ]], array subscripts, " +
        "let, and into variables declared -i; for a key of an associative array (declare -A), " +
        'assign the value to a variable first (k="${...}") and write ${arr[$k]}',
    );
  }
  // `x=WEFT_V_2` would read another value as an expression, through the variable weft
  // gives it (`${WEFT_V_2}` holding `a[$(cmd)]` in an argument, where it is data).
  const variables = name.replace(/\d+$/, "");
  const nameOrNumber = levels.some((s) => s.nameOrNumber);
  if (nameOrNumber && variables !== "" && value.includes(variables)) {
    throw new ExpressionError(
      `value ${quoteCut(value, 40, { json: true })} names ${variables}…, the variables weft ` +
        "passes values in: bash may evaluate it here as arithmetic, reading another value as code",
      offset,
      AS_DATA,
    );
  }
  const declared = levels.find((s) => s.declareOperand)?.declareOperand;
  if (declared && (declared === "value" ? OPENS_LIST : HOLDS_LIST).test(value)) {
    throw new ExpressionError(
      `value ${quoteCut(value, 40, { json: true })} ${
        declared === "value" ? 'starts with "("' : 'holds "=" followed by "("'
      }: bash's declare (typeset, local, readonly) reads \`name=(…)\` for an array as a ` +
        "list of elements, which would split the value into words and run any `$(…)` or " +
        "backticks in it",
      offset,
      'declare the variable first, then assign it plainly: `local x; x="${...}"` or ' +
        '`declare -a list; list=("${...}")`',
    );
  }
  if (nameOrNumber && holdsCodeSubscript(value)) {
    throw new ExpressionError(
      `value ${
        quoteCut(value, 40, { json: true })
      } holds "[" followed by "$" or a backtick: bash may read it here as a variable name ` +
        "or an integer variable's value, and would run the command in its subscript",
      offset,
      AS_DATA,
    );
  }
  const named = nameOrNumber && variable ? namedCode(value, variable) : undefined;
  if (named) {
    throw new ExpressionError(
      `value ${quoteCut(value, 40, { json: true })}, read as a variable name, leads to ` +
        `${named}, whose value holds "[" followed by "$" or a backtick: bash may evaluate ` +
        "the name here as arithmetic, reading that value, and would run the command in its " +
        "subscript",
      offset,
      AS_DATA,
    );
  }
  const prefix = backslashPrefix(slot);
  if (slot.later && !slot.integerOnly) {
    return deferredReference(levels, name, value, prefix, offset);
  }
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
