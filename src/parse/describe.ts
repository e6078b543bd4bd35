/**
 * Words for where something is in a workflow: `task "build"`, `retry.attempts in task
 * "build"`, `trigger.config`. Messages name tasks by id, not by list index.
 * @module
 */
import type { PathSegment } from "./source_map.ts";

/** A path split into the task it is in (if any) and the field path inside that. */
export interface Place {
  /** `task "build"`, `task #2`, or "" outside tasks. */
  subject: string;
  /** `retry.attempts`, `tags[1]`, or "" for the task (or workflow) itself. */
  field: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `task "ID"`, or `task #N` when the task has no usable id. */
export function taskLabel(task: unknown, index: number): string {
  const id = isRecord(task) ? task.id : undefined;
  if (typeof id !== "string" || id === "") return `task #${index + 1}`;
  // An over-long id (itself a problem) would drown the message; its start names it well enough.
  return id.length > 40 ? `task "${id.slice(0, 32)}…"` : `task "${id}"`;
}

/** Splits `path` into the innermost task (top-level or parallel child) and the rest. */
export function place(data: unknown, path: readonly PathSegment[]): Place {
  let subject = "";
  let rest = path;
  let container: unknown = data;
  if (rest[0] === "tasks" && typeof rest[1] === "number") {
    const task = isRecord(container) && Array.isArray(container.tasks)
      ? container.tasks[rest[1]]
      : undefined;
    subject = taskLabel(task, rest[1]);
    container = task;
    rest = rest.slice(2);
    if (rest[0] === "tasks" && typeof rest[1] === "number") {
      const child = isRecord(container) && Array.isArray(container.tasks)
        ? container.tasks[rest[1]]
        : undefined;
      subject = taskLabel(child, rest[1]);
      rest = rest.slice(2);
    }
  }
  return { subject, field: formatPath(rest) };
}

/** `retry.attempts`, `tags[1]`, `headers["X-Id"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** The label for a value: `retry.attempts in task "build"`, `trigger.type`, `the workflow`. */
export function valueLabel(data: unknown, path: readonly PathSegment[]): string {
  const { subject, field } = place(data, path);
  if (subject && field) return `${field} in ${subject}`;
  return subject || field || "the workflow";
}

/** Where a key sits: ` in task "build"`, ` in retry of task "build"`, ` at the top level`. */
export function keyPlace(data: unknown, objectPath: readonly PathSegment[]): string {
  const { subject, field } = place(data, objectPath);
  if (subject && field) return ` in ${field} of ${subject}`;
  if (subject) return ` in ${subject}`;
  return field ? ` in ${field}` : " at the top level";
}

/** `a string`, `a number`, `a list`… for "got …" in messages. */
export function describeValue(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "boolean") return "a boolean";
  if (typeof value === "number") {
    // `1e400` (JSON and YAML) and YAML's `.inf` read as Infinity, `.nan` as NaN.
    if (Number.isNaN(value)) return "not-a-number (.nan)";
    if (!Number.isFinite(value)) {
      return `${value < 0 ? "minus " : ""}infinity (a number too large for a 64-bit float)`;
    }
    return Number.isInteger(value) ? "a number" : "a fractional number";
  }
  return `a ${typeof value}`;
}

/**
 * A hint for a value of the wrong kind that may not be what its writer meant: YAML's
 * no-value spellings, and numbers too large to hold (`expected`: zod's type name, when
 * the field wants one). Undefined for other values.
 */
export function valueHint(value: unknown, expected?: string): string | undefined {
  if (value === null) {
    return "`~`, `null` and nothing after the colon are no value in YAML (and null in JSON); " +
      'quote it ("~") for the text, or write the value';
  }
  // `id: .inf`: YAML's spelling of infinity where text is wanted.
  if (typeof value === "number" && !Number.isFinite(value) && expected === "string") {
    return "YAML reads `.inf`, `.nan` and numbers past 1.8e308 as numbers: quote it for the text";
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    return "write a finite number (a 64-bit float holds at most about 1.8e308)";
  }
  return undefined;
}

/** Words for a zod `expected` type name. */
export function describeExpected(expected: string): string {
  const words: Record<string, string> = {
    string: "a string",
    number: "a number",
    int: "a whole number",
    boolean: "a boolean",
    array: "a list",
    object: "an object",
    record: "an object",
    map: "an object",
    null: "null",
    nonoptional: "a value",
  };
  return words[expected] ?? `a ${expected}`;
}
