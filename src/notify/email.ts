/**
 * The email channel: real SMTP through nodemailer (https://nodemailer.com/smtp/),
 * loaded only when a mail is sent. `secure: true` speaks TLS from the first byte
 * (implicit TLS, port 465); otherwise the connection is upgraded with STARTTLS when the
 * server offers it. AUTH PLAIN or LOGIN, whichever the server offers, when a user is
 * set. A CA bundle in NODE_EXTRA_CA_CERTS is trusted too (a private or self-signed
 * server certificate). Subject `[weft] <workflow> <status>`; plain-text and HTML body.
 * @module
 */
import type { EmailChannel } from "./channels.ts";
import { htmlBody, plainText, type RunMessage, subjectOf } from "./message.ts";
import { FileTooLargeError, readTextBounded } from "../bounded_file.ts";
import { NotRetried } from "./retry.ts";
import { NotRegularFileError } from "../regular_file.ts";

/** NODE_EXTRA_CA_CERTS: a bundle of PEM certificates (a system's whole store is ~250 KiB). */
const CA_READ = {
  what: "the certificate file (NODE_EXTRA_CA_CERTS)",
  hint: "name a PEM certificate bundle",
  limit: 4 * 1024 * 1024,
};

/** How long connecting, the greeting and each reply may take, in ms. */
export const SMTP_TIMEOUT_MS = 10_000;

/** Sends `message` by mail; throws Error with the server's or the network's reason. */
export async function sendEmail(
  channel: EmailChannel,
  message: RunMessage,
  env: Record<string, string> = {},
): Promise<void> {
  const [{ default: nodemailer }, { encodeWord }] = await Promise.all([
    import("nodemailer"),
    import("nodemailer/lib/mime-funcs/index.js"),
  ]);
  const to = channel.toIsList ? await addressList(channel.to.join(","), "SMTP_TO") : channel.to;
  // Bounded: the variable may name a device or a FIFO. Too large, or no file (refused
  // unopened, regular_file.ts), is an error naming it: the mail would otherwise go out
  // without the CA the user named and fail on its certificate for no said reason.
  // Unreadable (missing, denied) is ignored as before (the system's certificates apply).
  const ca = env.NODE_EXTRA_CA_CERTS
    ? await readTextBounded(env.NODE_EXTRA_CA_CERTS, CA_READ).catch((e) => {
      if (e instanceof FileTooLargeError) throw new Error(e.message);
      if (e instanceof NotRegularFileError) {
        throw new NotRetried(
          `${CA_READ.what} ${JSON.stringify(e.path)} is ${e.kind}, not a file: ${CA_READ.hint}`,
        );
      }
      return undefined;
    })
    : undefined;
  const transport = nodemailer.createTransport({
    host: channel.host,
    port: channel.port,
    secure: channel.secure,
    auth: channel.user ? { user: channel.user, pass: channel.password ?? "" } : undefined,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
    tls: ca ? { ca: [ca] } : undefined,
  });
  try {
    const subject = literalHeaderText(channel.subject ?? subjectOf(message), encodeWord);
    await transport.sendMail({
      from: channel.from,
      to,
      ...(typeof subject === "string" ? { subject } : { headers: { Subject: subject } }),
      text: plainText(message),
      html: htmlBody(message),
    });
  } catch (e) {
    throw new Error(smtpReason(e));
  } finally {
    transport.close();
  }
}

/** A header value nodemailer sends as given (folded at 76 characters), not encoded again. */
export interface PreparedHeader {
  prepared: true;
  foldLines: true;
  value: string;
}

/**
 * Unstructured header text (the mail's Subject) that reaches the reader as written: when
 * it holds `=?`, the opening of an RFC 2047 encoded-word (`=?utf-8?B?W1VSR0VOVF0=?=`
 * reads "[URGENT]"), it is sent whole as encoded-words of its UTF-8 text (base64, at
 * most 52 characters each, `encodeWord`: nodemailer's mime-funcs), since RFC 2047 §7
 * requires a composer to make sure that text beginning with "=?" and ending with "?=" is
 * a valid encoded-word, and readers (Thunderbird, Gmail, Python's email.header) decode
 * one wherever it stands, blanks around it or not. Otherwise the text as it is: nodemailer
 * encodes non-ASCII text itself, and ASCII text it sends as written.
 * @example literalHeaderText("deploy ok", encodeWord) // "deploy ok"
 */
export function literalHeaderText(
  text: string,
  encodeWord: (text: string, encoding: "B", maxLength: number) => string,
): string | PreparedHeader {
  if (!text.includes("=?")) return text;
  return { prepared: true, foldLines: true, value: encodeWord(text, "B", 52) };
}

function smtpReason(e: unknown): string {
  const error = e as { message?: string; code?: string; responseCode?: number };
  const text = String(error.message ?? e).split("\n")[0];
  return error.code && !text.includes(error.code) ? `${error.code}: ${text}` : text;
}

/**
 * The addresses of RFC 5322 address-list `text` (comma-separated mailboxes, each
 * `a@example.com` or `Name <a@example.com>`; `;` too, as nodemailer reads it), parsed by
 * nodemailer's own address parser, each as one address nodemailer takes. Throws
 * NotRetried (retry.ts: the mail is not tried again) naming `source` for an entry that is no address, and for addresses separated by blanks
 * (`a@x b@y`, as `mail` takes them), which the parser would read as one mailbox named
 * `b@y`: the mail would reach only a@x, under a mangled To: header.
 */
export async function addressList(text: string, source: string): Promise<string[]> {
  const { default: parse } = await import("nodemailer/lib/addressparser/index.js");
  const bracketed = text.includes("<");
  const out: string[] = [];
  for (const { name, address } of parse(text, { flatten: true })) {
    if (!bracketed && name && /\S@\S/.test(name)) {
      throw new NotRetried(
        `${source} ${JSON.stringify(text)} lists addresses separated by blanks: separate ` +
          `them with commas (${[address, ...name.split(/\s+/)].join(", ")})`,
      );
    }
    if (!address || !address.includes("@") || (!bracketed && name)) {
      throw new NotRetried(
        `${source} ${JSON.stringify(text)}: ${JSON.stringify(name || address)} is not a mail ` +
          "address (write a@example.com, or Name <a@example.com>; commas between them)",
      );
    }
    out.push(name ? `${JSON.stringify(name)} <${address}>` : address);
  }
  if (out.length === 0) throw new NotRetried(`${source} ${JSON.stringify(text)} holds no address`);
  return out;
}
