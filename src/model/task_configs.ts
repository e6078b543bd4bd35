/**
 * The fields of each leaf task type (shell, http, docker, javascript, python, database,
 * workflow), with their rules and the JSON Schema form of those rules for editors. The
 * task variants that use them are in task.ts. All but the shell fields are built on first
 * use (once.ts): a workflow of shell tasks never builds them on the quick path.
 * @module
 */
import * as z from "zod";
import { envMap, httpMethod, oneOrMany, processText, sqlText } from "./fields.ts";
import { once } from "./once.ts";

/** A shell task's fields: the command and the shell. */
export const shellConfig = {
  command: processText.min(1, "command is empty").describe(
    "The shell command to run; ${...} values are quoted for the shell",
  ),
  /** The shell: `sh` (default), `bash`, or a path. */
  shell: processText.min(1, "shell is empty").optional().describe(
    "The shell: sh (default), bash, or a path",
  ),
};

/** RFC 9110 §5.1 field names (tokens), as `weft validate` checks them (parse/http_checks.ts). */
const HEADER_NAME = {
  pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
  patternErrorMessage: "a header name is letters, digits and !#$%&'*+-.^_`|~ (no spaces)",
};
/** The GET/HEAD-without-data rule of `weft validate` (parse/step_checks.ts), for editors. */
export const HTTP_SCHEMA_RULES = {
  if: {
    properties: { method: { type: "string", pattern: "^([Gg][Ee][Tt]|[Hh][Ee][Aa][Dd])$" } },
    required: ["method"],
  },
  then: {
    properties: {
      data: { type: "null", errorMessage: "a GET or HEAD request cannot carry `data`" },
    },
  },
};

/** An http task's fields (built on first use). */
export const httpConfig = once(() => {
  /** A header value: no line break or NUL, which would split or end the header. */
  const headerValue = z.string().meta({
    pattern: "^[^\\r\\n\\u0000]*$",
    patternErrorMessage: "a header value cannot contain a line break or NUL",
  });

  const authUser = z.string().describe("The user name (basic auth)");
  const authPassword = z.string().describe("The password (basic auth)");
  const httpAuth = z.union([
    z.strictObject({ username: authUser, password: authPassword }),
    z.strictObject({
      type: z.literal("basic").describe("Basic auth"),
      username: authUser,
      password: authPassword,
    }),
    z.strictObject({
      type: z.literal("bearer").describe("Bearer token auth"),
      token: headerValue.describe("The bearer token (sent as Authorization: Bearer ...)"),
    }),
    z.strictObject({
      bearer: headerValue.describe("The bearer token (sent as Authorization: Bearer ...)"),
    }),
  ]);
  return {
    url: z.string().min(1).describe("The URL to request (http or https; may use ${...})"),
    method: httpMethod.optional().describe("The HTTP method (default GET)"),
    headers: z.record(z.string(), headerValue).meta({ propertyNames: HEADER_NAME }).optional()
      .describe("Request headers: Name: value"),
    data: z.unknown().optional().describe(
      "The request body: an object or list is sent as JSON (an object as form fields with a form Content-Type), text as it is (not with GET or HEAD)",
    ),
    auth: httpAuth.optional().describe(
      "Authentication: {username, password} or {type: bearer, token}",
    ),
    expect_status: oneOrMany(z.number().int().min(100).max(599)).optional().describe(
      "The status code (or list of codes) that counts as success (default: any 2xx)",
    ),
    follow_redirects: z.boolean().optional().describe(
      "false: judge a redirect (3xx) itself, as curl without -L (default: follow, unless " +
        "expect_status lists a 3xx)",
    ),
  };
});

/** Keys of a docker build, and of a container run (dockerConfigIssues). */
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

/** A docker task's `config`: a build, a container run, or both (built on first use). */
export const dockerConfig = once(() =>
  z.strictObject({
    // build
    dockerfile: processText.optional().describe(
      "The Dockerfile to build, relative to the workflow file (default: context/Dockerfile)",
    ),
    context: processText.optional().describe(
      "The build context folder, relative to the workflow file",
    ),
    tags: z.array(processText).optional().describe(
      "Tags for the built image (docker build -t)",
    ),
    build_args: envMap.optional().describe(
      "Build arguments (docker build --build-arg NAME=value)",
    ),
    push: z.boolean().optional().describe(
      "true: push the built image's tags (needs tags)",
    ),
    // run
    image: processText.optional().describe(
      "The image to run a container from (docker run)",
    ),
    command: z.union([processText, z.array(processText)]).optional().describe(
      "The container's command: a string (split like a shell would) or a list of arguments; needs image",
    ),
    volumes: z.array(processText).optional().describe(
      "Volumes to mount (docker run -v HOST:CONTAINER); needs image",
    ),
    ports: z.array(processText).optional().describe(
      "Ports to publish (docker run -p HOST:CONTAINER); needs image",
    ),
    env: envMap.optional().describe(
      "Environment variables inside the container (docker run -e); needs image",
    ),
    /** The working directory inside the container (`docker run -w`). */
    workdir: processText.optional().describe(
      "The working directory inside the container (docker run -w); needs image",
    ),
    network: processText.optional().describe(
      "The network to attach the container to (docker run --network); needs image",
    ),
    pull: z.enum(["always", "missing", "never"]).optional().describe(
      "When to pull the image: always, missing (default) or never; needs image",
    ),
    remove: z.boolean().optional().describe(
      "Remove the container when it exits (default true); needs image",
    ),
  }).superRefine(dockerConfigIssues).meta({ allOf: dockerSchemaRules() })
);

/**
 * {@link dockerConfigIssues} as JSON Schema, so editors and Ajv apply the same rules: a build
 * or run key, build keys only with a build, run keys only with `image`, `push: true` with tags.
 */
function dockerSchemaRules(): Record<string, unknown>[] {
  const build = { anyOf: [{ required: ["dockerfile"] }, { required: ["context"] }] };
  return [
    { anyOf: [{ required: ["image"] }, ...build.anyOf] },
    ...DOCKER_BUILD_ONLY.map((key) => ({ if: { required: [key] }, then: build })),
    ...DOCKER_RUN_ONLY.map((key) => ({ if: { required: [key] }, then: { required: ["image"] } })),
    {
      if: { properties: { push: { const: true } }, required: ["push"] },
      then: { properties: { tags: { type: "array", minItems: 1 } }, required: ["tags"] },
    },
  ];
}

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

/** A javascript task's fields: a script or code, and arguments (built on first use). */
export const scriptConfig = once(() => ({
  /** Path to a script file, relative to the workflow file. */
  script: processText.optional().describe(
    "Path to a script file, relative to the workflow file (give script or code)",
  ),
  /** Inline source code. */
  code: z.string().optional().describe(
    "Inline source code (give script or code)",
  ),
  args: z.array(processText).optional().describe(
    "Arguments passed to the script",
  ),
}));

/** A python task's fields: a script or code, and the interpreter (default `python3` from PATH). */
export const pythonConfig = once(() => ({
  ...scriptConfig(),
  interpreter: processText.min(1, "interpreter is empty").optional().describe(
    "The Python interpreter: a name looked up on PATH or a path (default python3)",
  ),
}));

/** A database task's `config`: the connection and what to run (built on first use). */
export const databaseConfig = once(() =>
  z.strictObject({
    connection: z.string().min(1).describe(
      "The database URL: postgres://..., or sqlite:path (may use ${env.NAME})",
    ),
    query: sqlText.optional().describe(
      "SQL to run; a ${...} in it is bound as a parameter",
    ),
    file: z.string().optional().describe(
      "A .sql file to run, relative to the workflow file",
    ),
    migrations_path: z.string().optional().describe(
      "A folder of NNN_name.sql migrations, applied in number order",
    ),
    rollback_on_failure: z.boolean().optional().describe(
      "true: undo this run's migrations (newest first) when one fails",
    ),
  }).refine((c) => c.query || c.file || c.migrations_path, {
    message: "database config needs `query`, `file` or `migrations_path`",
  }).meta({
    // The refinement above, for editors: one of the three, not empty.
    anyOf: ["query", "file", "migrations_path"].map((key) => ({
      properties: { [key]: { type: "string", minLength: 1 } },
      required: [key],
    })),
  })
);

/**
 * A sub-workflow: `file` (relative to this workflow's file, no `${...}`: it is checked
 * when validating) runs as its own recorded run; `params` are passed to its `params:`.
 */
export const workflowCallConfig = once(() => ({
  file: z.string().min(1, "file is empty").describe(
    "The workflow file to run, relative to this workflow's file",
  ),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional().describe("Values for the called workflow's params (may use ${...})"),
}));

/** Whether a javascript/python task or processor has exactly one of `script` and `code`. */
export function needsScriptOrCode(task: object): boolean {
  const { script, code } = task as { script?: string; code?: string };
  return Boolean(script) !== Boolean(code);
}
/** The message when {@link needsScriptOrCode} fails. */
export const SCRIPT_OR_CODE = {
  message: "give exactly one of `script` (a file) or `code` (inline)",
};
/** {@link needsScriptOrCode} for editors: exactly one of the two, not empty. */
export const SCRIPT_OR_CODE_SCHEMA = {
  oneOf: ["script", "code"].map((key) => ({
    title: key === "script" ? "With a script file" : "With inline code",
    properties: { [key]: { type: "string", minLength: 1 } },
    required: [key],
  })),
};
