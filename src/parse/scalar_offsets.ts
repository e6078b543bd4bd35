/**
 * Where a character of a string value is written in the source. YAML writes a string
 * in five styles, and only the plainest spells it verbatim: quoted strings have escapes
 * (`\n`, `\u00e9`, `''`), multi-line flow strings fold their line breaks, block scalars
 * (`|`, `>`) drop their indentation and `>` folds lines. Rules from YAML 1.2.2, chapters
 * 7 (flow scalars) and 8.1 (block scalars); JSON strings are YAML double-quoted strings.
 * @module
 */

/** How a string is written (the `type` yaml gives a Scalar node). */
export type ScalarStyle =
  | "PLAIN"
  | "QUOTE_DOUBLE"
  | "QUOTE_SINGLE"
  | "BLOCK_LITERAL"
  | "BLOCK_FOLDED";

/** One character (UTF-16 unit) of the value and the source offset it comes from. */
type Emit = (chars: string, offset: number) => boolean;

/**
 * The source offset of UTF-16 unit `index` of `value`, written in `style` from offset
 * `start` of `text` (where the scalar's first character, quote or block indicator is).
 * An index at the end of the value maps just past its last character. Returns undefined
 * when the source does not spell `value` as these rules read it (then the caller falls
 * back to where the value starts): a wrong position is worse than a coarse one.
 */
export function scalarSourceOffset(
  text: string,
  start: number,
  style: ScalarStyle,
  value: string,
  index: number,
): number | undefined {
  if (index < 0 || index > value.length) return undefined;
  const want = Math.min(index + 1, value.length);
  let built = "";
  const offsets: number[] = [];
  const emit: Emit = (chars, offset) => {
    for (const c of chars) {
      for (let k = 0; k < c.length && built.length < want; k++) {
        built += c[k];
        offsets.push(offset);
      }
    }
    return built.length >= want;
  };
  if (style === "BLOCK_LITERAL" || style === "BLOCK_FOLDED") {
    blockScalar(text, start, style === "BLOCK_FOLDED", value, emit);
  } else flowScalar(text, start, style, emit);
  if (built !== value.slice(0, want)) return undefined;
  if (index < value.length) return offsets[index];
  return want === 0 ? undefined : offsets[want - 1] + 1;
}

const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\x85",
  _: "\xa0",
  L: "\u2028",
  P: "\u2029",
};
const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Plain and quoted scalars: escapes, `''`, and line folding (YAML 1.2.2 §7.3). */
function flowScalar(text: string, start: number, style: ScalarStyle, emit: Emit): void {
  const quote = style === "QUOTE_DOUBLE" ? '"' : style === "QUOTE_SINGLE" ? "'" : "";
  if (quote && text[start] !== quote) return;
  let i = start + (quote ? 1 : 0);
  // Spaces and tabs are held back: before a line break they are not part of the value.
  let pending: number[] = [];
  const flush = () => {
    for (const at of pending) if (emit(text[at], at)) return true;
    pending = [];
    return false;
  };
  while (i < text.length) {
    const c = text[i];
    if (quote === '"' && c === '"') break;
    if (quote === "'" && c === "'") {
      if (text[i + 1] !== "'") break;
      if (flush() || emit("'", i)) return;
      i += 2;
      continue;
    }
    if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
      // A line break folds: to a space, or to one newline per empty line that follows.
      pending = [];
      const breakAt = i;
      let empty = 0;
      let j = i;
      for (;;) {
        j += text[j] === "\r" ? 2 : 1;
        while (text[j] === " " || text[j] === "\t") j++;
        if (text[j] === "\n" || (text[j] === "\r" && text[j + 1] === "\n")) empty++;
        else break;
      }
      if (emit(empty === 0 ? " " : "\n".repeat(empty), breakAt)) return;
      i = j;
      continue;
    }
    if (quote === '"' && c === "\\") {
      const next = text[i + 1];
      if (next === "\n" || (next === "\r" && text[i + 2] === "\n")) {
        // An escaped line break joins the lines; spaces before it stay, after it go.
        if (flush()) return;
        i += next === "\r" ? 3 : 2;
        while (text[i] === " " || text[i] === "\t") i++;
        continue;
      }
      if (flush()) return;
      const digits = HEX_ESCAPES[next];
      if (digits) {
        const hex = text.slice(i + 2, i + 2 + digits);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) return;
        if (emit(String.fromCodePoint(parseInt(hex, 16)), i)) return;
        i += 2 + digits;
        continue;
      }
      const decoded = ESCAPES[next];
      if (decoded === undefined) return;
      if (emit(decoded, i)) return;
      i += 2;
      continue;
    }
    if (c === " " || c === "\t") pending.push(i);
    else if (flush() || emit(c, i)) return;
    i++;
  }
  flush();
}

/** `|` and `>` scalars (YAML 1.2.2 §8.1): indentation dropped, `>` folds lines. */
function blockScalar(text: string, start: number, folded: boolean, value: string, emit: Emit) {
  if (text[start] !== (folded ? ">" : "|")) return;
  const headerEnd = text.indexOf("\n", start);
  if (headerEnd === -1) return;
  // The indentation of the content: the first line with text, less the spaces that the
  // value keeps at the start of that line (an indentation indicator keeps some).
  // Lines are split as far as they are read: the scalar ends at its first less
  // indented line, and splitting the rest of the file for each of many scalars would
  // cost the file's length each time.
  const lines: { from: number; to: number }[] = [];
  let next = headerEnd + 1;
  const lineAt = (k: number) => {
    while (lines.length <= k && next < text.length) {
      let end = text.indexOf("\n", next);
      if (end === -1) end = text.length;
      lines.push({ from: next, to: end > next && text[end - 1] === "\r" ? end - 1 : end });
      next = end + 1;
    }
    return lines[k] as { from: number; to: number } | undefined;
  };
  let first: { from: number; to: number } | undefined;
  for (let k = 0; (first = lineAt(k)) && !/[^ ]/.test(text.slice(first.from, first.to)); k++);
  const kept = /(?:^|\n)( *)[^ \n]/.exec(value);
  if (!first || !kept) return;
  const indent = /^ */.exec(text.slice(first.from, first.to))![0].length - kept[1].length;
  if (indent < 0) return;
  const kind = (l: { from: number; to: number }) => {
    const content = text.slice(l.from + indent, l.to);
    if (l.to - l.from <= indent && /^ *$/.test(text.slice(l.from, l.to))) return "empty";
    return content[0] === " " || content[0] === "\t" ? "spaced" : "text";
  };
  let previous: "text" | "spaced" | undefined;
  let empties = 0;
  let lastBreak = headerEnd;
  for (let k = 0, line; (line = lineAt(k)); k++) {
    const type = kind(line);
    if (type === "empty") {
      empties++;
      lastBreak = line.to;
      continue;
    }
    if (line.from + indent > line.to || !/^ *$/.test(text.slice(line.from, line.from + indent))) {
      return; // less indented: the scalar has ended
    }
    if (previous === undefined) {
      if (emit("\n".repeat(empties), lastBreak)) return;
    } else if (!folded || previous === "spaced" || type === "spaced") {
      if (emit("\n".repeat(empties + 1), lastBreak)) return;
    } else if (emit(empties === 0 ? " " : "\n".repeat(empties), lastBreak)) return;
    for (let at = line.from + indent; at < line.to; at++) if (emit(text[at], at)) return;
    previous = type;
    empties = 0;
    lastBreak = line.to;
  }
  // Trailing line breaks, as many as the chomping indicator keeps (the check trims).
  emit("\n".repeat(empties + 1), lastBreak);
}
