/**
 * How many terminal columns a text takes, and padding and cutting by columns: one
 * measure for everything weft lines up or cuts for the terminal (the live board, the
 * monitor, the history and metrics tables). A CJK character or an emoji takes two
 * columns, a combining accent or a zero-width character none, so counting characters
 * would make a line wider than the terminal (it wraps, and the next frame clears one
 * line too few) or shift every column after a wide name.
 *
 * The widths are those of the npm package `string-width` (Unicode East Asian Width,
 * UAX #11, with grapheme clusters and emoji sequences as terminals draw them). It costs
 * ~45 ms to load, so it is loaded only by {@link loadTextWidth}, which the commands that
 * draw for a terminal await first; printable ASCII is measured without it.
 * @module
 */

type Measure = (text: string) => number;

let measure: Measure | null = null;
let loading: Promise<void> | null = null;

/** Printable ASCII only: one column per character, no library needed. */
const PLAIN = /^[\x20-\x7e]*$/;
// deno-lint-ignore no-control-regex
const ANSI_SPLIT = /(\x1b\[[0-9;]*m)/;
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
/**
 * Made on first use: constructing a Segmenter loads ICU's break rules, ~10 ms, which
 * every command importing this module (`run` and `validate` included) paid at start-up.
 */
let graphemes: Intl.Segmenter | undefined;

/** Loads the measure once; later calls return at once. */
export function loadTextWidth(): Promise<void> {
  return loading ??= import("string-width").then((module) => {
    measure = module.default;
  });
}

/**
 * The text `render` lays out, measured right: it is run again once the measure is
 * loaded when its first result is not all printable ASCII (and the measure was not
 * loaded yet). For commands whose texts are known only inside a synchronous layout
 * (the history, status and metrics tables), so that plain ASCII costs no load.
 */
export async function measuredText(render: () => string): Promise<string> {
  const text = render();
  if (measure || /^[\x20-\x7e\t\n]*$/.test(text)) return text;
  await loadTextWidth();
  return render();
}

/**
 * Columns `text` takes on a terminal; colour codes (SGR) take none. Before
 * {@link loadTextWidth} has settled, text that is not printable ASCII is counted one
 * column per character (the measure of a terminal that shows no wide characters).
 */
export function textWidth(text: string): number {
  if (PLAIN.test(text)) return text.length;
  if (measure) return measure(text);
  return [...text.replace(ANSI, "")].length;
}

/** `text` followed by spaces up to `width` columns (as String.padEnd, in columns). */
export function padEndCols(text: string, width: number): string {
  const missing = width - textWidth(text);
  return missing > 0 ? text + " ".repeat(missing) : text;
}

/** The grapheme clusters of `text` (what a terminal draws as one), with their widths. */
function clusters(text: string): { text: string; width: number }[] {
  graphemes ??= new Intl.Segmenter();
  return [...graphemes.segment(text)].map(({ segment }) => ({
    text: segment,
    width: textWidth(segment),
  }));
}

/**
 * `text` cut to at most `width` columns with `…` in the middle, keeping both ends: ids
 * often differ only at the end (`deploy_eu_1`, `deploy_eu_2`). A wide character that
 * would straddle the cut is left out whole.
 */
export function fitCols(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  if (width <= 1) return "…".slice(0, Math.max(0, width));
  const parts = clusters(text);
  const tailRoom = Math.floor((width - 1) / 2);
  let headRoom = width - 1 - tailRoom;
  let head = "";
  for (const part of parts) {
    if (part.width > headRoom) break;
    head += part.text;
    headRoom -= part.width;
  }
  let tail = "";
  let room = tailRoom + headRoom; // what the head could not use goes to the tail
  for (let i = parts.length - 1; i >= 0; i--) {
    if (parts[i].width > room) break;
    tail = parts[i].text + tail;
    room -= parts[i].width;
  }
  return head + "…" + tail;
}

/**
 * A line cut to at most `width` columns, ending in `…` when cut, keeping colour codes
 * balanced by a reset. A `width` of 0 or less means no limit.
 */
export function cutCols(line: string, width: number): string {
  if (width <= 0 || textWidth(line) <= width) return line;
  let room = width - 1; // the column of `…`
  let out = "";
  for (const part of line.split(ANSI_SPLIT)) {
    if (part.startsWith("\x1b[")) {
      out += part;
      continue;
    }
    for (const cluster of clusters(part)) {
      if (cluster.width > room) return out + "…\x1b[0m";
      out += cluster.text;
      room -= cluster.width;
    }
  }
  return out;
}
