/**
 * Generates `schemas/workflow.schema.json` (the JSON Schema editors use) from the zod
 * workflow schema. `--check` compares instead of writing and exits 1 when the
 * committed file is stale (CI runs `deno task gen:schema --check`).
 * @module
 */
import { z } from "zod";
import { workflowSchema } from "../src/model/workflow.ts";

/** Where editors and `$schema` keys find the schema. */
export const SCHEMA_PATH = new URL("../schemas/workflow.schema.json", import.meta.url);

/** The schema's identity; stable across versions so editor settings keep working. */
export const SCHEMA_ID = "https://weft.invalid/schemas/workflow.schema.json";

/** The JSON Schema text: deterministic, two-space indented, trailing newline. */
export function renderSchema(): string {
  const generated = z.toJSONSchema(workflowSchema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  const document = {
    $schema,
    $id: SCHEMA_ID,
    title: "Weft workflow",
    description:
      "A Weft workflow file (JSON or YAML): name, tasks with dependencies, triggers, notifications and alerts. Generated from src/model by `deno task gen:schema`; do not edit.",
    ...rest,
  };
  return JSON.stringify(document, null, 2) + "\n";
}

if (import.meta.main) {
  const expected = renderSchema();
  // `--file PATH` targets another file (tests use it); the default is the committed one.
  const fileFlag = Deno.args.indexOf("--file");
  const target = fileFlag >= 0 ? Deno.args[fileFlag + 1] : SCHEMA_PATH;
  const name = fileFlag >= 0 ? String(target) : "schemas/workflow.schema.json";
  if (Deno.args.includes("--check")) {
    let current = "";
    try {
      current = await Deno.readTextFile(target);
    } catch {
      // A missing file is stale too.
    }
    if (current !== expected) {
      console.error(
        `${name} is out of date with src/model; run \`deno task gen:schema\` and commit it`,
      );
      Deno.exit(1);
    }
    console.error(`${name} is up to date`);
  } else {
    await Deno.writeTextFile(target, expected);
    console.error(`wrote ${name}`);
  }
}
