/**
 * Programs whose arguments hold program text in a language other than the shell's:
 * `python3 -c CODE`, `perl -e CODE`, `node -e CODE`, `awk 'PROGRAM'`, `sed 'SCRIPT'`,
 * `jq 'FILTER'`, `deno eval CODE`, `sqlite3 DB 'SQL'`, `psql -c SQL`… A value spliced into
 * such text is read as code by that program (`print('${x}')` with `x')…` closes the string),
 * and weft cannot quote it for a language it does not parse, so a `${...}` there is refused
 * (shell_later.ts "foreign", read by foreign_words.ts; refused by shell_deferred.ts). Values outside the program text stay data:
 * arguments after it (`python3 -c '…' "${x}"`), `awk -v x="${x}"`, `jq --arg x "${x}"`, a
 * database file's name.
 *
 * Option syntax is that of each program's manual (python(1) 3.12, perl(1)/perlrun 5.36,
 * ruby(1) 3.x, node(1) 20, deno 2 `deno eval`, bun, php(1) 8 CLI, lua(1) 5.4, Rscript,
 * julia(1), osascript(1), GNU awk(1) 5, mawk(1), GNU sed(1) 4.9, jq(1) 1.7, sqlite3 3.4x
 * shell, duckdb CLI, psql(1) 15, mysql(1)/mariadb, clickhouse-client, cqlsh, sqlcmd,
 * mongosh, vim(1) `-c`/`--cmd`, emacs(1) `--eval`, expect(1) `-c`, dc(1) `-e`). Words are
 * plain (quotes removed, shell_words.ts Word.plain). An option a table misses that takes an
 * argument makes that argument look like an operand: for programs whose first operand is
 * code (awk, sed, jq) that refuses a value weft could have let through, never the reverse.
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
  /** Option letters whose argument is attached only, if any (`sed -i[SUFFIX]`, `perl -0777`). */
  readonly attachedLetters?: string;
  /** Option letters naming a file or module that holds the program: then no operand is code. */
  readonly fileLetters?: string;
  /** Long options doing the same (`--file`, `--from-file`). */
  readonly fileLongs?: readonly string[];
  /**
   * Long options are written with one dash (`sqlite3 -cmd`, `pwsh -Command`), and such a
   * word is one option, never a cluster of letters.
   */
  readonly singleDash?: boolean;
  /** The first operand ends the options: the words after it are the program's arguments. */
  readonly operandEndsOptions?: boolean;
  /** The words after the program text are its arguments (`python3 -c CODE ARG…`). */
  readonly codeEndsOptions?: boolean;
  /** The operand (0-based) that is program text when no code or file option was given. */
  readonly codeOperand?: number;
  /** Operands from this one on are all program text (`sqlite3 DB SQL…`), whatever the options. */
  readonly codeOperandsFrom?: number;
  /** The first operand must be this word (`deno eval`), else nothing is code. */
  readonly subcommand?: string;
  /** The safe way to write it. */
  readonly hint: string;
}

const SQL_HINT = "use a `type: database` task, which binds each ${...} as a parameter, or " +
  "keep the statement fixed and pass the value as data the client binds (psql: " +
  "`psql -v x=\"${params.x}\" -f query.sql` with `:'x'` in the file)";
const ENV_HINT = (example: string) =>
  `pass the value as an argument or through the environment and read it there: ${example}`;

const PYTHON: ForeignProgram = {
  language: "Python",
  codeLetters: "c",
  argLetters: "WX",
  fileLetters: "m",
  operandEndsOptions: true,
  codeEndsOptions: true,
  hint: ENV_HINT(`\`python3 -c 'import sys; print(sys.argv[1])' "\${params.x}"\``),
};
const PERL: ForeignProgram = {
  language: "Perl",
  codeLetters: "eE",
  attachedLetters: "0CdDiIlmMxV",
  operandEndsOptions: true,
  hint: ENV_HINT(`\`perl -e 'print $ARGV[0]' "\${params.x}"\` (or \`$ENV{X}\`)`),
};
const RUBY: ForeignProgram = {
  language: "Ruby",
  codeLetters: "e",
  argLetters: "CEIr",
  attachedLetters: "0FiKTWx",
  operandEndsOptions: true,
  hint: ENV_HINT(`\`ruby -e 'puts ARGV[0]' "\${params.x}"\``),
};
const NODE: ForeignProgram = {
  language: "JavaScript",
  codeLetters: "ep",
  codeLongs: ["eval", "print"],
  argLetters: "r",
  argLongs: ["require", "import", "loader", "experimental-loader", "input-type", "conditions"],
  operandEndsOptions: true,
  hint: ENV_HINT(`\`X="\${params.x}" node -e 'console.log(process.env.X)'\``),
};
const AWK: ForeignProgram = {
  language: "awk",
  codeLetters: "e",
  codeLongs: ["source"],
  argLetters: "vFilEW",
  argLongs: ["assign", "field-separator", "include", "load", "exec"],
  fileLetters: "f",
  fileLongs: ["file"],
  operandEndsOptions: true,
  codeOperand: 0,
  hint: "pass the value as an awk variable, which stays data: " +
    "`awk -v x=\"${params.x}\" '{print x}'` (or, with backslashes kept as written, " +
    '`X="${params.x}" awk \'{print ENVIRON["X"]}\'`)',
};
const SED: ForeignProgram = {
  language: "sed",
  codeLetters: "e",
  codeLongs: ["expression"],
  argLetters: "l",
  argLongs: ["line-length"],
  attachedLetters: "i",
  fileLetters: "f",
  fileLongs: ["file"],
  codeOperand: 0,
  hint: "sed has no variables to hold a value, so its script must stay fixed: replace with " +
    'a program that reads the value as data, e.g. `X="${params.x}" perl -pe ' +
    "'s/NAME/$ENV{X}/g'` (`\\Q$ENV{X}\\E` to match it literally)",
};
const JQ: ForeignProgram = {
  language: "jq",
  argLetters: "L",
  argLongs: ["indent"],
  pairLongs: ["arg", "argjson", "slurpfile", "rawfile"],
  fileLetters: "f",
  fileLongs: ["from-file"],
  codeOperand: 0,
  hint: "pass the value with `--arg`, which keeps it a string: " +
    "`jq --arg x \"${params.x}\" '.[$x]'` (`--argjson` for JSON)",
};
const SQLITE: ForeignProgram = {
  language: "SQL",
  codeLongs: ["cmd"],
  argLongs: ["separator", "newline", "nullvalue", "init", "vfs", "mmap", "escape", "maxsize"],
  singleDash: true,
  codeOperandsFrom: 1,
  hint: SQL_HINT,
};
const DUCKDB: ForeignProgram = { ...SQLITE, codeLongs: ["cmd", "c", "s"] };
const PSQL: ForeignProgram = {
  language: "SQL",
  codeLetters: "c",
  codeLongs: ["command"],
  argLetters: "dhpUfoLPFRTv",
  argLongs: [
    "dbname",
    "host",
    "port",
    "username",
    "file",
    "output",
    "log-file",
    "pset",
    "field-separator",
    "record-separator",
    "table-attr",
    "set",
    "variable",
  ],
  hint: SQL_HINT,
};
const MYSQL: ForeignProgram = {
  language: "SQL",
  codeLetters: "e",
  codeLongs: ["execute"],
  argLetters: "uhPDS",
  argLongs: ["user", "host", "port", "database", "socket"],
  attachedLetters: "p",
  hint: SQL_HINT,
};
/** A program whose only code is an option's argument, with a hint through the environment. */
const codeOption = (
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

/** By base name; a name with a version after it (`python3.12`, `lua5.4`) is looked up without. */
export const FOREIGN_PROGRAMS: Record<string, ForeignProgram> = {
  python: PYTHON,
  pypy: PYTHON,
  perl: PERL,
  ruby: RUBY,
  node: NODE,
  nodejs: NODE,
  bun: NODE,
  deno: {
    language: "JavaScript",
    subcommand: "eval",
    argLongs: ["ext"],
    codeOperand: 1,
    operandEndsOptions: true,
    hint: ENV_HINT(`\`deno eval 'console.log(Deno.args[0])' "\${params.x}"\``),
  },
  php: codeOption("PHP", "rBRE", [], `\`php -r 'echo $argv[1];' "\${params.x}"\``, {
    argLetters: "cdzfF",
    operandEndsOptions: true,
  }),
  lua: codeOption("Lua", "e", [], `\`X="\${params.x}" lua -e 'print(os.getenv("X"))'\``, {
    argLetters: "l",
    operandEndsOptions: true,
  }),
  luajit: codeOption("Lua", "e", [], `\`X="\${params.x}" luajit -e 'print(os.getenv("X"))'\``, {
    argLetters: "lj",
    operandEndsOptions: true,
  }),
  Rscript: codeOption("R", "e", [], `\`Rscript -e 'print(commandArgs(TRUE)[1])' "\${params.x}"\``),
  R: codeOption("R", "e", [], `\`X="\${params.x}" R -e 'print(Sys.getenv("X"))'\``),
  julia: codeOption(
    "Julia",
    "eE",
    ["eval", "print"],
    `\`julia -e 'println(ARGS[1])' "\${params.x}"\``,
    {
      argLetters: "JLpt",
      operandEndsOptions: true,
    },
  ),
  osascript: codeOption(
    "AppleScript",
    "e",
    [],
    "`osascript -e 'on run argv' -e 'item 1 of argv' -e 'end run' \"${params.x}\"`",
    {
      argLetters: "ls",
    },
  ),
  pwsh: codeOption(
    "PowerShell",
    "",
    ["c", "Command", "command", "EncodedCommand", "e"],
    "`$env:X` with `X=\"${params.x}\" pwsh -c '…'`",
    {
      singleDash: true,
    },
  ),
  expect: codeOption("Tcl", "c", [], "`X=\"${params.x}\" expect -c '… $env(X) …'`"),
  dc: codeOption("dc", "e", ["expression"], "a file or standard input that holds only the value"),
  vim: codeOption("Vim script", "c", ["cmd"], "`X=\"${params.x}\" vim -c '… $X …'`"),
  mongosh: codeOption(
    "JavaScript",
    "",
    ["eval"],
    "`X=\"${params.x}\" mongosh --eval 'process.env.X'`",
  ),
  awk: AWK,
  gawk: AWK,
  mawk: AWK,
  nawk: AWK,
  sed: SED,
  gsed: SED,
  jq: JQ,
  gojq: JQ,
  jaq: JQ,
  sqlite: SQLITE,
  duckdb: DUCKDB,
  psql: PSQL,
  mysql: MYSQL,
  mariadb: MYSQL,
  "clickhouse-client": {
    ...MYSQL,
    codeLetters: "q",
    codeLongs: ["query"],
    argLetters: "hdu",
    attachedLetters: "",
  },
  cqlsh: { ...MYSQL, codeLongs: ["execute"], argLetters: "uk", attachedLetters: "p" },
  sqlcmd: {
    ...MYSQL,
    codeLetters: "Qq",
    codeLongs: [],
    argLetters: "SUPdHit",
    attachedLetters: "",
  },
};
for (const alias of ["nvim", "vi", "ex", "view", "gvim"]) {
  FOREIGN_PROGRAMS[alias] = FOREIGN_PROGRAMS.vim;
}
FOREIGN_PROGRAMS.emacs = codeOption(
  "Emacs Lisp",
  "",
  ["eval"],
  '`X="${params.x}" emacs --batch --eval \'(princ (getenv "X"))\'`',
);
FOREIGN_PROGRAMS.powershell = FOREIGN_PROGRAMS.pwsh;

/** The table's entry for a program's base name, if any (`python3.12` → python). */
export function foreignProgram(
  name: string,
): { name: string; program: ForeignProgram } | undefined {
  if (Object.hasOwn(FOREIGN_PROGRAMS, name)) return { name, program: FOREIGN_PROGRAMS[name] };
  const bare = name.replace(/[0-9][0-9.]*$/, "");
  if (bare !== name && Object.hasOwn(FOREIGN_PROGRAMS, bare)) {
    return { name: bare, program: FOREIGN_PROGRAMS[bare] };
  }
}
