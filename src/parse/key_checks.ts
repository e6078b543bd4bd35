/**
 * `weft validate`'s check of map keys inside templated fields (template_fields.ts
 * templatedKeys): an http `data` object's keys, a loop item object's keys, a called
 * workflow's `params` names. Only strings are templates there; a key is sent or passed as
 * written, so a `${...}` in one would silently arrive as that text (`{"${params.n}": 1}`).
 * It is refused at its `${`, as a header or environment variable name holding one is.
 * @module
 */
import type { Problem } from "../model/errors.ts";
import { keyPlace } from "./describe.ts";
import type { RawObject } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";
import { templatedKeys } from "./template_fields.ts";

const DATA_HINT = "write the key's name itself; for a key that comes from a value, write " +
  "`data` as a JSON text (`data: '{\"${params.key}\": 1}'`: weft escapes the value there)";

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
    problems.push({
      ...map.inKey(keyPath, at),
      message: `key ${JSON.stringify(key)}${where}: a key is taken as written, so its ` +
        "`${...}` would not be resolved (only values are templates)",
      hint: keyPath[path.length] === "data" ? DATA_HINT : "write the key's name itself",
    });
  }
  return problems;
}
