/**
 * Splitting a docker task's string `command` into words, the way docker compose splits
 * one (POSIX shell quoting, no shell), keeping each `${...}` inside its word. Pure, and
 * here in expr/ so that the docker task (tasks/docker_argv.ts) and `weft validate`
 * (parse/step_checks.ts) split by the same rules without parse/ importing tasks/
 * (DESIGN.md §3).
 * @module
 */

/** A command that cannot be split into words; the message is weft's own words. */
export class CommandWordsError extends Error {}

/**
 * Splits a command into words the way POSIX shell quoting does (Python's `shlex.split`,
 * used by docker compose): blanks separate words; `'…'` keeps everything; `"…"` keeps
 * everything but `\` before `"`, `\`, `$`, `` ` `` or a newline; `\` outside quotes
 * keeps the next character. A `${...}` is copied whole (its quotes and blanks are the
 * expression's), as is `$${`. Throws CommandWordsError for an unclosed quote.
 * @example splitWords(`sh -c 'echo "hi there"'`) // ["sh", "-c", 'echo "hi there"']
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new CommandWordsError("`command` has an unclosed ' quote");
      word += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new CommandWordsError('`command` has an unclosed " quote');
        const d = text[i];
        if (d === '"') break;
        if (d === "\\" && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1])) {
          if (text[i + 1] !== "\n") word += text[i + 1];
          i += 2;
        } else if (d === "$") {
          const end = expressionEnd(text, i);
          word += text.slice(i, end);
          i = end;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === "\\") {
      if (i + 1 < text.length && text[i + 1] !== "\n") word += text[i + 1];
      i += 2;
    } else if (c === "$") {
      const end = expressionEnd(text, i);
      word += text.slice(i, end);
      i = end;
    } else {
      word += c;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * Where the text that starts with `$` at `start` ends: after the matching `}` of a
 * `${...}` (quotes inside it are the expression's own), after `$${`, or after the `$`.
 */
function expressionEnd(text: string, start: number): number {
  if (text.startsWith("$${", start)) return start + 3;
  if (text[start + 1] !== "{") return start + 1;
  let depth = 0;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i + 1;
    else if (c === "'" || c === '"') {
      // A string inside the expression: skip to its closing quote.
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === "\\") i++;
    }
  }
  // Unterminated: interpolation reports it with its position.
  return text.length;
}

/** Why a docker task's string `command` cannot be split into words (for `weft validate`). */
export function commandWordsTrouble(command: string): string | null {
  try {
    splitWords(command);
    return null;
  } catch (error) {
    if (error instanceof CommandWordsError) return error.message;
    throw error;
  }
}
