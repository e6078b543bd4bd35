/**
 * Notes, not problems: values weft accepts but reads as something other than what they
 * spell. The seed writes `"wait_for": "all|any|first"` (its list of the choices); the
 * schema reads it as `all`, the default (model/task.ts WAIT_FOR_CHOICES), and
 * `weft validate` says so at its place, so nobody takes it for a fourth mode.
 * @module
 */
import type { Problem } from "../model/errors.ts";
import { WAIT_FOR_CHOICES } from "../model/task.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";

/**
 * A note for each `wait_for: "all|any|first"` in `data` (a valid workflow's data, so
 * every such key is a parallel task's), at its value, in source order. The walk keeps
 * its own stack: data nests as deep as the file does.
 */
export function placeholderNotes(data: unknown, map: SourceMap, file: string): Problem[] {
  const notes: Problem[] = [];
  const stack: { value: unknown; path: PathSegment[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    const entries: [PathSegment, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : Object.entries(value);
    for (const [key, child] of entries) {
      if (key === "wait_for" && child === WAIT_FOR_CHOICES) {
        notes.push({
          file,
          ...map.value([...path, key]),
          message: `note: wait_for "${WAIT_FOR_CHOICES}" lists the choices; it is read as ` +
            `all, the default (every child must succeed)`,
          hint: "write the one you mean: all, any (one success is enough) or first " +
            "(the first child to finish decides)",
        });
      } else if (typeof child === "object" && child !== null) {
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return notes.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
