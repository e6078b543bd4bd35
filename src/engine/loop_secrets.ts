/**
 * Loop items cut out of a secret. A secret param or variable holding a JSON array
 * (`-p 'api_tokens=["tokA…", "tokB…"]'`) is one secret value to the masker: the items
 * weft cuts out of it are only parts of it, which the masker does not know, as a
 * multi-line secret's lines would not be known without being added line by line
 * (secrets.ts). So each string (or number) inside such an item becomes a secret of the
 * run itself, before any iteration starts, and the loop's iterations are keyed by index
 * (loop.ts iterationKeys): an id is weft's own name, stored and printed as it is and
 * used in log file names and store keys, so no id may be made of a secret.
 * @module
 */
import type { Value } from "../expr/mod.ts";
import { isWrittenNumber } from "../model/json_number.ts";
import type { Secrets } from "./secrets.ts";

/** The texts an item is made of: its strings and number tokens, at any depth. */
function* leaves(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (isWrittenNumber(value)) yield JSON.stringify(value);
  else if (typeof value === "number") yield String(value);
  else if (Array.isArray(value)) { for (const v of value) yield* leaves(v); }
  else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) yield* leaves(v);
  }
}

/**
 * Makes every text of `items` that is part of a known secret (as written, or as JSON
 * writes it inside quotes) a secret of the run too, and tells whether any item holds or
 * is part of a secret: then no item may name an iteration. A text shorter than the
 * shortest secret masked (secrets.ts MIN_SECRET_LENGTH) is not masked, as a short line
 * of a multi-line secret is not; its item still makes the keys indexes.
 * `sourceHeldSecret`: whether the text the items were read from held a secret; when it
 * did not (and no item holds one), no item can be part of one and nothing is searched.
 */
export function secretLoopItems(
  secrets: Secrets,
  items: readonly Value[],
  sourceHeldSecret: boolean,
): boolean {
  if (secrets.empty) return false;
  let found = false;
  let known: string[] | null = null;
  for (const item of items) {
    for (const text of leaves(item)) {
      if (text === "") continue;
      if (secrets.mask(text) !== text) {
        found = true;
        continue;
      }
      if (!sourceHeldSecret) continue;
      known ??= secrets.addedValues();
      const escaped = JSON.stringify(text).slice(1, -1);
      if (known.some((secret) => secret.includes(text) || secret.includes(escaped))) {
        found = true;
        secrets.add(text);
      }
    }
  }
  return found;
}
