/**
 * Limits that more than one layer checks a value against, defined once here, below them
 * all: what `weft validate` refuses from the file's text (parse/, expr/) is then refused
 * by the run (tasks/, engine/) at the same bound.
 * @module
 */

/**
 * Linux's MAX_ARG_STRLEN (execve(2), "Limits on size of arguments and environment"): the
 * longest single argument or `NAME=value` environment string exec takes, its NUL
 * included, in bytes (32 pages). Checked by expr (a value a child shell reads), tasks
 * (tasks/exec_limits.ts) and the engine.
 */
export const MAX_ARG_STRLEN = 128 * 1024;

/**
 * The most patterns one glob's braces may expand to (`{a,b}{c,d}` is 4): weft's own
 * bound, so a brace bomb fails clearly instead of exhausting memory. Checked by
 * parse/glob_checks.ts (validate) and tasks/glob_files.ts (the run).
 */
export const MAX_GLOB_PATTERNS = 10_000;

/**
 * The longest output name (a `$WEFT_OUTPUT` key, or a name a task type gives an output),
 * in UTF-8 bytes: names are read as `${tasks.ID.outputs.NAME}` and shown in tables, as
 * task ids and workflow names are, which `weft validate` holds to the same 256. A longer
 * one fails the attempt that made it (engine/output_names.ts); values have limits of their
 * own (engine/output_files.ts for the file, store/records.ts for what a record keeps).
 */
export const MAX_OUTPUT_NAME_BYTES = 256;
