/**
 * The work of `weft create` and `weft generate` (declared in create.ts): lists the
 * templates, or builds one, renders it (templates/render.ts) and writes it to a new
 * file or to stdout.
 * @module
 */
import { basename, resolve } from "node:path";
import { WeftError } from "../model/errors.ts";
import { UsageError } from "./argv.ts";
import type { CreateFlags } from "./create.ts";
import { type CliIO, err, out, outData, outJson } from "./io.ts";
import { shellWord, toStdout } from "./stdout.ts";
import { writeError, writePrivateText } from "./write_private.ts";
// Static: the templates are part of the module graph, so `deno compile` carries them.
import { findTemplate, TEMPLATES } from "../templates/mod.ts";
import { renderTemplate } from "../templates/render.ts";
import { maxOf } from "../arrays.ts";

/** Lists the templates, or writes the workflow from one; resolves to the exit code. */
export async function runCreate(io: CliIO, flags: CreateFlags, command: string): Promise<number> {
  if (flags.list) {
    const rows = TEMPLATES.map((t) => ({ name: t.id, description: t.summary }));
    if (flags.json) await outJson(io, rows);
    else {
      const width = maxOf(rows.map((r) => r.name.length));
      await out(io, rows.map((r) => `${r.name.padEnd(width)}  ${r.description}\n`).join(""));
    }
    return 0;
  }
  if (flags.json) throw new UsageError("--json goes with --list", command);
  const option = command === "weft generate" ? "--type" : "--template";
  if (flags.template === undefined) {
    throw new UsageError(`${option} is required (weft create --list shows the templates)`, command);
  }
  const template = findTemplate(flags.template);
  if (!template) throw await unknownTemplate(flags.template, TEMPLATES.map((t) => t.id));
  const name = flags.name ?? template.id;
  await checkName(name);
  const format = chooseFormat(flags, command);
  // `-o -` is stdout, as `-` is stdin for `weft run -` / `weft validate -` (stdout.ts).
  const output = toStdout(flags.output) ? undefined : flags.output;
  const text = renderTemplate(template.build(name), format, {
    template: template.id,
    file: output === undefined ? undefined : shellWord(output),
  });
  if (output === undefined) {
    await outData(io, text);
    return 0;
  }
  await writeNew(resolve(io.cwd, output), output, text, flags.force === true);
  // The file as a shell word, so the advice runs on it whatever its name (`-x.yml`, `a b.yml`).
  const word = shellWord(output);
  await err(
    io,
    `wrote ${output} (${template.id} template, ${format})\n` +
      `  next: weft validate ${word} && weft run --dry-run ${word}\n`,
  );
  return 0;
}

/** The error for an unknown template: a close match, and the known ones. */
async function unknownTemplate(word: string, ids: string[]): Promise<WeftError> {
  const { didYouMean } = await import("../parse/suggest.ts");
  const close = didYouMean(word, ids);
  return new WeftError(`unknown template ${JSON.stringify(word)}`, {
    hint: `${close ? close + " " : ""}the templates are ${ids.join(", ")} (weft create --list)`,
  });
}

/** The workflow name must pass the same check as a name in a file. */
async function checkName(name: string): Promise<void> {
  if (name.trim() === "") {
    throw new WeftError("--name is empty", { hint: "give the workflow a name: --name deploy" });
  }
  const { workflowName } = await import("../model/fields.ts");
  const parsed = workflowName.safeParse(name);
  if (parsed.success) return;
  const issue = parsed.error.issues[0];
  const hint = (issue as { params?: { hint?: string } }).params?.hint;
  throw new WeftError(`--name: ${issue.message}`, { hint });
}

/**
 * The format: `--format`, else the `--output` extension, else YAML. A `--format` the
 * extension contradicts is refused, since weft reads a file by its extension.
 */
function chooseFormat(flags: CreateFlags, command: string): "yaml" | "json" {
  const file = flags.output?.toLowerCase() ?? "";
  const byName = file.endsWith(".json")
    ? "json"
    : file.endsWith(".yml") || file.endsWith(".yaml")
    ? "yaml"
    : undefined;
  if (flags.format && byName && flags.format !== byName) {
    throw new UsageError(
      `--format ${flags.format} does not match ${basename(flags.output!)}: weft reads ` +
        `a ${byName === "json" ? ".json" : ".yml"} file as ${byName}`,
      command,
    );
  }
  return flags.format ?? byName ?? "yaml";
}

/**
 * Writes `text` to `path` as a new private file (0600, like every file weft creates;
 * O_EXCL, so an existing file is never replaced by accident). `force` replaces an
 * existing file's text and keeps its mode (see writePrivateText).
 */
async function writeNew(path: string, shown: string, text: string, force: boolean) {
  try {
    await writePrivateText(path, text, force);
  } catch (e) {
    if (e instanceof Deno.errors.IsADirectory || (await isFolder(path))) {
      throw new WeftError(`${shown} is a folder; nothing was written`, {
        hint: "give --output a file name (deploy.yml)",
      });
    }
    if (e instanceof Deno.errors.AlreadyExists) {
      throw new WeftError(`${shown} already exists; nothing was written`, {
        hint: "choose another --output, or add --force to replace it",
      });
    }
    throw await writeError(e, shown, path, "--output");
  }
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}
