/**
 * A loop's `items` written as text: how the text is built from its `${...}` values and
 * read into items, for the run (loop.ts loopItems) and `weft run --dry-run` (preview.ts)
 * alike. How the text is read is decided by the text AS WRITTEN, never by a value, so
 * that no value can add, remove or merge items — as no value changes the structure of
 * a command, a URL or a header:
 *
 * | the text as written                               | read as        | a `${...}` value                                   |
 * |---------------------------------------------------|----------------|----------------------------------------------------|
 * | no `${...}`, or one `${...}` alone (`${params.list}`) | `whole`: a JSON array when it starts with `[`, else one item per line | is the whole text: it IS the list (a task output, a param) |
 * | starting with `[` (`'["${params.a}", "b"]'`)       | `json`: a JSON array | inside a string, escaped as that string's content; elsewhere one number, `true`, `false` or `null`, else refused (expr/json_text.ts, as an http `data` text) |
 * | anything else (`${params.a}` on a line of its own) | `lines`: one item per line | stays in its line: one holding a line break is refused |
 *
 * Refusing (not keeping) a line break in the `lines` form: an item read from a line can
 * never hold one, and the list form (`items: ["${params.a}", b]`) is there for a value
 * that may. Which lines are items is decided as written too: a line holding a `${...}`
 * is one item whatever its value, so a value that is empty or blanks gives the empty item
 * `""` (as `items: ["${params.a}"]` and `'["${params.a}"]'` do) rather than removing one,
 * and only a line blank as written is dropped. A value written `${raw(...)}` is inserted
 * as written in every form: a value that is JSON or lines on purpose, whose blank lines
 * are dropped as written ones are.
 * @module
 */
import {
  compileTemplate,
  ExpressionError,
  parseJsonKeepingText,
  type Scope,
  type Value,
} from "../expr/mod.ts";
import { ownText, quoteCut, quoteData } from "../model/data_text.ts";
import { jsonErrorPlace } from "../parse/json_error.ts";
import { jsonTooDeep } from "../model/json_depth.ts";
import { itemNumber } from "../model/json_number.ts";
import type { Expressions } from "./expressions.ts";

/** How an items text is read (see the module's table). */
export type ItemsForm = "whole" | "json" | "lines";

/** What a value refused in items text should be written as instead. */
const INSTEAD = 'write items as a list (items: ["${...}", b]), where each value is one item, ' +
  "or give the whole list as one ${...}";

/**
 * How the items text `source` (a template) is read, from its written text alone: `whole`
 * without `${...}` or when it is one `${...}` (blanks around it aside), `json` when it
 * starts with `[`, `lines` otherwise. Throws ExpressionError as compiling it does.
 * @example itemsForm('["${params.a}", "b"]') // "json"
 */
export function itemsForm(source: string): ItemsForm {
  const { literals, spans } = compileTemplate(source);
  if (spans.length === 0) return "whole";
  if (spans.length === 1 && literals[0].trim() === "" && literals[1].trim() === "") return "whole";
  return literals[0].trimStart().startsWith("[") ? "json" : "lines";
}

/**
 * An items text built by {@link renderItemsText}: `text`, with its values in place (trimmed),
 * as `--dry-run` shows it; its `form`; and, for the `lines` form, its `lines`: the items,
 * one per line as written. Then `text` is those items joined by line breaks, as the run
 * reads them (a line a value left empty shows as an empty line).
 */
export interface ItemsText {
  text: string;
  form: ItemsForm;
  lines?: string[];
}

/**
 * The items text `source` with its values in place for its form (see {@link ItemsText}).
 * Throws ExpressionError (its message marked: model/data_text.ts, naming the `${...}`
 * and what to write instead) for a value its form refuses, or as evaluating one does.
 */
export function renderItemsText(exprs: Expressions, source: string, scope: Scope): ItemsText {
  const form = itemsForm(source);
  switch (form) {
    case "whole":
      return { text: exprs.render(source, scope).trim(), form };
    case "json":
      return {
        text: exprs.renderJson(source, scope, `put it inside quotes ("\${...}"), or ${INSTEAD}`)
          .trim(),
        form,
      };
    case "lines": {
      const lines = renderLines(exprs, source, scope);
      return { text: lines.join("\n"), form, lines };
    }
  }
}

/** A value in text read one item per line: its text, and whether written `${raw(...)}`. */
interface LineValue {
  text: string;
  raw: boolean;
}

/**
 * The items of `source`, text read one item per line, each line trimmed: rendered per
 * line as written rather than rendered and then split, so that a value can neither add a
 * line (one holding a line break is refused) nor remove one (a line holding a `${...}` is
 * an item even when its value leaves it blank). Blank lines as written, and those of a
 * `${raw(...)}` value, are dropped.
 */
function renderLines(exprs: Expressions, source: string, scope: Scope): string[] {
  const values: LineValue[] = [];
  exprs.renderPlaced(source, scope, (value, offset, raw, end) => {
    if (!raw && value.includes("\n")) {
      throw lineBreakError(source.slice(offset, end), value, offset);
    }
    values.push({ text: value, raw });
    return value;
  });
  return itemLines(compileTemplate(source).literals, values);
}

/**
 * The lines of the text made of `literals` with `values` between them (one fewer), each
 * trimmed; a line is kept when it holds a value not written raw, or is not blank.
 */
function itemLines(literals: readonly string[], values: readonly LineValue[]): string[] {
  const lines = [{ text: "", held: false }];
  const append = (text: string, held: boolean) => {
    const [first, ...rest] = text.split("\n");
    const last = lines[lines.length - 1];
    last.text += first;
    last.held ||= held;
    for (const line of rest) lines.push({ text: line, held: false });
  };
  literals.forEach((literal, k) => {
    append(literal, false);
    if (k < values.length) append(values[k].text, !values[k].raw);
  });
  return lines.filter((line) => line.held || line.text.trim() !== "")
    .map((line) => line.text.trim());
}

/** A value holding a line break in text read one item per line: it would add items. */
function lineBreakError(written: string, value: string, offset: number): ExpressionError {
  return new ExpressionError(
    ownText("the value of ") + quoteData(written) + ownText(", ") +
      quoteCut(value, 40, { ellipsis: true, json: true }) +
      ownText(
        ": holds a line break, and items text is read one item per line, so it would add " +
          `items; ${INSTEAD}`,
      ),
    offset,
    INSTEAD,
  );
}

/**
 * The items of an items text (from {@link renderItemsText}) read as its `form` says: a
 * JSON array (whose numbers keep the text they were written as: parseJsonKeepingText), or
 * one item per line (its `lines` when built per line, else blank lines dropped; no text
 * at all is no items). Throws, with a line saying what to write, when the text is JSON
 * but not an array (an object, a string), or starts with `[` where a JSON array is read
 * and is no JSON.
 */
export function parseItemsText({ text, form, lines }: ItemsText): Value[] {
  if (form === "json" || (form === "whole" && text.startsWith("["))) return jsonItems(text);
  if (text.startsWith("{") || text.startsWith('"')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined; // not JSON: lines, as any other text
    }
    if (parsed !== undefined) {
      const what = typeof parsed === "string" ? "a JSON string" : "a JSON object";
      throw new Error(
        ownText(`the text is ${what}, not a list: give a JSON array or one item per line`),
      );
    }
  }
  return lines ?? text.split("\n").map((line) => line.trim()).filter((line) => line.length > 0);
}

/** The items of `text`, a JSON array; numbers keep their spelling (`[1.10]` gives 1.10). */
function jsonItems(text: string): Value[] {
  let parsed: unknown;
  try {
    parsed = parseJsonKeepingText(text);
  } catch (error) {
    // V8's message quotes the text (which may hold a secret) and gives no hint; the
    // depth limit's own message says it already.
    const place = error instanceof SyntaxError && jsonTooDeep(text) === undefined
      ? jsonErrorPlace(text)
      : undefined;
    if (place === undefined) throw error;
    throw new Error(ownText(
      `text starting with [ is read as a JSON array, and this is no JSON: ${place}; ` +
        'give a JSON array (text in double quotes: ["a", "b"]), or one item per line',
    ));
  }
  if (!Array.isArray(parsed)) throw new Error(ownText("expected a JSON array"));
  return withNumberTokens(text, parsed as Value[]);
}

/**
 * `items` (parsed from JSON `text` with numbers kept as written text) with the numbers
 * inside an object or list item as JSON number tokens (model/json_number.ts itemNumber),
 * as the file's own items get them (parse/written_data.ts keepItemNumbers): `$WEFT_ITEM`
 * and `${item}` give `{"v":2.50}`, not `{"v":"2.50"}`. Top-level items stay text.
 */
function withNumberTokens(text: string, items: Value[]): Value[] {
  if (!items.some((item) => item !== null && typeof item === "object")) return items;
  const tokens = parseJsonKeepingText(text, (source) => itemNumber(source) ?? source) as Value[];
  return items.map((item, i) => item !== null && typeof item === "object" ? tokens[i] : item);
}
