/**
 * The rules for `notifications.email.smtp.secure` (`tls`) and `port` once they are text:
 * a `${...}` rendered, `SMTP_SECURE`/`SMTP_PORT`, or a value the file wrote as text.
 * Shared by the channel (notify/channels.ts), which refuses what breaks them when it
 * sends, and `weft validate` (parse/notify_checks.ts), which refuses text written in the
 * file that breaks them, at its place: a word that is neither true nor false is never
 * silently read as false (`secure: on` would then mean plain SMTP).
 * @module
 */

/**
 * The words read as a boolean: `true`/`false` (any case), and in the environment the
 * spellings environment variables commonly use (`1`/`0`, `yes`/`no`).
 */
const TRUE_WORDS = new Set(["true", "1", "yes"]);
const FALSE_WORDS = new Set(["false", "0", "no"]);

/** The boolean `text` spells (blanks around ignored), or undefined when it spells none. */
export function smtpBoolean(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}

/** The port `text` spells: a whole number 1-65535 in decimal digits, else undefined. */
export function smtpPort(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed)) return undefined;
  const port = Number(trimmed);
  return port >= 1 && port <= 65535 ? port : undefined;
}
