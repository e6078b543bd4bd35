/**
 * The workflow file: top-level fields, triggers, notifications, alerts, params.
 * `workflowSchema` is the one source of truth; TypeScript types and
 * `schemas/workflow.schema.json` are derived from it.
 * @module
 */
import { z } from "zod";
import { Cron } from "croner";
import { duration, envMap, taskId } from "./fields.ts";
import { retrySchema, taskSchema } from "./task.ts";

/** Trigger kinds. */
export const TRIGGER_TYPES = ["manual", "schedule", "webhook", "file_change"] as const;

function cronError(expr: string, timezone?: string): string | undefined {
  const fields = expr.trim().split(/\s+/).length;
  if (!expr.startsWith("@") && (fields < 5 || fields > 6)) {
    return `cron expression ${JSON.stringify(expr)} has ${fields} fields; use 5 (min hour day month weekday) or 6 (with seconds first)`;
  }
  try {
    new Cron(expr, { paused: true, timezone, legacyMode: true });
    return undefined;
  } catch (e) {
    return `invalid cron expression ${JSON.stringify(expr)}: ${(e as Error).message}`;
  }
}

/** A cron string checked with croner (5 or 6 fields, or @daily-style nicknames). */
export const cronSchema = z.string().superRefine((expr, ctx) => {
  const err = cronError(expr);
  if (err) ctx.addIssue({ code: "custom", message: err });
});

/** An IANA time zone name, checked against the runtime's Intl data. */
export const timezoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, { message: "unknown time zone; use an IANA name such as Europe/Berlin or UTC" });

/** `trigger.config`: the keys each trigger type reads. */
const triggerConfig = z.strictObject({
  schedule: cronSchema.optional(),
  timezone: timezoneSchema.optional(),
  files: z.union([z.string(), z.array(z.string())]).optional(),
  debounce: duration("ms").optional(),
  webhook: z.string().optional(),
  secret: z.string().optional(),
  method: z.string().optional(),
});

/** One trigger. Keys meant for other trigger types may sit in `config` (as in the seed). */
export const triggerSchema = z.strictObject({
  type: z.enum(TRIGGER_TYPES),
  config: triggerConfig.optional(),
}).superRefine((t, ctx) => {
  const need = { schedule: "schedule", webhook: "webhook", file_change: "files" } as const;
  if (t.type === "manual") return;
  const key = need[t.type];
  if (!t.config || t.config[key] === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["config", key],
      message: `a ${t.type} trigger needs config.${key}`,
    });
  }
});

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
]);

const slackConfig = z.strictObject({
  webhook_url: z.string().optional(),
  channel: z.string().optional(),
  username: z.string().optional(),
  icon_emoji: z.string().optional(),
});

const emailConfig = z.strictObject({
  to: z.union([z.string(), z.array(z.string())]),
  from: z.string().optional(),
  subject: z.string().optional(),
  smtp: z.strictObject({
    host: z.string(),
    port: z.number().int().min(1).max(65535).optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    tls: z.boolean().optional(),
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
  webhook: z.strictObject({ url: z.string(), headers: z.record(z.string(), z.string()).optional() })
    .optional(),
});

/** One alert rule: a condition over the run and its metrics, and where to send it. */
export const alertSchema = z.strictObject({
  name: z.string().min(1),
  condition: z.string().min(1),
  channels: z.array(z.string().min(1)).min(1),
  template: z.string().optional(),
});

/** Defaults applied to every task that does not set the field itself. */
export const taskDefaultsSchema = z.strictObject({
  timeout: duration("s").optional(),
  retry: retrySchema.optional(),
  continue_on_error: z.boolean().optional(),
  shell: z.string().optional(),
  cwd: z.string().optional(),
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
  name: z.string().min(1),
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
  timeout: duration("s").optional(),
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
