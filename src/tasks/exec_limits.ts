/**
 * The kernel's limits on what one exec can carry, checked for every process weft starts
 * (the spawner calls {@link checkExecLimits} before each spawn), whatever the task type:
 * shell, direct exec, python, javascript, docker, data_processor.
 *
 * Linux (execve(2), "Limits on size of arguments and environment") limits one argument
 * or one `NAME=value` environment string to MAX_ARG_STRLEN, 32 pages (128 KiB) with its
 * NUL, and all of them together to ARG_MAX, a quarter of the stack limit (usually
 * 2 MiB). Beyond either, exec fails with E2BIG ("argument list too long"), which alone
 * names neither the value nor the limit. The per-string limit is a constant, so it is
 * checked before spawning; the total depends on the stack limit, which Deno cannot read,
 * so it is only used to explain an E2BIG that exec did report ({@link execLimitFailure}).
 * @module
 */
import { ownText, quoteData } from "../model/data_text.ts";
import { MAX_ARG_STRLEN } from "../model/limits.ts";

/** Linux's MAX_ARG_STRLEN (model/limits.ts), for the task types that check against it. */
export { MAX_ARG_STRLEN };

/** What weft lets arguments and environment take in all: ARG_MAX's usual 2 MiB less room for the stack's own needs. */
export const MAX_EXEC_BYTES = 2 * 1024 * 1024 - 64 * 1024;
/** The `NAME=` that starts an argument such as docker's `-e NAME=value`, shown to name it. */
const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]{0,63}=/;
const HINT = "write the value to a file and pass the file's path instead";

/**
 * A process weft would not start (or that exec refused with E2BIG) because an argument,
 * an environment variable or all of them together are over the kernel's limit. `reason`
 * is weft's words with the data it quotes marked (model/data_text.ts), the tail of a
 * "cannot start PROGRAM: " reason (tasks/start_errors.ts startFailure).
 */
export class ExecLimitError extends Error {
  constructor(readonly reason: string) {
    super(reason.replace(/[\uE000-\uE002]/g, ""));
    this.name = "ExecLimitError";
  }
}

/**
 * A value resolved into a field that becomes one argument of a program weft starts (a
 * script's `args`, a docker command word) is over MAX_ARG_STRLEN: the message (marked,
 * model/data_text.ts) names the field as the workflow writes it, not the argument's
 * position in weft's own command line (`deno run … SCRIPT ARGS`), which the user never
 * wrote. Thrown before anything starts; the engine records the message as the reason.
 */
export class ArgumentTooLongError extends Error {
  constructor(field: string, bytes: number, program: string) {
    super(
      ownText(
        `${field} is ${bytes} bytes once resolved, over the ${MAX_ARG_STRLEN} bytes ` +
          `(MAX_ARG_STRLEN, execve(2)) Linux allows one argument of ${program}: ${HINT}`,
      ),
    );
    this.name = "ArgumentTooLongError";
  }
}

/**
 * A value resolved into a field that becomes one argument of a program weft starts holds
 * a NUL character, where exec's C string would end (expr/process_value.ts): refused
 * naming the field, as {@link ArgumentTooLongError} is, before anything starts.
 */
export class ArgumentNulError extends Error {
  constructor(field: string, program: string) {
    super(
      ownText(
        `${field} holds a NUL character once resolved, which no process can receive ` +
          `(an argument of ${program})`,
      ),
    );
    this.name = "ArgumentNulError";
  }
}

/**
 * `value`, the resolved text of `field` (e.g. `args[1]`), which is passed as one
 * argument to `program` (words for people: "the javascript script", "docker run").
 * Throws an {@link ArgumentNulError} naming the field for a NUL character in it, and an
 * {@link ArgumentTooLongError} when exec would refuse it as too long (Linux only, as
 * {@link checkExecLimits}).
 */
export function argumentValue(field: string, value: string, program: string): string {
  if (value.includes("\0")) throw new ArgumentNulError(field, program);
  // A string of at most a third of the limit in UTF-16 units cannot pass it in UTF-8.
  if (value.length * 3 < MAX_ARG_STRLEN || Deno.build.os !== "linux") return value;
  const bytes = byteLength(value);
  if (bytes + 1 > MAX_ARG_STRLEN) throw new ArgumentTooLongError(field, bytes, program);
  return value;
}

/**
 * Throws an {@link ExecLimitError} when one argument or environment string of this exec
 * holds a NUL character, or is over MAX_ARG_STRLEN (Linux only: other kernels have no
 * per-string limit).
 */
export function checkExecLimits(
  args: readonly string[],
  env: Record<string, string>,
): void {
  const nul = nulString(args, env);
  if (nul) throw new ExecLimitError(nul);
  if (Deno.build.os !== "linux") return;
  const reason = oneStringTooLong(args, env);
  if (reason) throw new ExecLimitError(reason);
}

/**
 * The first argument or environment variable holding a NUL character, in words; null if
 * none. Fields a value reaches are refused naming the field before this (expr/process_value.ts,
 * {@link argumentValue}): this names what is left, rather than the spawn's "a path,
 * argument or environment string contains a NUL byte".
 */
function nulString(args: readonly string[], env: Record<string, string>): string | null {
  const reason = " holds a NUL character, which no process can receive";
  const i = args.findIndex((arg) => arg.includes("\0"));
  if (i >= 0) return ownText(`argument ${i + 1}${reason}`);
  for (const name in env) {
    if (env[name].includes("\0") || name.includes("\0")) {
      return ownText(`environment variable ${name.replaceAll("\0", "\\0")}${reason}`);
    }
  }
  return null;
}

/**
 * The error to throw for an exec that failed with E2BIG: which argument or variable is
 * too large, or how large all of them are together, and the limit.
 */
export function execLimitFailure(
  cmd: string,
  args: readonly string[],
  env: Record<string, string>,
): ExecLimitError {
  const reason = execLimitError(cmd, args, env) ??
    ownText("the kernel refused the arguments and environment as too long (E2BIG): ") +
      ownText(`pass large values through files (${HINT})`);
  return new ExecLimitError(reason);
}

/** True for an error of spawning that is E2BIG ("argument list too long"). */
export function isE2big(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "E2BIG";
}

/**
 * Why exec would fail with E2BIG for this program, arguments and environment, in words
 * naming the argument or variable and the limit (marked, model/data_text.ts); null when
 * they fit.
 */
export function execLimitError(
  cmd: string,
  args: readonly string[],
  env: Record<string, string>,
): string | null {
  const one = oneStringTooLong(args, env);
  if (one) return one;
  let total = byteLength(cmd) + 1 + 8;
  for (const arg of args) total += byteLength(arg) + 1 + 8;
  for (const name in env) total += name.length + 2 + byteLength(env[name]) + 8;
  if (total <= MAX_EXEC_BYTES) return null;
  return ownText(
    `the environment and arguments take ${total} bytes; the kernel limits them to ` +
      `about ${MAX_EXEC_BYTES} bytes in all (ARG_MAX, a quarter of the stack limit): ` +
      "pass large values through files",
  );
}

/** The first argument or environment string over MAX_ARG_STRLEN, in words; null if none. */
function oneStringTooLong(args: readonly string[], env: Record<string, string>): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    // A string of at most a third of the limit in UTF-16 units cannot pass it in UTF-8.
    if (arg.length * 3 < MAX_ARG_STRLEN) continue;
    const bytes = byteLength(arg);
    if (bytes + 1 <= MAX_ARG_STRLEN) continue;
    // Only a `NAME=` prefix (docker's `-e NAME=value`) names it: a cut of the value could
    // show the start of a secret that the cut leaves too short to be masked.
    const name = ENV_ASSIGNMENT.exec(arg)?.[0];
    return ownText(`argument ${i + 1}`) +
      (name ? ownText(" (") + quoteData(`"${name}…"`) + ownText(")") : "") +
      ownText(
        ` is ${bytes} bytes, over the ${MAX_ARG_STRLEN} bytes Linux allows one argument ` +
          `(MAX_ARG_STRLEN, execve(2)): ${HINT}`,
      );
  }
  for (const name in env) {
    const value = env[name];
    if ((value.length + name.length + 2) * 3 < MAX_ARG_STRLEN) continue;
    const bytes = byteLength(value);
    if (name.length + 2 + bytes <= MAX_ARG_STRLEN) continue;
    // The name is written in the workflow (an `environment` key) or weft's own
    // (WEFT_*): weft's words, not data, kept whole when a secret is part of it.
    return ownText(
      `environment variable ${name}` +
        ` is ${bytes} bytes; Linux limits one variable to ${MAX_ARG_STRLEN - name.length - 2} ` +
        `bytes (MAX_ARG_STRLEN, ${MAX_ARG_STRLEN} bytes per NAME=value, execve(2)): ${HINT}`,
    );
  }
  return null;
}

/** UTF-8 length of `text`, counted without encoding it. */
export function byteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // 2 bytes below U+0800, 3 above; a surrogate pair (two units) makes 4.
    if (unit >= 0x80) bytes += unit >= 0x800 && (unit < 0xd800 || unit > 0xdfff) ? 2 : 1;
  }
  return bytes;
}
