/**
 * Finding where and why strict JSON fails. `JSON.parse` says whether text is JSON,
 * but not always where it breaks (V8 omits the position for some errors) and never in
 * terms of the usual slips (trailing comma, comment, single quotes). This scanner does.
 * @module
 */

/** The first JSON syntax error: a character offset and a message. */
export interface JsonSyntaxError {
  offset: number;
  message: string;
}

class Stop extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

/** A JSON number or literal at `lastIndex` (RFC 8259 §3, §6). */
const WORD = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/** Scans `text` as JSON; returns the first syntax error, or undefined when it is valid. */
export function findJsonError(text: string): JsonSyntaxError | undefined {
  let at = 0;
  const fail = (message: string, offset = at): never => {
    throw new Stop(offset, message);
  };
  const space = () => {
    while (at < text.length) {
      const c = text[at];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") at++;
      else if (c === "/" && (text[at + 1] === "/" || text[at + 1] === "*")) {
        fail("comments are not allowed in JSON");
      } else break;
    }
  };
  const string = () => {
    if (text[at] === "'") fail("strings and keys need double quotes in JSON");
    if (text[at] !== '"') fail("expected a string in double quotes");
    const start = at++;
    while (at < text.length && text[at] !== '"') {
      const c = text.charCodeAt(at);
      if (c < 0x20) fail("unterminated string (or a raw control character in it)", start);
      if (text[at] === "\\") {
        if (!/^(["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(text.slice(at + 1, at + 6))) {
          fail("invalid escape sequence in string");
        }
      }
      at += text[at] === "\\" ? 2 : 1;
    }
    if (at >= text.length) fail("unterminated string", start);
    at++;
  };
  const value = (depth: number): void => {
    space();
    if (depth > 1000) fail("nesting too deep");
    const c = text[at];
    if (c === undefined) fail("unexpected end of file: a value is missing");
    if (c === "{" || c === "[") return container(c, depth);
    if (c === '"' || c === "'") return string();
    // Sticky, on the whole text: a slice of it would cut a number of any length short.
    WORD.lastIndex = at;
    const word = WORD.exec(text);
    if (!word) fail(`unexpected character ${JSON.stringify(c)}`);
    at += word![0].length;
  };
  const container = (open: string, depth: number) => {
    const close = open === "{" ? "}" : "]";
    at++;
    space();
    if (text[at] === close) {
      at++;
      return;
    }
    for (;;) {
      if (open === "{") {
        space();
        string();
        space();
        if (text[at] !== ":") fail("expected ':' after the key");
        at++;
      }
      value(depth + 1);
      space();
      const comma = at;
      if (text[at] === ",") {
        at++;
        space();
        if (text[at] === close) fail(`trailing comma before '${close}'`, comma);
        continue;
      }
      if (text[at] === close) {
        at++;
        return;
      }
      if (at >= text.length) fail(`unexpected end of file: '${close}' is missing`);
      fail(`expected ',' or '${close}'`);
    }
  };
  try {
    value(0);
    space();
    if (at < text.length) fail("unexpected text after the end of the JSON value");
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, message: e.message };
    throw e;
  }
}

/** A key that appears twice in one JSON object. */
export interface DuplicateKey {
  key: string;
  /** Offset of the repeated key's opening quote. */
  offset: number;
  /** Offset of the first occurrence's opening quote. */
  firstOffset: number;
}

/**
 * Keys repeated within one object of a text JSON.parse accepted (it keeps the last
 * silently). One pass over the characters; no values are built.
 */
export function findDuplicateJsonKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const stack: (Map<string, number> | null)[] = []; // a Map per object, null per array
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // "
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) { // \ : skip the escaped character
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      if (!expectKey) continue;
      expectKey = false;
      const raw = text.slice(start, i + 1);
      const key: string = escaped ? JSON.parse(raw) : raw.slice(1, -1);
      const keys = stack[stack.length - 1];
      const first = keys?.get(key);
      if (first === undefined) keys?.set(key, start);
      else found.push({ key, offset: start, firstOffset: first });
    } else if (c === 0x7b) { // {
      stack.push(new Map());
      expectKey = true;
    } else if (c === 0x5b) { // [
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d || c === 0x5d) { // } ]
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c) { // ,
      expectKey = stack[stack.length - 1] instanceof Map;
    }
  }
  return found;
}

/**
 * `at line L, column C (byte B): why` for JSON `text` that does not parse (line and
 * column from 1, the column in code points; B from 0, in UTF-8 bytes), or undefined
 * when the scanner finds no error. Nothing of the text is quoted, not even the character
 * found (`unexpected character "h"` loses its quote): JSON read at run time (a webhook
 * body, loop items from a value) may hold a secret, and V8's own message quotes it.
 */
export function jsonErrorPlace(text: string): string | undefined {
  const error = findJsonError(text);
  if (error === undefined) return undefined;
  const why = error.message.replace(/ "(?:[^"\\]|\\.)*"/g, "");
  return `${jsonPlace(text, error.offset)}: ${why}`;
}

/**
 * `at line L, column C (byte B)` for UTF-16 offset `offset` of `text`: line and column
 * from 1, the column in code points; B from 0, in UTF-8 bytes.
 */
export function jsonPlace(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = [...before.slice(before.lastIndexOf("\n") + 1)].length + 1;
  const byte = new TextEncoder().encode(before).length;
  return `at line ${line}, column ${column} (byte ${byte})`;
}
