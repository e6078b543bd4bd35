/**
 * The http checks of `weft validate` on literal text, shared by http tasks (step_checks.ts)
 * and webhook notifications (notify_checks.ts): header names and values fetch would
 * refuse (model/http_header.ts), and a URL that cannot parse, is not http(s) or has a
 * Basic auth user name with a `:` (expr/url.ts). Each `${...}` stands for a harmless
 * placeholder; only what the literal text decides is reported.
 * @module
 */
import type { Problem } from "../model/errors.ts";
import { valueLabel } from "./describe.ts";
import type { RawObject } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";
import { compiled } from "./step_refusals.ts";
import { findJsonError } from "./json_error.ts";
import { isObject } from "./raw.ts";
import { jsonStandIn, readsAsJson } from "../expr/mod.ts";
import { JSON_TYPE, jsonLooking } from "../expr/json_body.ts";
import { FORM_TYPE } from "../expr/form_text.ts";
import { dataValueTroubles } from "../expr/data_value.ts";
import { jsonKeyTrouble } from "./json_key.ts";
import { userNameTrouble } from "../expr/url_user.ts";
import { blockedPortTrouble } from "../model/fetch_ports.ts";
import {
  BAD_VALUE_CHAR,
  badValueCharText,
  HEADER_NAME,
  headerNameTrouble,
  trimmedBounds,
  urlMasked,
} from "../model/http_header.ts";

/** Stands for a substituted value while checking a URL (private use: never in the text). */
const MARK = "\uE000";

/**
 * The problems of the `headers` map at `path` (an http task's, a webhook notification's),
 * without their file: each name fetch would refuse, at its key, and each value's first
 * character it would refuse, at that character.
 */
export function headersProblems(
  headers: RawObject,
  path: PathSegment[],
  map: SourceMap,
  data: unknown,
): Omit<Problem, "file">[] {
  const problems: Omit<Problem, "file">[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameProblem = headerNameProblem(name);
    if (nameProblem) {
      problems.push({
        ...map.key([...path, name]),
        message: `${valueLabel(data, path)}: ${nameProblem.message}`,
        hint: nameProblem.hint,
      });
    }
    const bad = typeof value === "string" ? headerValueProblem(value, true) : undefined;
    if (bad) {
      problems.push({
        ...map.inString([...path, name], bad.offset),
        message: `${valueLabel(data, [...path, name])}: ${bad.message}`,
        hint: bad.hint,
      });
    }
  }
  return problems;
}

/**
 * Why header `name` (written as a key) cannot be sent (model/http_header.ts: not a
 * token, or `Host`/`Content-Length`, which fetch sets itself), or undefined.
 */
function headerNameProblem(name: string): { message: string; hint: string } | undefined {
  const trouble = headerNameTrouble(name);
  if (!trouble) return undefined;
  const lower = name.toLowerCase();
  return {
    message: HEADER_NAME.test(name)
      ? `header ${JSON.stringify(name)} cannot be set (fetch would drop it without a word)`
      : `invalid header name ${JSON.stringify(name)}`,
    hint: lower === "host"
      ? "put the host (and port) in the URL: the request is sent with the URL's host"
      : lower === "content-length"
      ? "leave it out: the length of the body is sent"
      : "header names are letters, digits and !#$%&'*+-.^_`|~, without spaces or ':'",
  };
}

/**
 * The first character of header value `value` that model/http_header.ts would refuse
 * (for an http task or a webhook notification) — a line break, NUL, other control
 * character, DEL or a character above U+00FF — with its offset, or undefined. It trims
 * the whole header value's ends (the Fetch Standard's normalization); `atStart` says
 * whether `value` begins the header value. `${...}` text is ASCII: only literal text
 * can be found here.
 */
export function headerValueProblem(
  value: string,
  atStart: boolean,
): { offset: number; message: string; hint: string } | undefined {
  const [from, to] = trimmedBounds(value, atStart);
  const bad = value.slice(from, to).search(BAD_VALUE_CHAR);
  if (bad < 0) return undefined;
  const char = value[from + bad];
  const breaks = char === "\r" || char === "\n" || char === "\0";
  return {
    offset: from + bad,
    message: breaks
      ? "a header value cannot contain a line break or NUL"
      : `a header value cannot contain ${badValueCharText(char)}`,
    hint: breaks
      ? "write the value on one line (a YAML block scalar `|` keeps its line breaks)"
      : "a header value is visible ASCII, Latin-1 letters, spaces and tabs (RFC 9110 §5.5)",
  };
}
/**
 * Why the http runner (or a notification channel) would refuse this URL whatever the substituted values are, or
 * undefined. The URL is checked when its scheme is written out; each substitution is
 * replaced by `::1` after a `[` (an IPv6 host), `1` after a `:` (a port, a password)
 * and `x` elsewhere (a host label, a path segment), which parse wherever a value of
 * the right kind would. A message quotes the URL with its secrets as `***`
 * (model/http_header.ts urlMasked: the user info's password, credential-named query
 * values, and with `path: true`, a webhook URL's, the path that holds its token).
 */
export function urlTrouble(
  text: string,
  options: { path?: boolean } = {},
): { message: string; hint: string } | undefined {
  const template = compiled(text);
  if (!template) return undefined;
  const marked = template.render(() => MARK);
  const firstMark = marked.indexOf(MARK);
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(marked)?.[0];
  // `${params.url}` or `${base}/path`: the value decides what kind of URL this is.
  if (firstMark >= 0 && (scheme === undefined || firstMark < scheme.length)) return undefined;
  const filled = marked.replace(
    /\uE000+/g,
    (_, at: number) => marked[at - 1] === "[" ? "::1" : marked[at - 1] === ":" ? "1" : "x",
  );
  let url: URL;
  try {
    url = new URL(filled);
  } catch {
    return {
      message: `invalid URL ${JSON.stringify(urlMasked(text, options))}`,
      hint:
        "give an absolute http:// or https:// URL (spaces and other special characters in a host are not allowed)",
    };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return {
      message: `unsupported URL scheme ${url.protocol} in ${
        JSON.stringify(urlMasked(text, options))
      }`,
      hint: "weft sends http:// or https:// requests only",
    };
  }
  const port = literalPort(marked) ? blockedPortTrouble(url) : undefined;
  if (port) {
    return {
      message: `${port.message}: ${JSON.stringify(urlMasked(text, options))}`,
      hint: port.hint,
    };
  }
  // The literal user name decoded as the run decodes it (expr/url.ts): `a%3Ab` is "a:b".
  return userNameTrouble(url.username);
}

/** Whether the port of `marked` (substitutions as MARK) is written out, not a `${...}`. */
function literalPort(marked: string): boolean {
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(marked)?.[1] ?? "";
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  const colon = hostPort.lastIndexOf(":");
  if (colon < 0 || colon < hostPort.lastIndexOf("]")) return true; // no port: the scheme's
  return !hostPort.slice(colon + 1).includes(MARK);
}

/**
 * The problem, without its file, of an http step's `data` text at `path` that is built as
 * JSON (sent with a JSON Content-Type, or with none and JSON by its text: expr/json_body.ts)
 * and is no JSON whatever its `${...}` hold: a value where an object's key goes outside
 * quotes (json_key.ts), at its `${`; or, for a text starting with `{` sent with no
 * Content-Type, a slip (a trailing comma, single quotes) that would otherwise send a
 * broken body, at the first place findJsonError finds.
 */
export function dataTextProblem(
  step: RawObject,
  path: PathSegment[],
  map: SourceMap,
  data: unknown,
): Omit<Problem, "file"> | undefined {
  const text = step.data;
  if (typeof text !== "string") return undefined;
  const type = writtenContentType(step);
  const asJson = type === undefined ? jsonLooking(text) : JSON_TYPE.test(String(type));
  if (!asJson) return undefined;
  const spans = text.includes("${") ? compiled(text)?.spans : [];
  if (spans === undefined) return undefined;
  const key = jsonKeyTrouble(text, spans);
  if (key) {
    return {
      ...map.inString(path, key.offset),
      message: `${valueLabel(data, path)}: the text is sent as JSON: ${key.message}`,
      hint: key.hint,
    };
  }
  if (text.trimStart()[0] !== "{" || type !== undefined) return undefined;
  if (readsAsJson(text, spans)) return undefined;
  const error = findJsonError(jsonStandIn(text, spans, "0").trimEnd());
  if (!error) return undefined;
  return {
    ...map.inString(path, error.offset),
    message: `${valueLabel(data, path)}: a text starting with { is sent as JSON, and this ` +
      `one is not JSON: ${error.message}`,
    hint: "fix the JSON (each ${...} value then stays inside its string), write `data` as an " +
      "object, or set a Content-Type header to send the text as it is",
  };
}

/** The Content-Type header of an http step as written (any case of its name), or undefined. */
function writtenContentType(step: RawObject): unknown {
  const headers = isObject(step.headers) ? Object.entries(step.headers) : [];
  return headers.find(([name]) => name.trim().toLowerCase() === "content-type")?.[1];
}

/**
 * The problems, without their file, of an http step's `data` at `path` written as a
 * mapping or list that its written Content-Type cannot carry (expr/data_value.ts, as the run
 * decides): each form field that is a mapping, list or null, at its key; a list sent as a
 * form, or a value sent with a type neither JSON nor a form, at the `data` key. A type
 * whose `${...}` leaves its format open is the run's to decide.
 */
export function dataValueProblems(
  step: RawObject,
  path: PathSegment[],
  map: SourceMap,
  data: unknown,
): Omit<Problem, "file">[] {
  const type = writtenContentType(step);
  if (type === undefined || typeof step.data !== "object" || step.data === null) return [];
  const text = String(type);
  if (!JSON_TYPE.test(text) && !FORM_TYPE.test(text) && text.includes("${")) return [];
  return dataValueTroubles(step.data, text).map((trouble) => {
    const at = [...path, ...trouble.path];
    return {
      ...map.key(at),
      message: `${valueLabel(data, at)}: ${trouble.message}`,
      hint: trouble.hint,
    };
  });
}
