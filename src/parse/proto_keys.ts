/**
 * The one key a workflow may not use: `__proto__`. JSON.parse and the yaml package
 * read it as an ordinary key, but every later step that builds an object by assigning
 * keys (zod's records, the engine's copies of `environment`, `params`, `outputs`,
 * `headers`...) sets the object's prototype instead, so the entry vanishes without a
 * word: an environment variable the task never sees, a param that is "not declared".
 * Making it work would need every such step, now and later, to avoid assignment;
 * refusing it where it is written is safe and says why.
 * @module
 */
import type { PathSegment } from "./source_map.ts";

/** The key, and why it is refused, for problems. */
export const PROTO_KEY = {
  message: 'the key "__proto__" is not allowed',
  hint: "JavaScript (which weft is written in) treats it as an object's prototype, so the " +
    "entry would be lost; use another name",
} as const;

/**
 * The paths (ending with the key) of every `__proto__` key in parsed data, at any
 * depth. Walks without recursion; the data was checked to nest within the limit.
 */
export function protoKeyPaths(data: unknown): PathSegment[][] {
  const found: PathSegment[][] = [];
  const stack: { value: unknown; path: PathSegment[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
      continue;
    }
    if (Object.hasOwn(value, "__proto__")) found.push([...path, "__proto__"]);
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === "object" && item !== null) {
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return found;
}
