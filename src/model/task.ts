/**
 * The task part of the workflow language: one variant per task type, of the fields every
 * task shares (task_fields.ts) and its type's config (task_configs.ts), and the composite
 * tasks (conditional, parallel, loop, data_processor). Each variant is built when first
 * used (once.ts), so that a workflow is parsed with the variants of its task types only
 * (workflow_for.ts).
 * @module
 */
import * as z from "zod";
import { processText, taskId, timeout } from "./fields.ts";
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
import { once } from "./once.ts";
import { execFields, graphFields, SHELL_TYPE, TASK_DESCRIPTION, TASK_NAME } from "./task_fields.ts";

/** Re-exported: the shared fields' schemas are part of the task model (task_fields.ts). */
export { CHANNEL_NAMES, channelName, retrySchema, taskNotificationsSchema } from "./task_fields.ts";

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

/** Leaf task variants by `type`, each with `extra` fields added, each built when first used. */
function leafVariants<E extends z.ZodRawShape>(extra: E) {
  const base = { ...extra, ...execFields };
  return {
    shell: once(() => z.strictObject({ type: SHELL_TYPE, ...base, ...shellConfig })),
    http: once(() =>
      z.strictObject({ type: z.literal("http"), ...base, ...httpConfig() }).meta(HTTP_SCHEMA_RULES)
    ),
    docker: once(() =>
      z.strictObject({
        type: z.literal("docker"),
        ...base,
        config: dockerConfig().describe(
          "Build (dockerfile/context, tags, push) and/or run (image, command, volumes, ...) settings",
        ),
      })
    ),
    javascript: once(() =>
      z.strictObject({ type: z.literal("javascript"), ...base, ...scriptConfig() })
        .refine(needsScriptOrCode, SCRIPT_OR_CODE).meta(SCRIPT_OR_CODE_SCHEMA)
    ),
    python: once(() =>
      z.strictObject({ type: z.literal("python"), ...base, ...pythonConfig() })
        .refine(needsScriptOrCode, SCRIPT_OR_CODE).meta(SCRIPT_OR_CODE_SCHEMA)
    ),
    database: once(() =>
      z.strictObject({
        type: z.literal("database"),
        ...base,
        config: databaseConfig().describe(
          "connection, and what to run: migrations_path, file and/or query (in that order)",
        ),
      })
    ),
    workflow: once(() =>
      z.strictObject({ type: z.literal("workflow"), ...base, ...workflowCallConfig() })
    ),
  };
}

/** Every variant of `variants`, in {@link LEAF_TYPES} order (the union's and the JSON Schema's). */
function allLeaves<V extends Record<LeafType, () => z.ZodType>>(v: V) {
  return [
    v.shell(),
    v.http(),
    v.docker(),
    v.javascript(),
    v.python(),
    v.database(),
    v.workflow(),
  ] as [
    ReturnType<V["shell"]>,
    ReturnType<V["http"]>,
    ReturnType<V["docker"]>,
    ReturnType<V["javascript"]>,
    ReturnType<V["python"]>,
    ReturnType<V["database"]>,
    ReturnType<V["workflow"]>,
  ];
}

const stepVariants = leafVariants({});
/**
 * A unit of work nested inside a composite (`then`, `else`, loop `task`): no graph fields.
 * Built on first use, as every schema of this module but the fields all tasks share.
 */
export const stepSchema = once(() =>
  z.discriminatedUnion("type", allLeaves(stepVariants)).meta({ id: "Step" })
);
/** A nested unit of work. */
export type Step = z.output<ReturnType<typeof stepSchema>>;

const childVariants = leafVariants({ id: taskId });
/** A task inside a `parallel` task: a step with an `id` (built on first use). */
export const parallelChildSchema = once(() =>
  z.discriminatedUnion("type", allLeaves(childVariants)).meta({ id: "ParallelChild" })
);
/** A task inside a `parallel` task. */
export type ParallelChild = z.output<ReturnType<typeof parallelChildSchema>>;

// ---- top-level tasks --------------------------------------------------------

const compositeTimeout = once(() => ({
  timeout: timeout.optional().describe(
    "Limit for the whole task, nested tasks included (a bare number is seconds)",
  ),
}));

/**
 * A field of an object loop item (`${item.version}`): any value, but text first, so
 * that an unquoted `1.10`, `007` or `True` there keeps its written text as everywhere
 * else text is taken (parse/written_keep.ts) instead of becoming 1.1, 7, true; plain
 * `10` and `true` stay a number and a boolean. The same at every depth (`{n: {b: 1.10}}`,
 * `[0012, 1.10]`), as a loop item read from JSON text keeps it (expr/value.ts).
 */
/** What a parallel task waits for (engine/composite.ts runParallel). */
export const WAIT_FOR = ["all", "any", "first"] as const;

/**
 * The seed's `"wait_for": "all|any|first"`: its list of the choices, written where one is
 * meant. It is read as the first, the default `all` (as the seed's
 * `"manual|schedule|webhook|file_change"` trigger answers to each), and `weft validate`
 * says so (parse/placeholder_notes.ts). Only this spelling: any other is refused.
 */
export const WAIT_FOR_CHOICES = WAIT_FOR.join("|");

const waitFor = once(() =>
  z.preprocess(
    (value) => value === WAIT_FOR_CHOICES ? "all" : value,
    z.enum(WAIT_FOR).default("all"),
  ).meta({
    description:
      "all: every task must succeed; any: one success is enough; first: the first to end decides " +
      `("${WAIT_FOR_CHOICES}" is read as all)`,
    enum: [...WAIT_FOR, WAIT_FOR_CHOICES],
    default: "all",
  })
);

const itemField: () => z.ZodType = once(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    // One schema, built once: it holds itself (a fresh one per level would never end).
    z.array(z.lazy(() => itemField())),
    z.record(z.string(), z.lazy(() => itemField())),
    z.unknown(),
  ]).meta({ id: "LoopItemField", description: "A field of a loop item: text first, at any depth" })
);

const topLeaves = leafVariants(graphFields);

/** Every top-level task variant by `type`, each built when first used. */
const topVariants = {
  ...topLeaves,
  conditional: once(() =>
    z.strictObject({
      type: z.literal("conditional"),
      ...graphFields,
      name: z.string().optional().describe(TASK_NAME),
      description: z.string().optional().describe(TASK_DESCRIPTION),
      ...compositeTimeout(),
      condition: z.string().min(1).describe(
        "The expression that picks the branch, e.g. ${params.env} == 'prod'",
      ),
      then: stepSchema().describe("What runs when the condition is true"),
      else: stepSchema().optional().describe("What runs when the condition is false"),
    })
  ),
  parallel: once(() =>
    z.strictObject({
      type: z.literal("parallel"),
      ...graphFields,
      name: z.string().optional().describe(TASK_NAME),
      description: z.string().optional().describe(TASK_DESCRIPTION),
      ...compositeTimeout(),
      tasks: z.array(parallelChildSchema()).min(1).describe(
        "The tasks to run at once, each with an id",
      ),
      wait_for: waitFor(),
    })
  ),
  loop: once(() =>
    z.strictObject({
      type: z.literal("loop"),
      ...graphFields,
      name: z.string().optional().describe(TASK_NAME),
      description: z.string().optional().describe(TASK_DESCRIPTION),
      ...compositeTimeout(),
      /**
       * A list (scalars, or objects read as `${item.name}`), or an expression that yields
       * a JSON array or newline-separated text.
       */
      items: z.union([
        // minItems: `weft validate` refuses an empty list (it would run nothing).
        z.array(z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), itemField())]))
          .meta({ minItems: 1 }),
        z.string(),
      ]).describe(
        "What to loop over: a list, or an expression yielding a JSON array or one item per line; each is ${item} (${index} counts from 0)",
      ),
      task: stepSchema().describe("What runs for each item (read it as ${item})"),
      /** For loops, `parallel: true` runs the iterations at once. */
      max_parallel: z.number().int().min(1).optional().describe(
        "With parallel: true, the most iterations running at once",
      ),
      stop_on_failure: z.boolean().optional().describe(
        "true (default): the first failed iteration stops the loop; the rest are skipped",
      ),
    })
  ),
  data_processor: once(() =>
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
        z.strictObject({ type: z.literal("javascript"), ...scriptConfig() }).refine(
          needsScriptOrCode,
          SCRIPT_OR_CODE,
        ).meta(SCRIPT_OR_CODE_SCHEMA),
        z.strictObject({ type: z.literal("python"), ...pythonConfig() }).refine(
          needsScriptOrCode,
          SCRIPT_OR_CODE,
        ).meta(SCRIPT_OR_CODE_SCHEMA),
        z.strictObject({ type: SHELL_TYPE, ...shellConfig }),
      ]).describe("What turns the input into the output: javascript, python or shell"),
      output: z.strictObject({
        type: z.literal("file").describe("Output to a file"),
        path: processText.min(1).describe("The file to write, relative to the workflow file"),
      }).describe("Where the processor's result goes"),
    })
  ),
};

/** Every top-level task variant (built on first use). */
export const taskSchema = once(() =>
  z.discriminatedUnion("type", [
    ...allLeaves(topLeaves),
    topVariants.conditional(),
    topVariants.parallel(),
    topVariants.loop(),
    topVariants.data_processor(),
  ]).meta({ id: "Task" })
);

/**
 * The top-level task union with the variants of `types` only (those a workflow uses), in
 * {@link taskSchema}'s order and built of the same variants: a task of one of these
 * types parses as it does in {@link taskSchema}. Any other task fails here (no
 * discriminator) where it may pass there. No `id` meta: it is not the model's `Task`.
 */
export function taskUnionOf(types: ReadonlySet<TaskType>): z.ZodType {
  const options = TASK_TYPES.filter((t) => types.has(t)).map((t) => topVariants[t]());
  return z.discriminatedUnion(
    "type",
    options as unknown as Parameters<typeof z.discriminatedUnion>[1],
  );
}

/** A top-level task, as parsed (durations in milliseconds, lists normalised). */
export type Task = z.output<ReturnType<typeof taskSchema>>;
/** A top-level task of one type. */
export type TaskOf<T extends TaskType> = Extract<Task, { type: T }>;
