/**
 * The rules every `-o/--output FILE` option shares (`weft create`, `weft generate`,
 * `weft schema`): `-` is stdout, as `-` is stdin for `weft run -` and `weft validate -`
 * (the POSIX utility convention), so `-o -` never makes a file named `-`; and the advice
 * weft prints after writing a file names it as a shell word that means that file.
 * @module
 */

/** True when `output` asks for stdout: left out, or `-`. */
export function toStdout(output: string | undefined): output is undefined | "-" {
  return output === undefined || output === "-";
}

/**
 * `path` as one shell word naming that file for a weft command: a name starting with `-`
 * gets `./` (else weft would read it as an option, or `-` as stdin), and a name holding
 * anything but letters, digits and `_ . / , : + @ % = -` is single-quoted (POSIX sh).
 */
export function shellWord(path: string): string {
  const named = path.startsWith("-") ? `./${path}` : path;
  if (/^[\w./,:+@%=-]+$/.test(named)) return named;
  return `'${named.replaceAll("'", `'\\''`)}'`;
}
