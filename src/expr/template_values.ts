/**
 * The values a credential's template reads, for masking them (notify/channels.ts).
 * @module
 */
import { compileTemplate } from "./template.ts";

/**
 * The values of the `${env.NAME}` and `${params.NAME}` inside `template` (a credential's
 * text), each interpolated on its own. Empty for a template that does not compile.
 */
export function referencedValues(
  template: string,
  interpolate: (text: string) => string,
): string[] {
  if (!template.includes("$")) return [];
  let compiled;
  try {
    compiled = compileTemplate(template);
  } catch {
    return [];
  }
  const values: string[] = [];
  for (const ref of compiled.references) {
    if ((ref.root !== "env" && ref.root !== "params") || ref.path.length !== 1) continue;
    values.push(interpolate(`\${${ref.root}.${ref.path[0]}}`));
  }
  return values;
}
