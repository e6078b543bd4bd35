/**
 * The workflow file: top-level fields, triggers, notifications, alerts, params.
 * `workflowSchema` is the one source of truth; TypeScript types and
 * `schemas/workflow.schema.json` are derived from it.
 * @module
 */
import * as z from "zod";
import { Cron } from "croner";
import { duration, envMap, processText, taskId, timeout, workflowName } from "./fields.ts";
import { channelName, retrySchema, taskSchema } from "./task.ts";
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
}).meta({
  // The field count of cronError, for editors; ranges need croner.
  pattern: "^\\s*(@[a-z]+|\\S+(\\s+\\S+){4,5})\\s*$",
  patternErrorMessage:
    'a cron expression: 5 fields (minute hour day-of-month month day-of-week, e.g. "0 2 * * *"), 6 with seconds first, or @daily-style',
  examples: ["0 2 * * *", "*/15 * * * *", "@daily"],
});

/** An IANA time zone name, checked against the runtime's Intl data. */
export const timezoneSchema = z.string().superRefine((tz, ctx) => {
  try {
    // Intl takes bare offsets (+05:00) too; they are no IANA name (as checkCron in src/schedule/cron.ts).
    if (/^[+-]/.test(tz)) throw new RangeError("an offset");
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
  schedule: cronSchema.optional().describe(
    "schedule trigger: a cron expression (5 fields, 6 with seconds first, or @daily)",
  ),
  timezone: timezoneSchema.optional().describe(
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
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional().describe(
    "schedule trigger: params each scheduled run gets",
  ),
  files: z.union([z.string(), z.array(z.string())]).optional().describe(
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
  });

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

/** One trigger. `config` holds the keys of every type the trigger names (as in the seed). */
export const triggerSchema = z.strictObject({
  type: triggerTypes,
  config: triggerConfig.optional().describe(
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
});

/** A declared parameter: a default value, or a full declaration. */
export const paramSchema = z.union([
  z.union([z.string(), z.number(), z.boolean()]).transform((d) => ({
    default: String(d),
    required: false,
    description: undefined as string | undefined,
  })),
  z.strictObject({
    default: z.union([z.string(), z.number(), z.boolean()]).transform(String).optional()
      .describe("The value when -p NAME=value is not given"),
    description: z.string().optional().describe("What the parameter means"),
    required: z.boolean().default(false).describe("true: a run must give this parameter"),
  }),
]).meta({
  id: "Param",
  description:
    "A parameter: its default value, or {default, description, required}; read as ${params.NAME}",
});

const slackConfig = z.strictObject({
  webhook_url: z.string().optional().describe(
    "The Slack incoming webhook URL (default: $SLACK_WEBHOOK_URL)",
  ),
  channel: z.string().optional().describe(
    "The Slack channel to post to (#deployments)",
  ),
  username: z.string().optional().describe("The name the Slack message is posted as"),
  icon_emoji: z.string().optional().describe(
    "The Slack icon emoji (:robot_face:)",
  ),
});

const emailConfig = z.strictObject({
  to: z.union([z.string(), z.array(z.string())]).optional().describe(
    "Recipient address, or a list of them",
  ),
  from: z.string().optional().describe(
    "Sender address",
  ),
  subject: z.string().optional().describe(
    "Subject (default: [weft] <workflow> <status>)",
  ),
  // Every value may be a `${...}` template (`port: "${env.SMTP_PORT}"`): checked once rendered.
  smtp: z.strictObject({
    host: z.string().optional().describe(
      "SMTP server host (default: $SMTP_HOST)",
    ),
    port: z.union([z.number().int().min(1).max(65535), z.string()]).optional().describe(
      "SMTP port (a number or a ${...})",
    ),
    /** true: implicit TLS (port 465); false: plain, upgraded with STARTTLS when offered. */
    secure: z.union([z.boolean(), z.string()]).optional().describe(
      "true: TLS from the start (port 465); false: STARTTLS when offered",
    ),
    user: z.string().optional().describe(
      "SMTP user name",
    ),
    /** Same as `user`. */
    username: z.string().optional().describe("Same as user"),
    password: z.string().optional().describe(
      "SMTP password (masked in output)",
    ),
    /** Same as `secure`. */
    tls: z.union([z.boolean(), z.string()]).optional().describe(
      "Same as secure",
    ),
  }).optional().describe("The SMTP server (default: $SMTP_HOST, $SMTP_PORT, ...)"),
});

/** `notifications`: where and when to report run outcomes. */
export const notificationsSchema = z.strictObject({
  channels: z.array(channelName).default([]).describe(
    "The channels to send run outcomes to: slack, email, webhook",
  ),
  on_completion: z.boolean().optional().describe("true: send on every outcome"),
  on_failure: z.boolean().optional().describe("true: send when the run fails"),
  on_success: z.boolean().optional().describe("true: send when the run succeeds"),
  slack: slackConfig.optional().describe("Slack settings"),
  email: emailConfig.optional().describe("Email (SMTP) settings"),
  webhook: z.strictObject({
    url: z.string().optional().describe("The URL the run report is POSTed to as JSON"),
    headers: z.record(z.string(), z.string()).optional().describe("Request headers: Name: value"),
  })
    .optional().describe("Webhook settings"),
}).meta({
  id: "Notifications",
  description: "Where and when to send run outcomes (default: every outcome)",
});

/** One alert rule: a condition over the run and its metrics, and where to send it. */
export const alertSchema = z.strictObject({
  name: z.string().min(1).describe("The rule's name, shown in the alert"),
  condition: z.string().min(1).describe(
    "When to alert: an expression over execution, metrics and workflow, e.g. execution.status == 'failed'",
  ),
  channels: z.array(channelName).min(1).describe("Where to send the alert: slack, email, webhook"),
  template: z.string().optional().describe("The alert's message (may use ${...})"),
  /** How far back `metrics` looks (default 7 days; a bare number is seconds). */
  window: duration("s").optional().describe(
    "How far back metrics look (default 7 days; a bare number is seconds)",
  ),
}).meta({ id: "Alert", description: "An alert rule: a condition checked after each run" });

/** Defaults applied to every task that does not set the field itself. */
export const taskDefaultsSchema = z.strictObject({
  timeout: timeout.optional().describe("Default timeout of each task (a bare number is seconds)"),
  retry: retrySchema.optional().describe("Default retries of each task"),
  continue_on_error: z.boolean().optional().describe("Default continue_on_error of each task"),
  shell: processText.optional().describe("Default shell of shell tasks (sh, bash or a path)"),
  cwd: processText.optional().describe("Default working directory of each task"),
  environment: envMap.optional().describe("Environment variables every task gets"),
});

/** How long history is kept for this workflow. */
export const retentionSchema = z.strictObject({
  keep_days: z.number().int().min(1).optional().describe("Drop runs older than this many days"),
  keep_runs: z.number().int().min(1).optional().describe("Keep at most this many runs"),
});

/** The whole workflow file. */
export const workflowSchema = z.strictObject({
  $schema: z.string().optional().describe(
    "The JSON Schema of this file, for editors (weft ignores it)",
  ),
  name: workflowName.describe("The workflow's name: it keys run history and schedules"),
  version: z.union([z.string(), z.number()]).transform(String).optional().describe(
    "The workflow's version, recorded with each run",
  ),
  description: z.string().optional().describe("What the workflow does"),
  trigger: triggerSchema.optional(),
  triggers: z.array(triggerSchema).optional().describe(
    "Several triggers (use trigger or triggers, not both)",
  ),
  environment: envMap.optional().describe("Environment variables every task gets: NAME: value"),
  params: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/), paramSchema).optional()
    .describe("Parameters a run takes (-p NAME=value), read as ${params.NAME}"),
  /** Names of environment variables whose values are masked in logs and history. */
  secrets: z.array(z.string()).optional().describe(
    "Names of environment variables whose values are masked in logs and history",
  ),
  defaults: taskDefaultsSchema.optional().describe(
    "Defaults for every task that does not set the field itself",
  ),
  /** Most tasks running at once; the CLI's --max-parallel overrides it. */
  max_parallel: z.number().int().min(1).optional().describe(
    "The most tasks running at once (--max-parallel overrides it)",
  ),
  /** Whole-run timeout. */
  timeout: timeout.optional().describe(
    "Limit on the whole run (a bare number is seconds)",
  ),
  /** What a normal run takes; alert rules can compare against it. */
  expected_duration: duration("s").optional().describe(
    "What a normal run takes; alert rules can compare against it",
  ),
  retention: retentionSchema.optional().describe(
    "How much run history to keep: keep_days, keep_runs",
  ),
  tasks: z.array(taskSchema).min(1, "a workflow needs at least one task").describe(
    "The tasks: each has an id, a type (shell when left out) and that type's fields",
  ),
  notifications: notificationsSchema.optional(),
  alerts: z.array(alertSchema).optional().describe("Alert rules checked after each run"),
}).refine((w) => !(w.trigger && w.triggers), {
  message: "use either `trigger` or `triggers`, not both",
  path: ["triggers"],
}).meta({ not: { required: ["trigger", "triggers"] } });

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
