/**
 * The words of schema problems: unknown keys with "did you mean", unknown task types,
 * values outside an enum, sizes. Each returns a draft problem; schema_issues.ts decides
 * which drafts to keep and positions them.
 * @module
 */
import { COMPOSITE_TYPES } from "../model/task.ts";
import { REFUSED_TYPES } from "./workflow_task_env.ts";
import type { z } from "zod";
import { describeValue, keyPlace, place } from "./describe.ts";
import { allowedKeys, describeSchema, schemaAt, unionVariants, valueAt } from "./schema_walk.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";
import { didYouMean, listWords } from "./suggest.ts";

/** One zod issue. */
export type Issue = z.core.$ZodIssue;

/** What the conversion needs to know about the file. */
export interface IssueContext {
  schema: z.ZodType;
  data: unknown;
  map: SourceMap;
  file: string;
}

/** A problem before positioning, with what suppression needs to know. */
export interface Draft {
  path: PathSegment[];
  at: "key" | "value" | "container";
  message: string;
  hint?: string;
  /** For a problem about a key that is not there: the object's path and the key. */
  missing?: { object: PathSegment[]; key: string };
  /** For an unknown key: the key it probably stands for, or "variant" when it belongs to another type. */
  standsFor?: string;
  /**
   * For a number's limit (too_big/too_small): which side and the limit. zod reports each
   * limit a value breaks (an integer's own, 2^53-1, and the field's `max`): only the
   * tightest is the field's.
   */
  bound?: { side: "max" | "min"; limit: number };
}

/** Whether zod wrote the message (we reword those) rather than the schema. */
export function isDefaultMessage(message: string): boolean {
  return /^(Invalid|Too small|Too big|Expected)/.test(message);
}

/** `needs at least 1 item`, `must be at least 1`… for too_small/too_big. */
export function sizeMessage(issue: Issue & { code: "too_small" | "too_big" }): string {
  if (!isDefaultMessage(issue.message)) return issue.message;
  const small = issue.code === "too_small";
  const bound = Number(
    small ? (issue as { minimum: unknown }).minimum : (issue as { maximum: unknown }).maximum,
  );
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case "array":
      return `needs ${small ? "at least" : "at most"} ${bound} item${bound === 1 ? "" : "s"}`;
    case "string":
      if (small && bound === 1) return "must not be empty";
      return `needs ${small ? "at least" : "at most"} ${bound} characters`;
    default:
      if (small) return inclusive ? `must be at least ${bound}` : `must be more than ${bound}`;
      return inclusive ? `must be at most ${bound}` : `must be less than ${bound}`;
  }
}

/** Keys of a GitHub Actions job or step, by the key weft has for them. */
const GITHUB_KEYS: Readonly<Record<string, string>> = {
  needs: "depends_on",
  if: "condition",
  run: "command",
  env: "environment",
  "working-directory": "cwd",
  "continue-on-error": "continue_on_error",
};

/** Where a composite's steps are written, by its type: where a step's key belongs. */
const COMPOSITE_STEP: Readonly<Record<string, string>> = {
  loop: "in the loop's `task` (it applies to each iteration)",
  parallel: "on each child under `tasks`",
  conditional: "in the `then` (and `else`) step",
};

/** An unknown key, with the key it probably stands for or the task type it belongs to. */
export function unknownKey(object: PathSegment[], key: string, ctx: IssueContext): Draft {
  const allowed = allowedKeys(ctx.schema, ctx.data, object);
  const draft: Draft = {
    path: [...object, key],
    at: "key",
    message: `unknown key "${key}"${keyPlace(ctx.data, object)}`,
  };
  // A key of this task's `config` written beside it: the seed nests a database task's
  // `connection` (and an http task's settings may be either place), so say where it goes.
  // First: a docker task's `env:` is its config's, not GitHub Actions' `env:` (environment).
  if (
    allowed.includes("config") &&
    allowedKeys(ctx.schema, ctx.data, [...object, "config"]).includes(key)
  ) {
    draft.hint = `"${key}" goes under config: (config: {${key}: ...})`;
    draft.standsFor = "config"; // explains the missing config
    return draft;
  }
  // GitHub Actions' words for keys weft names otherwise (`needs:`, `if:`).
  const github = Object.hasOwn(GITHUB_KEYS, key) && allowed.includes(GITHUB_KEYS[key])
    ? GITHUB_KEYS[key]
    : undefined;
  const near = github !== undefined
    ? `did you mean "${github}"? (GitHub Actions' ${key}:)`
    : didYouMean(key, allowed);
  if (near) {
    draft.hint = near;
    draft.standsFor = github ?? near.slice('did you mean "'.length, -2);
    return draft;
  }
  // A key that belongs to another task type: the `type` is what is wrong.
  const variants = unionVariants(ctx.schema, ctx.data, object);
  if (variants) {
    const owners = variants.tags.filter((tag) =>
      variants.keysByTag.get(tag)?.includes(key) && !REFUSED_TYPES[key]?.includes(tag)
    );
    const type = String((valueAt(ctx.data, object) as { type?: unknown } | undefined)?.type);
    const step = COMPOSITE_STEP[type];
    if (owners.length > 0 && step && variants.discriminator === "type") {
      // A composite runs steps: what a step takes goes there, not on the composite.
      draft.hint = `"${key}" is a key of the steps a ${type} runs: put it ${step}`;
      draft.standsFor = "variant";
      return draft;
    }
    if (owners.length > 0) {
      const kind = place(ctx.data, object).subject ? " tasks" : "";
      draft.hint = `"${key}" belongs to ${
        listWords(owners)
      }${kind}: set ${variants.discriminator}: ${owners[0]}`;
      draft.standsFor = "variant";
      return draft;
    }
  }
  if (allowed.length > 0) draft.hint = `allowed here: ${allowed.join(", ")}`;
  return draft;
}

const STEP_FIELDS = ["then", "else", "task"];

/** A `type` no variant has: `unknown task type "htp"`. */
export function badDiscriminator(path: PathSegment[], value: unknown, ctx: IssueContext): Draft {
  const object = path.slice(0, -1);
  const variants = unionVariants(ctx.schema, ctx.data, object);
  const tags = variants?.tags ?? [];
  const key = String(path[path.length - 1]);
  const { subject, field } = place(ctx.data, object);
  // then/else/loop steps are tasks too; `processor type` and the like name their field.
  const step = subject && (field === "" || STEP_FIELDS.includes(field));
  const what = step ? "task type" : field ? `${field} ${key}` : key;
  const where = subject ? ` in ${field && step ? `${field} of ` : ""}${subject}` : "";
  if (typeof value !== "string") {
    return {
      path,
      at: "value",
      message: `${what}${where} must be one of ${listWords(tags)}, got ${describeValue(value)}`,
    };
  }
  // A known type a step cannot have: a composite inside a composite.
  if (step && (COMPOSITE_TYPES as readonly string[]).includes(value) && !tags.includes(value)) {
    const an = /^[aeiou]/.test(value) ? "an" : "a";
    return {
      path,
      at: "value",
      message: `a step cannot be ${an} ${value}${where}: composite tasks do not nest`,
      hint: `steps are of type ${listWords(tags)}; make the ${value} a top-level task ` +
        "(depends_on orders it), or call a workflow file that holds it (type: workflow)",
    };
  }
  return {
    path,
    at: "value",
    message: `unknown ${what} "${value}"${where}`,
    hint: didYouMean(value, tags) ?? `choose one of ${listWords(tags)}`,
  };
}

/** A value outside an enum or literal: `"a|b" is not one of a, b`. */
export function badValue(
  path: PathSegment[],
  value: unknown,
  label: string,
  values: readonly unknown[],
): Draft {
  const shown = JSON.stringify(value) ?? describeValue(value);
  if (values.length === 1) {
    return {
      path,
      at: "value",
      message: `${label}: expected ${JSON.stringify(values[0])}, got ${shown}`,
    };
  }
  const words = values.map(String);
  // The seed writes choices as "a|b|c"; suggest no single one of them.
  const near = typeof value === "string" && !value.includes("|")
    ? didYouMean(value, words)
    : undefined;
  return {
    path,
    at: "value",
    message: `${label}: ${shown} is not one of ${words.join(", ")}`,
    hint: near ?? "choose one",
  };
}

/** The duration rule as a hint, when the field at `path` is a duration. */
export function durationHint(path: PathSegment[], ctx: IssueContext): string | undefined {
  const description = describeSchema(schemaAt(ctx.schema, ctx.data, path));
  if (!description?.startsWith("Duration")) return undefined;
  return `a duration is a number or a string with a unit: "500ms", "30s", "5m", "1h"`;
}
