/**
 * The command-line parser: turns argv into a verb call (or help, or the version) using
 * the verbs' declarations. Plain TypeScript without dependencies, because importing a
 * CLI library (and the Node built-ins it pulls in) cost more start-up time than
 * `weft history` spends on its work.
 *
 * Accepted forms: `--name value`, `--name=value`, `-n value`, `-nvalue`, grouped short
 * flags (`-qv`), `--no-<name>` for negatable flags, repeatable options (collected in
 * order), `--` to end options, and `-` as an ordinary argument (stdin). A value-taking
 * option takes the next word whatever it looks like, as commander did.
 * @module
 */
import { suggest } from "../parse/suggest.ts";
import {
  type ArgumentValues,
  camelCase,
  HELP_OPTION,
  type OptionDef,
  type OptionValues,
  type ProgramDef,
  type VerbDef,
} from "./command.ts";
import { programHelp, verbHelp } from "./help.ts";
import { pushAll } from "../arrays.ts";

/** A mistake in how weft was called: printed with a pointer to `--help`, exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help to point at: `weft`, `weft run`, `weft history prune`. */
    readonly command: string,
    /** A close match for what was mistyped (a verb, an option, a value). */
    readonly suggestion?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** What the command line asks for. */
export type Invocation =
  | { kind: "print"; text: string; stream: "stdout" | "stderr"; exitCode: number }
  | {
    kind: "verb";
    verb: VerbDef;
    /** `weft history prune`: for messages. */
    command: string;
    args: ArgumentValues;
    options: OptionValues;
  };

/** The result of parsing one verb's words: a call, or its help was asked for. */
export type VerbParse =
  | { kind: "help"; verb: VerbDef; command: string }
  | { kind: "verb"; verb: VerbDef; command: string; args: ArgumentValues; options: OptionValues };

/**
 * Parses the whole command line. Throws {@link UsageError} for unknown verbs or
 * options, missing arguments or values, and values outside an option's choices.
 */
export function parseCommandLine(program: ProgramDef, argv: readonly string[]): Invocation {
  const [first, ...rest] = argv;
  if (first === undefined) {
    return { kind: "print", text: programHelp(program), stream: "stderr", exitCode: 2 };
  }
  if (first === "-h" || first === "--help") return printed(programHelp(program));
  if (first === "-V" || first === "--version") return printed(`${program.version}\n`);
  if (first === "help") return printed(helpFor(program, rest));
  if (first.length > 1 && first.startsWith("-")) {
    const name = first.replace(/=.*/, "");
    const close = suggest(name, ["--help", "--version"]);
    throw new UsageError(`unknown option '${name}'`, program.name, close);
  }
  const verb = findVerb(program.verbs, first, program.name);
  const parsed = parseVerb(verb, `${program.name} ${verb.name}`, rest);
  if (parsed.kind === "help") return printed(verbHelp(parsed.command, parsed.verb));
  return parsed;
}

/**
 * Parses the words after a verb's name: its options, arguments and subcommand.
 * Options before a subcommand's name belong to the subcommand (`weft history --home
 * DIR prune` prunes DIR).
 */
export function parseVerb(verb: VerbDef, command: string, words: readonly string[]): VerbParse {
  const at = verb.subcommands?.length ? firstPositional(verb, words) : -1;
  const sub = at < 0 ? undefined : verb.subcommands?.find((s) => s.name === words[at]);
  if (sub) {
    const subWords = [...words.slice(0, at), ...words.slice(at + 1)];
    return parseVerb(sub, `${command} ${sub.name}`, subWords);
  }

  const options = verb.options ?? [];
  const values: OptionValues = {};
  for (const option of options) {
    if (option.negatable) values[camelCase(option.long)] = true;
    else if (option.default !== undefined) values[camelCase(option.long)] = option.default;
  }
  /** Lists of repeatable options made here, by option key. */
  const collected = new Map<string, string[]>();
  /** The options given, for OptionDef.conflicts. */
  const given = new Set<OptionDef>();
  const set = (option: OptionDef, value?: string) => {
    given.add(option);
    const key = camelCase(option.long);
    if (value === undefined) {
      values[key] = !option.negatable;
      collected.delete(key);
      return;
    }
    if (option.choices && !option.choices.includes(value)) {
      throw new UsageError(
        `option '${flagName(option)}' argument '${value}' is invalid; use one of: ${
          option.choices.join(", ")
        }`,
        command,
        suggest(value, option.choices),
      );
    }
    if (!option.repeatable) {
      values[key] = value;
      return;
    }
    // Appended in place: 70,000 `-p` values take linear time, not a copy per value.
    let list = collected.get(key);
    if (list === undefined) {
      list = [];
      collected.set(key, list);
      values[key] = list;
    }
    list.push(value);
  };

  const positionals: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === "--") {
      pushAll(positionals, words.slice(i + 1));
      break;
    }
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const name = eq < 0 ? word.slice(2) : word.slice(2, eq);
      const option = findLong(options, name);
      if (option === undefined) throw unknownOption(`--${name}`, options, command);
      if (option === HELP_OPTION) return { kind: "help", verb, command };
      if (!option.value) {
        if (eq >= 0) throw new UsageError(`option '--${name}' takes no value`, command);
        set(option);
        continue;
      }
      const value = eq >= 0 ? word.slice(eq + 1) : words[++i];
      if (value === undefined) throw missingValue(option, command);
      set(option, value);
    } else if (word.length > 1 && word.startsWith("-")) {
      // A group of short options: flags until one that takes a value, which takes the
      // rest of the word (`-pk=v`) or else the next word (`-p k=v`).
      for (let j = 1; j < word.length; j++) {
        const option = findShort(options, word[j]);
        if (option === undefined) throw unknownOption(`-${word[j]}`, options, command);
        if (option === HELP_OPTION) return { kind: "help", verb, command };
        if (!option.value) {
          set(option);
          continue;
        }
        const value = j + 1 < word.length ? word.slice(j + 1) : words[++i];
        if (value === undefined) throw missingValue(option, command);
        set(option, value);
        break;
      }
    } else {
      positionals.push(word);
    }
  }
  for (const option of given) {
    const other = [...given].find((o) => option.conflicts?.includes(o.long));
    if (other) {
      throw new UsageError(
        `options '${flagName(option)}' and '${flagName(other)}' contradict each other; give one`,
        command,
      );
    }
  }
  return {
    kind: "verb",
    verb,
    command,
    args: assignArguments(verb, positionals, command),
    options: values,
  };
}

/** Matches positionals to the verb's declared arguments. */
function assignArguments(verb: VerbDef, positionals: string[], command: string): ArgumentValues {
  const declared = verb.arguments ?? [];
  if (declared.length === 0 && verb.subcommands?.length && positionals.length > 0) {
    const names = verb.subcommands.map((s) => s.name);
    throw new UsageError(
      `unknown command '${positionals[0]}' for '${command}'`,
      command,
      suggest(positionals[0], names),
    );
  }
  const args: ArgumentValues = {};
  let next = 0;
  for (const argument of declared) {
    const key = camelCase(argument.name);
    if (argument.variadic) {
      args[key] = positionals.slice(next);
      next = positionals.length;
      if (argument.required && args[key].length === 0) {
        throw missingArgument(argument.name, command);
      }
    } else if (next < positionals.length) {
      args[key] = positionals[next++];
    } else if (argument.required) {
      throw missingArgument(argument.name, command);
    }
  }
  if (next < positionals.length) {
    const most = declared.length;
    throw new UsageError(
      `too many arguments for '${command}': expected at most ${most}, got ${positionals.length} (${
        positionals.join(" ")
      })`,
      command,
    );
  }
  return args;
}

/** Index of the first word that is not an option or an option's value; -1 if none. */
function firstPositional(verb: VerbDef, words: readonly string[]): number {
  const options = verb.options ?? [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === "--") return -1;
    if (word.startsWith("--")) {
      if (!word.includes("=") && findLong(options, word.slice(2))?.value) i++;
    } else if (word.length > 1 && word.startsWith("-")) {
      for (let j = 1; j < word.length; j++) {
        if (!findShort(options, word[j])?.value) continue;
        if (j + 1 === word.length) i++;
        break;
      }
    } else {
      return i;
    }
  }
  return -1;
}

/** `weft help`, `weft help run`, `weft help history prune`. */
function helpFor(program: ProgramDef, names: readonly string[]): string {
  if (names.length === 0) return programHelp(program);
  let verb = findVerb(program.verbs, names[0], program.name);
  let command = `${program.name} ${verb.name}`;
  for (const name of names.slice(1)) {
    verb = findVerb(verb.subcommands ?? [], name, command);
    command += ` ${verb.name}`;
  }
  return verbHelp(command, verb);
}

function findVerb(verbs: readonly VerbDef[], name: string, command: string): VerbDef {
  const verb = verbs.find((v) => v.name === name);
  if (verb) return verb;
  const names = verbs.map((v) => v.name);
  throw new UsageError(`unknown command '${name}'`, command, suggest(name, names));
}

function findLong(options: readonly OptionDef[], name: string): OptionDef | undefined {
  if (name === HELP_OPTION.long) return HELP_OPTION;
  return options.find((o) => (o.negatable ? `no-${o.long}` : o.long) === name);
}

function findShort(options: readonly OptionDef[], letter: string): OptionDef | undefined {
  if (letter === HELP_OPTION.short) return HELP_OPTION;
  return options.find((o) => o.short === letter);
}

/** `--max-parallel`, `--no-color`: the option as written on the command line. */
function flagName(option: OptionDef): string {
  return `--${option.negatable ? "no-" : ""}${option.long}`;
}

function unknownOption(flag: string, options: readonly OptionDef[], command: string) {
  const known = [...options, HELP_OPTION].map(flagName);
  // `--color` when only `--no-color` exists is too far for spelling, but what was meant.
  const negated = known.find((k) => k === `--no-${flag.slice(2)}`);
  const close = flag.startsWith("--") ? negated ?? suggest(flag, known) : undefined;
  return new UsageError(`unknown option '${flag}'`, command, close);
}

function missingValue(option: OptionDef, command: string): UsageError {
  const short = option.short ? `-${option.short}, ` : "";
  return new UsageError(
    `option '${short}${flagName(option)} <${option.value}>' argument missing`,
    command,
  );
}

function missingArgument(name: string, command: string): UsageError {
  return new UsageError(`missing required argument '${name}'`, command);
}

function printed(text: string): Invocation {
  return { kind: "print", text, stream: "stdout", exitCode: 0 };
}
