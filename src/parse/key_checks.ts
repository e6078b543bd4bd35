/**
 * `weft validate`'s check of map keys inside templated fields (template_fields.ts
 * templatedKeys): an http `data` object's keys, a loop item object's keys, a called
 * workflow's `params` names. Only strings are templates there; a key is sent or passed as
 * written, so a `${...}` in one would silently arrive as that text (`{"${params.n}": 1}`).
 * It is refused at its `${`, as a header or environment variable name holding one is; a
 * key with the escape `$${` (read in values only) is refused at its `$${`, with the way to
 * send a literal `${` key (a JSON text `data`).
 * @module
 */
import type { Problem } from "../model/errors.ts";
import { keyPlace } from "./describe.ts";
import type { RawObject } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";
import { templatedKeys } from "./template_fields.ts";

const DATA_HINT = "write the key's name itself; for a key that comes from a value, write " +
  "`data` as a JSON text (`data: '{\"${params.key}\": 1}'`: weft escapes the value there)";

const ESCAPE_HINT = "for a key holding a literal `${`, write `data` as a JSON text, where " +
  "`$${` gives `${` in keys too (`data: '{\"$${DS_PROMETHEUS}\": 1}'`)";

/** The problems (without their file) of the keys of `step` at `path` that hold a `${`. */
export function templatedKeyProblems(
  step: RawObject,
  path: PathSegment[],
  map: SourceMap,
  data: unknown,
): Omit<Problem, "file">[] {
  const problems: Omit<Problem, "file">[] = [];
  for (const keyPath of templatedKeys(step, path)) {
    const key = keyPath[keyPath.length - 1];
    const at = typeof key === "string" ? key.indexOf("${") : -1;
    if (at < 0) continue;
    const where = keyPlace(data, keyPath.slice(0, -1));
    const inData = keyPath[path.length] === "data";
    if (at > 0 && (key as string)[at - 1] === "$") {
      // `$${…}`: the escape of a literal `${` in values; a key would keep both `$`.
      problems.push({
        ...map.inKey(keyPath, at - 1),
        message: `key ${JSON.stringify(key)}${where}: a key is taken as written, so it would ` +
          "be sent with `$${` as it stands (the escape `$${` for a literal `${` is read in " +
          "values only)",
        hint: inData ? ESCAPE_HINT : "write the key's name itself",
      });
      continue;
    }
    problems.push({
      ...map.inKey(keyPath, at),
      message: `key ${JSON.stringify(key)}${where}: a key is taken as written, so its ` +
        "`${...}` would not be resolved (only values are templates)",
      hint: inData ? DATA_HINT : "write the key's name itself",
    });
  }
  return problems;
}
