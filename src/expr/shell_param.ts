/**
 * The head of a `${...}` for the shell lexer (shell_lexer.ts): its `#`/`!` prefix, its
 * name, a `[...]` subscript and its operator, which decide how the word after the
 * operator reads (arithmetic, assigned, a pattern) — see {@link ParamFrame}.
 * @module
 */
import type { ParamFrame } from "./shell_frames.ts";

const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Reads `c` (followed by `next`, undefined at the end of the literal text) into the head
 * of `${...}`, updating `top`'s stage and flags: "taken" when `c` was part of the head,
 * "subscript" when it is the `[` of a subscript (arithmetic in bash, as `${s:offset:length}`
 * is), "word" when the head is over and `c` is read as the word after it.
 */
export function readParamHead(
  top: ParamFrame,
  c: string,
  next: string | undefined,
): "taken" | "subscript" | "word" {
  if (top.stage === "start" && (c === "#" || c === "!") && next !== "}") {
    top.stage = "prefixed"; // `${#v}` (length), `${!v}` (indirection); `${#}` is `$#`
    return "taken";
  }
  if (top.stage === "start" || top.stage === "prefixed") {
    if (NAME_CHAR.test(c)) {
      top.stage = "name";
      top.name = c;
      return "taken";
    }
    top.stage = "op";
    if ("@*#?-$!".includes(c)) return "taken"; // a special parameter: `${#}`, `${@%x}`
  }
  if (top.stage === "name") {
    if (NAME_CHAR.test(c)) {
      top.name += c;
      return "taken";
    }
    top.stage = "op";
  }
  if (top.stage === "op") {
    if (c === "[") return "subscript";
    top.stage = "rest";
    // `${s:2}` is an offset; `${s:-x}`, `${s:=x}`, `${s:?x}`, `${s:+x}` are not.
    if (c === ":" && (next === undefined || !"-=?+".includes(next))) {
      top.arithmetic = true;
      return "taken";
    }
    // `${n:=word}` assigns word to n, which may have the integer attribute.
    top.assigns = c === "=" || (c === ":" && next === "=");
    // `${v-w}` `${v:-w}` & co. take w as a word; every other operator (`#` `%`, bash's
    // `/` `^` `,` `@`, and any a shell may add) as a pattern or replacement, or refuses it.
    if (c !== "}" && !"-=?+:".includes(c)) top.pattern = true;
  }
  return "word";
}
