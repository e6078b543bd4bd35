/**
 * The message of an error weft did not expect (a bug), as the CLI's last-resort
 * handler prints it (main.ts). Such a message may quote anything the failing code
 * held — a secret, a whole workflow file, a value of megabytes (a V8 error quotes the
 * regular expression it refused whole) — so it is never printed as it is: it is masked
 * with every secret the process knows and cut to a few hundred characters.
 * @module
 */
import { createMasker } from "../engine/secrets.ts";
import { maskWithKnownSecrets } from "../engine/known_secrets.ts";
import { secretValues } from "../engine/secret_names.ts";
import { resolveQuoted } from "../model/data_text.ts";

/** At most this many characters of an unexpected error's message are printed. */
export const INTERNAL_MESSAGE_LIMIT = 300;

/**
 * The one-line text to print for an unexpected error `e`: its message masked whole
 * with the secrets of the runs alive in this process and with the values of the
 * secret-looking variables of `env` (the CLI's environment), then cut to
 * {@link INTERNAL_MESSAGE_LIMIT} characters, saying how many were left out.
 * @example internalErrorText(new Error("bad /hunter2/"), { DB_PASSWORD: "hunter2" }) // "bad /***\/"
 */
export function internalErrorText(e: unknown, env: Readonly<Record<string, string>>): string {
  return cutLine(maskAll(e instanceof Error ? e.message : String(e), env));
}

/**
 * The stack trace of `e` for WEFT_DEBUG, masked as {@link internalErrorText} masks the
 * message, each line cut to {@link INTERNAL_MESSAGE_LIMIT} characters (the first
 * lines repeat the message); undefined when `e` has none.
 */
export function internalErrorStack(
  e: unknown,
  env: Readonly<Record<string, string>>,
): string | undefined {
  if (!(e instanceof Error) || !e.stack) return undefined;
  return maskAll(e.stack, env).split("\n").map(cutLine).join("\n");
}

/**
 * `text` masked whole. Masking comes before any cut: a cut through a secret would leave
 * its start unmatched, and so printed. The marks of model/data_text.ts are resolved with
 * the same masking first (data quoted cut is masked before its cut), then everything,
 * weft's words too, is masked again.
 */
function maskAll(text: string, env: Readonly<Record<string, string>>): string {
  const byEnv = createMasker(secretValues({ ...env }));
  const mask = (data: string) => byEnv(maskWithKnownSecrets(data));
  return mask(resolveQuoted(text, mask));
}

/** `line` cut to {@link INTERNAL_MESSAGE_LIMIT} characters, saying how many were left out. */
function cutLine(line: string): string {
  if (line.length <= INTERNAL_MESSAGE_LIMIT) return line;
  const left = line.length - INTERNAL_MESSAGE_LIMIT;
  return `${line.slice(0, INTERNAL_MESSAGE_LIMIT)}… (${left} more characters left out)`;
}
