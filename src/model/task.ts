/**
 * The task part of the workflow language: fields every task shares, one config
 * shape per task type, and the composite tasks (conditional, parallel, loop,
 * data_processor).
 * @module
 */
import * as z from "zod";
import { duration, envMap, processText, taskId, taskIdList, timeout } from "./fields.ts";
import {
  databaseConfig,
  dockerConfig,
  HTTP_SCHEMA_RULES,
  httpConfig,
  needsScriptOrCode,
  pythonConfig,
  SCRIPT_OR_CODE,
  SCRIPT_OR_CODE_SCHEMA,
  scriptConfig,
  shellConfig,
  workflowCallConfig,
} from "./task_configs.ts";

/** Task types that run one unit of work. */
export const LEAF_TYPES = [
  "shell",
  "http",
  "docker",
  "javascript",
  "python",
  "database",
  "workflow",
] as const;
/** Task types that orchestrate other tasks. */
export const COMPOSITE_TYPES = ["conditional", "parallel", "loop", "data_processor"] as const;
/** Every task type. */
export const TASK_TYPES = [...LEAF_TYPES, ...COMPOSITE_TYPES] as const;
/** A leaf task type name. */
export type LeafType = (typeof LEAF_TYPES)[number];
/** Any task type name. */
export type TaskType = (typeof TASK_TYPES)[number];

/**
 * `type` of a shell task: optional, because a task without `type` is a shell task. A
 * default (rather than a preprocess step) keeps `type` optional in the JSON Schema too.
 */
const SHELL_TYPE = z.literal("shell").default("shell");

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

const TASK_NAME = "A label for the task, shown instead of its id";
const TASK_DESCRIPTION = "What the task does, for people reading the workflow";

/** Fields that say how a unit of work runs, shared by top-level and nested tasks. */
const execFields = {
  name: z.string().optional().describe(TASK_NAME),
  description: z.string().optional().describe(TASK_DESCRIPTION),
  cwd: processText.optional().describe(
    "The working directory, relative to the workflow file's folder (default: that folder)",
  ),
  environment: envMap.optional().describe(
    "Environment variables for this task, over the workflow's (NAME: value)",
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
const graphFields = {
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

/** Leaf task variants keyed by `type`, each with `extra` fields added. */
function leafVariants<E extends z.ZodRawShape>(extra: E) {
  const base = { ...extra, ...execFields };
  return [
    z.strictObject({ type: SHELL_TYPE, ...base, ...shellConfig }),
    z.strictObject({ type: z.literal("http"), ...base, ...httpConfig }).meta(HTTP_SCHEMA_RULES),
    z.strictObject({
      type: z.literal("docker"),
      ...base,
      config: dockerConfig.describe(
        "Build (dockerfile/context, tags, push) and/or run (image, command, volumes, ...) settings",
      ),
    }),
    z.strictObject({ type: z.literal("javascript"), ...base, ...scriptConfig })
      .refine(needsScriptOrCode, SCRIPT_OR_CODE).meta(SCRIPT_OR_CODE_SCHEMA),
    z.strictObject({ type: z.literal("python"), ...base, ...pythonConfig })
      .refine(needsScriptOrCode, SCRIPT_OR_CODE).meta(SCRIPT_OR_CODE_SCHEMA),
    z.strictObject({
      type: z.literal("database"),
      ...base,
      config: databaseConfig.describe(
        "connection, and what to run: migrations_path, file and/or query (in that order)",
      ),
    }),
    z.strictObject({ type: z.literal("workflow"), ...base, ...workflowCallConfig }),
  ] as const;
}

/** A unit of work nested inside a composite (`then`, `else`, loop `task`): no graph fields. */
export const stepSchema = z.discriminatedUnion("type", leafVariants({})).meta({ id: "Step" });
/** A nested unit of work. */
export type Step = z.output<typeof stepSchema>;

/** A task inside a `parallel` task: a step with an `id`. */
export const parallelChildSchema = z.discriminatedUnion("type", leafVariants({ id: taskId }))
  .meta({ id: "ParallelChild" });
/** A task inside a `parallel` task. */
export type ParallelChild = z.output<typeof parallelChildSchema>;

// ---- top-level tasks --------------------------------------------------------

const compositeTimeout = {
  timeout: timeout.optional().describe(
    "Limit for the whole task, nested tasks included (a bare number is seconds)",
  ),
};

/**
 * A field of an object loop item (`${item.version}`): any value, but text first, so
 * that an unquoted `1.10`, `007` or `True` there keeps its written text as everywhere
 * else text is taken (parse/written_keep.ts) instead of becoming 1.1, 7, true; plain
 * `10` and `true` stay a number and a boolean.
 */
const itemField = z.union([z.string(), z.number(), z.boolean(), z.unknown()]);

/** Every top-level task variant. */
export const taskSchema = z.discriminatedUnion("type", [
  ...leafVariants(graphFields),
  z.strictObject({
    type: z.literal("conditional"),
    ...graphFields,
    name: z.string().optional().describe(TASK_NAME),
    description: z.string().optional().describe(TASK_DESCRIPTION),
    ...compositeTimeout,
    condition: z.string().min(1).describe(
      "The expression that picks the branch, e.g. ${params.env} == 'prod'",
    ),
    then: stepSchema.describe("What runs when the condition is true"),
    else: stepSchema.optional().describe("What runs when the condition is false"),
  }),
  z.strictObject({
    type: z.literal("parallel"),
    ...graphFields,
    name: z.string().optional().describe(TASK_NAME),
    description: z.string().optional().describe(TASK_DESCRIPTION),
    ...compositeTimeout,
    tasks: z.array(parallelChildSchema).min(1).describe(
      "The tasks to run at once, each with an id",
    ),
    wait_for: z.enum(["all", "any", "first"]).default("all").describe(
      "all: every task must succeed; any: one success is enough; first: the first to end decides",
    ),
  }),
  z.strictObject({
    type: z.literal("loop"),
    ...graphFields,
    name: z.string().optional().describe(TASK_NAME),
    description: z.string().optional().describe(TASK_DESCRIPTION),
    ...compositeTimeout,
    /**
     * A list (scalars, or objects read as `${item.name}`), or an expression that yields
     * a JSON array or newline-separated text.
     */
    items: z.union([
      // minItems: `weft validate` refuses an empty list (it would run nothing).
      z.array(z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), itemField)]))
        .meta({ minItems: 1 }),
      z.string(),
    ]).describe(
      "What to loop over: a list, or an expression yielding a JSON array or one item per line; each is ${item} (${index} counts from 0)",
    ),
    task: stepSchema.describe("What runs for each item (read it as ${item})"),
    /** For loops, `parallel: true` runs the iterations at once. */
    max_parallel: z.number().int().min(1).optional().describe(
      "With parallel: true, the most iterations running at once",
    ),
    stop_on_failure: z.boolean().optional().describe(
      "true (default): the first failed iteration stops the loop; the rest are skipped",
    ),
  }),
  z.strictObject({
    type: z.literal("data_processor"),
    ...graphFields,
    ...execFields,
    input: z.strictObject({
      type: z.literal("file").describe("Input files, matched by path"),
      path: processText.min(1).describe("A glob, relative to the workflow file (data/*.json)"),
      allow_empty: z.boolean().optional().describe(
        "true: run the processor even when the glob matches no file (default: a failure)",
      ),
    }).describe("The files to process"),
    processor: z.discriminatedUnion("type", [
      z.strictObject({ type: z.literal("javascript"), ...scriptConfig }).refine(
        needsScriptOrCode,
        SCRIPT_OR_CODE,
      ).meta(SCRIPT_OR_CODE_SCHEMA),
      z.strictObject({ type: z.literal("python"), ...pythonConfig }).refine(
        needsScriptOrCode,
        SCRIPT_OR_CODE,
      ).meta(SCRIPT_OR_CODE_SCHEMA),
      z.strictObject({ type: SHELL_TYPE, ...shellConfig }),
    ]).describe("What turns the input into the output: javascript, python or shell"),
    output: z.strictObject({
      type: z.literal("file").describe("Output to a file"),
      path: processText.min(1).describe("The file to write, relative to the workflow file"),
    }).describe("Where the processor's result goes"),
  }),
]).meta({ id: "Task" });

/** A top-level task, as parsed (durations in milliseconds, lists normalised). */
export type Task = z.output<typeof taskSchema>;
/** A top-level task of one type. */
export type TaskOf<T extends TaskType> = Extract<Task, { type: T }>;
