/**
 * Text where a boolean field wants true or false. Weft reads YAML 1.2 (yaml_version.ts),
 * where only `true`/`false` (any of `true`, `True`, `TRUE`) are booleans; YAML 1.1 also
 * read `yes`/`no`/`on`/`off`/`y`/`n` in any case as booleans, and files carried over from
 * Ansible, docker-compose or GitHub Actions are full of them. Weft gets those as text:
 * this says so, with the value to write. Rules: YAML 1.2.2 §10.3.2 (core schema), and
 * the YAML 1.1 boolean type (yaml.org/type/bool.html).
 * @module
 */

/** YAML 1.1's words for booleans (lower case), with the boolean each stood for. */
export const YAML11_BOOLEANS: Readonly<Record<string, boolean>> = {
  yes: true,
  y: true,
  on: true,
  no: false,
  n: false,
  off: false,
};

/** The boolean a YAML 1.1 reader took `word` for (any case), else undefined. */
export function yaml11Boolean(word: string): boolean | undefined {
  const lower = word.toLowerCase();
  return Object.hasOwn(YAML11_BOOLEANS, lower) ? YAML11_BOOLEANS[lower] : undefined;
}

/** What is wrong with text given where a boolean was expected, and what to write. */
export interface BooleanTextTrouble {
  /** The value, quoted, for "got the text …" (cut past 40 characters). */
  got: string;
  hint: string;
}

/**
 * For the text `value` in a field that wants a boolean (`quoted`: whether the file wrote
 * it in quotes; a JSON string always is): the value quoted for the message, and the hint:
 * a bare YAML 1.1 word is text in YAML 1.2 (write the boolean it meant); a quoted
 * `"true"`/`'yes'` is text because of its quotes (write the boolean without them);
 * anything else: write true or false.
 */
export function booleanTextTrouble(value: string, quoted: boolean): BooleanTextTrouble {
  const got = `the text ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
  const lower = value.trim().toLowerCase();
  const meant = lower === "true" ? true : lower === "false" ? false : yaml11Boolean(lower);
  if (meant === undefined) return { got, hint: "write true or false" };
  if (quoted) return { got, hint: `quotes make it text: write ${meant} without them` };
  return {
    got,
    hint: `\`${value}\` is text in YAML 1.2, which weft reads (YAML 1.1 took it for ${meant}): ` +
      `write ${meant}`,
  };
}
