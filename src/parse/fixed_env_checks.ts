/**
 * A value written in the file that reaches a place where the run always refuses it:
 * `N: "2 + 2"` in an `environment` block and `$(( ${env.N} * 2 ))` in a shell command
 * (only integers go where the shell evaluates arithmetic: expr/shell.ts), or `SUB: a/b`
 * and `cwd: work/${env.SUB}` (a value is one name in a path: expr/path.ts). The task's
 * environment is its own block over `defaults.environment` over the workflow's
 * (engine/expressions.ts; composites have none), and the workflow's lies over weft's own
 * and `--env`: so the value of `${env.NAME}` is certain when the nearest block setting
 * NAME writes it without `${`. The field is then rendered as the run renders it, each
 * other value standing in as `1`, and only a refusal at a certain `${env.NAME}` is kept.
 * A param default is not certain (`-p` replaces it): its refusal comes at run time.
 * @module
 */
import { ExpressionError, type Scope } from "../expr/mod.ts";
import { resolveQuoted } from "../model/data_text.ts";
import { isSecretLikeName } from "../model/secret_name.ts";
import { valueLabel } from "./describe.ts";
import { isObject, type RawObject } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";
import { compiled } from "./step_refusals.ts";

/** A problem before its file is added. */
type Found = { line: number; column: number; message: string; hint?: string };

/** Just `${env.NAME}` (blanks allowed inside the braces). */
const ENV_ONLY = /^\$\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}$/;

/** Whether the workflow's `secrets:` names `name`. */
function declaredSecret(data: unknown, name: string): boolean {
  return isObject(data) && Array.isArray(data.secrets) && data.secrets.includes(name);
}

/** Where a fixed value comes from, and the value. */
interface Fixed {
  value: string;
  where: string;
}

/** The value of `${env.NAME}` in `step` when the file fixes it, else undefined. */
function fixedEnv(data: unknown, step: RawObject, name: string): Fixed | undefined {
  const top = isObject(data) ? data : {};
  const defaults = isObject(top.defaults) ? top.defaults.environment : undefined;
  const blocks: [unknown, string][] = [
    [step.environment, "the task's environment"],
    [defaults, "defaults.environment"],
    [top.environment, "the workflow's environment, which --env does not change"],
  ];
  for (const [block, where] of blocks) {
    if (!isObject(block) || !Object.hasOwn(block, name)) continue;
    const value = block[name];
    // A number as YAML read it: only a whole one is surely written so (`3.10` reads 3.1).
    if (typeof value === "number" && Number.isSafeInteger(value)) {
      return { value: String(value), where };
    }
    if (typeof value !== "string" || value.includes("${")) return undefined;
    return { value, where };
  }
  return undefined;
}

/**
 * The refusals the run certainly makes of field `text` at `path` of `step`, rendered as
 * `render` does (a shell command: `shell`; a path: `glob` or not), one per field.
 */
export function fixedEnvProblems(
  text: string,
  path: PathSegment[],
  step: RawObject,
  render: "shell" | "path" | "glob",
  data: unknown,
  map: SourceMap,
): Found[] {
  if (!text.includes("${env.") && !/\$\{\s+env\./.test(text)) return [];
  const template = compiled(text, render === "shell");
  if (!template) return []; // the expression checks say why
  const known = new Map<number, { written: string; name: string; fixed: Fixed }>();
  const values = new Map<string, string>();
  for (const { start, end, raw } of template.spans) {
    const written = text.slice(start, end);
    const name = raw ? undefined : ENV_ONLY.exec(written)?.[1];
    const fixed = name === undefined ? undefined : fixedEnv(data, step, name);
    if (!fixed) continue;
    known.set(start, { written, name: name!, fixed });
    values.set(name!, fixed.value);
  }
  if (known.size === 0) return [];
  const scope: Scope = (root, p) =>
    root === "env" && p.length === 1 && values.has(p[0]) ? values.get(p[0])! : 1;
  try {
    if (render === "shell") template.renderShell(scope);
    else template.renderPath(scope, render === "glob");
    return [];
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    const at = known.get(e.offset);
    if (!at) return []; // another value's, which the file does not fix
    // A secret's value is masked here as in everything weft prints (engine/secrets.ts).
    const secret = isSecretLikeName(at.name) || declaredSecret(data, at.name);
    const shown = secret ? "***" : JSON.stringify(at.fixed.value);
    const mask = (quoted: string) => secret && quoted.length > 0 ? "***" : quoted;
    return [{
      ...map.inString(path, e.offset),
      message: `${valueLabel(data, path)}: ${resolveQuoted(e.message, mask)}`,
      hint: `${at.written} is ${shown}, set in ${at.fixed.where}` +
        (e.hint ? `; ${e.hint}` : ""),
    }];
  }
}
