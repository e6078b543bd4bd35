/**
 * Numbers of an http task's `data` sent as written. `data` is free-form JSON, so an
 * unquoted `12345678901234567890` or `1.10` there stays a number (written_keep.ts leaves
 * it alone) — but as a double it would go out as 12345678901234567000 or 1.1, another
 * number. Weft has the source text, so each such number becomes the JSON token the user
 * wrote (model/json_number.ts), at any depth, in YAML and JSON files alike.
 * @module
 */
import { isWrittenNumber, itemNumber, JSON_NUMBER, writtenNumber } from "../model/json_number.ts";
import type { PathSegment } from "./source_map.ts";
import type { WrittenScalar } from "./written_keep.ts";

/** Where a task's fields are, as a data path: `tasks[i]`, its step, or a parallel child. */
function dataStart(path: readonly PathSegment[]): number {
  if (path[0] !== "tasks" || typeof path[1] !== "number") return -1;
  if (path[2] === "data") return 2;
  if ((path[2] === "then" || path[2] === "else" || path[2] === "task") && path[3] === "data") {
    return 3;
  }
  if (path[2] === "tasks" && typeof path[3] === "number" && path[4] === "data") return 4;
  return -1;
}

/**
 * Gives each number in the `data` of the http tasks of `workflow` (the parsed model,
 * whose tasks sit at the same paths as in the data `scalars` were read from) whose text
 * a double would write otherwise the JSON token as written. Only those: `10` stays the
 * number 10; a YAML-only spelling (`0012`, `+1`) is a validate error (unsendableNumbers)
 * and would stay its value. Each `data` touched
 * is replaced by a copy, so the data the checks read keeps plain numbers. Returns how many
 * numbers it replaced.
 */
export function keepDataNumbers(
  workflow: { tasks: readonly unknown[] },
  scalars: readonly WrittenScalar[],
): number {
  return placeTokens("data", scalars, ({ path, text }) => {
    const found = httpDataNumber(workflow, path);
    if (!found) return undefined;
    const { fields, start, read } = found;
    // Infinity and NaN have no JSON token: validate refuses them (unsendableNumbers).
    if (!Number.isFinite(read) || String(read) === text) return undefined;
    const token = writtenNumber(text);
    return token && { owner: fields, below: path.slice(start + 1), token };
  });
}

/**
 * Gives each number written inside a loop item of `workflow` (the parsed model, at the
 * paths of `scalars`) whose text a double would spell otherwise (`2.0`, `1.50`, `1e3`,
 * `02`), and which the model holds as that text (written_keep.ts), the JSON number token
 * of model/json_number.ts itemNumber: `$WEFT_ITEM` and `${item}` then carry it as a
 * number, as http `data` does, while `${item.FIELD}` reads the text as written
 * (engine/expressions.ts). A top-level item is text either way and is left alone. Each
 * loop's `items` touched is replaced by a copy. Returns how many numbers it replaced.
 */
export function keepItemNumbers(
  workflow: { tasks: readonly unknown[] },
  scalars: readonly WrittenScalar[],
): number {
  return placeTokens("items", scalars, ({ path, text }) => {
    const found = loopItemAt(workflow, path);
    if (!found || found.read !== text) return undefined;
    const token = itemNumber(text);
    return token && { owner: found.loop, below: path.slice(found.start), token };
  });
}

/**
 * Puts the number token `place` gives for a scalar into the copy of its owner's `field`
 * (withTokens: the value the checks read is left as it was), one copy per owner; returns
 * how many tokens it placed. `below` is the scalar's path inside `field`.
 */
function placeTokens(
  field: "data" | "items",
  scalars: readonly WrittenScalar[],
  place: (
    scalar: WrittenScalar,
  ) => { owner: Record<string, unknown>; below: PathSegment[]; token: object } | undefined,
): number {
  const byOwner = new Map<Record<string, unknown>, Map<string, object>>();
  for (const scalar of scalars) {
    const at = place(scalar);
    if (!at) continue;
    let tokens = byOwner.get(at.owner);
    if (!tokens) byOwner.set(at.owner, tokens = new Map());
    tokens.set(JSON.stringify(at.below), at.token);
  }
  let replaced = 0;
  for (const [owner, tokens] of byOwner) {
    owner[field] = withTokens(owner[field], [], tokens);
    replaced += tokens.size;
  }
  return replaced;
}

/**
 * The loop whose list `items` holds `path` below one of its items (`items[0].replicas`,
 * not `items[0]`), where the path starts past `items`, and the text found there.
 */
function loopItemAt(
  workflow: unknown,
  path: readonly PathSegment[],
): { loop: Record<string, unknown>; start: number; read: unknown } | undefined {
  let at: unknown = workflow;
  for (let i = 0; i < path.length; i++) {
    if (typeof at !== "object" || at === null) return undefined;
    const fields = at as Record<PathSegment, unknown>;
    if (
      path[i] === "items" && fields.type === "loop" && Array.isArray(fields.items) &&
      path.length - i >= 3
    ) {
      let read: unknown = fields.items;
      for (const segment of path.slice(i + 1)) {
        read = (read as Record<PathSegment, unknown> | undefined)?.[segment];
      }
      return { loop: fields as Record<string, unknown>, start: i + 1, read };
    }
    at = fields[path[i]];
  }
  return undefined;
}

/** A number of an http task's `data` that JSON cannot carry, and its text as written. */
export interface UnsendableNumber {
  path: PathSegment[];
  text: string;
  /** The number read: Infinity or NaN, or the value a YAML-only spelling stands for. */
  read: number;
  /** Where the text is written (an aliased number's is its anchor's), when known. */
  offset?: number;
}

/**
 * The numbers of the `data` of the http tasks of `workflow` (the data as read, tasks at
 * the paths of `scalars`) that JSON has no token for: `1E400` (past a double's ~1.8e308,
 * read as Infinity), `.inf`, `-.inf`, `.nan`, which JSON.stringify would send as `null`;
 * and YAML spellings that are no JSON number token — `01234`, `007`, `+4915112345678`,
 * `0x1F`, `0o17`, `.5` — which would go out as the value (1234, 7, 4915112345678, 31, 15,
 * 0.5), losing the leading zeros, the `+` or the base the user wrote (a zip code, a phone
 * number, a code).
 */
export function unsendableNumbers(
  workflow: unknown,
  scalars: readonly WrittenScalar[],
): UnsendableNumber[] {
  const found: UnsendableNumber[] = [];
  for (const { path, text, offset } of scalars) {
    const number = httpDataNumber(workflow, path);
    if (number && (!Number.isFinite(number.read) || !JSON_NUMBER.test(text))) {
      found.push({ path, text, offset, read: number.read });
    }
  }
  return found;
}

/** The validate problem of an {@link UnsendableNumber}. */
export function unsendableProblem(number: UnsendableNumber): { message: string; hint: string } {
  if (Number.isFinite(number.read)) {
    const key = number.path.at(-1);
    const written = typeof key === "string" ? `${key}: ${number.text}` : number.text;
    const value = JSON.stringify(number.read);
    return {
      message: `\`${written}\` would be sent as the number ${value}`,
      hint: `JSON has no number written ${number.text}; quote it to send the text: ` +
        `"${number.text}" (or write ${value} to send the number)`,
    };
  }
  return {
    message: `the number ${number.text} cannot be sent as JSON`,
    hint: `JSON has no infinity or NaN and a double stops near 1.8e308 (it would go out as ` +
      `null); to send the text, quote it: "${number.text}"`,
  };
}

/** The number at `path` when it is in the `data` of an http task of `workflow`. */
function httpDataNumber(
  workflow: unknown,
  path: readonly PathSegment[],
): { fields: Record<string, unknown>; start: number; read: number } | undefined {
  const start = dataStart(path);
  if (start < 0) return undefined;
  let task: unknown = workflow;
  for (const segment of path.slice(0, start)) {
    task = (task as Record<PathSegment, unknown> | undefined)?.[segment];
  }
  if (typeof task !== "object" || task === null) return undefined;
  const fields = task as Record<string, unknown>;
  if (fields.type !== "http") return undefined;
  let read: unknown = fields;
  for (const segment of path.slice(start)) {
    read = (read as Record<PathSegment, unknown> | undefined)?.[segment];
  }
  return typeof read === "number" ? { fields, start, read } : undefined;
}

/** A copy of `value` with the scalar at each path of `tokens` (JSON of the path) replaced. */
function withTokens(value: unknown, path: PathSegment[], tokens: Map<string, object>): unknown {
  if (typeof value !== "object" || value === null) return tokens.get(JSON.stringify(path)) ?? value;
  if (isWrittenNumber(value)) return value;
  if (Array.isArray(value)) return value.map((item, i) => withTokens(item, [...path, i], tokens));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty: a `__proto__` key (refused earlier, but never a prototype here).
    Object.defineProperty(copy, key, {
      value: withTokens(item, [...path, key], tokens),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}
