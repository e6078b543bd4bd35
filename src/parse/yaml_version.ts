/**
 * The `%YAML` directive. Weft reads every file as YAML 1.2 with the core schema (the
 * README's "Text stays as written" builds on it), but the yaml library lets a
 * document's `%YAML 1.1` turn on YAML 1.1 typing for that file: `yes`/`on`/`Y` become
 * booleans (keys too: an environment variable named `true`), `2001-12-14` a date (sent
 * as `{}`, an empty parameter default), `1:30` a sexagesimal number — silently. So a
 * directive naming any version but 1.2 is refused at its line (syntax.ts also forces
 * the core schema, so the rest of the file is still checked as 1.2 reads it).
 * @module
 */
import type { CST } from "yaml";
import type { Problem } from "../model/errors.ts";
import type { SourceMap } from "./source_map.ts";

/** A problem at each `%YAML` directive (in `tokens`, yaml's CST) naming another version. */
export function yamlVersionProblems(
  tokens: readonly CST.Token[],
  map: SourceMap,
  file: string,
): Problem[] {
  const problems: Problem[] = [];
  for (const token of tokens) {
    if (token.type !== "directive") continue;
    const [name, version] = token.source.trim().split(/[ \t]+/);
    if (name !== "%YAML" || version === "1.2") continue;
    problems.push({
      file,
      ...map.position(token.offset),
      message: `weft reads every file as YAML 1.2, not YAML ${version ?? "(no version)"}`,
      hint: version === "1.1"
        ? "remove this line: YAML 1.1 reads `yes`, `on`, `Y` as booleans and `2001-12-14` as " +
          "a date; weft keeps them as the text written (write true/false for a boolean)"
        : "remove this line, or write %YAML 1.2",
    });
  }
  return problems;
}
