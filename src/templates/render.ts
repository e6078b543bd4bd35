/**
 * Writes a built template as file text: YAML with its comments (the `yaml` package's
 * Document API, which keeps comments on nodes), or strict JSON (no comments; its
 * `description` says what it is). No `$schema` line: a generated file may live
 * anywhere, and a relative path to weft's schema would point at nothing.
 * @module
 */
import { Document, isMap, isScalar, isSeq, type Node, visit } from "yaml";
import type { Built, NotePath } from "./template.ts";

/** The two file formats a template can be written in. */
export type TemplateFormat = "yaml" | "json";

/** What the header names: the template and how the file was made. */
export interface RenderContext {
  /** The template id, named in the header. */
  template: string;
  /** The file being written, for the `weft run FILE` lines; undefined for stdout. */
  file?: string;
}

/**
 * The file text of `built` in `format`, ending with a newline. YAML gets the template's
 * comments, a header naming the template, and the commands to check and run the file.
 * @throws {Error} when a note's path names nothing in the workflow (a template bug).
 */
export function renderTemplate(built: Built, format: TemplateFormat, ctx: RenderContext): string {
  if (format === "json") return JSON.stringify(built.workflow, null, 2) + "\n";
  const doc = new Document(built.workflow);
  const file = ctx.file ?? "FILE";
  const header: string[] = [];
  for (const note of built.notes) {
    if (note.path.length === 0) header.push(note.text);
    else attach(doc, note.path, note.text);
  }
  header.push(
    `From the ${ctx.template} template (weft create --template ${ctx.template}).\n` +
      `  weft validate ${file}\n  weft run --dry-run ${file}\n  weft run ${file}`,
  );
  doc.commentBefore = header.map(asComment).join("\n\n");
  // Short lists of scalars (depends_on, tags, items) read best on one line.
  visit(doc, {
    Seq(_, seq) {
      const scalars = seq.items.every((item) =>
        isScalar(item) && !String(item.value).includes("\n")
      );
      if (scalars && JSON.stringify(seq.toJSON()).length <= 60) seq.flow = true;
    },
  });
  // lineWidth 0: never fold a long command over two lines.
  return doc.toString({ lineWidth: 0 });
}

/** Text as comment lines: one leading space, so `#` and the text are apart. */
function asComment(text: string): string {
  return text.split("\n").map((line) => (line ? ` ${line}` : "")).join("\n");
}

/**
 * Puts `text` on the lines above the node at `path`: above its key when the last step
 * is a map key, above its `- ` when it is a list position.
 */
function attach(doc: Document, path: NotePath, text: string): void {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  let target: Node | undefined;
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    if (pair && isScalar(pair.key)) target = pair.key;
  } else if (isSeq(parent) && typeof last === "number") {
    target = parent.items[last] as Node | undefined;
  }
  if (!target) throw new Error(`template note for ${path.join(".")} names nothing`);
  target.commentBefore = asComment(text);
  // A blank line before each commented part keeps the parts apart on the page (not
  // before a list's first item, where it would leave an indented empty line).
  if (last !== 0) target.spaceBefore = true;
}
