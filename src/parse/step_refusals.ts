/**
 * Refusals of the docker and javascript runners, and the statement count of a database
 * `query`, that the written text decides whatever its `${...}` values are: found by
 * `weft validate` (step_checks.ts) instead of the run.
 * @module
 */
import {
  type CompiledTemplate,
  compileShellTemplate,
  compileTemplate,
  ExpressionError,
} from "../expr/mod.ts";
import type { RawObject } from "./raw.ts";
import type { PathSegment } from "./source_map.ts";

/** The body of an `async function`: how tasks/js_host.ts evaluates a javascript task's code. */
const AsyncFunction = (async function () {}).constructor as new (...src: string[]) => unknown;
/** An `import … from "x"` / `import "x"` at the start of a line (not `import(`, `import.meta`). */
const STATIC_IMPORT = /^[ \t]*import\s*(?:["'{*]|[A-Za-z_$][\w$]*\s*(?:,|from\b))/m;

/**
 * The offset of the static `import` that makes js_host.ts refuse inline `code`, or -1.
 * The code is only compiled (never run) to learn whether the refusal would happen, so
 * text in a string or comment that merely looks like an import is not reported.
 */
export function staticImportAt(code: string): number {
  const match = STATIC_IMPORT.exec(code);
  if (!match) return -1;
  try {
    new AsyncFunction(code.startsWith("#!") ? "//" + code.slice(2) : code);
    return -1;
  } catch (error) {
    if (!(error instanceof SyntaxError) || !/import statement/i.test(error.message)) return -1;
    return match.index + match[0].length - match[0].trimStart().length;
  }
}

/**
 * Text standing for what `template` renders to, each `${...}` replaced by as many `x`
 * as it is long, so offsets in it are offsets in the source; a value can neither open
 * a string nor end a statement here (SQL values are bound, not pasted).
 */
export function filled(template: CompiledTemplate): string {
  let text = template.source;
  for (const { start, end } of template.spans) {
    text = text.slice(0, start) + "x".repeat(end - start) + text.slice(end);
  }
  return text;
}

export type DockerProblem = [PathSegment[], number, string, string];

/**
 * What tasks/docker_argv.ts would refuse whatever the `${...}` values are: an `image`
 * that is empty or starts with `-`, a `context` that is empty, a tag that is empty or
 * ends in `:` or `/` (its text after the last `${...}` decides).
 */
export function dockerProblems(config: RawObject, path: PathSegment[]): DockerProblem[] {
  const problems: DockerProblem[] = [];
  const image = typeof config.image === "string" ? compiled(config.image) : undefined;
  if (image && image.spans.length === 0 && image.literals.join("").trim() === "") {
    problems.push([[...path, "image"], 0, "`image` is empty", "name the image to run (alpine:3)"]);
  } else if (image?.literals[0].startsWith("-")) {
    problems.push([
      [...path, "image"],
      0,
      "`image` starts with `-`, which docker would read as an option",
      "name the image to run (alpine:3); options of `docker run` are not supported here",
    ]);
  }
  const context = typeof config.context === "string" ? compiled(config.context) : undefined;
  if (context && context.spans.length === 0 && context.literals.join("") === "") {
    problems.push([
      [...path, "context"],
      0,
      "`context` is empty",
      "give the build context folder (`.` for the workflow file's folder), or leave `context` out",
    ]);
  }
  if (!Array.isArray(config.tags)) return problems;
  config.tags.forEach((tag, i) => {
    const template = typeof tag === "string" ? compiled(tag) : undefined;
    if (!template) return;
    const last = template.literals.at(-1) ?? "";
    if (template.spans.length === 0 && last.trim() === "") {
      problems.push([[...path, "tags", i], 0, "a tag is empty", "write a tag such as myapp:1.0"]);
    } else if (/[:/]$/.test(last)) {
      problems.push([
        [...path, "tags", i],
        (tag as string).length - 1,
        `a tag ends in ${JSON.stringify(last.at(-1))}`,
        "finish the tag (myapp:1.0, myapp:${params.version}) or leave the suffix out",
      ]);
    }
  });
  return problems;
}

/**
 * `text` compiled (as a shell command when `shell`: expr/template.ts compileShellTemplate),
 * or undefined when it does not compile (the expression checks say why).
 */
export function compiled(text: string, shell = false): CompiledTemplate | undefined {
  try {
    return shell ? compileShellTemplate(text) : compileTemplate(text);
  } catch (e) {
    if (e instanceof ExpressionError) return undefined; // reported by the expression checks
    throw e;
  }
}
