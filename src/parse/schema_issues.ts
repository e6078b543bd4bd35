/**
 * From zod issues to problems people can act on: positioned at the key or value
 * in question, phrased in the workflow's own words, with "did you mean" hints, and
 * without the noise unions produce (one problem per real problem).
 * @module
 */
import type { Problem } from "../model/errors.ts";
import { describeExpected, describeValue, keyPlace, valueHint, valueLabel } from "./describe.ts";
import {
  badDiscriminator,
  badValue,
  type Draft,
  durationHint,
  isDefaultMessage,
  type Issue,
  type IssueContext,
  sizeMessage,
  unknownKey,
} from "./issue_messages.ts";
import { valueAt } from "./schema_walk.ts";
import type { PathSegment } from "./source_map.ts";
import { listWords } from "./suggest.ts";
import { quotedForYaml } from "./yaml_hints.ts";
import { type BooleanTextTrouble, booleanTextTrouble } from "./boolean_text.ts";
import { joinedTaskIds } from "../model/task_id.ts";
import { ID_LIST_FIELDS, taskIdDraft, validShape } from "./task_id_issues.ts";

export type { IssueContext } from "./issue_messages.ts";

/** Converts zod issues to positioned problems. */
export function schemaProblems(issues: readonly Issue[], ctx: IssueContext): Problem[] {
  const drafts: Draft[] = [];
  for (const issue of issues) convert(issue, [], ctx, drafts);
  return tightestBounds(suppressEchoes(drafts)).map((d) => position(d, ctx));
}

/**
 * Of the limits one number breaks, only the tightest: `attempts: 99999999999999999999`
 * breaks both an integer's (2^53-1) and the field's (100), and only 100 is the answer.
 */
function tightestBounds(drafts: Draft[]): Draft[] {
  const tightest = new Map<string, number>();
  const keyOf = (d: Draft) => `${JSON.stringify(d.path)}\0${d.bound!.side}`;
  for (const d of drafts) {
    if (!d.bound) continue;
    const key = keyOf(d);
    const seen = tightest.get(key);
    const { side, limit } = d.bound;
    if (seen === undefined || (side === "max" ? limit < seen : limit > seen)) {
      tightest.set(key, limit);
    }
  }
  return drafts.filter((d) => !d.bound || tightest.get(keyOf(d)) === d.bound.limit);
}

function position(draft: Draft, ctx: IssueContext): Problem {
  const at = draft.at === "key"
    ? ctx.map.key(draft.path)
    : draft.at === "container"
    ? ctx.map.container(draft.path)
    : ctx.map.value(draft.path);
  return { file: ctx.file, ...at, message: draft.message, hint: draft.hint };
}

/**
 * A misspelt key makes zod report the key as unknown and the real key as missing; a
 * key of another task type does too. Keep only the unknown key.
 */
function suppressEchoes(drafts: Draft[]): Draft[] {
  const explained = new Set<string>();
  for (const d of drafts) {
    if (d.standsFor) explained.add(`${JSON.stringify(d.path.slice(0, -1))}\0${d.standsFor}`);
  }
  const seen = new Set<string>();
  return drafts.filter((d) => {
    if (d.missing) {
      const object = JSON.stringify(d.missing.object);
      if (explained.has(`${object}\0${d.missing.key}`) || explained.has(`${object}\0variant`)) {
        return false;
      }
    }
    const key = `${JSON.stringify(d.path)}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function convert(issue: Issue, prefix: PathSegment[], ctx: IssueContext, out: Draft[]): void {
  const before = out.length;
  convertOne(issue, prefix, ctx, out);
  // A problem about an absent key (say, a refinement that requires it) is explained by
  // a misspelt key in the same object; mark it so suppressEchoes can drop it.
  for (const draft of out.slice(before)) {
    if (draft.missing || draft.path.length === 0) continue;
    const object = draft.path.slice(0, -1);
    if (valueAt(ctx.data, draft.path) !== undefined || valueAt(ctx.data, object) === undefined) {
      continue;
    }
    draft.missing = { object, key: String(draft.path[draft.path.length - 1]) };
  }
}

/** `channel: #deployments`: the value was read as a comment, so there is none. */
function commentHint(value: unknown, path: PathSegment[], ctx: IssueContext): string | undefined {
  if (value !== null || path.length === 0) return undefined;
  const comment = ctx.map.commentAfterKey(path);
  if (comment === undefined) return undefined;
  return `\` #\` starts a comment in YAML, so nothing is left for the value: quote it ` +
    `(${String(path[path.length - 1])}: ${quotedForYaml(comment)})`;
}

function convertOne(issue: Issue, prefix: PathSegment[], ctx: IssueContext, out: Draft[]): void {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  const value = valueAt(ctx.data, path);
  const label = valueLabel(ctx.data, path);
  const hint = customHint(issue);
  switch (issue.code) {
    case "unrecognized_keys":
      for (const key of issue.keys) out.push(unknownKey(path, key, ctx));
      return;
    case "invalid_union":
      if (issue.errors.length === 0) out.push(badDiscriminator(path, value, ctx));
      else convertUnion(issue.errors, path, value, label, ctx, out);
      return;
    case "invalid_type":
      if (value === undefined && path.length > 0) {
        const key = String(path[path.length - 1]);
        const object = path.slice(0, -1);
        out.push({
          path: object,
          at: "container",
          message: `missing key "${key}"${keyPlace(ctx.data, object)}`,
          hint: hint ?? `add "${key}": ${describeExpected(issue.expected)}`,
          missing: { object, key },
        });
      } else {
        const text = textForBoolean([issue.expected], value, path, ctx);
        out.push({
          path,
          at: "value",
          message: `${label}: expected ${describeExpected(issue.expected)}, got ${
            text?.got ?? describeValue(value)
          }`,
          hint: hint ?? text?.hint ?? durationHint(path, ctx) ?? commentHint(value, path, ctx) ??
            valueHint(value, issue.expected),
        });
      }
      return;
    case "invalid_value":
      out.push(badValue(path, value, label, issue.values));
      return;
    case "too_small":
    case "too_big":
      out.push({
        path,
        at: "value",
        message: `${label}: ${sizeMessage(issue)}`,
        hint,
        ...(issue.origin !== "array" && issue.origin !== "string" && {
          bound: {
            side: issue.code === "too_big" ? "max" : "min",
            limit: Number(
              issue.code === "too_big"
                ? (issue as { maximum: unknown }).maximum
                : (issue as { minimum: unknown }).minimum,
            ),
          },
        }),
      });
      return;
    case "invalid_key": {
      const name = String(path[path.length - 1]);
      const inner = issue.issues[0]?.message;
      // zod's own words are a regex ("must match pattern /^[A-Za-z_]…/"): say it plainly.
      const own = inner !== undefined && !isDefaultMessage(inner);
      const object = valueLabel(ctx.data, path.slice(0, -1));
      const fixed = validShape(name);
      // A spelling another key of the object has is no way out: not proposed.
      const owner = valueAt(ctx.data, path.slice(0, -1));
      const taken = typeof owner === "object" && owner !== null && Object.hasOwn(owner, fixed);
      out.push({
        path,
        at: "key",
        message: `${object}: invalid name "${name}": ${
          own ? inner : "a name starts with a letter or _ and holds letters, digits, _ and -"
        }`,
        hint: hint ??
          (own
            ? undefined
            : fixed === "" || taken
            ? "rename it: a letter or _ first, then letters, digits, _ or -"
            : `rename it, e.g. "${fixed}"`),
      });
      return;
    }
    case "invalid_format":
      out.push(
        joinedIdList(path, value, label) ?? taskIdDraft(issue, path, value, label, ctx.data) ?? {
          path,
          at: "value",
          message: isDefaultMessage(issue.message)
            ? `${label}: ${JSON.stringify(value)} is not a valid ${issue.format}`
            : `${label}: ${issue.message}`,
          hint,
        },
      );
      return;
    default:
      out.push(
        taskIdDraft(issue, path, value, label, ctx.data) ??
          { path, at: "value", message: `${label}: ${issue.message}`, hint },
      );
  }
}

/** `depends_on: a, b`: several ids in one text, where a list was meant. */
function joinedIdList(path: PathSegment[], value: unknown, label: string): Draft | undefined {
  const field = path.findLast((p) => typeof p === "string");
  if (typeof value !== "string" || !ID_LIST_FIELDS.has(String(field))) return undefined;
  const ids = joinedTaskIds(value);
  if (ids === undefined) return undefined;
  return {
    path,
    at: "value",
    message: `${label}: ${JSON.stringify(value)} names ${ids.length} tasks in one text`,
    hint: `write a list: ${String(field)}: [${ids.join(", ")}]`,
  };
}

/**
 * Text in a field that takes a boolean (`kinds`: zod's type names or their words, one of
 * which is boolean): the text quoted, and what to write (boolean_text.ts: `yes`, `on`…
 * are YAML 1.1's booleans, text in YAML 1.2). Every boolean field comes through here.
 */
function textForBoolean(
  kinds: readonly string[],
  value: unknown,
  path: PathSegment[],
  ctx: IssueContext,
): BooleanTextTrouble | undefined {
  if (typeof value !== "string") return undefined;
  if (!kinds.some((k) => k === "boolean" || k === describeExpected("boolean"))) return undefined;
  return booleanTextTrouble(value, ctx.map.quoted(path));
}

function customHint(issue: Issue): string | undefined {
  const params = (issue as { params?: { hint?: unknown } }).params;
  return typeof params?.hint === "string" ? params.hint : undefined;
}

/** Root-level type mismatch of a union branch: the value is not of that branch's kind. */
function isKindMismatch(issue: Issue): boolean {
  if (issue.path.length !== 0) return false;
  if (issue.code === "invalid_type") return true;
  return issue.code === "invalid_union" && issue.errors.length > 0 &&
    issue.errors.every((branch) => branch.some(isKindMismatch));
}

function expectedKinds(issues: readonly Issue[]): string[] {
  const kinds: string[] = [];
  for (const issue of issues) {
    if (issue.path.length !== 0) continue;
    if (issue.code === "invalid_type") kinds.push(describeExpected(issue.expected));
    if (issue.code === "invalid_union") {
      for (const b of issue.errors) kinds.push(...expectedKinds(b));
    }
  }
  return kinds;
}

function convertUnion(
  branches: readonly (readonly Issue[])[],
  path: PathSegment[],
  value: unknown,
  label: string,
  ctx: IssueContext,
  out: Draft[],
): void {
  const fitting = branches.filter((branch) => !branch.some(isKindMismatch));
  if (fitting.length === 0) {
    const kinds = [...new Set(branches.flatMap(expectedKinds))];
    const text = textForBoolean(kinds, value, path, ctx);
    out.push({
      path,
      at: "value",
      message: `${label}: expected ${listWords(kinds)}, got ${text?.got ?? describeValue(value)}`,
      hint: text?.hint ?? durationHint(path, ctx) ?? valueHint(value),
    });
    return;
  }
  // Several branches fit the value's kind (objects of different shapes): take the
  // one it is closest to — fewest problems, literal tags weighing most, shared keys least.
  const keys = value && typeof value === "object" ? Object.keys(value) : [];
  const score = (branch: readonly Issue[]) => {
    let total = 0;
    const unknown = new Set<string>();
    for (const issue of branch) {
      if (issue.code === "unrecognized_keys") issue.keys.forEach((k) => unknown.add(k));
      else total += issue.code === "invalid_value" ? 5 : 1;
    }
    return total + unknown.size - 2 * keys.filter((k) => !unknown.has(k)).length;
  };
  const best = fitting.reduce((a, b) => (score(b) < score(a) ? b : a));
  for (const issue of best) convert(issue, path, ctx, out);
}
