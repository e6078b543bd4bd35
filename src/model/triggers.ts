/**
 * Workflow triggers (`trigger`/`triggers`): what starts a workflow besides `weft run` —
 * the trigger types, their `config` keys, and the cron and time zone checks of schedules.
 * Part of the workflow model (workflow.ts re-exports it).
 * @module
 */
import * as z from "zod";
import { cronFields, cronNeverFires } from "./cron_match.ts";
import { duration } from "./fields.ts";
import { OVERLAP_POLICIES } from "./schedule.ts";
import { once } from "./once.ts";
import { zoneNameProblem } from "./zone_name.ts";

/** Trigger kinds. */
export const TRIGGER_TYPES = ["manual", "schedule", "webhook", "file_change"] as const;

/**
 * What is wrong with a cron expression, as croner matches it for the scheduler: the one
 * check `weft schedule add` makes too (cron_match.ts cronFields), then whether it fires.
 */
function cronError(expr: string): { message: string; hint: string } | undefined {
  const read = cronFields(expr);
  if ("problem" in read) return read.problem;
  // One that parses yet matches no day (30 February) is refused as `weft schedule add` does.
  return cronNeverFires(expr, read.matcher);
}

/** A cron string checked with croner (5 or 6 fields, or @daily-style nicknames) that fires; built on first use. */
export const cronSchema = once(() =>
  z.string().superRefine((expr, ctx) => {
    const err = cronError(expr);
    if (err) ctx.addIssue({ code: "custom", message: err.message, params: { hint: err.hint } });
  }).meta({
    // The field count of cronError, for editors; ranges need croner.
    pattern: "^\\s*(@[a-z]+|\\S+(\\s+\\S+){4,5})\\s*$",
    patternErrorMessage:
      'a cron expression: 5 fields (minute hour day-of-month month day-of-week, e.g. "0 2 * * *"), 6 with seconds first, or @daily-style',
    examples: ["0 2 * * *", "*/15 * * * *", "@daily"],
  })
);

/** An IANA time zone name, checked against the runtime's Intl data (built on first use). */
export const timezoneSchema = once(() =>
  z.string().superRefine((tz, ctx) => {
    // Exactly as tzdata spells it: cron and systemd read the name case-sensitively, and
    // Intl's bare offsets (+05:00) are no IANA name (model/zone_name.ts).
    const problem = zoneNameProblem(tz);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem.message, params: { hint: problem.hint } });
    }
  })
);

/**
 * `config.files`: a `!` pattern excludes (schedule/daemon_glob.ts), so a list of them alone
 * matches nothing, and an empty pattern (or a bare `!`) names nothing.
 */
function checkFilePatterns(files: string | string[], ctx: z.RefinementCtx): void {
  const list = typeof files === "string" ? [files] : files;
  const hint = 'list what to watch, then what to leave out: ["src/**", "!src/gen/**"]';
  if (list.some((p) => p === "" || p === "!")) {
    ctx.addIssue({ code: "custom", message: "an empty pattern names no file", params: { hint } });
  } else if (list.length > 0 && list.every((p) => p.startsWith("!"))) {
    ctx.addIssue({
      code: "custom",
      message: "every pattern excludes (`!`): nothing is watched",
      params: { hint },
    });
  }
}

/** `trigger.config`: the keys each trigger type reads. */
const triggerConfig = once(() =>
  z.strictObject({
    schedule: cronSchema().optional().describe(
      "schedule trigger: a cron expression (5 fields, 6 with seconds first, or @daily)",
    ),
    timezone: timezoneSchema().optional().describe(
      "schedule trigger: the IANA time zone of the cron expression (e.g. Europe/Berlin; default: the host's)",
    ),
    // The settings of `weft schedule add` (see src/schedule/from_trigger.ts).
    /** The schedule's name (default: the workflow's name). */
    name: z.string().min(1).optional().describe(
      "schedule trigger: the schedule's name (default: the workflow's name)",
    ),
    /** How late a missed fire still runs when weft comes back (bare number: seconds). */
    catchup: duration("s").optional().describe(
      "schedule trigger: how late a missed fire still runs when weft comes back (a bare number is seconds)",
    ),
    /** What a fire does while the previous run still runs (default skip). */
    overlap: z.enum(OVERLAP_POLICIES).optional().describe(
      "schedule trigger: what a fire does while the previous run still runs: skip (default), queue, cancel or allow",
    ),
    /** Params each scheduled run gets. */
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional()
      .describe(
        "schedule trigger: params each scheduled run gets",
      ),
    files: z.union([z.string(), z.array(z.string())]).superRefine(checkFilePatterns).optional()
      .describe(
        "file_change trigger: a glob or a list of globs to watch",
      ),
    debounce: duration("s").optional().describe(
      "file_change trigger: run once the files have been quiet this long (default 0.5s)",
    ),
    webhook: z.string().optional().describe(
      "webhook trigger: the path that starts a run (e.g. /trigger/deploy)",
    ),
    secret: z.string().optional().describe(
      "webhook trigger: the shared secret a request must carry",
    ),
    method: z.string().optional().describe(
      "webhook trigger: the HTTP method the webhook accepts",
    ),
  })
);

/** A trigger type name. */
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/**
 * `trigger.type`: one type, several joined with `|` (the seed's
 * `"manual|schedule|webhook|file_change"`: the workflow answers to each), or a list.
 * Parsed to a list without repeats.
 */
const triggerTypes = once(() =>
  z.union([z.string(), z.array(z.string()).min(1)])
    .transform((value, ctx) => {
      const list = Array.isArray(value) ? value : value.split("|").map((t) => t.trim());
      const unknown = list.find((t) => !(TRIGGER_TYPES as readonly string[]).includes(t));
      if (unknown !== undefined) {
        ctx.addIssue({
          code: "custom",
          message: `${JSON.stringify(unknown)} is not a trigger type`,
          params: {
            hint: `use one of ${TRIGGER_TYPES.join(", ")}, or several joined with | ` +
              `(e.g. "manual|schedule")`,
          },
        });
        return z.NEVER;
      }
      return [...new Set(list)] as TriggerType[];
    })
    .meta({
      description:
        "manual, schedule, webhook or file_change; several joined with | (manual|schedule) or a list",
      anyOf: [
        { type: "string", enum: [...TRIGGER_TYPES] },
        {
          type: "string",
          pattern: `^(${TRIGGER_TYPES.join("|")})(\\|(${TRIGGER_TYPES.join("|")}))*$`,
        },
        { type: "array", items: { type: "string", enum: [...TRIGGER_TYPES] }, minItems: 1 },
      ],
    })
);

const TRIGGER_NEEDS = { schedule: "schedule", webhook: "webhook", file_change: "files" } as const;

/** The rule of the refinement below (a type needs its config key), for editors. */
function triggerSchemaRules(): Record<string, unknown>[] {
  return Object.entries(TRIGGER_NEEDS).map(([type, key]) => ({
    if: {
      properties: {
        type: {
          anyOf: [
            { type: "string", pattern: `(^|\\|)\\s*${type}\\s*(\\||$)` },
            { type: "array", contains: { const: type } },
          ],
        },
      },
      required: ["type"],
    },
    then: { properties: { config: { required: [key] } }, required: ["config"] },
  }));
}

/**
 * One trigger. `config` holds the keys of every type the trigger names (as in the seed).
 * Built on first use, as every schema of this module: a workflow without a trigger needs none.
 */
export const triggerSchema = once(() =>
  z.strictObject({
    type: triggerTypes(),
    config: triggerConfig().optional().describe(
      "Settings of the trigger's types: schedule/timezone, webhook, files/debounce",
    ),
  }).superRefine((t, ctx) => {
    // Refinements run even when `type` itself failed; it is a list only when it parsed.
    if (!Array.isArray(t.type)) return;
    for (const type of t.type) {
      if (type === "manual") continue;
      const key = TRIGGER_NEEDS[type];
      if (!t.config || t.config[key] === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["config", key],
          message: `a ${type} trigger needs config.${key}`,
        });
      }
    }
  }).meta({
    id: "Trigger",
    description: "What starts the workflow besides `weft run`: a type and its config",
    allOf: triggerSchemaRules(),
  })
);

/** A trigger. */
export type Trigger = z.output<ReturnType<typeof triggerSchema>>;
