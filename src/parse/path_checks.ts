/**
 * Shell spellings in fields weft reads as paths without a shell (template_fields.ts
 * PATH_FIELDS: `cwd`, `script`, a database `file`...): `~/x` and `$HOME/x` are taken as
 * written there, a folder named `~` or `$HOME` in the workflow's folder, so the run fails
 * ("does not exist"). `weft validate` says so at the character and names `${env.HOME}`,
 * as reference_trouble.ts does for `${HOME}` in such fields.
 * @module
 */
import { type FieldPattern, PATH_FIELDS } from "./template_fields.ts";
import type { PathSegment } from "./source_map.ts";
import { compiled } from "./step_refusals.ts";

/** Whether `rel` (a field's path inside its step) is a path field of step type `type`. */
export function isPathField(type: string, rel: readonly PathSegment[]): boolean {
  const matches = (pattern: FieldPattern) =>
    pattern.length === rel.length &&
    pattern.every((key, i) => key === "*" || key === String(rel[i]));
  // A connection's path follows its `sqlite:` scheme: the text does not start with it.
  if (rel[0] === "config" && rel[1] === "connection") return false;
  return [...PATH_FIELDS["*"], ...(PATH_FIELDS[type] ?? [])].some(matches);
}

/**
 * The first shell spelling in path `text` outside its `${...}`: a leading `~` or a
 * `$NAME`, with its offset and words; undefined when there is none.
 */
export function shellPathTrouble(
  text: string,
): { offset: number; message: string; hint: string } | undefined {
  if (!text.includes("~") && !text.includes("$")) return undefined;
  const spans = text.includes("${") ? compiled(text)?.spans : [];
  if (spans === undefined) return undefined; // the expression checks say why
  if (/^~(?:[/\\]|$|[A-Za-z_])/.test(text) && (spans[0]?.start ?? -1) !== 0) {
    return {
      offset: 0,
      message: `${JSON.stringify(text)} is taken as written: no shell reads this field, so ~ ` +
        "is a folder named ~ in the workflow's folder",
      hint: `write \${env.HOME}${text.slice(1).replace(/^(?=[^/])/, "/")} for a path in the ` +
        "home folder, or a path relative to the workflow file",
    };
  }
  let from = 0;
  for (const span of [...spans, { start: text.length, end: text.length }]) {
    const literal = text.slice(from, span.start);
    const m = /(?<!\$)\$([A-Za-z_][A-Za-z0-9_]*)/.exec(literal.replaceAll("$${", "\0\0\0"));
    if (m) {
      return {
        offset: from + m.index,
        message: `$${m[1]} is taken as written: no shell reads this field`,
        hint: `write \${env.${m[1]}} for the value of ${m[1]} in weft's environment`,
      };
    }
    from = span.end;
  }
  return undefined;
}
