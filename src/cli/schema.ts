/**
 * `weft schema [--output FILE]`: prints the workflow JSON Schema (the one in
 * schemas/workflow.schema.json) for editors. The schema is embedded in the program
 * (src/model/schema_json.ts, written by `deno task gen:schema`), loaded only here, so a
 * compiled binary needs no file next to it.
 * @module
 */
import { WeftError } from "../model/errors.ts";
import { typed, type VerbDef } from "./command.ts";
import { type CliIO, err, outData } from "./io.ts";
import { toStdout } from "./stdout.ts";
import { writeError, writePrivateText } from "./write_private.ts";

/** The flags of `weft schema`. */
export interface SchemaFlags {
  output?: string;
}

const EXAMPLES = `Examples:
  weft schema > workflow.schema.json        the JSON Schema (draft 2020-12) on stdout
  weft schema -o .vscode/weft.schema.json   write it to a file (created 0600)

Register it in your editor: see "Editor support" in the README.`;

/** The `schema` verb. */
export const schemaVerb: VerbDef = {
  name: "schema",
  summary: "print the workflow JSON Schema, for editors (VS Code, JetBrains, Neovim)",
  options: [{
    long: "output",
    short: "o",
    value: "file",
    description: "write the schema to this file instead of stdout (`-`: stdout)",
  }],
  examples: EXAMPLES,
  run: (_args, options, io) => printSchema(io, typed<SchemaFlags>(options)),
};

/**
 * Writes the embedded schema to stdout, or to `flags.output` (relative to `io.cwd`).
 * Resolves to exit code 0; throws a {@link WeftError} when the file cannot be written.
 */
export async function printSchema(io: CliIO, flags: SchemaFlags): Promise<number> {
  const { WORKFLOW_SCHEMA_JSON } = await import("../model/schema_json.ts");
  // `-o -` is stdout (stdout.ts), never a file named `-`.
  if (toStdout(flags.output)) {
    await outData(io, WORKFLOW_SCHEMA_JSON);
    return 0;
  }
  if (flags.output.trim() === "") {
    // resolve() would make it the current folder: "cannot write … Is a directory".
    throw new WeftError("--output needs a file name, got an empty one", {
      hint: "e.g. weft schema -o weft.schema.json, or leave -o out for stdout",
    });
  }
  // node:path loads here, not with the CLI: it costs every command ~5 ms (issue 12 §3).
  const { resolve } = await import("node:path");
  const path = resolve(io.cwd, flags.output);
  try {
    // New: private (0600); an existing file keeps its owner's mode.
    await writePrivateText(path, WORKFLOW_SCHEMA_JSON, true);
  } catch (e) {
    // A device, a FIFO, a missing folder, a full disk: said in plain words, with what to do.
    throw await writeError(e, `the schema to ${path}`, path, "--output");
  }
  await err(io, `wrote ${path}\n`);
  return 0;
}
