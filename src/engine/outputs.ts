/**
 * Task outputs written to `$WEFT_OUTPUT`, in the format of GitHub Actions'
 * `GITHUB_OUTPUT`: `KEY=VALUE` lines, and multi-line values as
 * `KEY<<DELIMITER`, the lines, then `DELIMITER` alone on a line.
 *
 * Content that is not this format fails the attempt, as GitHub Actions fails the step
 * (actions/runner FileCommandManager: `Invalid format '…'`, `Matching delimiter not
 * found '…'`): a line that is neither form, a key that is empty or holds a blank, a
 * `KEY<<` with no delimiter, or a delimiter that never comes. Taking such content as it
 * was (lines dropped, the rest of the file in one value) hid the task's mistake.
 * @module
 */
import { ownText, quoteCut } from "../model/data_text.ts";

/** Content of `$WEFT_OUTPUT` that is not the format: `reason` names the line. */
export class OutputFormatError extends Error {
  /**
   * @param line 1-based line of the file
   * @param reason the task's reason: weft's words, the file's text quoted (data_text.ts)
   */
  constructor(readonly line: number, readonly reason: string) {
    super(reason);
    this.name = "OutputFormatError";
  }
}

/** At most this much of a line is quoted in a reason. */
const SHOWN = 80;

/**
 * Parses an output file. Later keys win; blank lines are skipped; around a key blanks
 * are dropped (`a = 1` sets `a` to ` 1`); a heredoc value is its lines joined by `\n`.
 * CRLF line ends read as LF.
 * @throws OutputFormatError for content that is not the format (see the module doc)
 */
export function parseOutputs(text: string): Record<string, string> {
  // No prototype: a key `__proto__` (or `constructor`) is a key like any other.
  const outputs: Record<string, string> = Object.create(null);
  const lines = text.split("\n").map((l) => l.endsWith("\r") ? l.slice(0, -1) : l);
  if (lines.at(-1) === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    const eq = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (heredoc !== -1 && (eq === -1 || heredoc < eq)) {
      const key = checkedKey(line.slice(0, heredoc), i, line);
      const delimiter = line.slice(heredoc + 2);
      if (delimiter.trim() === "") {
        throw bad(i, `${shown(line)} has no delimiter after "<<"`, "write KEY<<EOF");
      }
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i]);
      if (i === lines.length) {
        throw bad(
          start,
          `${shown(line)} is never closed: no line ${shown(delimiter)} follows`,
          "end the value with the delimiter alone on a line",
        );
      }
      outputs[key] = body.join("\n");
    } else if (eq !== -1) {
      outputs[checkedKey(line.slice(0, eq), i, line)] = line.slice(eq + 1);
    } else {
      throw bad(i, `${shown(line)} is neither KEY=VALUE nor KEY<<DELIMITER`);
    }
  }
  return { ...outputs };
}

/** The key written before `=` or `<<` on line `i`, without blanks around it. */
function checkedKey(written: string, i: number, line: string): string {
  const key = written.trim();
  if (key === "") throw bad(i, `${shown(line)} has no key`, "write KEY=VALUE");
  if (/\s/.test(key)) {
    throw bad(
      i,
      `the key ${shown(key)} holds a blank`,
      "a key is one word, read as ${tasks.ID.outputs.KEY}",
    );
  }
  return key;
}

function bad(i: number, what: string, hint = ""): OutputFormatError {
  const tail = hint ? `; ${hint}` : "";
  return new OutputFormatError(
    i + 1,
    ownText(`$WEFT_OUTPUT line ${i + 1}: `) + what + ownText(tail),
  );
}

/** A line of the file, quoted as data (a task wrote it) and cut when long, once masked. */
function shown(text: string): string {
  return quoteCut(text, SHOWN, { ellipsis: true, json: true });
}

/**
 * {@link parseOutputs}, with content that is not the format returned as its error
 * rather than thrown (for a promise chain that never rejects).
 */
export function outputsOrError(text: string): Record<string, string> | OutputFormatError {
  try {
    return parseOutputs(text);
  } catch (error) {
    if (error instanceof OutputFormatError) return error;
    throw error;
  }
}
