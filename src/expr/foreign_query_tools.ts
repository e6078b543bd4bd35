/**
 * foreign_code.ts's entries for text tools and query clients: awk, sed, jq, yq and the SQL
 * shells, whose program text is an operand or an option's argument. Sources as listed in
 * foreign_code.ts; yq: mikefarah/yq v4 and kislyuk/yq 3; trino CLI, beeline (Hive),
 * `cockroach sql`.
 * @module
 */
import type { ForeignProgram } from "./foreign_program.ts";

const SQL_HINT = "use a `type: database` task, which binds each ${...} as a parameter, or " +
  "keep the statement fixed and pass the value as data the client binds (psql: " +
  "`psql -v x=\"${params.x}\" -f query.sql` with `:'x'` in the file)";
const AWK: ForeignProgram = {
  language: "awk",
  codeLetters: "e",
  codeLongs: ["source"],
  argLetters: "vFilW",
  argLongs: ["assign", "field-separator", "include", "load"],
  fileLetters: "fE",
  fileLongs: ["file", "exec"],
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
  argLongs: ["indent", "library-path"], // jq 1.8, gojq and jaq spell -L out
  pairLongs: ["arg", "argjson", "slurpfile", "rawfile"],
  fileLetters: "f",
  fileLongs: ["from-file"],
  codeOperand: 0,
  hint: "pass the value with `--arg`, which keeps it a string: " +
    "`jq --arg x \"${params.x}\" '.[$x]'` (`--argjson` for JSON)",
};
/**
 * yq: mikefarah's (v4: `yq [eval|e|eval-all|ea] [flags] EXPRESSION [FILE…]`, `-s EXPR` is
 * an expression too) and kislyuk's jq wrapper (jq's options, `-y`, `-w WIDTH`).
 */
const YQ: ForeignProgram = {
  language: "yq",
  codeLongs: ["expression"],
  alsoCodeLetters: "s",
  alsoCodeLongs: ["split-exp"],
  // mikefarah's -f is --front-matter (an argument), kislyuk's a file: read as an argument,
  // so that the operand after it stays code.
  argLetters: "opIwLf",
  argLongs: [
    "output-format",
    "input-format",
    "indent",
    "width",
    "yaml-output-grammar-version",
    "yml-out-ver",
    "csv-separator",
    "tsv-separator",
    "properties-separator",
    "xml-attribute-prefix",
    "xml-content-name",
    "xml-proc-inst-prefix",
    "xml-directive-name",
    "lua-prefix",
    "lua-suffix",
    "shell-key-separator",
    "front-matter",
    // kislyuk's xq
    "xml-item-depth",
    "xml-root",
    "xml-force-list",
  ],
  pairLongs: JQ.pairLongs,
  fileLongs: ["from-file"],
  optionalSubcommands: ["eval", "e", "eval-all", "ea"],
  codeOperand: 0,
  hint: "pass the value through the environment, which `strenv` reads as a string: " +
    '`X="${params.x}" yq \'.a = strenv(X)\' f.yml` (the jq wrapper yq: `--arg x "${params.x}"`)',
};
// sqlite3 shell 3.4x `-help`; `-A ARGS…` hands the rest to `.archive` (shell.c: "All
// remaining command-line arguments are passed to the .archive command"), `-Acf` included.
const SQLITE: ForeignProgram = {
  language: "SQL",
  codeLongs: ["cmd"],
  argLongs: [
    "separator",
    "newline",
    "nullvalue",
    "init",
    "vfs",
    "mmap",
    "escape",
    "maxsize",
    "nonce",
    "heap",
  ],
  pairLongs: ["lookaside", "pagecache"],
  restOption: /^--?A/,
  singleDash: true,
  codeOperandsFrom: 1,
  hint: SQL_HINT,
};
// duckdb CLI `-help`: `-f FILENAME` runs a file of SQL (a file name, not the text).
const DUCKDB: ForeignProgram = {
  ...SQLITE,
  codeLongs: ["cmd", "c", "s"],
  argLongs: ["separator", "newline", "nullvalue", "init", "f"],
  pairLongs: [],
  restOption: undefined,
};
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
/** By base name. */
export const QUERY_TOOLS: Record<string, ForeignProgram> = {
  awk: AWK,
  gawk: AWK,
  mawk: AWK,
  nawk: AWK,
  sed: SED,
  gsed: SED,
  jq: JQ,
  gojq: JQ,
  jaq: JQ,
  yq: YQ,
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
  "clickhouse-local": {
    ...MYSQL,
    codeLetters: "q",
    codeLongs: ["query"],
    argLetters: "SNF",
    argLongs: ["structure", "table", "file", "input-format", "output-format", "database"],
    fileLongs: ["queries-file"],
    attachedLetters: "",
  },
  trino: {
    ...MYSQL,
    codeLetters: "",
    codeLongs: ["execute"],
    argLetters: "",
    argLongs: ["server", "catalog", "schema", "user", "session", "source", "output-format"],
    attachedLetters: "",
  },
  beeline: {
    ...MYSQL,
    codeLetters: "e",
    codeLongs: [],
    argLetters: "undpfi",
    argLongs: ["hivevar", "hiveconf", "property-file"],
    attachedLetters: "",
  },
  // `cockroach sql` (an applet of the cockroach binary, shell_remote_wrappers.ts)
  "cockroach-sql": {
    ...MYSQL,
    codeLetters: "e",
    codeLongs: ["execute"],
    argLetters: "d",
    argLongs: ["url", "host", "port", "user", "database", "certs-dir", "format", "set"],
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
