/**
 * Text that came from a task (output lines, errors quoting output, values) made safe
 * to print inside weft's own report on a terminal: it cannot clear the screen, move the
 * cursor, set the window title, ring the bell or hide text. Every renderer (board,
 * plain lines, `-v`, failure tails, `status`, `history`) passes such text through
 * {@link terminalSafe}, and so does every notification (notify/message.ts: a plain-text
 * mail is read in a terminal too); `weft logs` does not, it prints the bytes as stored.
 * @module
 */

/**
 * A colour sequence (SGR, ECMA-48 §8.3.117: `ESC [ params m`), the one control
 * sequence that is let through, and only when colour is on.
 */
// deno-lint-ignore no-control-regex
const SGR = /\x1b\[[0-9;]*m/y;

/** Names for the common controls, written the way shells and C write them. */
const NAMED: Record<string, string> = {
  "\0": "\\0",
  "\x07": "\\a",
  "\b": "\\b",
  "\x1b": "\\e",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\v": "\\v",
};

/**
 * Characters escaped: C0 controls but TAB (U+0000–U+001F), DEL and the C1 controls
 * (U+007F–U+009F, which include the one-byte CSI U+009B and OSC U+009D), the Unicode
 * bidirectional controls that reorder what follows (U+061C, U+200E, U+200F,
 * U+202A–U+202E, U+2066–U+2069; the "Trojan Source" attack, CVE-2021-42574) and the
 * line and paragraph separators (U+2028, U+2029).
 */
const UNSAFE =
  // deno-lint-ignore no-control-regex
  /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** TAB stops, for expanding tabs so that line widths stay what they look like. */
const TAB_WIDTH = 8;

/**
 * `text` with every control character shown as an escape (`\e`, `\r`, `\a`, `\x01`,
 * `\u009b`, `\u202e`) instead of acting on the terminal, so `\e[2J` prints as those five
 * characters. Tabs become spaces up to the next multiple of 8. Colour sequences
 * (SGR) are kept when `color` is true — followed by a reset, so a colour a task left
 * open does not run into weft's text — and dropped when it is false. Backslashes are
 * left alone: text that already reads `\e` is harmless. Text without any control
 * character is returned as it is.
 */
export function terminalSafe(text: string, color: boolean): string {
  if (!UNSAFE.test(text) && !text.includes("\t")) return text;
  let out = "";
  let column = 0;
  let coloured = false;
  for (let i = 0; i < text.length;) {
    const ch = text[i];
    if (ch === "\x1b") {
      SGR.lastIndex = i;
      const match = SGR.exec(text);
      if (match) {
        if (color) {
          out += match[0];
          coloured = true;
        }
        i += match[0].length;
        continue;
      }
    }
    if (ch === "\t") {
      const spaces = TAB_WIDTH - (column % TAB_WIDTH);
      out += " ".repeat(spaces);
      column += spaces;
    } else if (UNSAFE.test(ch)) {
      const shown = NAMED[ch] ?? escapeCode(ch.charCodeAt(0));
      out += shown;
      column += shown.length;
    } else {
      out += ch;
      column++;
    }
    i++;
  }
  return coloured ? out + "\x1b[0m" : out;
}

function escapeCode(code: number): string {
  const hex = code.toString(16).padStart(2, "0");
  return code < 0x80 ? `\\x${hex}` : `\\u${hex.padStart(4, "0")}`;
}

/**
 * `text` with its line breaks shown as `\n`, for free text (a name, a condition) put
 * into a line of weft's own report: the output's escaping (cli/io.ts) lets LF through,
 * as the line separator of the whole text, so a name holding one would split the line.
 * Every other control character is left to that escaping.
 */
export function oneLine(text: string): string {
  return text.replaceAll("\n", "\\n");
}
