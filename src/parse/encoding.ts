/**
 * Text encoding of workflow files: UTF-8 only (a UTF-8 byte-order mark is accepted).
 * Other encodings are named, and a broken UTF-8 sequence is placed at its line and
 * column, so the user can find the byte an editor or a copy-paste got wrong.
 * @module
 */
import type { Position } from "./source_map.ts";

/** Why bytes are not UTF-8 text: the encoding when recognised, else the first bad byte. */
export type EncodingTrouble =
  | { kind: "utf16" | "utf32"; endian: "LE" | "BE" }
  | { kind: "invalid"; offset: number; position: Position; byte: number };

/**
 * Recognises UTF-32 and UTF-16 by their byte-order mark or, without one, by the zero
 * bytes that ASCII text has in every second (or four of every four) byte.
 */
export function wideEncoding(bytes: Uint8Array): EncodingTrouble | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return { kind: "utf32", endian: "LE" };
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return { kind: "utf32", endian: "BE" };
  if (a === 0xff && b === 0xfe) return { kind: "utf16", endian: "LE" };
  if (a === 0xfe && b === 0xff) return { kind: "utf16", endian: "BE" };
  if (bytes.length >= 4 && bytes.length % 2 === 0) {
    // ASCII characters in UTF-16: one zero byte per character, on the same side.
    if (a !== 0 && b === 0 && c !== 0 && d === 0) return { kind: "utf16", endian: "LE" };
    if (a === 0 && b !== 0 && c === 0 && d !== 0) return { kind: "utf16", endian: "BE" };
  }
  return undefined;
}

/**
 * The first byte that breaks UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF), or undefined when all of `bytes` is valid. The position counts lines
 * from 1 and columns in UTF-16 units from 1, as every other position in weft does.
 */
export function firstInvalidUtf8(bytes: Uint8Array): EncodingTrouble | undefined {
  // A byte-order mark is not part of the text: columns start after it.
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let line = 1;
  let column = 1;
  while (i < bytes.length) {
    const b = bytes[i];
    let length = 0;
    let min = 0;
    if (b < 0x80) length = 1;
    else if (b >= 0xc2 && b <= 0xdf) [length, min] = [2, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [length, min] = [3, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [length, min] = [4, 0x10000];
    let code = length === 1 ? b : b & (0xff >> (length + 1));
    let bad = length === 0;
    for (let k = 1; !bad && k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) bad = true;
      else code = (code << 6) | (next & 0x3f);
    }
    if (!bad && (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))) {
      bad = true;
    }
    if (bad) {
      // A missing continuation byte is reported where the broken character starts.
      return { kind: "invalid", offset: i, position: { line, column }, byte: b };
    }
    // Lines end at \n, \r\n or a lone \r, as in every position weft reports.
    if (b === 0x0a || (b === 0x0d && bytes[i + 1] !== 0x0a)) {
      line++;
      column = 1;
    } else column += code > 0xffff ? 2 : 1;
    i += length;
  }
  return undefined;
}

/** One line for the user: which encoding was found, or where the bad byte is. */
export function describeEncodingTrouble(trouble: EncodingTrouble): string {
  if (trouble.kind === "invalid") {
    const hex = trouble.byte.toString(16).toUpperCase().padStart(2, "0");
    return `not valid UTF-8: byte 0x${hex} (byte offset ${trouble.offset}) starts no valid character`;
  }
  return `the file is ${trouble.kind === "utf16" ? "UTF-16" : "UTF-32"} (${trouble.endian}) text`;
}
