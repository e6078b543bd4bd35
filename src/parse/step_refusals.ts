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
import { pushAll } from "../arrays.ts";
import {
  fieldsOf,
  type FieldSyntax,
  fieldTrouble,
  filledText,
  IMAGE,
  NETWORK,
  PORT,
  VOLUME,
} from "../model/docker_fields.ts";
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
 * that is empty or starts with `-`, a `context` that is empty, a tag that is empty, starts
 * with `-` (its text before the first `${...}` decides) or ends in `:` or `/` (its text
 * after the last `${...}` decides), a field of a `ports`
 * entry, a `volumes` entry, `network`, `image` or a tag that cannot be what it is
 * ({@link fieldProblems}).
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
  pushAll(problems, fieldProblems(config, path));
  if (!Array.isArray(config.tags)) return problems;
  config.tags.forEach((tag, i) => {
    const template = typeof tag === "string" ? compiled(tag) : undefined;
    if (!template) return;
    const last = template.literals.at(-1) ?? "";
    if (template.spans.length === 0 && last.trim() === "") {
      problems.push([[...path, "tags", i], 0, "a tag is empty", "write a tag such as myapp:1.0"]);
    } else if (
      template.literals[0].startsWith("-") && !reportedAt(problems, [...path, "tags", i])
    ) {
      problems.push([
        [...path, "tags", i],
        0,
        "a tag starts with `-`, which docker would read as an option",
        "write an image reference such as myapp:1.0 (it starts with a letter or digit)",
      ]);
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
 * True when `problems` has one at the start of `at` already: a tag's first field written
 * with a `${...}` elsewhere in the tag ({@link fieldProblems}).
 */
function reportedAt(problems: DockerProblem[], at: PathSegment[]): boolean {
  return problems.some(([path, offset]) =>
    offset === 0 && path.length === at.length && path.every((s, k) => s === at[k])
  );
}

/** The fields of docker arguments read in fields (model/docker_fields.ts), by key. */
const FIELDED: readonly [string, FieldSyntax][] = [
  ["volumes", VOLUME],
  ["ports", PORT],
  ["network", NETWORK],
  ["image", IMAGE],
  ["tags", IMAGE],
];

/** Every reference read as missing: a field without one renders as it always will. */
const NOTHING = () => null;

/**
 * The fields of `volumes`, `ports` and `tags` entries and of `network` and `image` that
 * are known before the run — written without `${...}`, or with only `${...}` of no reference (`${'a:b'}`) — and
 * cannot be that field (`localhost:8080:80`: docker takes only an IP there). A field
 * with a value is checked when the task runs (tasks/docker_argv.ts fieldedArg), as is
 * the whole entry given by one `${...}` (then taken as written).
 */
function fieldProblems(config: RawObject, path: PathSegment[]): DockerProblem[] {
  const problems: DockerProblem[] = [];
  for (const [key, syntax] of FIELDED) {
    const value = config[key];
    const entries: [PathSegment[], unknown][] = Array.isArray(value)
      ? value.map((entry, i) => [[...path, key, i], entry])
      : [[[...path, key], value]];
    for (const [at, entry] of entries) {
      const template = typeof entry === "string" ? compiled(entry) : undefined;
      if (!template || (syntax !== PORT && template.spans.length === 0)) continue;
      const text = template.source;
      for (const { start, end, rule } of fieldsOf(filledText(text, template.spans), syntax)) {
        const part = compiled(text.slice(start, end));
        if (!part || part.references.length > 0) continue;
        let resolved: string;
        try {
          resolved = part.render(NOTHING);
        } catch {
          continue; // reported by the expression checks (parse/constant_checks.ts)
        }
        const when = part.isLiteral ? "" : " once resolved";
        const trouble = fieldTrouble(syntax, rule, resolved, when);
        if (trouble === undefined) continue;
        problems.push([
          at,
          start,
          `${rule.name} ${JSON.stringify(resolved)} ${trouble}`,
          `write ${rule.holds} there`,
        ]);
      }
    }
  }
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
