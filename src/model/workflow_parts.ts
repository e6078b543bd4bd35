/**
 * The parts of the workflow file: top-level fields, notifications, alerts, params (triggers
 * in triggers.ts, tasks in task.ts), each built on first use (once.ts), and
 * {@link workflowObject}, the file of given parts. workflow.ts builds the model's one
 * `workflowSchema` of all of them; workflow_for.ts builds one of the parts a file uses.
 * @module
 */
import * as z from "zod";
import { duration, envMap, processText, timeout, workflowName } from "./fields.ts";
import { once } from "./once.ts";
import type { taskSchema } from "./task.ts";
import { channelName, retrySchema } from "./task_fields.ts";
import type { triggerSchema } from "./triggers.ts";
import { scheduleNameProblem, triggerScheduleName } from "./schedule.ts";
import { PARAM_NAME_PATTERN } from "./task_id.ts";

/** A declared parameter: a default value, or a full declaration. */
export const paramSchema = once(() =>
  z.union([
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
  })
);

const slackConfig = () =>
  z.strictObject({
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

const emailConfig = () =>
  z.strictObject({
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
export const notificationsSchema = once(() =>
  z.strictObject({
    channels: z.array(channelName).default([]).describe(
      "The channels to send run outcomes to: slack, email, webhook",
    ),
    on_completion: z.boolean().optional().describe("true: send on every outcome"),
    on_failure: z.boolean().optional().describe("true: send when the run fails"),
    on_success: z.boolean().optional().describe("true: send when the run succeeds"),
    slack: slackConfig().optional().describe("Slack settings"),
    email: emailConfig().optional().describe("Email (SMTP) settings"),
    webhook: z.strictObject({
      url: z.string().optional().describe("The URL the run report is POSTed to as JSON"),
      headers: z.record(z.string(), z.string()).optional().describe("Request headers: Name: value"),
    })
      .optional().describe("Webhook settings"),
  }).meta({
    id: "Notifications",
    description: "Where and when to send run outcomes (default: every outcome)",
  })
);

/** One alert rule: a condition over the run and its metrics, and where to send it. */
export const alertSchema = once(() =>
  z.strictObject({
    name: z.string().min(1).describe("The rule's name, shown in the alert"),
    condition: z.string().min(1).describe(
      "When to alert: an expression over execution, metrics and workflow, e.g. execution.status == 'failed'",
    ),
    channels: z.array(channelName).min(1).describe(
      "Where to send the alert: slack, email, webhook",
    ),
    template: z.string().optional().describe("The alert's message (may use ${...})"),
    /** How far back `metrics` looks (default 7 days; a bare number is seconds). */
    window: duration("s").optional().describe(
      "How far back metrics look (default 7 days; a bare number is seconds)",
    ),
  }).meta({ id: "Alert", description: "An alert rule: a condition checked after each run" })
);

/** Defaults applied to every task that does not set the field itself. */
export const taskDefaultsSchema = once(() =>
  z.strictObject({
    timeout: timeout.optional().describe("Default timeout of each task (a bare number is seconds)"),
    retry: retrySchema.optional().describe("Default retries of each task"),
    continue_on_error: z.boolean().optional().describe("Default continue_on_error of each task"),
    shell: processText.min(1, "shell is empty").optional().describe(
      "Default shell of shell tasks (sh, bash or a path)",
    ),
    cwd: processText.optional().describe("Default working directory of each task"),
    environment: envMap.optional().describe(
      "Environment variables every task gets, over the workflow's environment (a task's own environment is over both)",
    ),
  })
);

/** How long history is kept for this workflow. */
export const retentionSchema = once(() =>
  z.strictObject({
    keep_days: z.number().int().min(1).optional().describe("Drop runs older than this many days"),
    keep_runs: z.number().int().min(1).optional().describe("Keep at most this many runs"),
  })
);

/**
 * The schemas a workflow file's sections are made of: the full set gives the model's
 * `workflowSchema` (workflow.ts). workflow_for.ts passes `z.never()` for a section the
 * file does not have: an absent optional key parses the same whatever its schema.
 */
export interface WorkflowSections {
  task: ReturnType<typeof taskSchema>;
  trigger: ReturnType<typeof triggerSchema>;
  param: ReturnType<typeof paramSchema>;
  defaults: ReturnType<typeof taskDefaultsSchema>;
  retention: ReturnType<typeof retentionSchema>;
  notifications: ReturnType<typeof notificationsSchema>;
  alert: ReturnType<typeof alertSchema>;
}

/** The whole workflow file, of the given sections (the top level, its refinement, its meta). */
export function workflowObject(s: WorkflowSections) {
  return z.strictObject({
    $schema: z.string().optional().describe(
      "The JSON Schema of this file, for editors (weft ignores it)",
    ),
    name: workflowName.describe("The workflow's name: it keys run history and schedules"),
    version: z.union([z.string(), z.number()]).transform(String).optional().describe(
      "The workflow's version, recorded with each run",
    ),
    description: z.string().optional().describe("What the workflow does"),
    trigger: s.trigger.optional(),
    triggers: z.array(s.trigger).optional().describe(
      "Several triggers (use trigger or triggers, not both)",
    ),
    environment: envMap.optional().describe("Environment variables every task gets: NAME: value"),
    params: z.record(z.string().regex(PARAM_NAME_PATTERN), s.param).optional()
      .describe("Parameters a run takes (-p NAME=value), read as ${params.NAME}"),
    /** Names of environment variables whose values are masked in logs and history. */
    secrets: z.array(z.string()).optional().describe(
      "Names of environment variables whose values are masked in logs and history",
    ),
    defaults: s.defaults.optional().describe(
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
    retention: s.retention.optional().describe(
      "How much run history to keep: keep_days, keep_runs",
    ),
    tasks: z.array(s.task).min(1, "a workflow needs at least one task").describe(
      "The tasks: each has an id, a type (shell when left out) and that type's fields",
    ),
    notifications: s.notifications.optional(),
    alerts: z.array(s.alert).optional().describe("Alert rules checked after each run"),
  }).refine((w) => !(w.trigger && w.triggers), {
    message: "use either `trigger` or `triggers`, not both",
    path: ["triggers"],
  }).superRefine(checkScheduleNames).meta({ not: { required: ["trigger", "triggers"] } });
}

/** What {@link checkScheduleNames} reads of a parsed workflow. */
interface Named {
  name: string;
  trigger?: TriggerLike;
  triggers?: TriggerLike[];
}
interface TriggerLike {
  type: string | readonly string[];
  config?: { schedule?: string; name?: string };
}

/**
 * Each schedule trigger's name by the one rule of schedule names (model/schedule.ts
 * scheduleNameProblem), at its `config.name`, or at the workflow's `name` when the
 * trigger is named after it: `weft schedule add` refuses such a name, and the daemon's
 * log and `weft schedule list` show it on one line (tester tdaemon F4).
 */
function checkScheduleNames(w: Named, ctx: z.RefinementCtx): void {
  const [list, at] = w.trigger
    ? [[w.trigger], (_: number) => ["trigger"]]
    : [w.triggers ?? [], (i: number) => ["triggers", i]];
  let nth = 0;
  list.forEach((t, i) => {
    if (!t.type.includes("schedule") || !t.config?.schedule) return;
    const name = triggerScheduleName(w.name, t.config.name, nth++);
    const problem = scheduleNameProblem(name);
    if (!problem) return;
    const own = t.config.name !== undefined;
    ctx.addIssue({
      code: "custom",
      path: own ? [...at(i), "config", "name"] : ["name"],
      message: own
        ? problem.message
        : `${problem.message}: a schedule trigger without config.name is named after the ` +
          "workflow",
      params: {
        hint: own
          ? "give the schedule a printable name, e.g. name: nightly-backup"
          : "set the trigger's config.name to a printable name, e.g. name: nightly-backup",
      },
    });
  });
}
