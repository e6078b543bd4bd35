/**
 * `weft completions bash|zsh|fish`: a shell completion script generated from the same
 * verb definitions as `--help` (src/cli/main.ts PROGRAM): verbs, subcommands, options
 * (with their choices), and workflow files (`*.yml`, `*.yaml`, `*.json` and folders)
 * for an argument named `file`, `files` or `workflow` (`weft run`, `weft validate`).
 * An option whose value is a `dir` or `file` completes paths.
 * @module
 */
import { ExitCode } from "../model/errors.ts";
import { HELP_OPTION, type OptionDef, type ProgramDef, type VerbDef } from "./command.ts";
import { out } from "./io.ts";
import { UsageError } from "./argv.ts";

/** The shells a script can be generated for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;

/** One verb (or `verb sub`) as the scripts see it. */
interface Entry {
  /** `""` for the top level, `run`, `history prune`. */
  path: string;
  summary: string;
  options: readonly OptionDef[];
  subs: readonly VerbDef[];
  files: boolean;
  /** The values of its first argument, where they are a fixed list (`completions bash`). */
  values: readonly string[];
}

/** The `completions` verb. */
export const completionsVerb: VerbDef = {
  name: "completions",
  summary: "print a shell completion script (bash, zsh or fish)",
  arguments: [{ name: "shell", description: "bash, zsh or fish", required: true, choices: SHELLS }],
  examples: `
Examples:
  weft completions bash > ~/.local/share/bash-completion/completions/weft
  source <(weft completions bash)     this shell only

Install:
  bash: weft completions bash > ~/.local/share/bash-completion/completions/weft
  zsh:  weft completions zsh > "\${fpath[1]}/_weft"   (then restart zsh)
  fish: weft completions fish > ~/.config/fish/completions/weft.fish`,
  run: async (args, _options, io) => {
    const shell = String(args.shell);
    if (!(SHELLS as readonly string[]).includes(shell)) {
      throw new UsageError(
        `unknown shell '${shell}' (one of: ${SHELLS.join(", ")})`,
        "weft completions",
      );
    }
    // Imported here: main.ts imports this module to list the verb.
    const { PROGRAM } = await import("./main.ts");
    await out(io, completionScript(PROGRAM, shell as (typeof SHELLS)[number]));
    return ExitCode.Ok;
  },
};

/** The completion script for `shell`, for every verb of `program`. */
export function completionScript(program: ProgramDef, shell: (typeof SHELLS)[number]): string {
  const entries = flatten(program);
  if (shell === "bash") return bashScript(program.name, entries);
  if (shell === "zsh") return zshScript(program.name, entries);
  return fishScript(program.name, entries);
}

function flatten(program: ProgramDef): Entry[] {
  const top: Entry = {
    path: "",
    summary: program.summary,
    options: [HELP_OPTION, { long: "version", short: "V", description: "output the version" }],
    subs: [...program.verbs, { name: "help", summary: "display help for command" } as VerbDef],
    files: false,
    values: [],
  };
  const list = [top];
  const walk = (verb: VerbDef, prefix: string) => {
    const path = prefix ? `${prefix} ${verb.name}` : verb.name;
    list.push({
      path,
      summary: verb.summary,
      options: [...(verb.options ?? []), HELP_OPTION],
      subs: verb.subcommands ?? [],
      files: (verb.arguments ?? []).some((a) => /^(file|files|workflow)$/.test(a.name)),
      values: verb.arguments?.[0]?.choices ?? [],
    });
    for (const sub of verb.subcommands ?? []) walk(sub, path);
  };
  for (const verb of program.verbs) walk(verb, "");
  return list;
}

function words(option: OptionDef): string[] {
  const long = `--${option.negatable ? "no-" : ""}${option.long}`;
  return option.short ? [long, `-${option.short}`] : [long];
}

/** What an option's value completes to: its choices, paths, or nothing (free text). */
function valueKind(option: OptionDef): { choices?: readonly string[]; paths?: boolean } {
  if (option.choices) return { choices: option.choices };
  if (option.completions) return { choices: option.completions };
  return /^(dir|file|path)$/.test(option.value ?? "") ? { paths: true } : {};
}

/** Single-quoted for sh-like shells. */
function q(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The lines (the same in bash and zsh) that set `$path` to the verb path: the words before
 * the current one that name a verb or one of its subcommands, options skipped. `array` is
 * the shell's array of words, `first` the index of the word after the program name, and
 * `current` the variable holding the current word's index.
 */
function verbPath(fn: string, array: string, first: number, current: string): string {
  return `  for ((i = ${first}; i < ${current}; i++)); do
    w="\${${array}[i]}"
    [[ $w == -* ]] && continue
    if [[ -z $path ]]; then path="$w"; elif ${fn}_has "$path $w"; then path="$path $w"; fi
  done
  [[ $path == help ]] && path=""`;
}

function bashScript(name: string, entries: Entry[]): string {
  const fn = `_${name.replace(/\W/g, "_")}_complete`;
  const cases = entries.map((e) => {
    const opts = e.options.flatMap(words).join(" ");
    const values = e.options.filter((o) => o.value).map((o) => {
      const kind = valueKind(o);
      const action = kind.choices
        ? `COMPREPLY=($(compgen -W ${q(kind.choices.join(" "))} -- "$cur"))`
        : kind.paths
        ? `${fn}_paths`
        : "COMPREPLY=()";
      return `        ${words(o).join("|")}) ${action}; return ;;`;
    });
    return `    ${q(e.path)})
      opts=${q(opts)}; subs=${q([...e.subs.map((s) => s.name), ...e.values].join(" "))}; files=${
      e.files ? 1 : 0
    }
      case "$prev" in
${values.join("\n")}
      esac ;;`;
  });
  return `# ${name} completion for bash, generated by \`${name} completions bash\`.
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local path="" i w opts subs files
  # The verb path: the leading words that name a verb or one of its subcommands.
${verbPath(fn, "COMP_WORDS", 1, "COMP_CWORD")}
  case "$path" in
${cases.join("\n")}
    *) return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  if [[ $files == 1 ]]; then
    local f
    while IFS= read -r f; do
      if [[ -d $f || $f == *.yml || $f == *.yaml || $f == *.json ]]; then COMPREPLY+=("$f"); fi
    done < <(compgen -f -- "$cur")
    compopt -o filenames 2>/dev/null
  fi
}
# Paths for an option's value, one reply per line of compgen: \$(...) would split
# "my flow.yml" into two replies.
${fn}_paths() {
  local f
  COMPREPLY=()
  while IFS= read -r f; do COMPREPLY+=("$f"); done < <(compgen -f -- "$cur")
  compopt -o filenames 2>/dev/null
}
${fn}_has() {
  case "$1" in
    ${entries.filter((e) => e.path).map((e) => q(e.path)).join("|")}) return 0 ;;
  esac
  return 1
}
complete -F ${fn} ${name}
`;
}

function zshScript(name: string, entries: Entry[]): string {
  const fn = `_${name.replace(/\W/g, "_")}`;
  const cases = entries.map((e) => {
    const specs = e.options.map((o) => {
      const kind = valueKind(o);
      const desc = o.description.replace(/[[\]:'\\]/g, " ");
      const action = !o.value
        ? ""
        : kind.choices
        ? `:${o.value}:(${kind.choices.join(" ")})`
        : kind.paths
        ? `:${o.value}:_files`
        : `:${o.value}: `;
      const names = words(o);
      const head = names.length > 1 ? `{${names.join(",")}}` : names[0];
      return `        ${head}${q(`[${desc}]${action}`)}`;
    });
    const subs = [
      ...e.subs.map((s) => q(`${s.name}:${s.summary.replaceAll(":", " ")}`)),
      ...e.values.map((v) => q(v)),
    ];
    return `    ${q(e.path)})
      opts=(
${specs.join("\n")}
      )
      subs=(${subs.join(" ")}); files=${e.files ? 1 : 0} ;;`;
  });
  return `#compdef ${name}
# ${name} completion for zsh, generated by \`${name} completions zsh\`.
${fn}() {
  local path="" w i files=0
  local -a opts subs
${verbPath(fn, "words", 2, "CURRENT")}
  case "$path" in
${cases.join("\n")}
    *) return 1 ;;
  esac
  if [[ \${words[CURRENT]} == -* ]]; then
    _arguments -s $opts
    return
  fi
  (( \${#subs} )) && _describe -t commands command subs
  (( files )) && _files -g '*.(yml|yaml|json)(-.)'
  return 0
}
${fn}_has() {
  case "$1" in
    ${entries.filter((e) => e.path).map((e) => q(e.path)).join("|")}) return 0 ;;
  esac
  return 1
}
compdef ${fn} ${name}
`;
}

function fishScript(name: string, entries: Entry[]): string {
  const lines = [
    `# ${name} completion for fish, generated by \`${name} completions fish\`.`,
    `complete -c ${name} -f`,
    `function __${name}_workflow_files`,
    "    for f in (commandline -ct)*",
    "        if test -d $f",
    "            echo $f/",
    "        else if string match -qr '\\.(ya?ml|json)$' -- $f",
    "            echo $f",
    "        end",
    "    end",
    "end",
  ];
  const verbs = entries.filter((e) => e.path && !e.path.includes(" ")).map((e) => e.path);
  for (const e of entries) {
    const parts = e.path.split(" ").filter(Boolean);
    // The entry applies when its own words were seen and none of its subcommands yet.
    const cond = parts.length === 0 ? `not __fish_seen_subcommand_from ${verbs.join(" ")} help` : [
      ...parts.map((p) => `__fish_seen_subcommand_from ${p}`),
      ...(e.subs.length
        ? [`not __fish_seen_subcommand_from ${e.subs.map((s) => s.name).join(" ")}`]
        : []),
    ].join("; and ");
    for (const sub of e.subs) {
      lines.push(`complete -c ${name} -n ${q(cond)} -a ${q(sub.name)} -d ${q(sub.summary)}`);
    }
    for (const o of e.options) {
      const kind = valueKind(o);
      let spec = `complete -c ${name} -n ${q(cond)} -l ${o.negatable ? "no-" : ""}${o.long}`;
      if (o.short) spec += ` -s ${o.short}`;
      if (o.value) spec += kind.paths ? " -r -F" : " -x";
      if (kind.choices) spec += ` -a ${q(kind.choices.join(" "))}`;
      lines.push(`${spec} -d ${q(o.description)}`);
    }
    if (e.values.length) {
      lines.push(`complete -c ${name} -n ${q(cond)} -a ${q(e.values.join(" "))}`);
    }
    if (e.files) {
      lines.push(
        `complete -c ${name} -n ${q(cond)} -a ${q(`(__${name}_workflow_files)`)}`,
      );
    }
  }
  return lines.join("\n") + "\n";
}
