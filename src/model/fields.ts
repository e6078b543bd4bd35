/**
 * Reusable zod field types shared by the workflow schema and the task-type configs.
 * @module
 */
import * as z from "zod";
import { type BareUnit, durationTooLong, parseDuration, TOO_LONG } from "./duration.ts";
import { MAX_TASK_ID_LENGTH, TASK_ID_PATTERN, TASK_ID_RULE } from "./task_id.ts";

export { isTaskId, MAX_TASK_ID_LENGTH, TASK_ID_PATTERN } from "./task_id.ts";

/** What a bare number means, per unit, for hints. */
const BARE_WORDS: Record<BareUnit, string> = { s: "seconds", ms: "milliseconds" };

/** The strings `parseDuration` accepts, for editors (JSON Schema `pattern` applies to strings). */
const DURATION_PATTERN = "^\\s*(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(ms|s|m|h|d))+)\\s*$";

function buildDuration(bare: BareUnit) {
  return z.union([z.number(), z.string()])
    .transform((value, ctx) => {
      const ms = parseDuration(value, bare);
      if (ms === undefined) {
        const tooLong = durationTooLong(value, bare);
        ctx.addIssue({
          code: "custom",
          message: tooLong
            ? `duration ${JSON.stringify(value)} ${TOO_LONG}`
            : `invalid duration ${JSON.stringify(value)}`,
          // The parser turns params.hint into the problem's hint line.
          params: {
            hint: tooLong
              ? "write a shorter one (3650d is ten years)"
              : `write a string with a unit ("500ms", "30s", "5m", "1h", "1h30m") or a number of ${
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
      patternErrorMessage:
        `a duration: a number with a unit (500ms, 30s, 5m, 1h, 1d, 1h30m) or a bare number of ${
          BARE_WORDS[bare]
        }`,
      minimum: 0,
      examples: bare === "s" ? ["30s", "5m", "1h30m", 300] : ["500ms", "2s", 1000],
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

/**
 * A timeout: a {@link duration} (bare number = seconds) of at least 1 ms, what durations
 * round to. A timeout of 0 would end every attempt before it starts, so it is refused
 * where it is written; so is one that rounds to 0 (`0.4ms`), said in the same words.
 */
export const timeout = duration("s").superRefine((ms, ctx) => {
  if (ms > 0) return;
  ctx.addIssue({
    code: "custom",
    message: "a timeout must be at least 1ms",
    params: { hint: 'write a positive duration ("30s", "5m"), or leave timeout out for none' },
  });
});

/**
 * Linux's MAX_ARG_STRLEN (execve(2), "Limits on size of arguments and environment"):
 * the longest single argument or `NAME=value` environment string, its NUL included,
 * in bytes (32 pages of 4 KiB).
 */
export const MAX_ARG_STRLEN = 128 * 1024;

const utf8 = new TextEncoder();

/** Text that cannot hold a NUL character, refused with `message` where it is written. */
function nulFree(message: string, hint: string) {
  return z.string().superRefine((text, ctx) => {
    if (!text.includes("\0")) return;
    ctx.addIssue({ code: "custom", message, params: { hint } });
  }).meta({ pattern: "^[^\\u0000]*$", patternErrorMessage: message });
}

/**
 * Text handed to a process as a path or an argument (a shell command, the shell, a
 * working directory). execve(2) and chdir(2) take C strings, which end at the first NUL,
 * so the spawn refuses such text (tasks/_spawn_buffers.ts); it is refused here instead,
 * where it is written. A `${...}` cannot remove a NUL written around it.
 */
export const processText = nulFree(
  "holds a NUL character, which no process can receive",
  "remove the NUL (\\0) from the text",
);

/**
 * SQL text (a database task's `query`): SQLite stops reading at a NUL (what follows is
 * dropped unseen, and a text with nothing before it crashed Deno's node:sqlite), so the
 * drivers refuse it (tasks/database/sqlite.ts); it is refused here too, where it is written.
 */
export const sqlText = nulFree(
  "holds a NUL character, where the database would stop reading the SQL",
  "remove the NUL (\\0) from the SQL",
);

/** An environment map; numbers and booleans are turned into strings. */
export const envMap = z.record(
  z.string().regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    "environment variable names are letters, digits and _",
  ),
  z.union([z.string(), z.number(), z.boolean()]).transform(String),
).superRefine((env, ctx) => {
  for (const [name, value] of Object.entries(env)) {
    if (value.includes("\0")) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: `environment variable ${name} holds a NUL character, which no process can receive`,
        params: { hint: "remove the NUL (\\0) from the value" },
      });
      continue;
    }
    // `NAME=value` and the terminating NUL, in bytes; only length matters, so short
    // values skip the encoding.
    if (value.length * 3 + name.length + 2 <= MAX_ARG_STRLEN) continue;
    const bytes = utf8.encode(value).length + name.length + 2;
    if (bytes <= MAX_ARG_STRLEN) continue;
    ctx.addIssue({
      code: "custom",
      path: [name],
      message:
        `environment variable ${name} is ${bytes} bytes as NAME=value, over the ${MAX_ARG_STRLEN} ` +
        "bytes Linux lets one environment string have (MAX_ARG_STRLEN, execve(2))",
      params: {
        hint: "put the value in a file and pass the file's path instead",
      },
    });
  }
}).meta({ id: "Environment", description: "Environment variables: NAME: value" });

/**
 * The longest workflow `name`, in characters. The name keys history records, fills the
 * `WEFT_WORKFLOW` environment variable of every task and a column of `history` and
 * `metrics`; 256 keeps it far below the store's 2 KiB keys and the kernel's 128 KiB
 * per environment string.
 */
export const MAX_WORKFLOW_NAME_LENGTH = 256;

/** A workflow name: 1 to {@link MAX_WORKFLOW_NAME_LENGTH} characters. */
export const workflowName = z.string().min(1).superRefine((name, ctx) => {
  if (name.length <= MAX_WORKFLOW_NAME_LENGTH) return;
  ctx.addIssue({
    code: "custom",
    message:
      `a workflow name is at most ${MAX_WORKFLOW_NAME_LENGTH} characters, this one has ${name.length}`,
    params: { hint: "shorten the name; a longer text can go in `description`" },
  });
}).meta({ id: "WorkflowName", maxLength: MAX_WORKFLOW_NAME_LENGTH });

/** A task id: letters, digits, `_` and `-`, starting with a letter or `_`; at most 128 characters. */
export const taskId = z.string()
  .regex(TASK_ID_PATTERN, TASK_ID_RULE)
  .superRefine((id, ctx) => {
    if (id.length <= MAX_TASK_ID_LENGTH) return;
    ctx.addIssue({
      code: "custom",
      message: `task ids are at most ${MAX_TASK_ID_LENGTH} characters, this one has ${id.length}`,
      params: { hint: "shorten the id; a longer label can go in `name`" },
    });
  })
  .meta({
    id: "TaskId",
    description:
      "A task id: letters, digits, _ and -, starting with a letter or _; other tasks name it in depends_on and ${tasks.ID...}",
    maxLength: MAX_TASK_ID_LENGTH,
    patternErrorMessage:
      "task ids use letters, digits, '_' and '-', and start with a letter or '_' (e.g. build_app)",
    examples: ["build", "run-tests"],
  });

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
