/**
 * The shape of foreign_code.ts's table: how one program that reads program text in another
 * language lays out its words (read by foreign_words.ts), with helpers for its entries.
 * @module
 */

/** How one program lays out its words, and what to tell a user who put a value in its code. */
export interface ForeignProgram {
  /** The language of the program text, for the message ("Python", "SQL"…). */
  readonly language: string;
  /** Option letters whose argument (attached or the next word) is program text. */
  readonly codeLetters?: string;
  /** Long options whose argument (`--name=…` or the next word) is program text. */
  readonly codeLongs?: readonly string[];
  /** Option letters taking the next word (unless attached) as a data argument. */
  readonly argLetters?: string;
  /** Long options taking the next word (unless `=…`) as a data argument. */
  readonly argLongs?: readonly string[];
  /** Long options taking the next TWO words as data (`jq --arg NAME VALUE`). */
  readonly pairLongs?: readonly string[];
  /** Option letters whose argument is the rest of the word, if any (`sed -i[SUFFIX]`, `perl -x[DIR]`). */
  readonly attachedLetters?: string;
  /**
   * Option letters taking an attached argument of the form the pattern matches (from the
   * text after the letter), after which the cluster goes on: perl's `-l[octal]`, so that
   * `-lne` is `-l -n -e`.
   */
  readonly numberLetters?: Readonly<Record<string, RegExp>>;
  /** Option letters whose attached argument (the rest of the word) is program text (perl's `-MMODULE` is `use MODULE;`). */
  readonly attachedCodeLetters?: string;
  /**
   * Option letters and long options whose argument is program text too, besides the
   * program's code operand (yq's `-s`/`--split-exp EXPRESSION`).
   */
  readonly alsoCodeLetters?: string;
  readonly alsoCodeLongs?: readonly string[];
  /** Long options after which the first operand is program text (node's `-p`/`--print`). */
  readonly operandCodeLongs?: readonly string[];
  /** Option letters naming a file or module that holds the program: then no operand is code. */
  readonly fileLetters?: string;
  /** Long options doing the same (`--file`, `--from-file`). */
  readonly fileLongs?: readonly string[];
  /**
   * Long options are written with one dash (`sqlite3 -cmd`, `pwsh -Command`), and such a
   * word is one option, never a cluster of letters.
   */
  readonly singleDash?: boolean;
  /**
   * Long options are matched whatever their case (`pwsh -command` is `-Command`): the
   * names in the lists are compared lower-cased.
   */
  readonly caseless?: boolean;
  /**
   * An option word this matches passes every word from it on to something other than the
   * program text (`sqlite3 DB -A ARGS…`, whose words are `.archive`'s arguments): data.
   */
  readonly restOption?: RegExp;
  /**
   * The first operand ends the options: the words after it are the program's arguments; so
   * does a file option's argument (`python3 -m MOD ARG…`, `pwsh -File F ARG…`).
   */
  readonly operandEndsOptions?: boolean;
  /** The words after the program text are its arguments (`python3 -c CODE ARG…`). */
  readonly codeEndsOptions?: boolean;
  /** The operand (0-based) that is program text when no code or file option was given. */
  readonly codeOperand?: number;
  /** Operands from this one on are all program text (`sqlite3 DB SQL…`), whatever the options. */
  readonly codeOperandsFrom?: number;
  /** The first operand must be this word (`deno eval`), else nothing is code. */
  readonly subcommand?: string;
  /** Words that, as the first operand, name a subcommand and are skipped (`yq eval FILTER`). */
  readonly optionalSubcommands?: readonly string[];
  /** The safe way to write it. */
  readonly hint: string;
}

export const ENV_HINT = (example: string) =>
  `pass the value as an argument or through the environment and read it there: ${example}`;

/** A program whose only code is an option's argument, with a hint through the environment. */
export const codeOption = (
  language: string,
  letters: string,
  longs: readonly string[],
  example: string,
  extra: Partial<ForeignProgram> = {},
): ForeignProgram => ({
  language,
  codeLetters: letters,
  codeLongs: longs,
  hint: ENV_HINT(example),
  ...extra,
});
