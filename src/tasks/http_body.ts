/**
 * The body of an http task whose `data` is a text, built for the `Content-Type` it is sent
 * with so that a `${...}` value is data and never syntax of that format:
 *
 * | Content-Type                                     | each value                                  |
 * |--------------------------------------------------|---------------------------------------------|
 * | JSON, every member of the family ({@link JSON_TYPE}) | inside a JSON string, escaped; elsewhere one scalar (expr/json_text.ts) |
 * | `application/x-www-form-urlencoded`              | percent-encoded as a query value (expr/form_text.ts) |
 * | XML (`application/xml`, `text/xml`, `…+xml`)     | `& < > " '` written as the entities `&amp; &lt; &gt; &quot; &apos;` (XML 1.0 §2.4), so it stays text or an attribute's value |
 * | `multipart/*`                                    | refused (the task fails) when it holds CR, LF or the body's boundary, which would end the part (RFC 2046 §5.1.1) |
 * | none, and the text is JSON ({@link jsonLooking}) | as JSON (http_request.ts sends it as `application/json`) |
 * | anything else                                    | as written                                  |
 *
 * In every format a value written `${raw(...)}`, and a text that is one `${...}` alone
 * (the whole body, from a file or another task), go as written — the rule curl's
 * `--data` has for a body that is data already. A `data` written as a mapping or list is
 * JSON, a form's fields or refused by its Content-Type: {@link valueBody}.
 * @module
 */
import type { TaskContext } from "./types.ts";
import { ExpressionError } from "../expr/mod.ts";
import { JSON_TYPE } from "../expr/json_body.ts";
import { FORM_TYPE } from "../expr/form_text.ts";
import { ownText, quoteData } from "../model/data_text.ts";
import { dataValueTroubles, formBody, sentAsForm } from "../expr/data_value.ts";

// Where the send and `weft validate` decide alike that a text is JSON (expr/json_body.ts).
export { JSON_TYPE, jsonLooking } from "../expr/json_body.ts";

/** An XML media type (RFC 7303: `application/xml`, `text/xml`, `…+xml`). */
export const XML_TYPE = /^\s*[\w.+-]+\/(?:[\w.-]+\+)?xml\s*(?:;|$)/i;

/** A multipart media type (RFC 2046 §5.1), its `boundary` parameter read apart. */
const MULTIPART_TYPE = /^\s*multipart\/[\w.+-]+\s*(?:;|$)/i;

/** What the body is built with: the task's interpolation. */
type BodyContext = Pick<
  TaskContext,
  "interpolate" | "interpolateJson" | "interpolateForm" | "interpolatePlaced"
>;

/**
 * The body for `data` (a text) sent with Content-Type `type` ("" when none), by the
 * table above. Throws ExpressionError (JSON: a value outside a string that is not one
 * scalar) or Error (multipart: a value holding CR, LF or the boundary) for a value that
 * would change the body's structure.
 */
export function textBody(data: string, type: string, ctx: BodyContext): string {
  if (JSON_TYPE.test(type)) {
    try {
      return ctx.interpolateJson(data);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      throw new ExpressionError(ownText("data: ") + e.message, e.offset, e.hint);
    }
  }
  if (FORM_TYPE.test(type)) return ctx.interpolateForm(data);
  if (XML_TYPE.test(type)) return placed(data, ctx, escapeXml);
  if (MULTIPART_TYPE.test(type)) {
    const boundary = boundaryOf(type);
    return placed(data, ctx, (text) => multipartValue(text, boundary));
  }
  return ctx.interpolate(data);
}

/** `text` with `& < > " '` written as XML's predefined entities (XML 1.0 §4.6). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITY[c]);
}

const XML_ENTITY: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** `data` interpolated, each value (but raw(...) ones, or one that is the whole text) through `place`. */
function placed(data: string, ctx: BodyContext, place: (text: string) => string): string {
  if (!data.includes("${")) return ctx.interpolate(data);
  // The whole body from one value: what is around it is blank (found by placing nothing).
  let count = 0;
  const around = ctx.interpolatePlaced(data, () => {
    count++;
    return "";
  });
  if (count === 1 && around.trim() === "") return ctx.interpolate(data);
  return ctx.interpolatePlaced(data, (text, _offset, raw) => raw ? text : place(text));
}

/** The `boundary` parameter of a multipart Content-Type (quoted or not), or undefined. */
function boundaryOf(type: string): string | undefined {
  const match = /;\s*boundary\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(type);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : match[2];
}

/**
 * `text` unchanged, or an Error when it holds a CR or LF (a part's headers and its end
 * are line-based) or the boundary (`--boundary` at a line's start ends the part).
 */
function multipartValue(text: string, boundary: string | undefined): string {
  const lineBreak = /[\r\n]/.exec(text);
  const at = lineBreak ? lineBreak.index : boundary ? text.indexOf(boundary) : -1;
  if (at < 0) return text;
  const what = lineBreak
    ? ownText("a line break (CR or LF)")
    : `the body's boundary ${quoteData(JSON.stringify(boundary))}`;
  throw new Error(
    `data: a value holds ${what} (at character ${at + 1}), which could end its part of the ` +
      "multipart body and start another (RFC 2046); refused (write raw(...) around a value " +
      "that is parts on purpose, or send the whole body as one ${...})",
  );
}

/**
 * The body for `data` written as a value (a mapping, list or scalar; its strings
 * interpolated) sent with Content-Type `type` ("" when none), by expr/data_value.ts: JSON
 * with no type or a JSON one; a mapping's fields, each name and value percent-encoded
 * (the WHATWG URL application/x-www-form-urlencoded serializer's form), with a form type.
 * Throws Error for a form field that is a mapping, list or null, a list sent as a form, and
 * a mapping or list with another type: never JSON under another format's type.
 */
export function valueBody(data: unknown, type: string): string {
  const [trouble] = dataValueTroubles(data, type, quoteData);
  if (trouble) throw new Error(`${ownText("data: ")}${trouble.message}; refused (${trouble.hint})`);
  return sentAsForm(data, type) ? formBody(data as Record<string, unknown>) : JSON.stringify(data);
}
