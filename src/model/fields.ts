/**
 * Reusable zod field types shared by the workflow schema and the task-type configs.
 * @module
 */
import { z } from "zod";
import { type BareUnit, parseDuration } from "./duration.ts";

/** What a bare number means, per unit, for hints. */
const BARE_WORDS: Record<BareUnit, string> = { s: "seconds", ms: "milliseconds" };

/** The strings `parseDuration` accepts, for editors (JSON Schema `pattern` applies to strings). */
const DURATION_PATTERN = "^\\s*(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(ms|s|m|h|d))+)\\s*$";

function buildDuration(bare: BareUnit) {
  return z.union([z.number(), z.string()])
    .transform((value, ctx) => {
      const ms = parseDuration(value, bare);
      if (ms === undefined) {
        ctx.addIssue({
          code: "custom",
          message: `invalid duration ${JSON.stringify(value)}`,
          // The parser turns params.hint into the problem's hint line.
          params: {
            hint:
              `write a string with a unit ("500ms", "30s", "5m", "1h", "1h30m") or a number of ${
                BARE_WORDS[bare]
              }`,
          },
        });
        return z.NEVER;
      }
      return ms;
    })
    .meta({
      id: bare === "s" ? "DurationSeconds" : "DurationMilliseconds",
      description: `Duration: a string with a unit (500ms, 30s, 5m, 1h) or a bare number of ${
        BARE_WORDS[bare]
      }`,
      pattern: DURATION_PATTERN,
      minimum: 0,
    });
}

const DURATIONS = { s: buildDuration("s"), ms: buildDuration("ms") };

/**
 * A duration field that parses to milliseconds. A bare number means `bare` units
 * (seconds for timeouts, milliseconds for retry delays); see duration.ts.
 */
export function duration(bare: BareUnit): (typeof DURATIONS)[BareUnit] {
  return DURATIONS[bare];
}

/** An environment map; numbers and booleans are turned into strings. */
export const envMap = z.record(
  z.string().regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    "environment variable names are letters, digits and _",
  ),
  z.union([z.string(), z.number(), z.boolean()]).transform(String),
).meta({ id: "Environment", description: "Environment variables: NAME: value" });

/**
 * The longest task id, in characters. Ids name history records, log files and
 * environment values; 128 keeps every such name far below the limits of the store
 * (2 KiB keys) and of file systems (255-byte names), whatever is added around it.
 */
export const MAX_TASK_ID_LENGTH = 128;

/** A task id: letters, digits, `_` and `-`, starting with a letter or `_`; at most 128 characters. */
export const taskId = z.string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_-]*$/,
    "task ids use letters, digits, '_' and '-', and start with a letter or '_'",
  )
  .superRefine((id, ctx) => {
    if (id.length <= MAX_TASK_ID_LENGTH) return;
    ctx.addIssue({
      code: "custom",
      message: `task ids are at most ${MAX_TASK_ID_LENGTH} characters, this one has ${id.length}`,
      params: { hint: "shorten the id; a longer label can go in `name`" },
    });
  })
  .meta({ id: "TaskId", maxLength: MAX_TASK_ID_LENGTH });

/**
 * The HTTP methods an http task may use: those of RFC 9110 §9 that fetch can send
 * (it refuses CONNECT and TRACE), and PATCH (RFC 5789). Written in any case, read in
 * upper case.
 */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** An HTTP method, upper-cased; one of {@link HTTP_METHODS}. */
export const httpMethod = z.string()
  .transform((m) => m.toUpperCase())
  .superRefine((method, ctx) => {
    if ((HTTP_METHODS as readonly string[]).includes(method)) return;
    ctx.addIssue({
      code: "custom",
      message: `${JSON.stringify(method)} is not an HTTP method weft can send`,
      params: { hint: `use one of ${HTTP_METHODS.join(", ")}` },
    });
  })
  .meta({
    id: "HttpMethod",
    description: `One of ${HTTP_METHODS.join(", ")} (any case)`,
    // Case-insensitive without regex flags, which JSON Schema patterns cannot carry.
    pattern: `^(${
      HTTP_METHODS.map((m) => [...m].map((c) => `[${c}${c.toLowerCase()}]`).join("")).join("|")
    })$`,
  });

/** One task id or a list of them (`depends_on`, `on_success`, `on_failure`), read as a list. */
export const taskIdList = oneOrMany(taskId).meta({
  id: "TaskIdList",
  description: "A task id or a list of task ids",
});

/** One string or a list of them, always read as a list. */
export function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item)]).transform((v) =>
    (Array.isArray(v) ? v : [v]) as z.output<T>[]
  );
}
