/**
 * Which `${...}` of a shell command is the shell's syntax, not weft's. The shell's
 * parameter expansions of a variable (`${HOME}`, `${OUT_DIR:-dist}`, `${v//a/b}`,
 * `${!ref}`) reach the shell as written ({@link isShellExpansion}). The shell's positional
 * and special parameters in braces (`${1}`, `${#}`, `${@:2}`) are refused at their `$`
 * with the escape that keeps their meaning for the shell, `$${...}`: `${1}` could as well
 * be weft's number 1, and weft guesses neither way (README, Shell variables in commands).
 * The shell's operators around weft's reference (`${params.x:-y}`) are refused with what
 * does what was meant.
 * @module
 */
import { FUNCTIONS, REFERENCE_ROOTS } from "./ast.ts";
import { ExpressionError } from "./errors.ts";

/**
 * The names a reference may start with in a task's fields (a loop's `item` and `index`
 * included), weft's literals and its function: a `${` followed by one of these is weft's
 * whatever follows.
 */
const WEFT_WORDS = new Set<string>([
  ...REFERENCE_ROOTS,
  "item",
  "index",
  "true",
  "false",
  "null",
  ...FUNCTIONS,
]);

/** Longest `written` shown whole in a message; longer, it is cut with `…`. */
const SHOWN = 40;

/**
 * The offset of the `}` closing the `${` at `dollar` (counting the braces opened inside
 * it, so `${a:-${b}}` closes at its last `}`), or -1 when the text ends first. Quotes are
 * not read: this finds where a `${...}` that failed to parse most likely ends.
 */
export function closingBrace(text: string, dollar: number): number {
  let depth = 0;
  for (let i = dollar + 1; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

/**
 * A positional or special parameter of the shell written with braces: `${1}`, `${10}`,
 * `${1:-x}`, `${#}`, `${#1}`, `${@}`, `${@:2}`, `${?}`, `${$}`, `${!}`, `${-}`, `${*}` —
 * a `${` followed by digits, or by one of `@*?$!-`, then `}` or a shell operator, or by
 * `#` (the shell's length: `${#1}`, `${#@}`; `${#NAME}` of a variable is
 * {@link isShellExpansion}'s). Weft's own expressions never start so (`${1 + 2}`, `${-1}`,
 * `${!x}` go on otherwise), so these are the shell's, and a shell reads `${1}` as the
 * first argument, the only way to write `${10}`: refused rather than turned into the
 * number 1, written `$1` or `$${1}` they reach the shell untouched.
 */
const SHELL_PARAMETER = /^\$\{(?:(\d+)|([@*?$!-])|(#))(?:[}:#%/^,@+=?-]|(?<=#))/;

/**
 * The error for the shell's positional or special parameter in braces at `dollar` of a
 * shell command (SHELL_PARAMETER), or undefined when it may be weft's.
 */
export function shellBraceError(text: string, dollar: number): ExpressionError | undefined {
  const match = SHELL_PARAMETER.exec(text.slice(dollar, dollar + 64));
  if (!match) return weftDefaultError(text, dollar);
  if (match[3] !== undefined && text.startsWith("${", dollar + 3)) {
    // `${#${params.v}}`: no escape helps, the shell takes the length of a variable only.
    return new ExpressionError(
      "${#${...}} is the shell's length of weft's value, but ${...} in a command is weft's",
      dollar,
      'copy the value into a shell variable first (v="${...}"), then write ${#v}',
    );
  }
  const written = writtenAt(text, dollar, match[0]);
  // `${#}` alone is the count of arguments; `${#…}` with more, a length.
  const special = match[2] ?? (written === "${#}" ? "#" : undefined);
  const what = match[1] !== undefined
    ? `the shell's positional parameter ${match[1]}`
    : match[2] === "!" && written !== "${!}"
    ? "the shell's indirect expansion" // `${!#}`: the last argument, in bash
    : special !== undefined
    ? `the shell's special parameter ${special}`
    : "the shell's length of a parameter";
  // `$1`, `$#` are the same without braces; `$10` is not `${10}`.
  const bare = written === "${" + (match[1] ?? special) + "}" &&
    (special !== undefined || match[1].length === 1);
  return new ExpressionError(
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

/**
 * `${env.NAME:-…}`, `${params.NAME:=…}`, `${params.NAME^^}`, …: one of the shell's `:`,
 * `#`, `^`, `,` operators after weft's reference. Only those: `${params.api-key}` is the
 * param `api-key`, and `+`, `=`, `%`, `/` after a reference are weft's own syntax or its
 * error.
 */
const WEFT_DEFAULT = /^\$\{(env|params)\.([A-Za-z_][A-Za-z0-9_]*)(:[-=?+]|##?|\^\^?|,,?)/;

/**
 * The error for the shell's operators around weft's reference (`${env.OUT:-dist}`,
 * `${params.region:-eu}`, `${params.region^^}`): weft has no such operator and the shell
 * never sees weft's reference, so say what does what is meant: the shell's own variable
 * (`${OUT:-dist}`: a task's process has weft's environment), or a param's default.
 */
function weftDefaultError(text: string, dollar: number): ExpressionError | undefined {
  const match = WEFT_DEFAULT.exec(text.slice(dollar, dollar + 128));
  if (!match) return undefined;
  const [head, root, name, operator] = match;
  const written = writtenAt(text, dollar, head);
  const word = written.endsWith("}") ? written.slice(head.length, -1) : "…";
  return new ExpressionError(
    `${written} mixes weft's reference with the shell's operator ${operator} (weft has no ` +
      `such operator, and the shell never sees ${root}.${name})`,
    dollar,
    root === "env"
      ? `the shell reads the environment itself: write \${${name}${operator}${word}}`
      : (operator === ":-" || operator === ":="
        ? `give the parameter a default (params: {${name}: ${word}}), or copy it into a `
        : "copy it into a ") +
        `shell variable first: ${name}="\${params.${name}}", then \${${name}${operator}${word}}`,
  );
}

/**
 * The shell's operators after a name in `${NAME…}`, longest first. `=` followed by `=` is
 * left out: `${v==x}` reads as weft's comparison.
 */
const OPERATOR =
  // bash 4.4+ `${v@Q}` and the other transformations (bash(1), Parameter transformation).
  /^(?::[-=?+]?|-|=(?!=)|\?|\+|##?|%%?|\/\/?|\^\^?|,,?|\[|@[QEPAKaUuLk])/;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Whether the `${` at `dollar` of a shell command is one of the shell's parameter
 * expansions of a shell variable (POSIX sh, Parameter Expansion; bash(1)): `${NAME}`,
 * `${NAME` then one of its operators (`:-` `-` `:=` `=` `:?` `?` `:+` `+` `#` `##` `%`
 * `%%` `/` `//` `^` `^^` `,` `,,` `:offset` `[`, `@Q` and bash's other transformations),
 * `${#NAME…}` (a length) or `${!NAME…}` (indirection, `${!prefix*}`), where NAME is
 * none of weft's roots, literals or functions and the operator follows it with no blank,
 * as the shell wants. Such a `${...}` is the shell's and reaches it as written (README,
 * Shell variables in commands); `${env.HOME}`, `${parms.region}` (a `.`), `${item:-x}` and
 * `${ v:-x}` stay weft's, so a typo in a reference is still refused.
 */
export function isShellExpansion(text: string, dollar: number): boolean {
  const head = text.slice(dollar + 2, dollar + 2 + 128);
  const prefixed = head.startsWith("!") || head.startsWith("#");
  const name = NAME.exec(prefixed ? head.slice(1) : head)?.[0];
  if (name === undefined || WEFT_WORDS.has(name)) return false;
  const rest = head.slice(name.length + (prefixed ? 1 : 0));
  // `${!prefix*}`, `${!prefix@}`: the names starting with prefix.
  return rest.startsWith("}") || OPERATOR.test(rest) ||
    (head.startsWith("!") && /^[*@]\}/.test(rest));
}

/**
 * The `${...}` at `dollar` as written, up to its closing `}`; when it has none or is
 * long, its `head` (what identified it) and `…`.
 */
function writtenAt(text: string, dollar: number, head: string): string {
  const close = closingBrace(text, dollar);
  return close < 0 || close - dollar > SHOWN ? head + "…" : text.slice(dollar, close + 1);
}
