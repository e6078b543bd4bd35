/**
 * Some environment variables are read by a shell as code rather than data: bash runs
 * the file named by `BASH_ENV` when it starts, expanding the name first (`$(…)`
 * included); `ENV` is the same for an interactive POSIX sh (dash, bash as sh, ksh); the
 * prompts (`PS1`…`PS4`, zsh's `PROMPT`, `RPROMPT`, …) are expanded when shown, `PS4` at
 * each traced command (`set -x`), zsh's with `promptsubst`; bash runs `PROMPT_COMMAND`
 * before each prompt and defines a function from each `BASH_FUNC_…` it inherits. A
 * `${...}` in the value of such a name in an environment-like block (the workflow's
 * `environment`, `defaults.environment`, each task's and step's, a docker task's
 * `config.env` and `config.build_args`, which reach the container) would let a value
 * (a param, a task's output, …) run as code in any shell the task starts, against the
 * rule that an interpolated value is only data: refused at its `${`. A value written
 * literally stays allowed: it is the file's own code.
 * @module
 */
import { compileTemplate, ExpressionError } from "../expr/mod.ts";
import { PROMPT_STRING_NAME } from "../expr/shell_words.ts";
import type { Problem } from "../model/errors.ts";
import { valueLabel } from "./describe.ts";
import { eachEnvironment, isObject } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";
import { isLiteralText } from "./step_checks.ts";

/** Why a shell runs the value of `name` as code; undefined for a name it reads as data. */
export function shellCodeName(name: string): string | undefined {
  if (name === "BASH_ENV") {
    return "bash expands BASH_ENV when it starts, running any $(…) in it, and then runs " +
      "the file it names";
  }
  if (name === "ENV") {
    return "an interactive POSIX sh (dash, ksh, bash as sh) expands ENV when it starts, " +
      "running any $(…) in it, and then runs the file it names";
  }
  if (name === "PROMPT_COMMAND") return "bash runs PROMPT_COMMAND before each prompt";
  if (name.startsWith("BASH_FUNC_")) {
    return "bash imports an exported function from a name starting with BASH_FUNC_, " +
      "running its body when the function is called";
  }
  if (PROMPT_STRING_NAME.test(name)) {
    return `a shell expands ${name} as a prompt${
      name === "PS4" ? " before each command it traces (set -x)" : ""
    } (bash always, zsh with promptsubst), running any $(…) in it`;
  }
  return undefined;
}

/**
 * Every `${...}` in the value of a name a shell reads as code ({@link shellCodeName}), in
 * every environment-like block of the workflow, at its first `${`.
 */
export function shellEnvNameProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  if (!isObject(data)) return [];
  const problems: Problem[] = [];
  const check = (block: unknown, path: PathSegment[]) => {
    if (!isObject(block)) return;
    for (const [name, value] of Object.entries(block)) {
      if (typeof value !== "string" || isLiteralText(value)) continue;
      const why = shellCodeName(name);
      if (why === undefined) continue;
      const at = firstSubstitution(value);
      if (at === undefined) continue;
      const written = value.slice(at.start, at.end);
      const where = [...path, name];
      problems.push({
        file,
        ...map.inString(where, at.start),
        message: `${valueLabel(data, where)}: ${why}: ${written} here would run as code, ` +
          "not be passed as data",
        hint: name.startsWith("BASH_FUNC_")
          ? "define the function in the command, and pass the value under another name"
          : `pass the value under another name (VALUE: ${written}) for the command to read ` +
            `as data ("$VALUE"), or write the value of ${name} literally`,
      });
    }
  };
  eachEnvironment(data, (block, path, step) => {
    check(block, path);
    if (step?.type === "docker" && isObject(step.config)) {
      const stepPath = path.slice(0, -1);
      check(step.config.env, [...stepPath, "config", "env"]);
      check(step.config.build_args, [...stepPath, "config", "build_args"]);
    }
  });
  return problems;
}

/**
 * Where the first `${...}` of `text` is (a `$${` escape is literal text); undefined when
 * it has none, or when it does not compile (that is reported by the expression checks).
 */
function firstSubstitution(text: string): { start: number; end: number } | undefined {
  try {
    return compileTemplate(text).spans[0];
  } catch (e) {
    if (e instanceof ExpressionError) return undefined;
    throw e;
  }
}
