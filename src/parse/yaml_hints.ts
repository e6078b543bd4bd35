/**
 * What to do about a YAML syntax error. Most come from a value that starts with a
 * character YAML reads as its own syntax rather than as text: a quote (`'a' == 'b'` ends
 * at the second quote), `!` (a tag), `*` (an alias), `|` or `>` (a block of text on the
 * lines below), `%`, `@` or a backtick (reserved). The yaml library names the token; the
 * user needs to hear "quote the whole value", with the value quoted for them.
 * @module
 */
import { type Alias, type Document, visit, type YAMLError } from "yaml";
import type { Problem } from "../model/errors.ts";
import type { SourceMap } from "./source_map.ts";

const YAML_HINTS: Record<string, string> = {
  TAB_AS_INDENT: "indent YAML with spaces, not tabs",
  MULTIPLE_DOCS: "a workflow file holds one document; remove the `---` separator",
  BAD_INDENT: "check the indentation of this line against the lines above",
  BLOCK_AS_IMPLICIT_KEY:
    "a value contains `: `; quote it, or check the indentation of the next line",
  MULTILINE_IMPLICIT_KEY: "a key must fit on one line; is a `:` or a quote missing above?",
};

/** A hint for a YAML error; MISSING_CHAR covers quotes, brackets and list dashes alike. */
export function yamlHint(code: string, message: string): string | undefined {
  if (code === "MISSING_CHAR") {
    if (/quote/.test(message)) {
      return "a quoted string is not closed; look for its opening quote above";
    }
    if (/[\]}]/.test(message)) return "a [ or { is not closed";
    return "check the indentation of this line against the lines above";
  }
  return YAML_HINTS[code];
}

/**
 * `value` as a YAML double-quoted scalar, or single-quoted when it holds `"` or `\`
 * (where `''` is a quote and nothing else is special: YAML 1.2.2 §7.3.2).
 */
export function quotedForYaml(value: string): string {
  if (!/["\\]/.test(value)) return `"${value}"`;
  return `'${value.replaceAll("'", "''")}'`;
}

/** The start of the value on a line: after its `- ` list marks and its `key: `. */
const LINE_HEAD = /^[ \t]*(?:-[ \t]+)*(?:(?:"[^"]*"|'[^']*'|[^\s'"#[{][^#]*?):(?:[ \t]+|$))?/;

/**
 * The value written on the line holding `offset`, up to a comment outside quotes: the
 * key (or `-`) before it, and the text.
 */
export function valueOnLine(
  text: string,
  offset: number,
): { head: string; value: string; start: number } {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  const end = text.indexOf("\n", offset);
  const line = text.slice(start, end < 0 ? text.length : end);
  const head = LINE_HEAD.exec(line)![0];
  const rest = line.slice(head.length);
  return {
    head: head.trim(),
    value: beforeComment(rest),
    start: start + head.length + (rest.length - rest.trimStart().length),
  };
}

/** `text` up to a ` #` comment outside quotes, trimmed. */
function beforeComment(text: string): string {
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== "") {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]))) return text.slice(0, i).trim();
  }
  return text.trim();
}

/** `key: "value"` for a hint: the line's value as one quoted scalar. */
function requoted(text: string, offset: number): string {
  const { head, value } = valueOnLine(text, offset);
  return `${head}${head === "" ? "" : " "}${quotedForYaml(value)}`;
}

/**
 * The problem of a value at `at` in `text` that starts with an unquoted `!`, which YAML
 * reads as a tag (`!${params.p}` meant as "not"); undefined for any other value.
 */
export function tagTrouble(
  text: string,
  at: number,
): { message: string; hint: string } | undefined {
  if (!valueOnLine(text, at).value.startsWith("!")) return undefined;
  return {
    message: "invalid YAML: `!` at the start of a value starts a YAML tag",
    hint: `quote the whole value to keep the !: ${requoted(text, at)}`,
  };
}

/** What YAML reads an unquoted `*` or `&` at the start of a value as. */
const PROPERTY_WORDS: Record<string, string> = {
  "*": "an alias (`*name` stands for the value an anchor `&name` names)",
  "&": "an anchor (`&name` names the value after it, for a later `*name`)",
};

/**
 * The message and hint of a YAML error that a value's first character caused, or
 * undefined for other errors. `at` is the error's offset in `text`; the result's `at`,
 * when given, is where the cause is (the value's start), to place the problem there.
 */
export function valueStartTrouble(
  error: YAMLError,
  text: string,
  at: number,
): { message: string; hint: string; at?: number } | undefined {
  const { value, start } = valueOnLine(text, at);
  const first = value[0] ?? "";
  // `schedule: */5 * * * *`, `command: * * * * *`, `command: & echo`: YAML fails somewhere
  // in the value (an alias or anchor "at node end", an empty name): the `*`/`&` it began
  // with is the cause, wherever the error is.
  if (
    (first === "*" || first === "&") &&
    (/at node end|cannot be an empty string/.test(error.message) ||
      error.code === "UNEXPECTED_TOKEN")
  ) {
    return {
      message: `invalid YAML: an unquoted \`${first}\` at the start of a value begins ` +
        `${PROPERTY_WORDS[first]}, so the value is not read as the text written`,
      hint: `quote the whole value: ${requoted(text, at)}`,
      at: start,
    };
  }
  if (error.code === "BAD_SCALAR_START") {
    const what = first === "%" ? "starts a YAML directive" : "is reserved in YAML";
    return {
      message: `invalid YAML: a value cannot start with an unquoted ${first}, which ${what}`,
      hint: `quote the whole value: ${requoted(text, at)}`,
    };
  }
  if (error.code === "TAG_RESOLVE_FAILED") return tagTrouble(text, at);
  if (error.code !== "UNEXPECTED_TOKEN") return undefined;
  if (first === "|" || first === ">") {
    return {
      message: `invalid YAML: \`${first}\` at the start of a value begins a block of text ` +
        "on the lines below, and nothing else may follow it on its line",
      hint: `quote the whole value to write it on this line: ${requoted(text, at)}`,
    };
  }
  // `[ -f x ] && echo`: the `&&` after the list is read as an anchor, `*` as an alias.
  if (/^['"[{]/.test(first) && /(?:scalar|alias|anchor|tag) at node end/.test(error.message)) {
    const closing = { "'": "quote", '"': "quote", "[": "]", "{": "}" }[first];
    return {
      message: `invalid YAML: a value that starts with ${first} ends at its closing ${closing}, ` +
        `and more text follows it: \`${beforeComment(text.slice(at).split("\n")[0])}\``,
      hint: `quote the whole value: ${requoted(text, at)}`,
    };
  }
  return undefined;
}

/**
 * An alias (`*name`) with no anchor (`&name`) before it, as a problem at the alias: most
 * often a value meant as text that starts with `*` (`files: *.js`).
 */
export function unresolvedAlias(
  doc: Document,
  text: string,
  map: SourceMap,
  file: string,
): Problem | undefined {
  let found: Problem | undefined;
  visit(doc, {
    Alias(_, alias: Alias) {
      if (alias.resolve(doc) !== undefined) return;
      const at = alias.range?.[0] ?? 0;
      found = {
        file,
        ...map.position(at),
        message: `invalid YAML: \`*${alias.source}\` is an alias, and no anchor ` +
          `\`&${alias.source}\` comes before it`,
        hint: `\`*\` at the start of a value refers to an anchor; for text, quote the whole ` +
          `value: ${requoted(text, at)}`,
      };
      return visit.BREAK;
    },
  });
  return found;
}
