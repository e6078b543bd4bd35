/**
 * Lone UTF-16 surrogates: `"\ud800"` in a JSON string or a YAML double-quoted one is half
 * of a surrogate pair (RFC 8259 §8.2; YAML 1.2.2 §5.7 escapes), which is no character.
 * JSON.parse and the yaml package keep it as one UTF-16 unit, and whatever weft hands on
 * as UTF-8 (an environment variable, a command, a file, a name in history) gets U+FFFD
 * instead: the value the task gets is not what the file says. A file read from UTF-8 can
 * hold no surrogate itself, so each one found in the data came from an escape: it is
 * refused where it is written, in a key or a value, at any depth.
 * @module
 */
import type { PathSegment } from "./source_map.ts";

/** One lone surrogate: the path of its key or value, and its UTF-16 offset in that text. */
export interface LoneSurrogate {
  path: PathSegment[];
  /** True when the text is the key ending `path`, false for the value at `path`. */
  inKey: boolean;
  offset: number;
  /** The unit, as the escape that writes it (`\ud800`). */
  escape: string;
}

/** A high surrogate not followed by a low one, or a low one not after a high one. */
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Every lone surrogate in parsed data's keys and strings. Walks without recursion; the
 * data was checked to nest within the limit.
 */
export function loneSurrogates(data: unknown): LoneSurrogate[] {
  const found: LoneSurrogate[] = [];
  const scan = (text: string, path: PathSegment[], inKey: boolean) => {
    if (text.isWellFormed()) return;
    for (const m of text.matchAll(LONE)) {
      const escape = `\\u${m[0].charCodeAt(0).toString(16).padStart(4, "0")}`;
      found.push({ path, inKey, offset: m.index, escape });
    }
  };
  const stack: { value: unknown; path: PathSegment[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") scan(value, path, false);
    if (typeof value !== "object" || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      scan(key, [...path, key], true);
      stack.push({ value: item, path: [...path, key] });
    }
  }
  return found;
}

/** The problem's words for `surrogate` (its position added by the caller). */
export function loneSurrogateProblem(surrogate: LoneSurrogate): { message: string; hint: string } {
  return {
    message: `${surrogate.escape} is half of a UTF-16 surrogate pair, no character`,
    hint: "write the whole pair (\\ud83d\\ude00 for 😀) or the character itself",
  };
}
