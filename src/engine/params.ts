/**
 * Run parameters: declared in the workflow (`params:`), given with `-p name=value`.
 * @module
 */
import { compileTemplate } from "../expr/mod.ts";
import { WeftError } from "../model/errors.ts";
import type { Workflow } from "../model/workflow.ts";

/**
 * Merges the given values over the declared defaults. Throws a {@link WeftError}
 * (exit 2) listing every parameter that is given but not declared, and every
 * required one that is missing. A declared parameter with no value is "".
 */
export function resolveParams(
  workflow: Workflow,
  given: Record<string, string>,
): Record<string, string> {
  const declared = workflow.params ?? {};
  const names = Object.keys(declared);
  const problems: { file: string; message: string; hint?: string }[] = [];
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(declared, name)) {
      problems.push({
        file: "",
        message: `unknown parameter "${name}"`,
        hint: names.length > 0
          ? `this workflow declares: ${names.join(", ")}`
          : "this workflow declares no params; add it under `params:` first",
      });
    }
  }
  const params: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = Object.hasOwn(given, name) ? given[name] : writtenDefault(spec.default);
    if (value === undefined && spec.required) {
      problems.push({
        file: "",
        message: `missing required parameter "${name}"${
          spec.description ? ` (${spec.description})` : ""
        }`,
        hint: `pass it with -p ${name}=VALUE`,
      });
    }
    params[name] = value ?? "";
  }
  if (problems.length > 0) throw new WeftError(problems);
  return params;
}

/**
 * A declared default as the run sees it: `$${` read as a literal `${`, as in every
 * template. `weft validate` refuses a `${...}` in a default (parse/expr_checks.ts), since
 * nothing resolves it; text that still holds one (not validated) is kept as written.
 */
function writtenDefault(text: string | undefined): string | undefined {
  if (text === undefined || !text.includes("$${")) return text;
  try {
    const template = compileTemplate(text);
    return template.references.length === 0 ? template.literals.join("") : text;
  } catch {
    return text; // a `${` that does not parse: refused by validate; never resolved here
  }
}
