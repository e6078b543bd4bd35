/**
 * The workflow file: top-level fields, triggers, notifications, alerts, params.
 * `workflowSchema` is the one source of truth; TypeScript types and
 * `schemas/workflow.schema.json` are derived from it.
 * @module
 */
import { z } from "zod";
import { Cron } from "croner";
import { duration, envMap, processText, taskId, timeout, workflowName } from "./fields.ts";
import { retrySchema, taskSchema } from "./task.ts";
import { OVERLAP_POLICIES } from "./schedule.ts";

/** Trigger kinds. */
export const TRIGGER_TYPES = ["manual", "schedule", "webhook", "file_change"] as const;

function cronError(expr: string, timezone?: string): string | undefined {
  const fields = expr.trim().split(/\s+/).length;
  if (!expr.startsWith("@") && (fields < 5 || fields > 6)) {
    return `cron expression ${
      JSON.stringify(expr)
    } has ${fields} fields; use 5 (min hour day month weekday) or 6 (with seconds first)`;
  }
  try {
    new Cron(expr, { paused: true, timezone, legacyMode: true });
    return undefined;
  } catch (e) {
    const reason = (e as Error).message.replace(/^CronPattern:\s*/, "");
    return `invalid cron expression ${JSON.stringify(expr)}: ${
      reason.charAt(0).toLowerCase() + reason.slice(1)
    }`;
  }
}

const CRON_HINT =
  'fields: minute (0-59) hour (0-23) day-of-month (1-31) month (1-12) day-of-week (0-6, 0 = Sunday), e.g. "0 2 * * *" for 02:00 daily; an optional seconds field goes first';

/** A cron string checked with croner (5 or 6 fields, or @daily-style nicknames). */
export const cronSchema = z.string().superRefine((expr, ctx) => {
  const err = cronError(expr);
  if (err) ctx.addIssue({ code: "custom", message: err, params: { hint: CRON_HINT } });
});

/** An IANA time zone name, checked against the runtime's Intl data. */
export const timezoneSchema = z.string().superRefine((tz, ctx) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
  } catch {
    ctx.addIssue({
      code: "custom",
      message: `unknown time zone ${JSON.stringify(tz)}`,
      params: { hint: "use an IANA name such as Europe/Berlin, America/New_York or UTC" },
    });
  }
});

/** `trigger.config`: the keys each trigger type reads. */
const triggerConfig = z.strictObject({
  schedule: cronSchema.optional(),
  timezone: timezoneSchema.optional(),
  // The settings of `weft schedule add` (see src/schedule/from_trigger.ts).
  /** The schedule's name (default: the workflow's name). */
  name: z.string().min(1).optional(),
  /** How late a missed fire still runs when weft comes back (bare number: seconds). */
  catchup: duration("s").optional(),
  /** What a fire does while the previous run still runs (default skip). */
  overlap: z.enum(OVERLAP_POLICIES).optional(),
  /** Params each scheduled run gets. */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  files: z.union([z.string(), z.array(z.string())]).optional(),
  debounce: duration("s").optional(),
  webhook: z.string().optional(),
  secret: z.string().optional(),
  method: z.string().optional(),
});

/** A trigger type name. */
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/**
 * `trigger.type`: one type, several joined with `|` (the seed's
 * `"manual|schedule|webhook|file_change"`: the workflow answers to each), or a list.
 * Parsed to a list without repeats.
 */
const triggerTypes = z.union([z.string(), z.array(z.string()).min(1)])
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
    anyOf: [
      { type: "string", enum: [...TRIGGER_TYPES] },
      {
        type: "string",
        pattern: `^(${TRIGGER_TYPES.join("|")})(\\|(${TRIGGER_TYPES.join("|")}))*$`,
      },
      { type: "array", items: { type: "string", enum: [...TRIGGER_TYPES] }, minItems: 1 },
    ],
  });

const TRIGGER_NEEDS = { schedule: "schedule", webhook: "webhook", file_change: "files" } as const;

/** One trigger. `config` holds the keys of every type the trigger names (as in the seed). */
export const triggerSchema = z.strictObject({
  type: triggerTypes,
  config: triggerConfig.optional(),
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
}).meta({ id: "Trigger" });

/** A declared parameter: a default value, or a full declaration. */
export const paramSchema = z.union([
  z.union([z.string(), z.number(), z.boolean()]).transform((d) => ({
    default: String(d),
    required: false,
    description: undefined as string | undefined,
  })),
  z.strictObject({
    default: z.union([z.string(), z.number(), z.boolean()]).transform(String).optional(),
    description: z.string().optional(),
    required: z.boolean().default(false),
  }),
]).meta({ id: "Param" });

const slackConfig = z.strictObject({
  webhook_url: z.string().optional(),
  channel: z.string().optional(),
  username: z.string().optional(),
  icon_emoji: z.string().optional(),
});

const emailConfig = z.strictObject({
  to: z.union([z.string(), z.array(z.string())]).optional(),
  from: z.string().optional(),
  subject: z.string().optional(),
  // Every value may be a `${...}` template (`port: "${env.SMTP_PORT}"`): checked once rendered.
  smtp: z.strictObject({
    host: z.string().optional(),
    port: z.union([z.number().int().min(1).max(65535), z.string()]).optional(),
    /** true: implicit TLS (port 465); false: plain, upgraded with STARTTLS when offered. */
    secure: z.union([z.boolean(), z.string()]).optional(),
    user: z.string().optional(),
    /** Same as `user`. */
    username: z.string().optional(),
    password: z.string().optional(),
    /** Same as `secure`. */
    tls: z.union([z.boolean(), z.string()]).optional(),
  }).optional(),
});

/** `notifications`: where and when to report run outcomes. */
export const notificationsSchema = z.strictObject({
  channels: z.array(z.string().min(1)).default([]),
  on_completion: z.boolean().optional(),
  on_failure: z.boolean().optional(),
  on_success: z.boolean().optional(),
  slack: slackConfig.optional(),
  email: emailConfig.optional(),
  webhook: z.strictObject({
    url: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  })
    .optional(),
}).meta({ id: "Notifications" });

/** One alert rule: a condition over the run and its metrics, and where to send it. */
export const alertSchema = z.strictObject({
  name: z.string().min(1),
  condition: z.string().min(1),
  channels: z.array(z.string().min(1)).min(1),
  template: z.string().optional(),
  /** How far back `metrics` looks (default 7 days; a bare number is seconds). */
  window: duration("s").optional(),
}).meta({ id: "Alert" });

/** Defaults applied to every task that does not set the field itself. */
export const taskDefaultsSchema = z.strictObject({
  timeout: timeout.optional(),
  retry: retrySchema.optional(),
  continue_on_error: z.boolean().optional(),
  shell: processText.optional(),
  cwd: processText.optional(),
  environment: envMap.optional(),
});

/** How long history is kept for this workflow. */
export const retentionSchema = z.strictObject({
  keep_days: z.number().int().min(1).optional(),
  keep_runs: z.number().int().min(1).optional(),
});

/** The whole workflow file. */
export const workflowSchema = z.strictObject({
  $schema: z.string().optional(),
  name: workflowName,
  version: z.union([z.string(), z.number()]).transform(String).optional(),
  description: z.string().optional(),
  trigger: triggerSchema.optional(),
  triggers: z.array(triggerSchema).optional(),
  environment: envMap.optional(),
  params: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/), paramSchema).optional(),
  /** Names of environment variables whose values are masked in logs and history. */
  secrets: z.array(z.string()).optional(),
  defaults: taskDefaultsSchema.optional(),
  /** Most tasks running at once; the CLI's --max-parallel overrides it. */
  max_parallel: z.number().int().min(1).optional(),
  /** Whole-run timeout. */
  timeout: timeout.optional(),
  /** What a normal run takes; alert rules can compare against it. */
  expected_duration: duration("s").optional(),
  retention: retentionSchema.optional(),
  tasks: z.array(taskSchema).min(1, "a workflow needs at least one task"),
  notifications: notificationsSchema.optional(),
  alerts: z.array(alertSchema).optional(),
}).refine((w) => !(w.trigger && w.triggers), {
  message: "use either `trigger` or `triggers`, not both",
  path: ["triggers"],
});

/** A parsed workflow (durations in milliseconds). */
export type Workflow = z.output<typeof workflowSchema>;
/** A workflow as written (the JSON Schema's shape). */
export type WorkflowInput = z.input<typeof workflowSchema>;
/** A trigger. */
export type Trigger = z.output<typeof triggerSchema>;
/** A declared parameter. */
export type ParamSpec = z.output<typeof paramSchema>;

/** Re-exported so callers need one import for ids. */
export { taskId };
