/**
 * The channels a run can send to, and how one is built from its merged settings
 * (config.ts): every setting rendered as a template over the run's scope, then checked
 * as the channel needs it (a URL's scheme, a port number, header values, addresses).
 * The environment fallbacks are values, not templates: used as they are. They follow
 * the seed's integration: Slack reads `SLACK_WEBHOOK_URL`, SMTP reads `SMTP_HOST`,
 * `SMTP_PORT`, `SMTP_USER`, `SMTP_PASSWORD`, `SMTP_FROM` (and `SMTP_TO`, `SMTP_SECURE`).
 * @module
 */
import { compileTemplate, referencedValues, type Scope } from "../expr/mod.ts";
import {
  checkHttpUrl,
  renderAddressField,
  renderCredentialField,
  renderHeaderField,
  renderUrlField,
  webhookUrlSecrets,
} from "./fields.ts";
import {
  CREDENTIAL,
  credentialSecrets,
  headerValuePlace,
  setCheckedHeader,
} from "../model/http_header.ts";
import { CHANNEL_NAMES } from "../model/task.ts";
import { smtpBoolean, smtpPort } from "../model/smtp_values.ts";

/** A channel's settings: the workflow's or the global config's object, as given. */
export type Block = Record<string, unknown>;

/** A Slack incoming webhook. */
export interface SlackChannel {
  kind: "slack";
  webhookUrl: string;
  channel?: string;
  username?: string;
  iconEmoji?: string;
}

/** An SMTP server and the mail's envelope. */
export interface EmailChannel {
  kind: "email";
  host: string;
  /** Default 465 with `secure`, else 587. */
  port: number;
  /** true: TLS from the start (implicit TLS); false: STARTTLS when the server offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  /**
   * The recipients: each one address (`notifications.email.to`), or, from `SMTP_TO`, the
   * variable's whole text, an RFC 5322 address-list that email.ts parses when it sends.
   */
  to: string[];
  /** True when `to` is SMTP_TO's one text (an address-list, not one address). */
  toIsList?: boolean;
  /** A subject replacing `[weft] <workflow> <status>`. */
  subject?: string;
}

/** A generic HTTP endpoint receiving JSON. */
export interface WebhookChannel {
  kind: "webhook";
  url: string;
  headers: Record<string, string>;
}

/** A channel ready to send to. */
export type Channel = SlackChannel | EmailChannel | WebhookChannel;

/** A channel as resolved: usable, or why not (said when something is sent to it). */
export type ResolvedChannel = Channel | { kind: string; error: string };

function renderValue(value: unknown, scope: Scope): unknown {
  if (typeof value === "string") return compileTemplate(value).render(scope);
  if (Array.isArray(value)) return value.map((v) => renderValue(v, scope));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, scope)]));
  }
  return value;
}

/** Renders one setting's text (a template), or reads one environment fallback as it is. */
interface FieldText {
  (value: unknown): string | undefined;
  /** An environment variable's value: data, not a template. */
  env(value: string | undefined): string | undefined;
  /** A template rendered by `how` (fields.ts) for the setting named `field`. */
  as(
    how: (template: string, scope: Scope, field: string) => string,
    value: unknown,
    field: string,
  ): string | undefined;
}

function fieldText(scope: Scope): FieldText {
  const nonEmpty = (text: string | undefined) => {
    const trimmed = text?.trim();
    return trimmed === "" ? undefined : trimmed;
  };
  const text =
    ((value: unknown) =>
      value === undefined ? undefined : nonEmpty(String(renderValue(value, scope)))) as FieldText;
  text.env = nonEmpty;
  text.as = (how, value, field) =>
    typeof value === "string" ? nonEmpty(how(value, scope, field)) : text(value);
  return text;
}

/**
 * Builds the channel `name` from its merged `settings`, rendered over `scope`, with
 * `env`'s fallbacks; pushes the secrets found (passwords, webhook URLs, credentials in
 * headers and the values they read) to `secrets`, before any check can throw. Throws an
 * Error saying what is missing or wrong (the channel's reason, said when it is used).
 */
export function buildChannel(
  name: string,
  settings: Block,
  scope: Scope,
  env: Record<string, string>,
  secrets: string[],
): Channel {
  const text = fieldText(scope);
  switch (name) {
    case "slack": {
      const field = "notifications.slack.webhook_url";
      const webhookUrl = text.as(renderUrlField, settings.webhook_url, field) ??
        text.env(env.SLACK_WEBHOOK_URL);
      if (!webhookUrl) {
        throw new Error(
          "no webhook URL: set notifications.slack.webhook_url or SLACK_WEBHOOK_URL",
        );
      }
      checkHttpUrl(webhookUrl, field);
      secrets.push(...webhookUrlSecrets(webhookUrl));
      return {
        kind: "slack",
        webhookUrl,
        channel: text(settings.channel),
        username: text(settings.username),
        iconEmoji: text(settings.icon_emoji),
      };
    }
    case "email":
      return emailChannel(settings, text, env, secrets);
    case "webhook": {
      const url = text.as(renderUrlField, settings.url, "notifications.webhook.url");
      if (!url) throw new Error("no URL: set notifications.webhook.url");
      secrets.push(...webhookUrlSecrets(url));
      // Checked as an http task's headers are, so a value with a line break is refused
      // now, with its reason, rather than tried and failed by fetch at each try.
      // Every credential is masked first, even when another header is refused.
      // A credential's parts are secrets too: `Bearer X`'s X, and the env or param
      // value a `${...}` inside it reads (model/http_header.ts, tasks/http_secrets.ts).
      const rendered = Object.entries((settings.headers ?? {}) as Block).map(([key, value]) => {
        const raw = value === undefined ? "" : String(renderValue(value, scope));
        secrets.push(...credentialSecrets(key, raw));
        if (CREDENTIAL.test(key) && typeof value === "string") {
          secrets.push(
            ...referencedValues(value, (text) => compileTemplate(text).render(scope))
              .filter((v) => v.trim() !== ""),
          );
        }
        return [key, raw] as const;
      });
      const checked = new Headers();
      const headers: Record<string, string> = {};
      for (const [key, raw] of rendered) {
        // No value may add a list member or parameter (model/http_header.ts headerValuePlace).
        const value = (settings.headers as Block)[key];
        if (typeof value === "string") {
          compileTemplate(value).renderPlaced(scope, headerValuePlace(key, value));
        }
        headers[key] = setCheckedHeader(checked, key, raw);
      }
      return { kind: "webhook", url, headers };
    }
    default:
      throw new Error(`unknown channel: use ${CHANNEL_NAMES.join(", ")}`);
  }
}

function emailChannel(
  settings: Block,
  text: FieldText,
  env: Record<string, string>,
  secrets: string[],
): EmailChannel {
  const smtp = (settings.smtp ?? {}) as Block;
  const host = text(smtp.host) ?? text.env(env.SMTP_HOST);
  if (!host) throw new Error("no SMTP server: set notifications.email.smtp.host or SMTP_HOST");
  const secureText = text(smtp.secure ?? smtp.tls) ?? text.env(env.SMTP_SECURE);
  const secure = secureText === undefined ? undefined : smtpBoolean(secureText);
  if (secureText !== undefined && secure === undefined) {
    // Never read as false: that would send the password over plain SMTP.
    throw new Error(
      `SMTP secure ${JSON.stringify(secureText)} is not a boolean: write true or false`,
    );
  }
  const portText = text(smtp.port) ?? text.env(env.SMTP_PORT);
  const port = portText === undefined ? (secure ? 465 : 587) : smtpPort(portText);
  if (port === undefined) {
    throw new Error(`SMTP port ${JSON.stringify(portText)} is not a port number (1-65535)`);
  }
  const user = text.as(
    renderCredentialField,
    smtp.user ?? smtp.username,
    `notifications.email.smtp.${smtp.user === undefined ? "username" : "user"}`,
  ) ?? text.env(env.SMTP_USER);
  const password =
    text.as(renderCredentialField, smtp.password, "notifications.email.smtp.password") ??
      text.env(env.SMTP_PASSWORD);
  if (password) secrets.push(password);
  const from = text.as(renderAddressField, settings.from, "notifications.email.from") ??
    text.env(env.SMTP_FROM) ?? (user?.includes("@") && !/[\s,;:<>]/.test(user) ? user : undefined);
  if (!from) throw new Error("no sender: set notifications.email.from or SMTP_FROM");
  // A list entry, or a piece of `to` written as one text between literal commas, is one
  // address template; SMTP_TO is an RFC 5322 address-list (data: `"Doe, J" <j@x>, b@y`),
  // parsed by nodemailer's own parser when the mail is sent (email.ts), as it loads late.
  const toValue = settings.to;
  const to =
    (toValue === undefined
      ? [text.env(env.SMTP_TO)]
      : (Array.isArray(toValue) ? toValue : String(toValue).split(","))
        .map((address, i) =>
          text.as(
            renderAddressField,
            address,
            Array.isArray(toValue) ? `notifications.email.to[${i}]` : "notifications.email.to",
          )
        ))
      .filter((address): address is string => !!address);
  if (to.length === 0) throw new Error("no recipient: set notifications.email.to");
  return {
    kind: "email",
    host,
    port,
    secure: secure ?? port === 465,
    user,
    password,
    from,
    to,
    ...(toValue === undefined ? { toIsList: true } : {}),
    subject: text.as(renderHeaderField, settings.subject, "notifications.email.subject"),
  };
}
