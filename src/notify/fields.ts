/**
 * Rendering the channel settings whose text becomes a URL, a mail address or a mail
 * header, so that a `${...}` value is data there and never syntax:
 * - URLs (`slack.webhook_url`, `webhook.url`) are built exactly as an http task's `url`
 *   (the template's renderUrl, expr/url.ts): each value percent-encoded for the part of
 *   the URL it lands in, a value in the host, port or scheme checked, `.`/`..` path
 *   segments refused; `${raw(...)}` opts out, as there. Then http(s) only.
 * - Mail addresses (`email.from`, each `email.to`): a value fills part of one address,
 *   so it may not hold a line break, a control character, white space or an RFC 5322
 *   §3.2.3 special other than `@` and `.` — the characters that separate recipients
 *   (`,` `;`), start a group (`:`), a display name, an angle address or a comment, and
 *   with them could add a recipient or replace the envelope's sender or recipient
 *   (nodemailer parses the address text it is given); nor `=?`, the opening of an RFC
 *   2047 encoded-word, which mail readers decode in a display name (even quoted) into
 *   other text than the value (`=?utf-8?B?Q0VP?=` reads "CEO"), and which nodemailer
 *   cannot be told to encode in an address header.
 * - The mail subject: a value may not hold a line break or NUL (a header ends there);
 *   one holding `=?` is sent encoded, so it reads as written (email.ts literalHeaderText).
 * Literal text is the author's and stays as written (`to: "a@x.org, b@x.org"` lists two).
 * And the secrets a webhook URL holds ({@link webhookUrlSecrets}).
 * @module
 */
import { compileTemplate, ExpressionError, type Scope } from "../expr/mod.ts";
import { quoteCut } from "../model/data_text.ts";

/** The text of a URL setting named `field` (e.g. `notifications.webhook.url`). */
export function renderUrlField(template: string, scope: Scope, field: string): string {
  const url = rendered(template, field, (t) => t.renderUrl(scope)).trim();
  if (url !== "") checkHttpUrl(url, field);
  return url;
}

/**
 * The text of a credential setting named `field` (`notifications.email.smtp.password`):
 * a `${env.NAME}` in it that is unset fails the channel naming NAME, as a URL's does
 * (expr/template.ts checkSet), rather than sending no credential.
 */
export function renderCredentialField(template: string, scope: Scope, field: string): string {
  return rendered(template, field, (t) => {
    t.checkSet(scope);
    return t.render(scope);
  });
}

/** Throws Error unless `url` (of the setting named `field`) is an http(s) URL. */
export function checkHttpUrl(url: string, field: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${field} is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error(`${field} must be an http:// or https:// URL`);
  }
}

/** Characters a value may not bring into a mail address (see the module text). */
const ADDRESS_SYNTAX = /[\s\p{Cc},;:<>"()[\]\\]/u;
/** Characters a value may not bring into a header value. */
const LINE_BREAK = /[\r\n\0]/;

/** The text of one mail address setting named `field` (`notifications.email.to[1]`). */
export function renderAddressField(template: string, scope: Scope, field: string): string {
  return rendered(template, field, (t) =>
    t.renderPlaced(scope, (text, offset) => {
      if (text.includes("=?")) {
        throw new ExpressionError(
          `value ${quoteCut(text, 60, { json: true })} holds "=?", which mail readers ` +
            "decode as an RFC 2047 encoded-word: the name would read as other text",
          offset,
          "a value fills part of one address; write a display name in the setting itself",
        );
      }
      const bad = ADDRESS_SYNTAX.exec(text);
      if (!bad) return text;
      throw new ExpressionError(
        `value ${quoteCut(text, 60, { json: true })} holds ${
          describe(bad[0])
        }, which would change the mail's addresses`,
        offset,
        "a value fills part of one address; list each recipient as its own entry of `to`",
      );
    }));
}

/** The text of a mail header setting named `field` (`notifications.email.subject`). */
export function renderHeaderField(template: string, scope: Scope, field: string): string {
  return rendered(template, field, (t) =>
    t.renderPlaced(scope, (text, offset) => {
      const bad = LINE_BREAK.exec(text);
      if (!bad) return text;
      throw new ExpressionError(
        `value ${quoteCut(text, 60, { json: true })} holds ${
          describe(bad[0])
        }, which could start another header`,
        offset,
        "a header value is one line",
      );
    }));
}

type Template = ReturnType<typeof compileTemplate>;

/** Compiles and renders; an ExpressionError becomes one line naming the field. */
function rendered(template: string, field: string, render: (t: Template) => string): string {
  try {
    return render(compileTemplate(template));
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    const end = template.indexOf("}", e.offset);
    const written = template.slice(e.offset, end < 0 ? undefined : end + 1);
    const where = written.startsWith("${") ? ` in ${written}` : "";
    throw new Error(`${field}: ${e.message}${where}${e.hint ? ` (${e.hint})` : ""}`);
  }
}

function describe(ch: string): string {
  if (ch === "\r" || ch === "\n") return "a line break";
  if (ch === "\0") return "a NUL character";
  if (/\s/.test(ch)) return "white space";
  if (/\p{Cc}/u.test(ch)) return "a control character";
  return `"${ch}"`;
}

/** The secrets a webhook URL holds: the rule lives in model/ (the engine masks SLACK_WEBHOOK_URL by it). */
export { webhookUrlSecrets } from "../model/env_credentials.ts";
