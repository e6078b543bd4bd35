/**
 * The fields every task shares (how a unit of work runs, where a task sits in the graph),
 * and the small schemas they use (retries, a task's notifications). Built at import: any
 * task needs them, where the variants of task.ts are built when first used.
 * @module
 */
import * as z from "zod";
import { duration, envMap, processText, taskId, taskIdList, timeout } from "./fields.ts";

/**
 * `type` of a shell task: optional, because a task without `type` is a shell task. A
 * default (rather than a preprocess step) keeps `type` optional in the JSON Schema too.
 */
export const SHELL_TYPE = z.literal("shell").default("shell");

/** `retry`: `attempts` counts every try, the first included. */
export const retrySchema = z.strictObject({
  attempts: z.number().int().min(1).max(100).describe(
    "How many tries in all, the first included (1 to 100)",
  ),
  delay: duration("ms").optional().describe(
    "Wait before the next try (a bare number is milliseconds)",
  ),
  backoff: z.enum(["fixed", "exponential"]).optional().describe(
    "fixed: the same delay each time; exponential: the delay doubles after each try",
  ),
  max_delay: duration("ms").optional().describe(
    "The longest delay exponential backoff grows to (a bare number is milliseconds)",
  ),
}).meta({ id: "Retry", description: "Retries: attempts counts every try, the first included" });

/** The description of a task's `name`. */
export const TASK_NAME = "A label for the task, shown instead of its id";
/** The description of a task's `description`. */
export const TASK_DESCRIPTION = "What the task does, for people reading the workflow";

/** Fields that say how a unit of work runs, shared by top-level and nested tasks. */
export const execFields = {
  name: z.string().optional().describe(TASK_NAME),
  description: z.string().optional().describe(TASK_DESCRIPTION),
  cwd: processText.optional().describe(
    "The working directory, relative to the workflow file's folder (default: that folder)",
  ),
  environment: envMap.optional().describe(
    "Environment variables for this task, over defaults.environment and the workflow's (NAME: value)",
  ),
  timeout: timeout.optional().describe(
    "Limit for each try; the task fails when it runs longer (a bare number is seconds)",
  ),
  retry: retrySchema.optional(),
  live_output: z.boolean().optional().describe(
    "true: show the task's output as it runs (otherwise only with -v)",
  ),
  continue_on_error: z.boolean().optional().describe(
    "true: a failure of this task does not fail the run, and tasks after it still run",
  ),
};

/** The notification channels weft can send to (src/notify/). */
export const CHANNEL_NAMES = ["slack", "email", "webhook"] as const;
/** A channel name, as `notifications.channels` and alert rules list them. */
export const channelName = z.enum(CHANNEL_NAMES);

/**
 * A task's own `notifications`: when it ends, tell these channels (configured by the
 * workflow's `notifications`, the global config or the environment). Default: any outcome.
 */
export const taskNotificationsSchema = z.strictObject({
  channels: z.array(channelName).min(1).describe(
    "Channels to tell when the task ends (slack, email, webhook; set up in the workflow's notifications)",
  ),
  on_completion: z.boolean().optional().describe("true: tell on every outcome"),
  on_success: z.boolean().optional().describe("true: tell when the task succeeds"),
  on_failure: z.boolean().optional().describe("true: tell when the task fails or times out"),
}).meta({
  id: "TaskNotifications",
  description: "Tell these channels when this task ends (default: any outcome)",
});

/** Fields that place a task in the workflow graph; only top-level tasks have them. */
export const graphFields = {
  id: taskId,
  depends_on: taskIdList.optional().describe("Tasks that must succeed before this one starts"),
  condition: z.string().optional().describe(
    "Run only when this expression is true, e.g. ${env.SKIP_TESTS} != 'true'",
  ),
  on_success: taskIdList.optional().describe(
    "Callback tasks to run when this task succeeds (each runs at most once per run)",
  ),
  on_failure: taskIdList.optional().describe(
    "Callback tasks to run when this task fails (each runs at most once per run)",
  ),
  /** `false`: nothing else runs while this task does. */
  parallel: z.boolean().optional().describe(
    "false: nothing else runs while this task does (loops: true runs iterations at once)",
  ),
  notifications: taskNotificationsSchema.optional(),
};
