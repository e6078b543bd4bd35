/**
 * The task part of the workflow language: fields every task shares, one config
 * shape per task type, and the composite tasks (conditional, parallel, loop,
 * data_processor).
 * @module
 */
import { z } from "zod";
import {
  duration,
  envMap,
  httpMethod,
  oneOrMany,
  processText,
  taskId,
  taskIdList,
  timeout,
} from "./fields.ts";

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
  attempts: z.number().int().min(1).max(100),
  delay: duration("ms").optional(),
  backoff: z.enum(["fixed", "exponential"]).optional(),
  max_delay: duration("ms").optional(),
}).meta({ id: "Retry", description: "Retries: attempts counts every try, the first included" });

/** Fields that say how a unit of work runs, shared by top-level and nested tasks. */
const execFields = {
  name: z.string().optional(),
  description: z.string().optional(),
  cwd: processText.optional(),
  environment: envMap.optional(),
  timeout: timeout.optional(),
  retry: retrySchema.optional(),
  live_output: z.boolean().optional(),
  continue_on_error: z.boolean().optional(),
};

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
};

// ---- leaf task configs ----------------------------------------------------

const shellConfig = {
  command: processText.min(1, "command is empty"),
  /** The shell: `sh` (default), `bash`, or a path. */
  shell: processText.optional(),
};

const httpAuth = z.union([
  z.strictObject({ username: z.string(), password: z.string() }),
  z.strictObject({ type: z.literal("basic"), username: z.string(), password: z.string() }),
  z.strictObject({ type: z.literal("bearer"), token: z.string() }),
  z.strictObject({ bearer: z.string() }),
]);

const httpConfig = {
  url: z.string().min(1),
  method: httpMethod.optional(),
  headers: z.record(z.string(), z.string()).optional(),
  data: z.unknown().optional(),
  auth: httpAuth.optional(),
  expect_status: oneOrMany(z.number().int().min(100).max(599)).optional(),
};

const dockerConfig = z.strictObject({
  // build
  dockerfile: z.string().optional(),
  context: z.string().optional(),
  tags: z.array(z.string()).optional(),
  build_args: envMap.optional(),
  push: z.boolean().optional(),
  // run
  image: z.string().optional(),
  command: z.union([z.string(), z.array(z.string())]).optional(),
  volumes: z.array(z.string()).optional(),
  ports: z.array(z.string()).optional(),
  env: envMap.optional(),
  /** The working directory inside the container (`docker run -w`). */
  workdir: z.string().optional(),
  network: z.string().optional(),
  pull: z.enum(["always", "missing", "never"]).optional(),
  remove: z.boolean().optional(),
}).superRefine(dockerConfigIssues);

const DOCKER_BUILD_ONLY = ["tags", "build_args", "push"] as const;
const DOCKER_RUN_ONLY = [
  "command",
  "volumes",
  "ports",
  "env",
  "workdir",
  "network",
  "pull",
  "remove",
] as const;

/** A docker config builds (`dockerfile`/`context`), runs (`image`), or both, in that order. */
function dockerConfigIssues(c: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const builds = c.dockerfile !== undefined || c.context !== undefined;
  const keyed = [...DOCKER_BUILD_ONLY, ...DOCKER_RUN_ONLY].some((key) => c[key] !== undefined);
  if (!builds && c.image === undefined && !keyed) {
    ctx.addIssue({
      code: "custom",
      message:
        "docker config needs `image` (to run a container) or `dockerfile`/`context` (to build)",
    });
    return;
  }
  for (const key of DOCKER_BUILD_ONLY) {
    if (c[key] !== undefined && !builds) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `\`${key}\` belongs to a build: add \`context\` (or \`dockerfile\`)`,
      });
    }
  }
  for (const key of DOCKER_RUN_ONLY) {
    if (c[key] !== undefined && c.image === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `\`${key}\` belongs to running a container: add \`image\``,
      });
    }
  }
  if (c.push === true && !(Array.isArray(c.tags) && c.tags.length > 0)) {
    ctx.addIssue({ code: "custom", path: ["push"], message: "`push: true` needs `tags`" });
  }
}

const scriptConfig = {
  /** Path to a script file, relative to the workflow file. */
  script: z.string().optional(),
  /** Inline source code. */
  code: z.string().optional(),
  args: z.array(z.string()).optional(),
};

/** A python task's fields: a script or code, and the interpreter (default `python3` from PATH). */
const pythonConfig = {
  ...scriptConfig,
  interpreter: processText.min(1, "interpreter is empty").optional().describe(
    "The Python interpreter: a name looked up on PATH or a path (default python3)",
  ),
};

const databaseConfig = z.strictObject({
  connection: z.string().min(1),
  query: z.string().optional(),
  file: z.string().optional(),
  migrations_path: z.string().optional(),
  rollback_on_failure: z.boolean().optional(),
}).refine((c) => c.query || c.file || c.migrations_path, {
  message: "database config needs `query`, `file` or `migrations_path`",
});

/**
 * A sub-workflow: `file` (relative to this workflow's file, no `${...}`: it is checked
 * when validating) runs as its own recorded run; `params` are passed to its `params:`.
 */
const workflowCallConfig = {
  file: z.string().min(1, "file is empty").describe(
    "The workflow file to run, relative to this workflow's file",
  ),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional().describe("Values for the called workflow's params (may use ${...})"),
};

function needsScriptOrCode(task: object): boolean {
  const { script, code } = task as { script?: string; code?: string };
  return Boolean(script) !== Boolean(code);
}
const SCRIPT_OR_CODE = { message: "give exactly one of `script` (a file) or `code` (inline)" };

/** Leaf task variants keyed by `type`, each with `extra` fields added. */
function leafVariants<E extends z.ZodRawShape>(extra: E) {
  const base = { ...extra, ...execFields };
  return [
    z.strictObject({ type: SHELL_TYPE, ...base, ...shellConfig }),
    z.strictObject({ type: z.literal("http"), ...base, ...httpConfig }),
    z.strictObject({ type: z.literal("docker"), ...base, config: dockerConfig }),
    z.strictObject({ type: z.literal("javascript"), ...base, ...scriptConfig })
      .refine(needsScriptOrCode, SCRIPT_OR_CODE),
    z.strictObject({ type: z.literal("python"), ...base, ...pythonConfig })
      .refine(needsScriptOrCode, SCRIPT_OR_CODE),
    z.strictObject({ type: z.literal("database"), ...base, config: databaseConfig }),
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

const compositeTimeout = { timeout: timeout.optional() };

/** Every top-level task variant. */
export const taskSchema = z.discriminatedUnion("type", [
  ...leafVariants(graphFields),
  z.strictObject({
    type: z.literal("conditional"),
    ...graphFields,
    name: z.string().optional(),
    description: z.string().optional(),
    ...compositeTimeout,
    condition: z.string().min(1),
    then: stepSchema,
    else: stepSchema.optional(),
  }),
  z.strictObject({
    type: z.literal("parallel"),
    ...graphFields,
    name: z.string().optional(),
    description: z.string().optional(),
    ...compositeTimeout,
    tasks: z.array(parallelChildSchema).min(1),
    wait_for: z.enum(["all", "any", "first"]).default("all"),
  }),
  z.strictObject({
    type: z.literal("loop"),
    ...graphFields,
    name: z.string().optional(),
    description: z.string().optional(),
    ...compositeTimeout,
    /**
     * A list (scalars, or objects read as `${item.name}`), or an expression that yields
     * a JSON array or newline-separated text.
     */
    items: z.union([
      z.array(z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), z.unknown())])),
      z.string(),
    ]),
    task: stepSchema,
    /** For loops, `parallel: true` runs the iterations at once. */
    max_parallel: z.number().int().min(1).optional(),
    stop_on_failure: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal("data_processor"),
    ...graphFields,
    ...execFields,
    input: z.strictObject({
      type: z.literal("file"),
      path: z.string().min(1).describe("A glob, relative to the workflow file (data/*.json)"),
      allow_empty: z.boolean().optional().describe(
        "true: run the processor even when the glob matches no file (default: a failure)",
      ),
    }),
    processor: z.discriminatedUnion("type", [
      z.strictObject({ type: z.literal("javascript"), ...scriptConfig }).refine(
        needsScriptOrCode,
        SCRIPT_OR_CODE,
      ),
      z.strictObject({ type: z.literal("python"), ...pythonConfig }).refine(
        needsScriptOrCode,
        SCRIPT_OR_CODE,
      ),
      z.strictObject({ type: SHELL_TYPE, ...shellConfig }),
    ]),
    output: z.strictObject({ type: z.literal("file"), path: z.string().min(1) }),
  }),
]).meta({ id: "Task" });

/** A top-level task, as parsed (durations in milliseconds, lists normalised). */
export type Task = z.output<typeof taskSchema>;
/** A top-level task of one type. */
export type TaskOf<T extends TaskType> = Extract<Task, { type: T }>;
