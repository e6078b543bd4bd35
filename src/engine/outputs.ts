/**
 * Task outputs written to `$WEFT_OUTPUT`, in the format of GitHub Actions'
 * `GITHUB_OUTPUT`: `KEY=VALUE` lines, and multi-line values as
 * `KEY<<DELIMITER`, the lines, then `DELIMITER` alone on a line.
 * @module
 */

/**
 * Parses an output file. Later keys win; lines that are neither form (blank lines,
 * text without `=`) are ignored; an unterminated heredoc takes the rest of the file.
 */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n").map((l) => l.endsWith("\r") ? l.slice(0, -1) : l);
  if (lines.at(-1) === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<\s][^=]*?)<<(.+)$/.exec(line);
    const eq = line.indexOf("=");
    if (heredoc && (eq === -1 || eq > line.indexOf("<<"))) {
      const [, key, delimiter] = heredoc;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i]);
      outputs[key.trim()] = body.join("\n");
      continue;
    }
    if (eq > 0) outputs[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return outputs;
}
