/**
 * The `${...}` in a workflow's `notifications` settings (slack, email, webhook): they
 * must parse, and read only what notify/config.ts renders them with — `env.NAME` (any
 * name: the workflow's `environment` over the process environment, as the run's tasks
 * start from), a declared `params.NAME` and `workflow.name`. The settings are rendered
 * when the run starts, before any task has run, so `tasks`, `run` and the like are not there.
 * What the literal text decides is checked as for an http task (http_checks.ts): a URL
 * that cannot parse, is not http(s) or has a user name holding `:` (`a%3Ab`), and a
 * webhook header name that is not a token (or is `Host`/`Content-Length`) and a value
 * with a character fetch refuses (model/http_header.ts).
 * @module
 */
import { compileTemplate, ExpressionError, type Reference, splitErrors } from "../expr/mod.ts";
import type { Problem } from "../model/errors.ts";
import { valueLabel } from "./describe.ts";
import { isObject } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";
import { headersProblems, urlTrouble } from "./http_checks.ts";
import { referenceTrouble as taskReferenceTrouble, type Trouble } from "./reference_trouble.ts";
import { isLiteralText } from "./step_checks.ts";
import { didYouMean, listWords } from "./suggest.ts";
import { booleanTextTrouble } from "./boolean_text.ts";
import { smtpPort } from "../model/smtp_values.ts";

/** The channel blocks whose strings are templates (the rest are names and flags). */
const CHANNELS = ["slack", "email", "webhook"] as const;
const ROOTS = ["env", "params", "workflow"];
const ROOTS_TEXT = "env.NAME, params.NAME and workflow.name";
/** No `${tasks...}` is there when notifications are rendered. */
const NO_TASKS = new Set<string>();

/** Every problem of the `${...}` in `data.notifications`, with its file:line:col. */
export function notificationProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  if (!isObject(data) || !isObject(data.notifications)) return [];
  const params = new Set(isObject(data.params) ? Object.keys(data.params) : []);
  const problems: Problem[] = [];
  const at = (path: PathSegment[], offset: number, message: string, hint?: string) =>
    problems.push({
      file,
      ...map.inString(path, offset),
      message: `${valueLabel(data, path)}: ${message}`,
      hint,
    });
  const check = (value: unknown, path: PathSegment[]): void => {
    if (Array.isArray(value)) value.forEach((v, i) => check(v, [...path, i]));
    else if (isObject(value)) {
      for (const [key, v] of Object.entries(value)) check(v, [...path, key]);
    } else if (typeof value === "string" && !isLiteralText(value)) {
      let references: readonly Reference[];
      try {
        references = compileTemplate(value).references;
      } catch (e) {
        if (!(e instanceof ExpressionError)) throw e;
        // Each `${...}` written wrong, and the others' references checked as usual.
        const split = splitErrors(e);
        for (const each of split.errors) at(path, each.offset, each.message, each.hint);
        references = split.partial?.references ?? [];
      }
      for (const ref of references) {
        const trouble = referenceTrouble(ref, params);
        const written = value.slice(ref.offset, ref.offset + ref.length);
        if (trouble) at(path, ref.offset, `${trouble.message} in ${written}`, trouble.hint);
      }
    }
  };
  for (const channel of CHANNELS) {
    const block = data.notifications[channel];
    if (block !== undefined) check(block, ["notifications", channel]);
  }
  const { webhook, slack } = data.notifications;
  const urls = [["webhook", webhook, "url"], ["slack", slack, "webhook_url"]] as const;
  for (const [channel, block, key] of urls) {
    const url = isObject(block) ? block[key] : undefined;
    // The path of a webhook URL holds its token: quoted as `***` (notify/fields.ts).
    const trouble = typeof url === "string" ? urlTrouble(url, { path: true }) : undefined;
    if (trouble) at(["notifications", channel, key], 0, trouble.message, trouble.hint);
  }
  const email = data.notifications.email;
  if (isObject(email)) {
    const to = email.to;
    const entries: [PathSegment[], unknown][] = Array.isArray(to)
      ? to.map((v, i) => [["notifications", "email", "to", i], v])
      : [[["notifications", "email", "to"], to], [["notifications", "email", "from"], email.from]];
    for (const [path, text] of entries) {
      const blank = typeof text === "string" ? blankBetweenAddresses(text) : undefined;
      if (blank !== undefined) {
        at(
          path,
          blank,
          "addresses separated by a blank: a mail header reads them as one address " +
            "whose name is the other, so the mail would reach only one of them",
          "separate them with commas, or list them: to: [a@example.com, b@example.com]",
        );
      }
    }
  }
  if (isObject(email) && isObject(email.smtp)) smtpProblems(email.smtp, map, at);
  if (isObject(webhook) && isObject(webhook.headers)) {
    const path = ["notifications", "webhook", "headers"];
    for (const p of headersProblems(webhook.headers, path, map, data)) {
      problems.push({ file, ...p });
    }
  }
  return problems;
}

/**
 * `smtp.secure`/`tls` and `port` written as text without `${...}`: the channel would
 * refuse them when it sends (model/smtp_values.ts), so they are refused here, at their
 * place. A boolean field takes true or false as YAML reads them (`on` is text in YAML
 * 1.2): a `"true"` in quotes passes, as the channel reads it so.
 */
function smtpProblems(
  smtp: Record<string, unknown>,
  map: SourceMap,
  at: (path: PathSegment[], offset: number, message: string, hint?: string) => void,
): void {
  for (const key of ["secure", "tls"]) {
    const value = smtp[key];
    if (typeof value !== "string" || !isLiteralText(value)) continue;
    if (/^\s*(true|false)\s*$/i.test(value)) continue;
    const path = ["notifications", "email", "smtp", key];
    const trouble = booleanTextTrouble(value, map.quoted(path));
    at(path, 0, `expected a boolean, got ${trouble.got}`, trouble.hint);
  }
  const port = smtp.port;
  if (typeof port === "string" && isLiteralText(port) && smtpPort(port) === undefined) {
    at(
      ["notifications", "email", "smtp", "port"],
      0,
      `${JSON.stringify(port)} is not a port number (1-65535)`,
      "write the port as a number (587, or 465 for TLS from the start)",
    );
  }
}

function referenceTrouble(
  ref: Reference,
  params: Set<string>,
): Trouble | undefined {
  const [first] = ref.path;
  switch (ref.root) {
    case "env":
    case "params":
      // As in a task's fields: any env name, a declared param without fields.
      return taskReferenceTrouble({ taskIds: NO_TASKS, params }, ref, false);
    case "workflow":
      return first === "name" && ref.path.length === 1 ? undefined : {
        message: first === undefined
          ? "workflow needs a field"
          : `workflow.${first} is not available to notifications`,
        hint: `notification settings can use ${ROOTS_TEXT}`,
      };
    default:
      return {
        message: `unknown name "${ref.root}"`,
        hint: didYouMean(ref.root, ROOTS) ??
          `notification settings are rendered before the run starts: they can use ${ROOTS_TEXT}` +
            ` (not ${listWords(["tasks", "run", "schedule", "trigger"])})`,
      };
  }
}

/**
 * The offset of a blank between two addresses in the literal text of an address field
 * (`a@x b@y`: RFC 5322 reads it as one mailbox `b@y` named "a@x"), or undefined. Text
 * inside `${...}` is a value's (notify/fields.ts refuses a blank there), and a quoted or
 * `<…>` form (`"A B" <a@x>`) names one mailbox: neither is looked at.
 */
export function blankBetweenAddresses(text: string): number | undefined {
  if (/["<]/.test(text)) return undefined;
  const literal = text.replace(/\$\{[^}]*\}/g, (m) => "_".repeat(m.length));
  let start = 0;
  for (const piece of literal.split(/[,;]/)) {
    const m = /\S@\S*(\s+)\S*@/.exec(piece);
    if (m) return start + m.index + m[0].indexOf(m[1]);
    start += piece.length + 1;
  }
  return undefined;
}
