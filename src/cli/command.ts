/**
 * How a verb is declared: its arguments, options, help text and what it runs. The
 * parser (argv.ts) and the help (help.ts) read these definitions; nothing here does
 * work, so importing every verb's definition stays cheap at start-up.
 * @module
 */
import { HOME_RESOLUTION } from "./home.ts";
import type { CliIO } from "./io.ts";

/** A positional argument of a verb. */
export interface ArgumentDef {
  /** Shown in usage (`<run-id>`); its camelCase form is the key in {@link ArgumentValues}. */
  name: string;
  description: string;
  /** A required argument missing from the command line is a usage error. */
  required?: boolean;
  /** Takes every remaining positional (only the last argument may be variadic). */
  variadic?: boolean;
  /** The values it takes, offered by shell completion (the verb itself checks them). */
  choices?: readonly string[];
}

/** An option of a verb. Its camelCase long name is its key in {@link OptionValues}. */
export interface OptionDef {
  /** Long name without dashes: `max-parallel` is `--max-parallel`, key `maxParallel`. */
  long: string;
  /** One letter without the dash: `p` is `-p`. */
  short?: string;
  /** The value's placeholder when the option takes one (`n` shows as `<n>`). */
  value?: string;
  /** Collect every occurrence into an array (only with `value`). */
  repeatable?: boolean;
  /**
   * Written `--no-<long>`: the key is true unless the option is given, then false
   * (`--no-color` gives `color: false`).
   */
  negatable?: boolean;
  /** The only values accepted (only with `value`). */
  choices?: readonly string[];
  /** The value when the option is not given (only with `value`). */
  default?: string;
  /**
   * Values shell completion offers (only with `value`), where the verb checks the value
   * itself (`create --template`: its own error names the close match and the list).
   */
  completions?: readonly string[];
  /**
   * Long names of options that contradict this one (`quiet` and `verbose`): giving both
   * is a usage error, rather than one silently winning.
   */
  conflicts?: readonly string[];
  description: string;
}

/** Options as parsed: a string, a string[] (repeatable), a boolean (flags) or absent. */
export type OptionValues = Record<string, string | string[] | boolean | undefined>;

/** Positional arguments as parsed: a string, a string[] (variadic) or absent. */
export type ArgumentValues = Record<string, string | string[] | undefined>;

/** One verb (or subcommand) of the CLI. */
export interface VerbDef {
  name: string;
  /** One line, for the command list and the top of the verb's help. */
  summary: string;
  arguments?: readonly ArgumentDef[];
  options?: readonly OptionDef[];
  /** Shown after the options in `--help`: examples, notes, exit codes. */
  examples?: string;
  /** Verbs under this one (`weft history prune`). */
  subcommands?: readonly VerbDef[];
  /**
   * Does the verb's work; resolves to the exit code. Throws WeftError for bad input.
   * Loads heavy modules with `await import()` so that declaring the verb stays cheap.
   */
  run(args: ArgumentValues, options: OptionValues, io: CliIO): Promise<number>;
}

/** The whole CLI: the verbs plus what the top-level help shows. */
export interface ProgramDef {
  name: string;
  version: string;
  summary: string;
  verbs: readonly VerbDef[];
  /** Shown at the end of the top-level help. */
  footer?: string;
}

/** The option every verb has. */
export const HELP_OPTION: OptionDef = {
  long: "help",
  short: "h",
  description: "display help for command",
};

/** `max-parallel` → `maxParallel`: the key an option or argument is stored under. */
export function camelCase(name: string): string {
  return name.replace(/-+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The `--home DIR` option the history verbs and `run` share. */
export const HOME_OPTION: OptionDef = {
  long: "home",
  value: "dir",
  description: HOME_RESOLUTION,
};

/**
 * Parsed values viewed as a verb's own flags (or arguments) interface. Sound when the
 * interface mirrors the declaration, because the parser guarantees the shapes: a
 * value option is a string (string[] when repeatable), a flag is a boolean, a
 * negatable flag or an option with a `default` is always present, a variadic
 * argument is a string[], and a required argument is always present.
 */
export function typed<T>(values: OptionValues | ArgumentValues): T {
  return values as unknown as T;
}
