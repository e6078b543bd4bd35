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
