/**
 * Flag values shared by verbs: repeatable `KEY=VALUE` flags (`-p`, `--env`),
 * and positive integers.
 * Every mistake is a {@link WeftError} with exit code 2 and a hint.
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";
import { envReads } from "../parse/env_layers.ts";
import { WEFT_VARIABLES } from "../model/weft_vars.ts";
import { PARAM_NAME_PATTERN } from "../model/task_id.ts";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

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
  const names = flag === "--env" ? ENV_NAME : PARAM_NAME_PATTERN;
  const result: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    const key = eq < 0 ? item : item.slice(0, eq);
    if (eq < 0 || !names.test(key)) {
      const what = flag === "--env" ? "VAR=value" : "name=value";
      // Only the name part is quoted: the value may be a secret (`--env 'DB PASSWORD=…'`),
      // and weft cannot tell which it is when the name is not one.
      const shown = eq < 0 ? JSON.stringify(item) : JSON.stringify(`${key}=…`);
      throw usageError(
        `${flag} ${shown}: expected ${what}`,
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
  if (/^\d+$/.test(value.trim()) && !Number.isSafeInteger(n)) {
    throw usageError(
      `${flag} ${
        JSON.stringify(value)
      }: more than weft counts (at most ${Number.MAX_SAFE_INTEGER})`,
      `e.g. ${flag} 4`,
    );
  }
  if (!/^\d+$/.test(value.trim()) || n < 1) {
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

/**
 * One warning line for each `--env` name a layer of the workflow sets over it (README:
 * weft's environment and `--env`, then the workflow's `environment`, then
 * `defaults.environment`, then a task's own): such a flag changes nothing for the tasks
 * that layer covers, which the flag's help ("add a variable to the tasks' environment")
 * does not say. Names the layer, or the tasks whose own `environment` sets it.
 */
export function overriddenEnvWarnings(
  extraEnv: Record<string, string>,
  workflow: {
    environment?: Record<string, string>;
    defaults?: { environment?: Record<string, string> };
    tasks: readonly { id: string; environment?: Record<string, string> }[];
  },
): string[] {
  const warnings: string[] = [];
  for (const name of Object.keys(extraEnv)) {
    // weft sets its own variables over every layer (model/weft_vars.ts).
    const why = WEFT_VARIABLES.has(name)
      ? ": weft sets it in each task's environment itself, over any value given"
      : overrides(workflow.environment, name)
      ? ": the workflow's `environment` sets it, over --env, for every task"
      : overrides(workflow.defaults?.environment, name)
      ? ": `defaults.environment` sets it, over --env, for every task"
      : taskLayer(name, workflow.tasks);
    if (why) warnings.push(`warning: --env ${name} has no effect${why}`);
  }
  return warnings;
}

/**
 * Whether a block sets `name` without reading it: `NODE_ENV: ${env.NODE_ENV}-x` reads the
 * layer below (README: a name that reads itself gets the layer below), so `--env` still
 * reaches the task through it (verifier N2).
 */
function overrides(block: Record<string, string> | undefined, name: string): boolean {
  return block !== undefined && Object.hasOwn(block, name) &&
    !envReads(block[name]).some((read) => read.name === name);
}

/** " in task a: its `environment` sets it, over --env" for the tasks that set `name`, or "". */
function taskLayer(
  name: string,
  tasks: readonly { id: string; environment?: Record<string, string> }[],
): string {
  const ids = tasks.filter((t) => overrides(t.environment, name))
    .map((t) => t.id);
  if (ids.length === 0) return "";
  const shown = ids.length > 5
    ? `${ids.slice(0, 5).join(", ")} and ${ids.length - 5} more`
    : ids.join(", ");
  return ids.length === 1
    ? ` in task ${shown}: its \`environment\` sets it, over --env`
    : ` in tasks ${shown}: their \`environment\` sets it, over --env`;
}
