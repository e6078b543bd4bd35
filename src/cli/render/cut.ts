/**
 * How weft's own display shows a line longer than what it keeps of one (64 Ki
 * characters, see tasks/lines.ts): its first piece, then a mark saying it was cut.
 * The log file keeps the line whole; `weft logs` prints it as the task did.
 * @module
 */
import { MAX_LINE_CHARS } from "../../tasks/lines.ts";

/** Appended where the display cuts a long line. */
export const LINE_CUT_MARK = ` … [line cut at ${
  MAX_LINE_CHARS / 1024
} Ki characters here; \`weft logs\` prints it whole]`;

/**
 * The text to show for one output event, or null for the later pieces of a long line
 * (only its first piece is shown, marked with {@link LINE_CUT_MARK}).
 */
export function displayedLine(
  event: { line: string; continues?: true; continuation?: true },
): string | null {
  if (event.continuation) return null;
  return event.continues ? event.line + LINE_CUT_MARK : event.line;
}
