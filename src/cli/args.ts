/**
 * Flag values shared by verbs: repeatable `KEY=VALUE` flags (`-p`, `--env`),
 * and positive integers.
 * Every mistake is a {@link WeftError} with exit code 2 and a hint.
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Parses `KEY=VALUE` items into a map; the last occurrence of a key wins and the
 * value may contain `=`. A value holding U+FFFD is refused (exit 2): it stands for bytes
 * that were not UTF-8, which weft cannot pass on as given.
 * @example parseAssignments(["a=1", "b=x=y"], "--param") // { a: "1", b: "x=y" }
 */
export function parseAssignments(
  items: readonly string[],
  flag: "--param" | "--env",
): Record<string, string> {
  const names = flag === "--env" ? ENV_NAME : PARAM_NAME;
  const result: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    const key = eq < 0 ? item : item.slice(0, eq);
    if (eq < 0 || !names.test(key)) {
      const what = flag === "--env" ? "VAR=value" : "name=value";
      throw usageError(
        `${flag} ${JSON.stringify(item)}: expected ${what}`,
        flag === "--env"
          ? "variable names are letters, digits and _, e.g. --env DEPLOY_ENV=staging"
          : "e.g. -p env=staging (quote values with spaces: -p 'msg=hello world')",
      );
    }
    const value = item.slice(eq + 1);
    // Deno hands arguments over as UTF-8 text, a byte that is not UTF-8 as U+FFFD: the
    // task would get other bytes than those given, silently (as parse/read.ts for paths).
    if (value.includes("\uFFFD")) {
      throw usageError(
        `${flag} ${key}: the value is not valid UTF-8 (a byte that is not UTF-8 arrives as \uFFFD)`,
        "weft passes values as UTF-8 text; give it as UTF-8, or pass such bytes encoded " +
          "(e.g. base64, decoded by the task) or in a file the task reads",
      );
    }
    result[key] = value;
  }
  return result;
}

/** Parses a flag value that must be a whole number ≥ 1. */
export function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw usageError(
      `${flag} ${JSON.stringify(value)}: expected a whole number of 1 or more`,
      `e.g. ${flag} 4`,
    );
  }
  return n;
}

function usageError(message: string, hint?: string): WeftError {
  return new WeftError(message, { hint, exitCode: ExitCode.Invalid });
}
