/**
 * Programs whose arguments hold program text in a language other than the shell's:
 * `python3 -c CODE`, `perl -e CODE`, `node -e CODE`, `awk 'PROGRAM'`, `sed 'SCRIPT'`,
 * `jq 'FILTER'`, `deno eval CODE`, `sqlite3 DB 'SQL'`, `psql -c SQL`… A value spliced into
 * such text is read as code by that program (`print('${x}')` with `x')…` closes the string),
 * and weft cannot quote it for a language it does not parse, so a `${...}` there is refused
 * (shell_later.ts "foreign", read by foreign_words.ts; refused by shell_deferred.ts).
 * Values outside the program text stay data:
 * arguments after it (`python3 -c '…' "${x}"`), `awk -v x="${x}"`, `jq --arg x "${x}"`, a
 * database file's name.
 *
 * Option syntax is that of each program's manual (python(1) 3.12, perl(1)/perlrun 5.36,
 * ruby(1) 3.x, node(1) 20, deno 2 `deno eval`, bun, php(1) 8 CLI, lua(1) 5.4, Rscript,
 * julia(1), raku(1), groovy, babashka `bb`, osascript(1), GNU awk(1) 5, mawk(1), GNU sed(1) 4.9, jq(1) 1.7, sqlite3 3.4x
 * shell, duckdb CLI, psql(1) 15, mysql(1)/mariadb, clickhouse-client and -local, cqlsh,
 * sqlcmd, mongosh and the legacy mongo shell, mikefarah/yq v4 and kislyuk/yq, ipython,
 * vim(1) `-c`/`--cmd`, emacs(1) `--eval`, expect(1) `-c`, dc(1) `-e`). Words are plain
 * (quotes removed, shell_words.ts Word.plain); clusters are read as foreign_words.ts says.
 * An option a table misses that takes an argument makes that argument look like an operand: for programs whose first operand is
 * code (awk, sed, jq) that refuses a value weft could have let through, never the reverse.
 * @module
 */
import { codeOption, ENV_HINT, type ForeignProgram } from "./foreign_program.ts";
import { QUERY_TOOLS } from "./foreign_query_tools.ts";

export type { ForeignProgram } from "./foreign_program.ts";

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
  argLetters: "I",
  attachedLetters: "DixV",
  // -l[octal] (3 digits), -0[octal] or -0xHEX (the whole rest: else -0 -x…), -C[number/list].
  numberLetters: {
    l: /^[0-7]{0,3}/,
    "0": /^(?:x[0-9A-Fa-f]+$|[0-7]{0,4})/,
    C: /^(?:[0-9]+|[IOEioSDALa]*)/,
  },
  // -M/-m are `use`/`no` of their text, -d:MOD is `use Devel::MOD`, -F's text goes into split(…).
  attachedCodeLetters: "MmdF",
  operandEndsOptions: true,
  hint: ENV_HINT(`\`perl -e 'print $ARGV[0]' "\${params.x}"\` (or \`$ENV{X}\`)`),
};
const RUBY: ForeignProgram = {
  language: "Ruby",
  codeLetters: "e",
  argLetters: "CEIr",
  attachedLetters: "Fix",
  // -0[octal], -T[level], -W[level] or -W:CATEGORY, -K with one letter; the cluster goes on.
  numberLetters: { "0": /^[0-7]{0,3}/, T: /^[0-9]*/, W: /^(?::.*|[0-2]?)/, K: /^./ },
  operandEndsOptions: true,
  hint: ENV_HINT(`\`ruby -e 'puts ARGV[0]' "\${params.x}"\``),
};
// node has no clusters: `-pe` is its own alias of `--print --eval`, and `-p` (`--print`)
// makes the first operand the code (`node -p CODE`, `node -p -e CODE`).
const NODE: ForeignProgram = {
  language: "JavaScript",
  singleDash: true,
  codeLongs: ["eval", "e", "pe"],
  operandCodeLongs: ["print", "p"],
  argLongs: [
    "require",
    "r",
    "import",
    "loader",
    "experimental-loader",
    "input-type",
    "conditions",
    "C",
    "env-file",
  ],
  operandEndsOptions: true,
  hint: ENV_HINT(`\`X="\${params.x}" node -e 'console.log(process.env.X)'\``),
};
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
    // `deno eval --help` (2.x): the options taking a value as the next word.
    argLetters: "c",
    argLongs: [
      "ext",
      "config",
      "import-map",
      "node-modules-linker",
      "cert",
      "min-dep-age",
      "inspect-publish-uid",
      "location",
      "seed",
      "preload",
      "require",
      "conditions",
    ],
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
  // Rscript [options] [-e expr]… [file] [args]: the script's own `-e` is its argument.
  Rscript: codeOption(
    "R",
    "e",
    [],
    `\`Rscript -e 'print(commandArgs(TRUE)[1])' "\${params.x}"\``,
    { operandEndsOptions: true },
  ),
  R: codeOption("R", "e", [], `\`X="\${params.x}" R -e 'print(Sys.getenv("X"))'\``),
  raku: codeOption("Raku", "e", [], `\`raku -e 'say @*ARGS[0]' "\${params.x}"\``, {
    argLetters: "IM",
    operandEndsOptions: true,
  }),
  groovy: codeOption("Groovy", "e", [], `\`groovy -e 'println args[0]' "\${params.x}"\``, {
    argLongs: ["cp", "classpath"],
    attachedLetters: "D", // -Dname=value
    operandEndsOptions: true,
  }),
  bb: codeOption(
    "Clojure",
    "e",
    ["eval"],
    `\`bb -e '(println (first *command-line-args*))' "\${params.x}"\``,
    {
      argLongs: ["cp", "classpath", "config", "deps-root"],
      fileLetters: "fm",
      fileLongs: ["file", "main"],
      operandEndsOptions: true,
    },
  ),
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
      operandEndsOptions: true, // osascript [-l L] [-e S | programfile] [argument…]
    },
  ),
  // about_Pwsh (PowerShell 7): parameters in any case; `-File F` and a first operand (the
  // script) pass the words after them to the script, so its own `-c` there is data.
  pwsh: codeOption(
    "PowerShell",
    "",
    ["c", "Command", "EncodedCommand", "e", "ec"],
    "`$env:X` with `X=\"${params.x}\" pwsh -c '…'`",
    {
      singleDash: true,
      caseless: true,
      fileLongs: ["File", "f"],
      argLongs: [
        "ConfigurationName",
        "config",
        "ConfigurationFile",
        "CustomPipeName",
        "ExecutionPolicy",
        "ex",
        "ep",
        "InputFormat",
        "inp",
        "if",
        "OutputFormat",
        "o",
        "of",
        "SettingsFile",
        "settings",
        "WindowStyle",
        "w",
        "WorkingDirectory",
        "wd",
      ],
      operandEndsOptions: true,
    },
  ),
  // expect [-dDinN] [-c cmds] [[-f|-b] cmdfile] [args]: the words after the script are its own.
  expect: codeOption("Tcl", "c", [], "`X=\"${params.x}\" expect -c '… $env(X) …'`", {
    argLetters: "D",
    fileLetters: "fb",
    operandEndsOptions: true,
  }),
  dc: codeOption("dc", "e", ["expression"], "a file or standard input that holds only the value"),
  vim: codeOption("Vim script", "c", ["cmd"], "`X=\"${params.x}\" vim -c '… $X …'`"),
  mongosh: codeOption(
    "JavaScript",
    "",
    ["eval"],
    "`X=\"${params.x}\" mongosh --eval 'process.env.X'`",
  ),
  mongo: codeOption(
    "JavaScript",
    "",
    ["eval"],
    "`mongosh`, which reads the environment: `X=\"${params.x}\" mongosh --eval 'process.env.X'`",
  ),
  ipython: {
    ...PYTHON,
    argLetters: "",
    hint: ENV_HINT(`\`X="\${params.x}" ipython -c 'import os; print(os.environ["X"])'\``),
  },
  ...QUERY_TOOLS,
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
