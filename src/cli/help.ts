/**
 * `--help` text, generated from the verbs' declarations: usage line, summary,
 * arguments, an aligned options table, subcommands, then the verb's examples.
 * @module
 */
import { HELP_OPTION, type OptionDef, type ProgramDef, type VerbDef } from "./command.ts";

/** Help is laid out for this many columns; longer descriptions wrap. */
const WIDTH = 80;

/** The help of one verb; `command` is how it is called (`weft history prune`). */
export function verbHelp(command: string, verb: VerbDef): string {
  const args = (verb.arguments ?? []).map((a) => [a.name, a.description]);
  const options = [...(verb.options ?? []), HELP_OPTION].map((o) => [
    optionFlags(o),
    optionText(o),
  ]);
  const subs = (verb.subcommands ?? []).map((s) => [s.name + usageTail(s), s.summary]);
  // One left column width for every section, so the descriptions line up.
  const left = Math.max(...[...args, ...options, ...subs].map(([name]) => name.length));
  const parts = [`Usage: ${command}${usageTail(verb)}`, verb.summary];
  if (args.length > 0) parts.push("Arguments:\n" + columns(args, left));
  parts.push("Options:\n" + columns(options, left));
  if (subs.length > 0) parts.push("Commands:\n" + columns(subs, left));
  if (verb.examples) parts.push(verb.examples.trim());
  return parts.join("\n\n") + "\n";
}

/** The top-level help: every verb with its summary. */
export function programHelp(program: ProgramDef): string {
  const verbs = program.verbs.map((v) => [v.name + usageTail(v), v.summary]);
  verbs.push(["help [command]", "display help for command"]);
  const options = [
    ["-V, --version", "output the version number"],
    [optionFlags(HELP_OPTION), HELP_OPTION.description],
  ];
  const parts = [
    `Usage: ${program.name} [options] <command>`,
    program.summary,
    "Commands:\n" + columns(verbs, Math.max(...verbs.map(([name]) => name.length))),
    "Options:\n" + columns(options, Math.max(...options.map(([name]) => name.length))),
    `Run '${program.name} <command> --help' for a command's options and examples.`,
  ];
  if (program.footer) parts.push(program.footer.trim());
  return parts.join("\n\n") + "\n";
}

/** ` [options] [command] <file>`: what follows a verb's name in its usage line. */
function usageTail(verb: VerbDef): string {
  let tail = " [options]";
  if (verb.subcommands?.length) tail += " [command]";
  for (const a of verb.arguments ?? []) {
    const name = a.variadic ? `${a.name}...` : a.name;
    tail += a.required ? ` <${name}>` : ` [${name}]`;
  }
  return tail;
}

/** `-p, --param <name=value>` or `--no-color`. */
function optionFlags(option: OptionDef): string {
  const short = option.short ? `-${option.short}, ` : "";
  const long = `--${option.negatable ? "no-" : ""}${option.long}`;
  return short + long + (option.value ? ` <${option.value}>` : "");
}

function optionText(option: OptionDef): string {
  let text = option.description;
  if (option.choices) text += ` (choices: ${option.choices.join(", ")})`;
  if (option.default !== undefined) text += ` (default: ${option.default})`;
  return text;
}

/**
 * Two columns, indented two spaces, the left one `left` wide; the right one wraps at
 * {@link WIDTH}.
 */
function columns(rows: string[][], left: number): string {
  const indent = 2 + left + 2;
  const room = Math.max(30, WIDTH - indent);
  return rows
    .map(([name, text]) =>
      wrap(text, room)
        .map((line, i) => (i === 0 ? `  ${name.padEnd(left)}  ` : " ".repeat(indent)) + line)
        .join("\n")
    )
    .join("\n");
}

/** Splits text into lines of at most `width` characters at spaces (long words stay whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines;
}
