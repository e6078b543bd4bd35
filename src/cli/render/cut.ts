/**
 * How weft's own display shows a line longer than what it keeps of one (64 KiB, see
 * tasks/byte_lines.ts): its first piece, then a mark saying it was cut.
 * The log file keeps the line whole; `weft logs` prints it as the task did.
 * @module
 */
import { MAX_PIECE_BYTES } from "../../tasks/byte_lines.ts";
import { MAX_ERROR_BYTES, truncateBytes } from "../../store/records.ts";

/** Appended where the display cuts a long line. */
export const LINE_CUT_MARK = ` … [line cut at ${
  MAX_PIECE_BYTES / 1024
} KiB here; \`weft logs\` prints it whole]`;

/**
 * The text to show for one output event, or null for the later pieces of a long line
 * (only its first piece is shown, marked with {@link LINE_CUT_MARK}). A line that came
 * whole but is longer than a piece (weft's own words quoting a long value: an http
 * task's URL) is cut the same way ({@link displayedWholeLine}), as `weft status` cuts it.
 */
export function displayedLine(
  event: { line: string; continues?: true; continuation?: true },
): string | null {
  if (event.continuation) return null;
  return event.continues ? event.line + LINE_CUT_MARK : displayedWholeLine(event.line);
}

/**
 * A task's reason (its error) as the terminal shows it: what the store keeps of it, its
 * first {@link MAX_ERROR_BYTES} (store/records.ts), then `…` when there was more — so
 * `weft run`'s board and recap show no more than `weft status` can.
 */
export function displayedReason(text: string): string {
  if (text.length * 3 <= MAX_ERROR_BYTES) return text;
  const kept = truncateBytes(text, MAX_ERROR_BYTES);
  return kept.length === text.length ? text : `${kept}…`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A whole stored line as the display shows it: when its UTF-8 is longer than
 * {@link MAX_PIECE_BYTES}, its first piece (cut before a character, as the live
 * display's pieces are) and {@link LINE_CUT_MARK}; otherwise the line itself.
 */
export function displayedWholeLine(line: string): string {
  // 3 bytes per UTF-16 unit at most: a shorter line cannot be too long.
  if (line.length * 3 <= MAX_PIECE_BYTES) return line;
  const bytes = encoder.encode(line);
  if (bytes.length <= MAX_PIECE_BYTES) return line;
  let end = MAX_PIECE_BYTES;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // not inside a character
  return decoder.decode(bytes.subarray(0, end)) + LINE_CUT_MARK;
}

/**
 * The lines a terminal-bound view shows for one output line: a lone carriage return (a
 * progress bar redrawing itself: `10%\r20%\r100%`) ends a line as a line feed does, and
 * CRs at the end of the line (`\r\r\n`) end nothing. So a progress bar reads as its
 * states, one per line, its last state last — as GitHub Actions shows it, and as `weft
 * logs` prints it (log_output.ts), so that the failure tails, `weft status` and `weft
 * logs` agree. A CRLF never gets here: its CR is dropped with the line end
 * (tasks/byte_lines.ts).
 * @example crLines("10%\r20%\r100%\r") // ["10%", "20%", "100%"]
 */
export function crLines(text: string): string[] {
  if (!text.includes("\r")) return [text];
  return text.replace(/\r+$/, "").split(/\r+/);
}

/**
 * `lines` with each one's text split by {@link crLines}, of which the last `limit`;
 * `added` is how many more lines there are than were given.
 */
export function splitAtCr<T extends { text: string }>(
  lines: readonly T[],
  limit: number,
): { lines: T[]; added: number } {
  if (!lines.some((l) => l.text.includes("\r"))) return { lines: [...lines], added: 0 };
  const all = lines.flatMap((l) => crLines(l.text).map((text) => ({ ...l, text })));
  return { lines: all.slice(Math.max(0, all.length - limit)), added: all.length - lines.length };
}

/** The fields of an `output` event {@link LineJoiner} reads. */
interface DisplayPiece {
  line: string;
  continues?: true;
  continuation?: true;
  early?: true;
}

/**
 * Puts back together, for display, a line whose start a task printed and then paused
 * on (a prompt, a progress bar): the log gets such a start early, as a piece of its line
 * (tasks/byte_lines.ts PARTIAL_FLUSH_MS), but the display shows one line per line, so
 * the early pieces are held (at most one piece's size per key, MAX_PIECE_BYTES) until
 * the line ends. Other events are shown as {@link displayedLine} says.
 */
export class LineJoiner {
  readonly #held = new Map<string, string>();

  /**
   * The text to show for `event` of the output `key` (a task's attempt and stream), or
   * null for nothing now.
   */
  shown(key: string, event: DisplayPiece): string | null {
    const held = this.#held.get(key);
    if (event.early) {
      const text = (held ?? "") + event.line;
      if (event.continues) {
        this.#held.set(key, text);
        return null;
      }
      this.#held.delete(key);
      return text;
    }
    if (held !== undefined) {
      // The line grew past what the display keeps of one: its start, marked cut.
      this.#held.delete(key);
      if (event.continuation) return held + LINE_CUT_MARK;
    }
    return displayedLine(event);
  }
}
