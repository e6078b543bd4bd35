/**
 * `weft create` and `weft generate` (the seed's verbs): write a new workflow from one of
 * the built-in templates (src/templates/), as YAML with comments or as JSON, to a file
 * or to stdout. `weft create --list` lists the templates. The work is in create_run.ts,
 * loaded when the verb runs (node:path, yaml), so declaring the verbs stays cheap.
 * @module
 */
import { type OptionDef, typed, type VerbDef } from "./command.ts";
import type { CliIO } from "./io.ts";

/**
 * The templates' ids, for shell completion without loading them (templates/mod.ts
 * TEMPLATES, which tests/cli_completions_test.ts holds equal to this).
 */
export const TEMPLATE_IDS = ["web-app", "ci-cd", "backup", "etl", "health-check"] as const;

/** The flags `create` and `generate` share, as the parser gives them. */
export interface CreateFlags {
  name?: string;
  template?: string;
  type?: string;
  format?: "yaml" | "json";
  output?: string;
  force?: boolean;
  list?: boolean;
  json?: boolean;
}

const SHARED_OPTIONS: readonly OptionDef[] = [
  {
    long: "name",
    short: "n",
    value: "name",
    description: "the workflow's name (default: the template's)",
  },
  {
    long: "format",
    value: "format",
    choices: ["yaml", "json"],
    description: "yaml (with comments) or json (default: from the --output extension, else yaml)",
  },
  {
    long: "output",
    short: "o",
    value: "file",
    description:
      "write to this file (default or `-`: stdout); an existing file is never overwritten",
  },
  { long: "force", short: "f", description: "overwrite the --output file if it exists" },
];

const CREATE_EXAMPLES = `Examples:
  weft create --list                                    the templates, one line each
  weft create --name deployment --template web-app      print the workflow (YAML) on stdout
  weft create -n nightly --template backup -o backup.yml
  weft create -n deploy --template web-app --format json -o deployment-workflow.json
  weft create -n deploy --template web-app -o deploy.yml --force   replace deploy.yml

Templates: web-app, ci-cd, backup, etl, health-check (weft create --list).
Exit codes: 0 written, 2 unknown template, bad option, or the --output file exists.`;

const GENERATE_EXAMPLES = `Examples:
  weft generate --type ci-cd --output ci-workflow.json  JSON, from the extension
  weft generate --type etl -o etl.yml --name orders-etl
  weft generate --type health-check                     print it (YAML) on stdout

The same as weft create --template T; weft create --list lists the types.`;

/** The `create` verb. */
export const createVerb: VerbDef = {
  name: "create",
  summary: "write a new workflow from a template (web-app, ci-cd, backup, etl, health-check)",
  options: [
    {
      long: "template",
      short: "t",
      value: "template",
      description: "the template to start from",
      completions: TEMPLATE_IDS,
    },
    ...SHARED_OPTIONS,
    { long: "list", short: "l", description: "list the templates and what each does" },
    { long: "json", description: "with --list: print the list as JSON [{name, description}]" },
  ],
  examples: CREATE_EXAMPLES,
  run: (_args, options, io) => create(io, typed<CreateFlags>(options), "weft create"),
};

/** The `generate` verb: `create` with `--type` for `--template`, as the seed writes it. */
export const generateVerb: VerbDef = {
  name: "generate",
  summary: "write a new workflow of a type (the same as create --template)",
  options: [
    {
      long: "type",
      value: "type",
      description: "the template to start from",
      completions: TEMPLATE_IDS,
    },
    ...SHARED_OPTIONS,
  ],
  examples: GENERATE_EXAMPLES,
  run: (_args, options, io) => {
    const flags = typed<CreateFlags>(options);
    return create(io, { ...flags, template: flags.type }, "weft generate");
  },
};

/** Runs `create` or `generate` (`command` names it in usage errors). */
async function create(io: CliIO, flags: CreateFlags, command: string): Promise<number> {
  const { runCreate } = await import("./create_run.ts");
  return await runCreate(io, flags, command);
}
