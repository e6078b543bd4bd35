/**
 * `${...}` in a trigger's `config`. The daemon reads the config as written, except
 * `secret`, whose `${env.NAME}` it resolves from its own environment when it loads the
 * file (engine/start_secrets.ts resolveTriggerSecret), so the secret stays out of the
 * committed file as every other credential does. Anywhere else (the webhook path, globs,
 * params, name, …) a `${...}` would stay literal text: refused at its place, as a param
 * default's is.
 * @module
 */
import { compileTemplate, ExpressionError } from "../expr/mod.ts";
import type { Problem } from "../model/errors.ts";
import { valueLabel } from "./describe.ts";
import { isObject } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";

/** Every `${...}` in a trigger's config that would not be resolved, at its place. */
export function triggerTemplateProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  if (!isObject(data)) return [];
  const problems: Problem[] = [];
  const triggers: [unknown, PathSegment[]][] = [];
  if (data.trigger !== undefined) triggers.push([data.trigger, ["trigger"]]);
  if (Array.isArray(data.triggers)) {
    data.triggers.forEach((t, i) => triggers.push([t, ["triggers", i]]));
  }
  for (const [trigger, path] of triggers) {
    if (!isObject(trigger) || !isObject(trigger.config)) continue;
    walk(trigger.config, [...path, "config"], (text, at) => {
      const secret = at[at.length - 1] === "secret" && at.length === path.length + 2;
      const problem = templateProblem(data, text, at, secret);
      if (problem) problems.push({ file, ...map.inString(at, problem.offset), ...problem.text });
    });
  }
  return problems;
}

function walk(value: unknown, path: PathSegment[], visit: (s: string, p: PathSegment[]) => void) {
  if (typeof value === "string") visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i], visit));
  else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) walk(v, [...path, key], visit);
  }
}

function templateProblem(
  data: unknown,
  text: string,
  path: PathSegment[],
  secret: boolean,
): { offset: number; text: { message: string; hint?: string } } | undefined {
  if (!text.includes("$")) return undefined;
  const label = valueLabel(data, path);
  let refs;
  try {
    refs = compileTemplate(text).references;
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    return { offset: e.offset, text: { message: `${label}: ${e.message}`, hint: e.hint } };
  }
  const bad = secret ? refs.find((r) => r.root !== "env" || r.path.length !== 1) : refs[0];
  if (!bad) return undefined;
  const written = text.slice(bad.offset, bad.offset + bad.length);
  if (secret) {
    return {
      offset: bad.offset,
      text: {
        message: `${label}: a trigger's secret reads only \${env.NAME}: ${written} is not known ` +
          `when the daemon loads the file`,
        hint:
          "write secret: ${env.WEBHOOK_SECRET} and set WEBHOOK_SECRET in the daemon's environment",
      },
    };
  }
  return {
    offset: bad.offset,
    text: {
      message: `${label}: a trigger's config is taken as written: ${written} would not be resolved`,
      hint: path.includes("params")
        ? `use ${written} in the fields of the task that needs it, or write $\${ for a literal \${`
        : `write the value itself (only config.secret reads \${env.NAME}), or $\${ for a literal \${`,
    },
  };
}
