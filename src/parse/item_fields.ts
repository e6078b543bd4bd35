/**
 * `${item.FIELD}` against a loop's items when they are written in the file: a field no
 * item has (`${item.nmae}`), or any field of items that are not objects (`items: [x, y]`
 * with `${item.name}`), would be empty in every iteration, so it is a validation error.
 * Items that come from an expression are known only at run time and are not checked.
 * @module
 */
import { parseJsonKeepingText } from "../expr/value.ts";
import { isObject } from "./raw.ts";
import { didYouMean, listWords } from "./suggest.ts";

/** What is wrong with a reference's path into the items: its message and what to do. */
export interface ItemTrouble {
  message: string;
  hint: string;
}

/**
 * The items of a loop as the engine will read them (engine/loop.ts loopItems), when
 * `items` decides them without running anything: a list, or text without `${...}` that
 * holds a JSON array or one item per line. Undefined otherwise (or when the text is
 * malformed, which loopItemsProblem reports).
 */
export function literalItems(
  items: unknown,
  isLiteral: (text: string) => boolean,
): unknown[] | undefined {
  if (Array.isArray(items)) return items;
  if (typeof items !== "string" || !isLiteral(items)) return undefined;
  const text = items.trim();
  if (text.startsWith("[")) {
    try {
      const parsed = parseJsonKeepingText(text);
      return Array.isArray(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  if (text.startsWith("{") || text.startsWith('"')) return undefined;
  return text.split("\n").map((line) => line.trim()).filter((line) => line.length > 0);
}

/**
 * Why `path` (the part after `item.`) reads nothing in every one of `items`, or
 * undefined when some item has it. Lists are indexed by digits, as the engine walks them.
 */
export function itemPathTrouble(
  items: readonly unknown[],
  path: readonly string[],
): ItemTrouble | undefined {
  if (path.length === 0) return undefined;
  let level: unknown[] = [...items];
  for (let depth = 0; depth < path.length; depth++) {
    const key = path[depth];
    const next: unknown[] = [];
    const keys = new Set<string>();
    for (const value of level) {
      if (Array.isArray(value)) {
        if (/^\d+$/.test(key) && Number(key) < value.length) next.push(value[Number(key)]);
      } else if (isObject(value)) {
        for (const k of Object.keys(value)) keys.add(k);
        if (Object.hasOwn(value, key)) next.push(value[key]);
      }
    }
    if (next.length > 0) {
      level = next;
      continue;
    }
    const where = depth === 0 ? "item" : `item.${path.slice(0, depth).join(".")}`;
    if (keys.size === 0) {
      return {
        message: depth === 0
          ? `the loop's items are not objects, so they have no field "${key}"`
          : `${where} is not an object in any item, so it has no field "${key}"`,
        hint: `it would be empty in every iteration; write \${${where}} for the whole value` +
          (depth === 0 ? ", or make the items objects ({name: a, port: 1})" : ""),
      };
    }
    const fields = [...keys];
    return {
      message: `no item has the field "${key}"${depth === 0 ? "" : ` in ${where}`}`,
      hint: didYouMean(key, fields) ??
        `it would be empty in every iteration; the fields are ${listWords(fields)}`,
    };
  }
  return undefined;
}
