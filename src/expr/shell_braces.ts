/**
 * A `${...}` of a shell command that is the shell's syntax, not weft's: the shell's
 * positional and special parameters in braces (`${1}`, `${#}`, `${@:2}`) and its
 * parameter expansions of a name (`${OUT_DIR:-dist}`, `${v//a/b}`, `${!ref}`). `${...}`
 * in a command is weft's (README, Shell variables in commands), so each is refused at
 * its `$` with the escape that keeps its meaning for the shell, `$${...}`, never a
 * rewrite that would change it. Plain `${HOME}` is left to the reference checks
 * (parse/reference_trouble.ts), which also offer weft's `${env.HOME}`.
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
 * The error for the shell's syntax in the `${` at `dollar` of a shell command, or
 * undefined when it may be weft's.
 */
export function shellBraceError(text: string, dollar: number): ExpressionError | undefined {
  return shellParameterError(text, dollar) ?? shellExpansionError(text, dollar);
}

/**
 * A positional or special parameter of the shell written with braces: `${1}`, `${10}`,
 * `${1:-x}`, `${#}`, `${#1}`, `${@}`, `${@:2}`, `${?}`, `${$}`, `${!}`, `${-}`, `${*}` —
 * a `${` followed by digits, or by one of `@*?$!-`, then `}` or a shell operator, or by
 * `#` (the shell's length). Weft's own expressions never start so (`${1 + 2}`, `${-1}`,
 * `${!x}` go on otherwise), so these are the shell's, and a shell reads `${1}` as the
 * first argument, the only way to write `${10}`: refused rather than turned into the
 * number 1, written `$1` or `$${1}` they reach the shell untouched.
 */
const SHELL_PARAMETER = /^\$\{(?:(\d+)|([@*?$!-])|(#))(?:[}:#%/^,@+=?-]|(?<=#))/;

function shellParameterError(text: string, dollar: number): ExpressionError | undefined {
  const match = SHELL_PARAMETER.exec(text.slice(dollar, dollar + 64));
  if (!match) return undefined;
  const written = writtenAt(text, dollar, match[0]);
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
 * The shell's operators after a name in `${NAME…}`, longest first, with what they do.
 * `=` followed by `=` is left out: `${v==x}` reads as weft's comparison.
 */
const OPERATORS: readonly [RegExp, string][] = [
  [/^:-/, "a default value"],
  [/^:=/, "a default value assigned"],
  [/^:\?/, "an error when unset or empty"],
  [/^:\+/, "an alternative value"],
  [/^:/, "a substring"],
  [/^-/, "a default value"],
  [/^=(?!=)/, "a default value assigned"],
  [/^\?/, "an error when unset"],
  [/^\+/, "an alternative value"],
  [/^##?/, "a prefix removed"],
  [/^%%?/, "a suffix removed"],
  [/^\/\/?/, "a replacement"],
  [/^\^\^?/, "a change to upper case"],
  [/^,,?/, "a change to lower case"],
  [/^\[/, "an array element"],
  // bash 4.4+ `${v@Q}` and the other transformations (bash(1), Parameter transformation).
  [/^@[QEPAKaUuLk]/, "a transformation"],
];

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** The shell operator `rest` starts with (OPERATORS), as written, and what it does. */
function operatorAt(rest: string): { text: string; what: string } | undefined {
  for (const [pattern, what] of OPERATORS) {
    const match = pattern.exec(rest);
    if (match) return { text: match[0], what };
  }
  return undefined;
}

/**
 * A parameter expansion of a shell name: `${NAME` then one of the shell's operators
 * (`:-` `-` `:=` `=` `:?` `?` `:+` `+` `#` `##` `%` `%%` `/` `//` `^` `^^` `,` `,,`
 * `:offset` `[`, `@Q` and bash's other transformations), or `${!NAME…}` (indirection, `${!prefix*}`). NAME is none of weft's
 * roots, literals or functions, and the operator follows it with no blank, as the shell
 * wants: weft would read such a `${...}` as a syntax error or as a reference to an
 * unknown name, refused either way, so only the message changes.
 */
function shellExpansionError(text: string, dollar: number): ExpressionError | undefined {
  const head = text.slice(dollar + 2, dollar + 2 + 128);
  const indirect = head.startsWith("!");
  const name = NAME.exec(indirect ? head.slice(1) : head)?.[0];
  if (name === undefined || WEFT_WORDS.has(name)) return undefined;
  const rest = head.slice(name.length + (indirect ? 1 : 0));
  const operator = operatorAt(rest);
  // `${!ref}`, `${!prefix*}`: indirection needs no operator.
  if (!operator && !(indirect && /^[*@]?\}/.test(rest))) return undefined;
  const what = !indirect
    ? operator!.what
    : /^[*@]\}/.test(rest)
    ? `the names starting with ${name}`
    : rest.startsWith("[")
    ? "an array's indexes"
    : "an indirect expansion";
  const written = writtenAt(
    text,
    dollar,
    `\${${indirect ? "!" : ""}${name}${operator?.text ?? ""}`,
  );
  return new ExpressionError(
    `${written} is shell syntax (${what}), which weft does not pass through: ` +
      `\${...} in a command is weft's`,
    dollar,
    `for the shell, write $$${written.slice(1)} (weft leaves it to the shell)`,
  );
}

/**
 * The `${...}` at `dollar` as written, up to its closing `}`; when it has none or is
 * long, its `head` (what identified it) and `…`.
 */
function writtenAt(text: string, dollar: number, head: string): string {
  const close = closingBrace(text, dollar);
  return close < 0 || close - dollar > SHOWN ? head + "…" : text.slice(dollar, close + 1);
}
